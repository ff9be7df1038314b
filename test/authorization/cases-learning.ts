/**
 * Authorization matrix cases of the learning routes (see cases.ts for the format).
 * Learning acts on the caller's own officer record, so "own" and "other" make no
 * difference: the matrix officer (the only role with an officer record in the world)
 * may use every route; accounts without one get 403 'learn_no_officer' on actions and
 * an empty list (200) on the lists. Forged ids of another officer's attempt answer 404
 * and are tested in test/learning/routes.test.ts.
 */
import type { Types } from 'mongoose';
import type { Learner } from '../../server/progress/learner';
import { findProgress, startModule, touchItem } from '../../server/progress/service';
import { trainingYear } from '../../server/progress/year';
import { startAttempt } from '../../server/quizzes/service';
import type { QuizItem } from '../../server/modules/model';
import { buildPublishedModule, buildQuestions, lesson, quiz } from '../learning/fixtures';
import type { Case } from './cases';
import type { World } from './fixture';

const BOTH = ['own', 'other'] as const;
const EVERY_ROLE = { admin: BOTH, coordinator: BOTH, manager: BOTH, officer: BOTH } as const;
const LEARNER = { officer: BOTH } as const;

const learnerOf = (w: World): Learner => ({ officerId: w.officers.own._id, unitId: w.units.A1._id, ancestors: w.units.A1.ancestors, fullName: w.officers.own.fullName });

let bank: Promise<unknown> | null = null;

/** A fresh published module (a lesson and a quiz without limits), started by the matrix officer. */
async function startedModule(w: World): Promise<{ moduleId: Types.ObjectId; q: QuizItem }> {
  const db = w.services.db;
  bank ??= buildQuestions(db, 'ky-luat', 2);
  await bank;
  const q = quiz('kiem-tra', { draw: [{ topic: 'ky-luat', count: 2 }] });
  // the matrix checks who may act, not the learning order: items in any order, the lesson opened
  const { moduleId } = await buildPublishedModule(db, { items: [lesson('bai-1'), q], order: 'free' });
  await touchItem(db, await startModule(db, learnerOf(w), moduleId, trainingYear(), new Date()), 'bai-1');
  return { moduleId, q };
}

/** A fresh open attempt of the matrix officer. */
async function openAttempt(w: World): Promise<string> {
  const { moduleId, q } = await startedModule(w);
  const progress = await findProgress(w.services.db, w.officers.own._id, moduleId, trainingYear());
  const { attempt } = await startAttempt(w.services.db, progress!, q, new Date(), { graceSeconds: 30 });
  return attempt._id.toHexString();
}

export const learningCases: Case[] = [
  { route: 'GET /learn', allow: EVERY_ROLE, request: () => ({ method: 'GET', path: '/learn' }) },
  { route: 'GET /api/v1/me/assignments', allow: EVERY_ROLE, request: () => ({ method: 'GET', path: '/api/v1/me/assignments' }) },
  { route: 'GET /api/v1/me/progress', allow: EVERY_ROLE, request: () => ({ method: 'GET', path: '/api/v1/me/progress' }) },
  { route: 'GET /learn/modules/:moduleId', allow: LEARNER, request: async (w) => ({ method: 'GET', path: `/learn/modules/${(await startedModule(w)).moduleId}` }) },
  { route: 'POST /learn/modules/:moduleId/start', allow: LEARNER, request: async (w) => ({ method: 'POST', path: `/learn/modules/${(await startedModule(w)).moduleId}/start`, form: {} }) },
  { route: 'GET /learn/modules/:moduleId/items/:itemKey', allow: LEARNER, request: async (w) => ({ method: 'GET', path: `/learn/modules/${(await startedModule(w)).moduleId}/items/bai-1` }) },
  { route: 'POST /learn/modules/:moduleId/items/:itemKey/new-attempt', allow: LEARNER, request: async (w) => ({ method: 'POST', path: `/learn/modules/${(await startedModule(w)).moduleId}/items/bai-1/new-attempt`, form: {} }) },
  { route: 'GET /learn/modules/:moduleId/items/:itemKey/state', allow: LEARNER, request: async (w) => ({ method: 'GET', path: `/learn/modules/${(await startedModule(w)).moduleId}/items/bai-1/state` }) },
  { route: 'POST /learn/modules/:moduleId/items/:itemKey/done', allow: LEARNER, request: async (w) => ({ method: 'POST', path: `/learn/modules/${(await startedModule(w)).moduleId}/items/bai-1/done`, form: {} }) },
  { route: 'POST /learn/modules/:moduleId/items/:itemKey/attempts', allow: LEARNER, request: async (w) => ({ method: 'POST', path: `/learn/modules/${(await startedModule(w)).moduleId}/items/kiem-tra/attempts`, form: {} }) },
  { route: 'GET /learn/attempts/:attemptId', allow: LEARNER, request: async (w) => ({ method: 'GET', path: `/learn/attempts/${await openAttempt(w)}` }) },
  { route: 'POST /learn/attempts/:attemptId/submit', allow: LEARNER, request: async (w) => ({ method: 'POST', path: `/learn/attempts/${await openAttempt(w)}/submit`, form: {} }) },
  { route: 'POST /api/v1/me/attempts/:attemptId/answers', allow: LEARNER, request: async (w) => ({ method: 'POST', path: `/api/v1/me/attempts/${await openAttempt(w)}/answers`, json: { answers: {} } }) },
];
