/**
 * The audit log: who signed in (or failed to), and who changed what. Append-only; kept
 * for years (a provincial inspection can ask who changed an officer's unit in 2025).
 */
import { Schema, type Types } from 'mongoose';
import { defineModel } from '../db/models';

export interface AuditEvent {
  _id: Types.ObjectId;
  at: Date;
  /** e.g. "auth.sign_in", "auth.sign_in_failed", "officer.update", "import.run" */
  action: string;
  /** the account acting; null for anonymous attempts */
  actorId: Types.ObjectId | null;
  actorName: string | null;
  /** what was acted on, e.g. { type: 'officer', id } */
  subjectType: string | null;
  subjectId: string | null;
  /** the unit the change belongs to, so unit-scoped readers can filter */
  unitId: Types.ObjectId | null;
  ip: string | null;
  requestId: string | null;
  /** small, allowlisted facts (never passwords or tokens) */
  details: Record<string, unknown>;
}

const auditSchema = new Schema<AuditEvent>(
  {
    at: { type: Date, required: true },
    action: { type: String, required: true },
    actorId: { type: Schema.Types.ObjectId, default: null },
    actorName: { type: String, default: null },
    subjectType: { type: String, default: null },
    subjectId: { type: String, default: null },
    unitId: { type: Schema.Types.ObjectId, default: null },
    ip: { type: String, default: null },
    requestId: { type: String, default: null },
    details: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'audit_events', versionKey: false, minimize: false },
);
auditSchema.index({ at: -1 });
auditSchema.index({ actorId: 1, at: -1 });
auditSchema.index({ action: 1, at: -1 });

const auditModels = defineModel<AuditEvent>('AuditEvent', auditSchema);
export const auditModel = auditModels.model;
