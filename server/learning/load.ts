/**
 * Loading for the learning routes: the caller's learner record (authorized with
 * `learning.take` on their own record), the module and the progress record of this
 * year, and the item of the pinned version. Shared by the pages and the API.
 */
import type { Connection, Types } from 'mongoose';
import { AppError, notFound } from '../errors';
import type { Services } from '../http/context';
import type { SignedInContext } from '../http/route';
import type { ModuleItem, ModuleVersion, QuizItem } from '../modules/model';
import { findVersion } from '../modules/versions';
import { learnerRef, requireLearner, type HomeUnitSource, type Learner } from '../progress/learner';
import { homeUnitOf as requestHomeUnit } from '../http/views';
import type { ModuleProgress } from '../progress/model';
import { trainingYear } from '../progress/year';
import { findProgress, pinnedVersion } from '../progress/service';
import type { Attempt } from '../quizzes/model';
import { findOwnAttempt, type QuizSettings } from '../quizzes/service';

/** The account's home unit, read at most once per request by the view locals' loader (server/http/views.ts). */
export const homeUnitOf =
  (ctx: SignedInContext<unknown>): HomeUnitSource =>
  () =>
    requestHomeUnit(ctx.res);

/** The caller as a learner, authorized to act on their own learning. */
export async function authorizedLearner(ctx: SignedInContext<unknown>): Promise<Learner> {
  const learner = await requireLearner(ctx.services.db, ctx.actor, homeUnitOf(ctx));
  ctx.authorize('learning.take', learnerRef(learner));
  return learner;
}

/**
 * The caller's own quiz attempt, for the routes that act on one attempt (answers, submit,
 * the attempt page): whose attempt it is is all the rule needs, so unlike
 * authorizedLearner the officer record is not read — these are the busiest requests of
 * an exam period. Another officer's attempt is 404, as if it did not exist.
 */
export async function authorizedAttempt(ctx: SignedInContext<{ attemptId: Types.ObjectId }>): Promise<Attempt> {
  const officerId = ctx.actor.officerId;
  if (!officerId) throw new AppError(403, 'learn_no_officer');
  const attempt = await findOwnAttempt(ctx.services.db, ctx.input.attemptId, officerId);
  ctx.authorize('learning.attempt', { officerId: attempt.officerId });
  return attempt;
}

export const quizSettings = (services: Services): QuizSettings => ({ graceSeconds: services.config.QUIZ_GRACE_SECONDS, cooldownSecondsOverride: services.config.QUIZ_COOLDOWN_SECONDS });

export interface Started {
  progress: ModuleProgress;
  version: ModuleVersion;
}

/** The learner's progress on `moduleId` in `year` with its pinned version, or null before they start. */
export async function startedModule(db: Connection, learner: Pick<Learner, 'officerId'>, moduleId: Types.ObjectId, year: number): Promise<Started | null> {
  const progress = await findProgress(db, learner.officerId, moduleId, year);
  return progress ? { progress, version: await pinnedVersion(db, progress) } : null;
}

/** An item of a version, or 404 'learn_item_not_found'. */
export function itemOf(version: ModuleVersion, key: string): ModuleItem {
  const item = version.content.items.find((i) => i.key === key);
  if (!item) throw notFound('learn_item_not_found');
  return item;
}

/** The quiz an attempt was made on (from the version it was started in). */
export async function quizOfAttempt(db: Connection, attempt: Attempt): Promise<QuizItem> {
  const version = await findVersion(db, attempt.moduleId, attempt.version);
  const item = version?.content.items.find((i) => i.key === attempt.itemKey);
  if (!item || item.kind !== 'quiz') throw notFound('learn_item_not_found');
  return item;
}

/** The item after `key` in the version, or null at the end. */
export function nextItem(version: ModuleVersion, key: string): ModuleItem | null {
  const items = version.content.items;
  const index = items.findIndex((i) => i.key === key);
  return index >= 0 ? (items[index + 1] ?? null) : null;
}

/**
 * What the item routes start with: the caller's officer id (authorized), now, the module
 * id as the URLs spell it, and this year's progress with its pinned version — null
 * before the officer has started the module (the routes then send them to its page).
 * `learning.take` needs whose learning it is and nothing more, so unlike authorizedLearner
 * the officer record and its unit are not read: two round trips fewer on the item pages,
 * a lesson done and opening a quiz attempt (issue #16). Starting a module, which records
 * the unit, reads the learner (authorizedLearner).
 */
export async function learnerInModule(ctx: SignedInContext<{ moduleId: Types.ObjectId }>): Promise<{ officerId: Types.ObjectId; now: Date; id: string; started: Started | null }> {
  const officerId = ctx.actor.officerId;
  if (!officerId) throw new AppError(403, 'learn_no_officer');
  ctx.authorize('learning.take', { id: officerId });
  const now = new Date();
  const started = await startedModule(ctx.services.db, { officerId }, ctx.input.moduleId, trainingYear(now));
  return { officerId, now, id: ctx.input.moduleId.toHexString(), started };
}
