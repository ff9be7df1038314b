/**
 * What the subjects of audit events are called today: one query per kind of subject on
 * the page, so the log reads "Cán bộ: Nguyễn Thu Hà (CB0001)" instead of an object id.
 * A subject deleted since is shown by its kind and a short id.
 */
import { isValidObjectId, trusted, type Connection } from 'mongoose';
import type { AuditEvent } from '../audit/model';
import { isMessageId, type MessageId } from '../i18n';
import { campaignModel } from '../campaigns/model';
import { moduleModel, type LearningModule } from '../modules/model';
import { officerModel } from '../officers/model';
import { packageModel } from '../packages/model';
import { unitModel } from '../units/model';
import { userModel } from '../users/model';

/** "type:id" → what it is called */
export type SubjectNames = ReadonlyMap<string, string>;

export interface SubjectName {
  /** "Cán bộ", "Đơn vị"…; null for a kind without a label (shown as its code) */
  kind: MessageId | null;
  type: string;
  /** what it is called today; null when it no longer exists */
  name: string | null;
  /** the first 8 characters of its id, for a subject that no longer exists */
  shortId: string;
}

type Lookup = (db: Connection, ids: string[]) => Promise<Array<[string, string]>>;

const lookups: Readonly<Record<string, Lookup>> = {
  officer: async (db, ids) => (await officerModel(db).find({ _id: trusted({ $in: ids }) }, { fullName: 1, code: 1 }).lean()).map((o) => [String(o._id), `${o.fullName} (${o.code})`]),
  unit: async (db, ids) => (await unitModel(db).find({ _id: trusted({ $in: ids }) }, { name: 1, code: 1 }).lean()).map((u) => [String(u._id), `${u.name} (${u.code})`]),
  account: async (db, ids) => (await userModel(db).find({ _id: trusted({ $in: ids }) }, { displayName: 1 }).lean()).map((a) => [String(a._id), a.displayName]),
  module: async (db, ids) => (await moduleModel(db).find({ _id: trusted({ $in: ids }) }, { code: 1, 'draft.title': 1 }).lean<Array<Pick<LearningModule, '_id' | 'code' | 'draft'>>>()).map((m) => [String(m._id), `${m.draft.title} (${m.code})`]),
  campaign: async (db, ids) => (await campaignModel(db).find({ _id: trusted({ $in: ids }) }, { name: 1, year: 1 }).lean()).map((c) => [String(c._id), `${c.name} (${c.year})`]),
  package: async (db, ids) => (await packageModel(db).find({ _id: trusted({ $in: ids }) }, { title: 1 }).lean()).map((p) => [String(p._id), p.title]),
};

export async function subjectNames(db: Connection, events: readonly AuditEvent[]): Promise<SubjectNames> {
  const idsByType = new Map<string, Set<string>>();
  for (const event of events) {
    if (!event.subjectType || !event.subjectId || !lookups[event.subjectType] || !isValidObjectId(event.subjectId)) continue;
    const ids = idsByType.get(event.subjectType) ?? new Set<string>();
    ids.add(event.subjectId);
    idsByType.set(event.subjectType, ids);
  }
  const names = new Map<string, string>();
  await Promise.all(
    [...idsByType].map(async ([type, ids]) => {
      for (const [id, name] of await lookups[type]!(db, [...ids])) names.set(`${type}:${id}`, name);
    }),
  );
  return names;
}

export function describeSubject(type: string, id: string | null, names: SubjectNames): SubjectName {
  const kind = `audit_subject_${type}`;
  return { kind: isMessageId(kind) ? kind : null, type, name: id ? (names.get(`${type}:${id}`) ?? null) : null, shortId: (id ?? '').slice(0, 8) };
}
