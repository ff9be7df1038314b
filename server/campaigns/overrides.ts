/**
 * Overrides for one officer's module in one year, by a coordinator of the officer's
 * subtree, with a reason: an extra quiz attempt (unlocks an officer who used up their
 * attempts), a later due date, a reset of a failed quiz. Each is recorded here (the
 * officer's history and the coordinator's list), audited by the route and told to the
 * officer as a notice.
 */
import { Schema, trusted, type Connection, type Types } from 'mongoose';
import { defineModel } from '../db/models';
import { conflict, invalid, notFound } from '../errors';
import { grant } from '../quizzes/grants';
import { attemptModel } from '../quizzes/model';
import { moduleModel, type LearningModule } from '../modules/model';
import { dayOfYear, dueInstant, vietnamDate } from './dates';
import { enrolmentsChanged } from './events';
import { enrolmentModel, type Enrolment } from './model';
import { notifyOfficers } from './notices';

export const OVERRIDE_KINDS = ['extra-attempt', 'later-due-date', 'quiz-reset'] as const;
export type OverrideKind = (typeof OVERRIDE_KINDS)[number];

export interface Override {
  _id: Types.ObjectId;
  officerId: Types.ObjectId;
  moduleId: Types.ObjectId;
  year: number;
  kind: OverrideKind;
  reason: string;
  /** later-due-date: the new date */
  dueDate: Date | null;
  by: Types.ObjectId | null;
  createdAt: Date;
}

const overrideSchema = new Schema<Override>(
  {
    officerId: { type: Schema.Types.ObjectId, required: true },
    moduleId: { type: Schema.Types.ObjectId, required: true },
    year: { type: Number, required: true },
    kind: { type: String, enum: OVERRIDE_KINDS, required: true },
    reason: { type: String, required: true },
    dueDate: { type: Date, default: null },
    by: { type: Schema.Types.ObjectId, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'overrides', versionKey: false },
);
overrideSchema.index({ officerId: 1, year: 1 });

const overrideModels = defineModel<Override>('Override', overrideSchema);
export const overrideModel = overrideModels.model;

export interface OverrideInput {
  officerId: Types.ObjectId;
  moduleId: Types.ObjectId;
  year: number;
  kind: OverrideKind;
  reason: string;
  dueDate?: string | undefined;
}

const NOTICE = { 'extra-attempt': 'notice_override_extra_attempt', 'later-due-date': 'notice_override_due_date', 'quiz-reset': 'notice_override_quiz_reset' } as const;

/** Applies and records an override; 404 without an enrolment of that module and year, 409 for a quiz already passed (reset, extra attempt). */
export async function createOverride(db: Connection, input: OverrideInput, by: Types.ObjectId | null, now: Date): Promise<Override> {
  const key = { officerId: input.officerId, moduleId: input.moduleId, year: input.year };
  const enrolments = await enrolmentModel(db).find({ ...key, state: trusted({ $in: ['enrolled', 'exempt'] }) }).lean<Enrolment[]>();
  if (!enrolments.length) throw notFound('override_no_enrolment');
  let dueDate: Date | null = null;
  if (input.kind === 'later-due-date') {
    if (!input.dueDate) throw invalid([{ field: 'dueDate', id: 'field_required' }]);
    dueDate = dueInstant(dayOfYear(input.dueDate, input.year, 'dueDate', now));
    const current = enrolments.reduce((a, e) => (e.dueDate > a ? e.dueDate : a), enrolments[0]!.dueDate);
    if (dueDate <= current) throw invalid([{ field: 'dueDate', id: 'override_due_not_later' }]);
    await enrolmentModel(db).updateMany({ _id: trusted({ $in: enrolments.map((e) => e._id) }) }, { $set: { dueDate, updatedAt: now } });
    await enrolmentsChanged(db, [input.officerId]);
  } else {
    if (await attemptModel(db).exists({ ...key, passed: true })) throw conflict('override_quiz_passed');
    await grant(db, key, input.kind === 'extra-attempt' ? { extraAttempts: 1 } : { resetAt: now }, now);
  }
  const created = await overrideModel(db).create({ ...key, kind: input.kind, reason: input.reason, dueDate, by, createdAt: now });
  const code = (await moduleModel(db).findById(input.moduleId, { code: 1 }).lean<Pick<LearningModule, 'code'>>())?.code ?? '';
  await notifyOfficers(db, [input.officerId], NOTICE[input.kind], { module: code, reason: input.reason, date: dueDate ? vietnamDate(dueDate) : '' }, now);
  return created.toObject();
}

/** The officer's overrides of `year`, newest first. */
export function overridesOf(db: Connection, officerId: Types.ObjectId, year: number): Promise<Override[]> {
  return overrideModel(db).find({ officerId, year }).sort({ createdAt: -1 }).lean<Override[]>();
}
