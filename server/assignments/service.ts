/**
 * Assigning a module: its latest published version counts for `year`, for a unit subtree
 * or for named officers (by mã cán bộ), due at the end of `dueDate` in Vietnam.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { conflict, invalid, type FieldProblem } from '../errors';
import type { LearningModule } from '../modules/model';
import { officerModel, type Officer } from '../officers/model';
import { todayInVietnam } from '../units/forms';
import { readyAssignmentModel, type Assignment } from './model';

/** yyyy-mm-dd from "dd/mm/yyyy" or "yyyy-mm-dd", or null when it is neither or no such day. */
export function parseDay(value: string): string | null {
  const trimmed = value.trim();
  const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(trimmed);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  const [y, m, d] = vn ? [vn[3]!, vn[2]!.padStart(2, '0'), vn[1]!.padStart(2, '0')] : iso ? [iso[1]!, iso[2]!, iso[3]!] : [];
  if (!y) return null;
  const day = `${y}-${m}-${d}`;
  const check = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(check.getTime()) && check.toISOString().slice(0, 10) === day ? day : null;
}

/** The end of `day` (yyyy-mm-dd) in Asia/Ho_Chi_Minh (UTC+7, no daylight saving). */
export const endOfDayInVietnam = (day: string) => new Date(`${day}T23:59:59.999+07:00`);

/** The due date checked: a real day, today or later (Vietnam). */
export function dueDay(value: string, now = new Date()): string {
  const day = parseDay(value);
  if (!day) throw invalid([{ field: 'dueDate', id: 'field_invalid_date' }]);
  if (day < todayInVietnam(now)) throw invalid([{ field: 'dueDate', id: 'assignment_due_past' }]);
  return day;
}

/** The officers with these codes; unknown codes are problems of the `officerCodes` field. */
export async function officersByCode(db: Connection, codes: readonly string[]): Promise<{ officers: Officer[]; unknown: string[] }> {
  const officers = await officerModel(db).find({ code: trusted({ $in: [...codes] }) }).lean<Officer[]>();
  const found = new Set(officers.map((o) => o.code));
  return { officers, unknown: codes.filter((c) => !found.has(c)) };
}

/** Mã cán bộ typed one per line or separated by commas / spaces, upper-cased, without repeats. */
export function splitCodes(value: string): string[] {
  return [...new Set(value.split(/[\s,;]+/).map((c) => c.trim().toUpperCase()).filter(Boolean))];
}

export interface NewAssignment {
  module: LearningModule;
  year: number;
  dueDay: string;
  unitId: Types.ObjectId | null;
  officerIds: Types.ObjectId[];
  by: Types.ObjectId | null;
}

export async function createAssignment(db: Connection, input: NewAssignment): Promise<Assignment> {
  if (input.module.publishedVersion === 0 || input.module.archived) throw conflict('assignment_module_unpublished');
  if (!input.unitId && input.officerIds.length === 0) throw invalid([{ field: 'target', id: 'assignment_target_required' } satisfies FieldProblem]);
  const Assignments = await readyAssignmentModel(db);
  const created = await Assignments.create({ moduleId: input.module._id, year: input.year, unitId: input.unitId, officerIds: input.officerIds, dueDate: endOfDayInVietnam(input.dueDay), createdBy: input.by });
  return created.toObject();
}
