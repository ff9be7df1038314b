/** Writing and reading the audit log. */
import type { Connection, Types } from 'mongoose';
import { trusted } from 'mongoose';
import { auditModel, type AuditEvent } from './model';

export interface AuditEntry {
  action: string;
  actor?: { id: Types.ObjectId | string; name: string } | null;
  subject?: { type: string; id: Types.ObjectId | string } | null;
  unitId?: Types.ObjectId | null;
  ip?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
}

/** Appends one event. */
export async function recordAudit(db: Connection, entry: AuditEntry): Promise<void> {
  await auditModel(db).create({
    at: new Date(),
    action: entry.action,
    actorId: entry.actor?.id ?? null,
    actorName: entry.actor?.name ?? null,
    subjectType: entry.subject?.type ?? null,
    subjectId: entry.subject ? String(entry.subject.id) : null,
    unitId: entry.unitId ?? null,
    ip: entry.ip ?? null,
    requestId: entry.requestId ?? null,
    details: entry.details ?? {},
  });
}

/** The newest events first, optionally of one action prefix ("auth."), a page at a time. */
export async function listAudit(db: Connection, options: { actionPrefix?: string; page: number; pageSize: number }): Promise<{ items: AuditEvent[]; total: number }> {
  const filter = options.actionPrefix ? { action: trusted({ $regex: `^${options.actionPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` }) } : {};
  const model = auditModel(db);
  const [items, total] = await Promise.all([
    model.find(filter).sort({ at: -1 }).skip((options.page - 1) * options.pageSize).limit(options.pageSize).lean<AuditEvent[]>(),
    model.countDocuments(filter),
  ]);
  return { items, total };
}
