/**
 * The officer's learning JSON API under /api/v1/me (Bearer token, or cookie +
 * X-CSRF-Token for writes). An account without an officer record has no assignments
 * and no progress: the lists answer empty, consistently with the "Học phần của tôi"
 * page, which explains why.
 */
import type { Router } from 'express';
import type { Services } from '../http/context';
import { AppError } from '../errors';
import { route, type SignedInContext } from '../http/route';
import { findLearner, learnerRef, type Learner } from '../progress/learner';
import { myModules, type MyModule } from '../progress/my-modules';
import type { ModuleProgress } from '../progress/model';
import { trainingYear } from '../progress/year';
import { saveAnswers } from '../quizzes/service';
import { homeUnitOf, quizSettings } from './load';
import { presentAssignmentJson, presentProgressJson } from './presenters';
import { autosaveBody, yearQuery } from './schema';
import { assignmentsAnswer, autosaveAnswer, progressAnswer } from './response-schemas';

/** The caller as a learner, or null (authorized on their own account then: the answer is an empty list). */
async function learnerOrNull(ctx: SignedInContext<unknown>): Promise<Learner | null> {
  const learner = await findLearner(ctx.services.db, ctx.actor, homeUnitOf(ctx));
  if (learner) ctx.authorize('learning.take', learnerRef(learner));
  else ctx.authorize('account.self', { id: ctx.actor.id });
  return learner;
}

/** The caller's modules of the asked year (default: this one); none without an officer record. */
async function myYear(ctx: SignedInContext<{ year?: number | undefined }>): Promise<{ year: number; rows: MyModule[] }> {
  const now = new Date();
  const year = ctx.input.year ?? trainingYear(now);
  const learner = await learnerOrNull(ctx);
  return { year, rows: learner ? await myModules(ctx.services.db, learner, year, now) : [] };
}

export function registerLearningApiRoutes(router: Router, services: Services): void {
  const { db } = services;

  /** GET /api/v1/me/assignments?year= → `{year, items: [{moduleId, code, title, topic, dueDate, status, percent}]}`: assigned modules only. */
  route(router, services, {
    method: 'get',
    path: '/api/v1/me/assignments',
    access: 'signed-in',
    doc: { summary: "The caller's assigned modules of a year", response: assignmentsAnswer },
    input: yearQuery,
    handle: async (ctx) => {
      const { year, rows } = await myYear(ctx);
      ctx.res.json({ year, items: rows.filter((r) => r.dueDate !== null).map(presentAssignmentJson) });
    },
  });

  /** GET /api/v1/me/progress?year= → `{year, items: [{moduleId, code, title, version, status, percent, bestScore, lastScore, attempts, completedAt}]}`: started modules. */
  route(router, services, {
    method: 'get',
    path: '/api/v1/me/progress',
    access: 'signed-in',
    doc: { summary: "The caller's started modules of a year", response: progressAnswer },
    input: yearQuery,
    handle: async (ctx) => {
      const { year, rows } = await myYear(ctx);
      const started = rows.filter((r): r is MyModule & { progress: ModuleProgress } => r.progress !== null);
      ctx.res.json({ year, items: started.map(presentProgressJson) });
    },
  });

  /**
   * POST /api/v1/me/attempts/:attemptId/answers `{answers: {<questionId>: [keys]}}` →
   * `{saved: true, savedAt}`: the quiz page's autosave (public/js/quiz.js). Refusals
   * (404 another's attempt, 409 time over or submitted, 422 bad answers) save nothing.
   */
  route(router, services, {
    method: 'post',
    path: '/api/v1/me/attempts/:attemptId/answers',
    access: 'signed-in',
    doc: { summary: "Autosave a quiz attempt's answers", response: autosaveAnswer },
    input: autosaveBody,
    handle: async (ctx) => {
      // whose attempt it is decides (saveAnswers updates it only for its owner: another's is 404)
      const officerId = ctx.actor.officerId;
      if (!officerId) throw new AppError(403, 'learn_no_officer');
      ctx.authorize('learning.attempt', { officerId });
      const now = new Date();
      await saveAnswers(db, ctx.input.attemptId, officerId, ctx.input.answers, now, quizSettings(services));
      ctx.res.json({ saved: true, savedAt: now.toISOString() });
    },
  });
}
