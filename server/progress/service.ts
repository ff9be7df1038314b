/**
 * The officer's progress: starting a module (which pins its version and the officer's
 * unit), marking lessons read, taking in quiz results, and the roll-up that keeps
 * `module_progress` current after every event so that reports never scan attempts.
 */
import { trusted, Types, type Connection } from 'mongoose';
import { findFirst, findOneAndUpdate, insertOne, rawCollection } from '../db/raw';
import { conflict, notFound } from '../errors';
import { moduleModel, moduleOrderOf, type LearningModule, type LessonItem, type ModuleItem, type ModuleVersion } from '../modules/model';
import { findVersion, latestVersion } from '../modules/versions';
import type { Attempt } from '../quizzes/model';
import { learningEventRecorded, type LearningEvent } from './events';
import type { Learner } from './learner';
import { learningEventModel, progressModel, readyProgressModel, type ModuleProgress } from './model';

const isDuplicateKey = (error: unknown) => (error as { code?: number } | null)?.code === 11000;

/** Appends one raw event (audit trail of learning), then tells the listeners of ./events. */
export async function recordEvent(db: Connection, event: LearningEvent): Promise<void> {
  // built complete here, so a plain insert (no mongoose document for an append-only record)
  await insertOne(rawCollection(learningEventModel(db)), { _id: new Types.ObjectId(), itemKey: null, details: {}, ...event });
  await learningEventRecorded(db, event);
}

/** A published, not archived module, or 404 'learn_module_not_found'. */
export async function findLearnableModule(db: Connection, moduleId: Types.ObjectId): Promise<LearningModule> {
  const module = await moduleModel(db).findById(moduleId).lean<LearningModule>();
  if (!module || module.archived || module.publishedVersion === 0) throw notFound('learn_module_not_found');
  return module;
}

export async function findProgress(db: Connection, officerId: Types.ObjectId, moduleId: Types.ObjectId, year: number): Promise<ModuleProgress | null> {
  // the driver's read (server/db/raw.ts): typed ids from the learner record and validated params
  return findFirst<ModuleProgress>(rawCollection(progressModel(db)), { officerId, moduleId, year });
}

/** The version a progress record pins (it always exists: versions are never deleted). */
export async function pinnedVersion(db: Connection, progress: Pick<ModuleProgress, 'moduleId' | 'version'>): Promise<ModuleVersion> {
  const version = await findVersion(db, progress.moduleId, progress.version);
  if (!version) throw notFound('learn_module_not_found');
  return version;
}

/**
 * Starts `moduleId` for the learner in `year`: one progress record pinning the newest
 * published version and the officer's current unit. Starting again (a double click, a
 * second tab) returns the record already there — the unique index on officer × module ×
 * year makes one, whoever wins.
 */
export async function startModule(db: Connection, learner: Learner, moduleId: Types.ObjectId, year: number, now: Date): Promise<ModuleProgress> {
  const existing = await findProgress(db, learner.officerId, moduleId, year);
  if (existing) return existing;
  await findLearnableModule(db, moduleId);
  const version = await latestVersion(db, moduleId);
  if (!version) throw notFound('learn_module_not_found');
  const items = version.content.items;
  const Progress = await readyProgressModel(db);
  try {
    const created = await Progress.create({
      officerId: learner.officerId,
      moduleId,
      year,
      version: version.version,
      unitId: learner.unitId,
      status: 'in-progress',
      doneItems: [],
      itemCount: items.length,
      percent: 0,
      lastItemKey: items[0]?.key ?? null,
      startedAt: now,
    });
    await recordEvent(db, { type: 'module_started', at: now, officerId: learner.officerId, moduleId, year, version: version.version });
    return created.toObject();
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return (await findProgress(db, learner.officerId, moduleId, year))!;
  }
}

/** Remembers the item the officer opened last ("Tiếp tục" leads back to it) and that it was opened. */
export async function touchItem(db: Connection, progress: Pick<ModuleProgress, '_id' | 'lastItemKey' | 'openedItems'>, itemKey: string): Promise<void> {
  if (progress.lastItemKey === itemKey && progress.openedItems?.includes(itemKey)) return;
  await progressModel(db).updateOne({ _id: progress._id }, { $set: { lastItemKey: itemKey }, $addToSet: { openedItems: itemKey } });
}

/** The lessons still to read before `quiz` may be taken: none when the module's order is free. */
export function lessonsBefore(version: ModuleVersion, progress: Pick<ModuleProgress, 'doneItems'>): LessonItem[] {
  if (moduleOrderOf(version.content) === 'free') return [];
  return version.content.items.filter((item): item is LessonItem => item.kind === 'lesson' && !progress.doneItems.includes(item.key));
}

/**
 * Recomputes percent and status of `progress` (as just written) from its done items and
 * the pinned version's items. Completion happens once: the conditional update on
 * `status != completed` lets one caller record the module_completed event even if two
 * events arrive together.
 */
export async function rollUp(db: Connection, progress: ModuleProgress, items: readonly ModuleItem[], now: Date): Promise<ModuleProgress> {
  const Progress = progressModel(db);
  const done = items.filter((item) => progress.doneItems.includes(item.key)).length;
  const percent = items.length ? Math.floor((done * 100) / items.length) : 100;
  if (done === items.length) {
    if (progress.status === 'completed') return progress;
    const completed = await Progress.findOneAndUpdate(
      { _id: progress._id, status: trusted({ $ne: 'completed' }) },
      { $set: { status: 'completed', completedAt: now, percent: 100, itemCount: items.length } },
      { returnDocument: 'after' },
    ).lean<ModuleProgress>();
    if (!completed) return (await Progress.findById(progress._id).lean<ModuleProgress>())!;
    await recordEvent(db, { type: 'module_completed', at: now, officerId: progress.officerId, moduleId: progress.moduleId, year: progress.year, version: progress.version });
    return completed;
  }
  if (percent === progress.percent && progress.itemCount === items.length) return progress;
  return (await Progress.findOneAndUpdate({ _id: progress._id }, { $set: { percent, itemCount: items.length } }, { returnDocument: 'after' }).lean<ModuleProgress>())!;
}

/** Marks a lesson of the pinned version read (once: a second click records nothing new), then rolls up. */
export async function completeLesson(db: Connection, progress: ModuleProgress, version: ModuleVersion, itemKey: string, now: Date): Promise<ModuleProgress> {
  const item = version.content.items.find((i) => i.key === itemKey);
  if (!item || item.kind !== 'lesson') throw notFound('learn_item_not_found');
  // "Đã học xong" counts only for a lesson whose content the officer has opened (touchItem)
  const added = await progressModel(db)
    .findOneAndUpdate({ _id: progress._id, doneItems: trusted({ $ne: itemKey }), openedItems: itemKey }, { $addToSet: { doneItems: itemKey } }, { returnDocument: 'after' })
    .lean<ModuleProgress>();
  if (added) {
    await recordEvent(db, { type: 'lesson_completed', at: now, officerId: progress.officerId, moduleId: progress.moduleId, year: progress.year, version: progress.version, itemKey });
    return rollUp(db, added, version.content.items, now);
  }
  const current = (await progressModel(db).findById(progress._id).lean<ModuleProgress>())!;
  if (!current.doneItems.includes(itemKey)) throw conflict('learn_lesson_not_opened');
  return rollUp(db, current, version.content.items, now);
}

/**
 * Takes a submitted attempt into the roll-up: attempts, last and best score, the quiz
 * item done when passed; then the attempt_submitted event.
 */
export async function recordAttempt(db: Connection, attempt: Attempt, now: Date): Promise<ModuleProgress | null> {
  const score = attempt.score ?? 0;
  // the driver's own update: every value comes typed from the attempt, nothing for mongoose
  // to cast (so the schema's updatedAt timestamp is set here)
  const progress = await findOneAndUpdate<ModuleProgress>(
    rawCollection(progressModel(db)),
    { officerId: attempt.officerId, moduleId: attempt.moduleId, year: attempt.year },
    { $inc: { attempts: 1 }, $set: { lastScore: score, updatedAt: now }, $max: { bestScore: score }, ...(attempt.passed ? { $addToSet: { doneItems: attempt.itemKey } } : {}) },
  );
  if (!progress) return null;
  await recordEvent(db, {
    type: 'attempt_submitted',
    at: now,
    officerId: attempt.officerId,
    moduleId: attempt.moduleId,
    year: attempt.year,
    version: attempt.version,
    itemKey: attempt.itemKey,
    details: { attemptId: attempt._id, number: attempt.number, score, passed: attempt.passed },
  });
  const version = await pinnedVersion(db, progress);
  return rollUp(db, progress, version.content.items, now);
}
