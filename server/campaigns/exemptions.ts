/**
 * Exemptions (miễn bồi dưỡng trong năm): proposed for an officer by a manager or
 * coordinator of their subtree, with a reason and optionally an evidence file; approved
 * or refused by a coordinator (never the one who proposed it). Approval makes the
 * officer's enrolments of that year exempt: out of the completion rate, shown as exempt.
 */
import { Schema, trusted, type Connection, type Types } from 'mongoose';
import { defineModel } from '../db/models';
import { conflict, notFound } from '../errors';
import { enrolmentsChanged } from './events';
import { enrolmentModel } from './model';
import { notifyOfficers } from './notices';

export const EXEMPTION_KINDS = ['thai-san', 'om-dai-ngay', 'hoc-tap-trung', 'biet-phai', 'nghi-huu', 'khac'] as const;
export type ExemptionKind = (typeof EXEMPTION_KINDS)[number];
export type ExemptionStatus = 'proposed' | 'approved' | 'refused';

export interface Evidence {
  /** the stored file's name under DATA_DIR/evidence (random, never the uploaded name) */
  file: string;
  name: string;
  mime: string;
  size: number;
}

export interface Exemption {
  _id: Types.ObjectId;
  officerId: Types.ObjectId;
  /** the officer's unit when proposed (lists and scope) */
  unitId: Types.ObjectId;
  year: number;
  kind: ExemptionKind;
  reason: string;
  evidence: Evidence | null;
  status: ExemptionStatus;
  proposedBy: Types.ObjectId;
  decidedBy: Types.ObjectId | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  createdAt: Date;
}

const exemptionSchema = new Schema<Exemption>(
  {
    officerId: { type: Schema.Types.ObjectId, required: true },
    unitId: { type: Schema.Types.ObjectId, required: true },
    year: { type: Number, required: true },
    kind: { type: String, enum: EXEMPTION_KINDS, required: true },
    reason: { type: String, required: true },
    evidence: { type: new Schema<Evidence>({ file: String, name: String, mime: String, size: Number }, { _id: false }), default: null },
    status: { type: String, enum: ['proposed', 'approved', 'refused'], default: 'proposed' },
    proposedBy: { type: Schema.Types.ObjectId, required: true },
    decidedBy: { type: Schema.Types.ObjectId, default: null },
    decidedAt: { type: Date, default: null },
    decisionNote: { type: String, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'exemptions', versionKey: false },
);
exemptionSchema.index({ officerId: 1, year: 1 });
exemptionSchema.index({ unitId: 1, status: 1 });

const exemptionModels = defineModel<Exemption>('Exemption', exemptionSchema);
export const exemptionModel = exemptionModels.model;

/** Proposes an exemption; 404 without enrolments that year, 409 while another one waits for a decision. */
export async function proposeExemption(db: Connection, input: { officerId: Types.ObjectId; unitId: Types.ObjectId; year: number; kind: ExemptionKind; reason: string; evidence: Evidence | null }, by: Types.ObjectId, now: Date): Promise<Exemption> {
  if (!(await enrolmentModel(db).exists({ officerId: input.officerId, year: input.year }))) throw notFound('exemption_no_enrolment');
  if (await exemptionModel(db).exists({ officerId: input.officerId, year: input.year, status: 'proposed' })) throw conflict('exemption_pending');
  const created = await exemptionModel(db).create({ ...input, status: 'proposed', proposedBy: by, createdAt: now });
  return created.toObject();
}

export async function findExemptionOr404(db: Connection, id: Types.ObjectId): Promise<Exemption> {
  const exemption = await exemptionModel(db).findById(id).lean<Exemption>();
  if (!exemption) throw notFound('exemption_not_found');
  return exemption;
}

/**
 * Approves or refuses a proposed exemption (409 once decided, or for one's own proposal).
 * Approval marks the officer's enrolments of that year exempt; the officer is told either way.
 */
export async function decideExemption(db: Connection, exemption: Exemption, decision: 'approve' | 'refuse', note: string | null, by: Types.ObjectId, now: Date): Promise<Exemption> {
  if (exemption.proposedBy.equals(by)) throw conflict('exemption_own_proposal');
  const status: ExemptionStatus = decision === 'approve' ? 'approved' : 'refused';
  const decided = await exemptionModel(db)
    .findOneAndUpdate({ _id: exemption._id, status: 'proposed' }, { $set: { status, decidedBy: by, decidedAt: now, decisionNote: note } }, { returnDocument: 'after' })
    .lean<Exemption>();
  if (!decided) throw conflict('exemption_decided');
  if (status === 'approved') {
    await enrolmentModel(db).updateMany({ officerId: exemption.officerId, year: exemption.year, state: trusted({ $in: ['enrolled', 'exempt'] }) }, { $set: { state: 'exempt', exemptReason: exemption.kind, updatedAt: now } });
    await enrolmentsChanged(db, [exemption.officerId]);
  }
  await notifyOfficers(db, [exemption.officerId], status === 'approved' ? 'notice_exemption_approved' : 'notice_exemption_refused', { year: String(exemption.year), note: note ?? '' }, now);
  return decided;
}
