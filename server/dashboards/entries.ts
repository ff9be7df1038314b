/**
 * What one enrolment contributes to the dashboards — pure functions shared by the
 * incremental roll-up and the full rebuild, so both count by one definition
 * (docs/dashboards.md).
 */
import type { Types } from 'mongoose';
import type { Enrolment } from '../campaigns/model';
import type { OfficerCategory } from '../officers/model';
import type { ModuleProgress } from '../progress/model';
import type { CounterFigures, DashboardCounter, DashboardEntry } from './model';

export type EntryFields = Omit<DashboardEntry, 'token'>;
export type ProgressFields = Pick<ModuleProgress, 'status' | 'bestScore' | 'completedAt'>;
export type CounterKey = Pick<DashboardCounter, '_id' | 'campaignId' | 'year' | 'unitId' | 'moduleId' | 'category' | 'dueDate'>;

const VN_OFFSET_MS = 7 * 3600_000;

/** ISO week of `at` in Vietnam time, as "2026-W44". */
export function isoWeek(at: Date): string {
  const local = new Date(at.getTime() + VN_OFFSET_MS);
  const day = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday); // the Thursday of this week decides its year
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** The entry an enrolment makes, with the officer's category and progress of the campaign's year. */
export function entryOf(enrolment: Pick<Enrolment, '_id' | 'campaignId' | 'year' | 'moduleId' | 'officerId' | 'unitId' | 'dueDate' | 'state'>, category: OfficerCategory, progress: ProgressFields | null): EntryFields {
  const state = enrolment.state === 'enrolled' || enrolment.state === 'exempt' ? enrolment.state : 'gone';
  return {
    _id: enrolment._id,
    campaignId: enrolment.campaignId,
    year: enrolment.year,
    moduleId: enrolment.moduleId,
    officerId: enrolment.officerId,
    unitId: enrolment.unitId,
    category,
    dueDate: enrolment.dueDate,
    state,
    status: progress?.status ?? 'not-started',
    bestScore: progress?.bestScore ?? null,
    completedAt: progress?.status === 'completed' ? progress.completedAt : null,
  };
}

const sameId = (a: Types.ObjectId, b: Types.ObjectId) => a.equals(b);
const sameTime = (a: Date | null, b: Date | null) => (a === null || b === null ? a === b : a.getTime() === b.getTime());

/** True when the two entries count the same (the token aside). */
export function sameEntry(a: EntryFields, b: EntryFields): boolean {
  return (
    sameId(a.campaignId, b.campaignId) &&
    sameId(a.moduleId, b.moduleId) &&
    sameId(a.officerId, b.officerId) &&
    sameId(a.unitId, b.unitId) &&
    a.year === b.year &&
    a.category === b.category &&
    sameTime(a.dueDate, b.dueDate) &&
    a.state === b.state &&
    a.status === b.status &&
    a.bestScore === b.bestScore &&
    sameTime(a.completedAt, b.completedAt)
  );
}

export const emptyFigures = (): CounterFigures => ({ enrolled: 0, exempt: 0, completed: 0, inProgress: 0, scoreSum: 0, scoreCount: 0, weeks: {} });

/** The bucket an entry counts in. */
export function counterKey(entry: EntryFields): CounterKey {
  const { campaignId, year, unitId, moduleId, category, dueDate } = entry;
  return { _id: `${campaignId.toHexString()}:${unitId.toHexString()}:${moduleId.toHexString()}:${category}:${dueDate.toISOString()}`, campaignId, year, unitId, moduleId, category, dueDate };
}

/**
 * Adds `sign` × the entry's contribution to `figures`. Enrolled officers count in the
 * rate (completed, in progress, quiz scores, weekly completions); exempt ones only as exempt.
 */
export function addEntry(figures: CounterFigures, entry: EntryFields, sign: 1 | -1): void {
  if (entry.state === 'exempt') figures.exempt += sign;
  if (entry.state !== 'enrolled') return;
  figures.enrolled += sign;
  if (entry.status === 'completed') figures.completed += sign;
  if (entry.status === 'in-progress') figures.inProgress += sign;
  if (entry.bestScore !== null) {
    figures.scoreSum += sign * entry.bestScore;
    figures.scoreCount += sign;
  }
  if (entry.completedAt) {
    const week = isoWeek(entry.completedAt);
    figures.weeks[week] = (figures.weeks[week] ?? 0) + sign;
  }
}
