/**
 * What a coordinator sees of a package: the attempts of the officers in their subtree
 * (previews left out), completion, average score, and per-interaction results when the
 * package reports cmi.interactions; and the xAPI statements, exportable as JSON.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { officerModel, type Officer } from '../officers/model';
import type { Scope } from '../units/scope';
import { subtreeIds } from '../units/service';
import { attemptModel, attemptSeconds, type PackageAttempt } from './model';
import { xapiStatementModel, type XapiStatementRecord } from './xapi-model';

const MAX_ROWS = 2000;

export interface AttemptRow {
  officerName: string;
  officerCode: string;
  sco: string;
  number: number;
  completion: PackageAttempt['completion'];
  success: PackageAttempt['success'];
  /** 0…100, or null */
  scorePercent: number | null;
  minutes: number;
  updatedAt: Date;
}

export interface InteractionRow {
  id: string;
  answers: number;
  correct: number;
}

export interface PackageReport {
  learners: number;
  attempts: number;
  completed: number;
  passed: number;
  /** mean of the scored attempts' scaled scores, 0…100; null when none is scored */
  averagePercent: number | null;
  rows: AttemptRow[];
  interactions: InteractionRow[];
}

/** The ids of the officers the scope covers (null: all, for the whole installation). */
async function officersInScope(db: Connection, scope: Scope, ids: Types.ObjectId[]): Promise<Map<string, Officer>> {
  const filter: Record<string, unknown> = { _id: trusted({ $in: ids }) };
  if (scope.root) filter['unitId'] = trusted({ $in: await subtreeIds(db, scope.root._id) });
  const officers = await officerModel(db).find(filter, { fullName: 1, code: 1, unitId: 1 }).lean<Officer[]>();
  return new Map(officers.map((o) => [o._id.toHexString(), o]));
}

/** The interactions a commit reported: cmi.interactions (1.2 and 2004) as scorm-again renders it (an array or an object of indices). */
function interactionsOf(cmi: Record<string, unknown> | null): { id: string; correct: boolean }[] {
  const raw = cmi?.['interactions'];
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.entries(raw as Record<string, unknown>).filter(([k]) => /^\d+$/.test(k)).map(([, v]) => v) : [];
  return list
    .filter((i): i is Record<string, unknown> => !!i && typeof i === 'object' && typeof (i as Record<string, unknown>)['id'] === 'string' && (i as Record<string, unknown>)['id'] !== '')
    .map((i) => ({ id: String(i['id']).slice(0, 200), correct: i['result'] === 'correct' }));
}

export async function packageReport(db: Connection, packageId: Types.ObjectId, scope: Scope): Promise<PackageReport> {
  const attempts = await attemptModel(db)
    .find({ packageId, preview: false, officerId: trusted({ $ne: null }) })
    .sort({ updatedAt: -1 })
    .limit(MAX_ROWS)
    .lean<PackageAttempt[]>();
  const officers = await officersInScope(db, scope, [...new Map(attempts.map((a) => [a.officerId!.toHexString(), a.officerId!])).values()]);
  const visible = attempts.filter((a) => officers.has(a.officerId!.toHexString()));
  const scored = visible.filter((a) => a.scoreScaled !== null);
  const interactions = new Map<string, InteractionRow>();
  for (const attempt of visible) {
    for (const i of interactionsOf(attempt.cmi)) {
      const row = interactions.get(i.id) ?? { id: i.id, answers: 0, correct: 0 };
      row.answers += 1;
      if (i.correct) row.correct += 1;
      interactions.set(i.id, row);
    }
  }
  return {
    learners: new Set(visible.map((a) => a.officerId!.toHexString())).size,
    attempts: visible.length,
    completed: visible.filter((a) => a.completion === 'completed').length,
    passed: visible.filter((a) => a.success === 'passed').length,
    averagePercent: scored.length ? Math.round((scored.reduce((sum, a) => sum + a.scoreScaled!, 0) / scored.length) * 1000) / 10 : null,
    rows: visible.map((a) => {
      const officer = officers.get(a.officerId!.toHexString())!;
      return {
        officerName: officer.fullName,
        officerCode: officer.code,
        sco: a.scoIdentifier,
        number: a.number,
        completion: a.completion,
        success: a.success,
        scorePercent: a.scoreScaled === null ? null : Math.round(a.scoreScaled * 1000) / 10,
        minutes: Math.round(attemptSeconds(a) / 6) / 10,
        updatedAt: a.updatedAt,
      };
    }),
    interactions: [...interactions.values()].sort((a, b) => a.id.localeCompare(b.id)),
  };
}

/** The xAPI statements of the package by officers of the scope (one officer when given), oldest first, at most 5,000. */
export async function packageStatements(db: Connection, packageId: Types.ObjectId, scope: Scope, officerId: Types.ObjectId | null): Promise<{ officerId: string | null; storedAt: string; statement: unknown }[]> {
  const filter: Record<string, unknown> = { packageId, officerId: officerId ?? trusted({ $ne: null }) };
  const records = await xapiStatementModel(db).find(filter).sort({ storedAt: 1 }).limit(5000).lean<XapiStatementRecord[]>();
  const officers = await officersInScope(db, scope, [...new Map(records.map((r) => [r.officerId!.toHexString(), r.officerId!])).values()]);
  return records
    .filter((r) => officers.has(r.officerId!.toHexString()))
    .map((r) => ({ officerId: r.officerId!.toHexString(), storedAt: r.storedAt.toISOString(), statement: JSON.parse(r.statement) as unknown }));
}
