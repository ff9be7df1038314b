/**
 * Quiz attempts: start (or resume), autosave answers, submit exactly once. Every
 * function takes `now`, so tests move the clock instead of waiting; the server's clock
 * is the only authority on deadlines.
 */
import { Types, type Connection } from 'mongoose';
import { AppError, conflict, notFound } from '../errors';
import type { ModuleProgress } from '../progress/model';
import { recordAttempt, recordEvent } from '../progress/service';
import type { QuizItem } from '../modules/model';
import { questionModel, type Question } from '../questions/model';
import { drawQuestions, scoreAnswers, secureRandom, SINGLE_ANSWER_KINDS, snapshotQuestion, type Random } from './engine';
import { attemptModel, readyAttemptModel, type Attempt } from './model';
import { grantsFor } from './grants';
import { findFirst, findMany, insertOne, rawCollection, updateOne } from '../db/raw';

/** The quiz settings that the deployment may override (server/env.ts). */
export interface QuizSettings {
  /** seconds after the deadline during which answers are still taken (network, a slow phone) */
  graceSeconds: number;
  /** replaces every quiz's cooldown when set (demos and tests) */
  cooldownSecondsOverride?: number | undefined;
}

const isDuplicateKey = (error: unknown) => (error as { code?: number } | null)?.code === 11000;

/** Cooldown after a failed attempt, in milliseconds. */
export const cooldownMs = (quiz: QuizItem, settings: QuizSettings) => (settings.cooldownSecondsOverride ?? quiz.cooldownMinutes * 60) * 1000;

/** True when answers are no longer taken: past the deadline plus the grace. */
export const pastDeadline = (attempt: Pick<Attempt, 'deadlineAt'>, now: Date, settings: QuizSettings) => attempt.deadlineAt !== null && now.getTime() > attempt.deadlineAt.getTime() + settings.graceSeconds * 1000;

export interface QuizState {
  open: Attempt | null;
  /** the passing attempt of this year, if any (no new attempt after it) */
  passed: Attempt | null;
  last: Attempt | null;
  used: number;
  /** attempts left this year; null = unlimited */
  left: number | null;
  /** when a new attempt may start after a failed one; null = now */
  cooldownUntil: Date | null;
}

/**
 * Where the learner stands on one quiz this year. An open attempt whose time is up is
 * closed (scored with the answers saved in time) on the way, so a phone that slept past
 * the deadline finds its result rather than a form it can no longer send.
 */
export async function quizState(db: Connection, progress: ModuleProgress, quiz: QuizItem, now: Date, settings: QuizSettings): Promise<QuizState> {
  return readState(db, progress, quiz, now, settings, false);
}

/**
 * quizState, with `lazyGrants` for starting an attempt: before the first attempt the
 * coordinator's grants cannot change the decision (nothing open, passed, used up or
 * cooling down), so they are read only once there are attempts — one read less for the
 * commonest start. `left` is then the quiz's own limit, a lower bound of the true one.
 */
async function readState(db: Connection, progress: ModuleProgress, quiz: QuizItem, now: Date, settings: QuizSettings, lazyGrants: boolean): Promise<QuizState> {
  const filter = { officerId: progress.officerId, moduleId: progress.moduleId, itemKey: quiz.key, year: progress.year };
  // the driver's own find: the filter is built here with its stored types, nothing to cast
  const Attempts = rawCollection(attemptModel(db));
  const list = () => findMany<Attempt>(Attempts, filter, { sort: { number: 1 } });
  // a coordinator's override (extra attempts, or a reset after which earlier attempts no
  // longer count): read alongside the attempts, two independent reads — or after them, lazily
  const noGrants = { extraAttempts: 0, resetAt: null };
  const [first, grants] = lazyGrants
    ? await list().then(async (found) => [found, found.length ? await grantsFor(db, filter) : noGrants] as const)
    : await Promise.all([list(), grantsFor(db, filter)]);
  let attempts = first;
  const expired = attempts.find((a) => a.status === 'open' && pastDeadline(a, now, settings));
  if (expired) {
    await closeAttempt(db, expired, quiz, now);
    attempts = await list();
  }
  const open = attempts.find((a) => a.status === 'open') ?? null;
  const passed = attempts.find((a) => a.passed === true) ?? null;
  const counted = grants.resetAt ? attempts.filter((a) => a.startedAt >= grants.resetAt!) : attempts;
  const last = counted.filter((a) => a.status === 'submitted').at(-1) ?? null;
  const until = last && !last.passed && last.submittedAt ? new Date(last.submittedAt.getTime() + cooldownMs(quiz, settings)) : null;
  return {
    open,
    passed,
    last: attempts.filter((a) => a.status === 'submitted').at(-1) ?? null,
    used: attempts.length,
    left: quiz.attemptLimit > 0 ? Math.max(0, quiz.attemptLimit + grants.extraAttempts - counted.length) : null,
    cooldownUntil: until && until > now ? until : null,
  };
}

/**
 * The active questions `quiz` draws from: its topics, narrowed to the module pools its
 * draws name. One query per draw entry, each on the index its fields lead ({topic, active}
 * or {pools, topic, active}): one query with an `$or` of the entries, sorted by ref, made
 * the engine walk the whole bank in ref order and test every question (a module's ~25
 * questions read out of every module's). The union is put in ref order here, as the
 * draw's input (a fixed random source then draws the same paper).
 */
async function bankFor(db: Connection, quiz: QuizItem): Promise<Question[]> {
  const Questions = rawCollection(questionModel(db));
  const lists = await Promise.all(
    quiz.draw.map((d) => findMany<Question>(Questions, d.pool ? { pools: d.pool, topic: d.topic, active: true } : { topic: d.topic, active: true })),
  );
  const byId = new Map(lists.flat().map((q) => [q._id.toHexString(), q]));
  return [...byId.values()].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}

/**
 * Starts an attempt, or resumes the open one. Refused with 409: after a pass
 * ('learn_quiz_already_passed'), when the year's attempts are used up ('learn_quiz_attempt_limit'),
 * during the cooldown after a failed attempt ('learn_quiz_cooldown', with the minutes and
 * seconds left), when the bank is too small ('learn_quiz_bank_too_small'). The attempt number
 * comes from the unique index: two parallel starts cannot both make attempt n; the
 * loser finds the winner's open attempt and resumes it.
 */
export async function startAttempt(
  db: Connection,
  progress: ModuleProgress,
  quiz: QuizItem,
  now: Date,
  settings: QuizSettings,
  random: Random = secureRandom,
): Promise<{ attempt: Attempt; resumed: boolean }> {
  const Attempts = await readyAttemptModel(db);
  for (let tries = 0; tries < 5; tries++) {
    const state = await readState(db, progress, quiz, now, settings, true);
    if (state.open) return { attempt: state.open, resumed: true };
    if (state.passed) throw conflict('learn_quiz_already_passed');
    if (state.left === 0) throw conflict('learn_quiz_attempt_limit', { limit: quiz.attemptLimit });
    if (state.cooldownUntil) {
      const seconds = Math.ceil((state.cooldownUntil.getTime() - now.getTime()) / 1000);
      throw new AppError(409, 'learn_quiz_cooldown', { minutes: Math.floor(seconds / 60), seconds: seconds % 60 });
    }
    const questions = drawQuestions(await bankFor(db, quiz), quiz.draw, random).map((q) => snapshotQuestion(q, quiz.shuffleOptions, random));
    try {
      // a plain insert: the document is built here, complete, and hydrating ten question
      // sub-documents through mongoose for one write costs more than the write
      const attempt: Attempt = {
        _id: new Types.ObjectId(),
        officerId: progress.officerId,
        moduleId: progress.moduleId,
        version: progress.version,
        itemKey: quiz.key,
        year: progress.year,
        number: state.used + 1,
        status: 'open',
        startedAt: now,
        deadlineAt: quiz.timeLimitMinutes > 0 ? new Date(now.getTime() + quiz.timeLimitMinutes * 60_000) : null,
        questions,
        answers: {},
        submittedAt: null,
        score: null,
        correctCount: null,
        passed: null,
        results: [],
      };
      await insertOne(rawCollection(Attempts), attempt);
      await recordEvent(db, { type: 'attempt_started', at: now, officerId: attempt.officerId, moduleId: attempt.moduleId, year: attempt.year, version: attempt.version, itemKey: quiz.key, details: { attemptId: attempt._id, number: attempt.number } });
      return { attempt, resumed: false };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
  throw conflict('learn_quiz_busy');
}

/** The learner's own attempt; anyone else's is 404 like a missing one (its existence is not revealed). */
export async function findOwnAttempt(db: Connection, attemptId: Types.ObjectId, officerId: Types.ObjectId): Promise<Attempt> {
  // by _id alone, which the engine answers from its index without decoding the attempt;
  // whose it is is checked here (the same 404 either way)
  const attempt = await findFirst<Attempt>(rawCollection(attemptModel(db)), { _id: attemptId });
  if (!attempt || !attempt.officerId.equals(officerId)) throw notFound('learn_attempt_not_found');
  return attempt;
}

/**
 * Checks answers against the attempt: every question must be in it (else 422
 * 'learn_answer_question_not_in_attempt'), every key one of that question's options
 * ('learn_answer_option_invalid'), single-answer kinds take at most one key
 * ('learn_answer_one_option_only'). Returns them normalised (no duplicates).
 */
export function checkAnswers(attempt: Attempt, answers: Record<string, string[]>): Record<string, string[]> {
  const byId = new Map(attempt.questions.map((q) => [q.questionId.toHexString(), q]));
  const clean: Record<string, string[]> = {};
  for (const [id, keys] of Object.entries(answers)) {
    const question = byId.get(id);
    if (!question) throw new AppError(422, 'learn_answer_question_not_in_attempt', { questionId: id });
    const unique = [...new Set(keys)];
    if (unique.some((k) => !question.options.some((o) => o.key === k))) throw new AppError(422, 'learn_answer_option_invalid', { questionId: id });
    if (SINGLE_ANSWER_KINDS.has(question.kind) && unique.length > 1) throw new AppError(422, 'learn_answer_one_option_only', { questionId: id });
    clean[id] = unique;
  }
  return clean;
}

/**
 * Autosaves answers into an open attempt. Refused, with nothing saved: another
 * officer's or a missing attempt (404), a submitted one (409 'learn_attempt_already_submitted'),
 * after the deadline plus grace (409 'learn_quiz_time_over'), invalid answers (422, see checkAnswers).
 */
export async function saveAnswers(db: Connection, attemptId: Types.ObjectId, officerId: Types.ObjectId, answers: Record<string, string[]>, now: Date, settings: QuizSettings): Promise<Attempt> {
  const attempt = await findOwnAttempt(db, attemptId, officerId);
  if (attempt.status !== 'open') throw conflict('learn_attempt_already_submitted');
  if (pastDeadline(attempt, now, settings)) throw conflict('learn_quiz_time_over');
  const clean = checkAnswers(attempt, answers);
  if (!Object.keys(clean).length) return attempt;
  const set = Object.fromEntries(Object.entries(clean).map(([id, keys]) => [`answers.${id}`, keys]));
  // the conditional update refuses a write that lands after a parallel submit closed the attempt
  const saved = await attemptModel(db).findOneAndUpdate({ _id: attemptId, officerId, status: 'open' }, { $set: set }, { returnDocument: 'after' }).lean<Attempt>();
  if (!saved) throw conflict('learn_attempt_already_submitted');
  return saved;
}

/**
 * Scores an open attempt and closes it, in one conditional update on `status: 'open'`:
 * of two parallel submits one records the result (and rolls up progress) and the other
 * finds it already done. `extra` are answers the submit itself carried (already
 * checked, in time); they join the saved ones in the same write. Returns the submitted
 * attempt either way.
 */
async function closeAttempt(db: Connection, attempt: Attempt, quiz: QuizItem, now: Date, extra: Record<string, string[]> = {}): Promise<Attempt> {
  const Attempts = attemptModel(db);
  if (attempt.status !== 'open') return attempt;
  const answers = { ...(attempt.answers ?? {}), ...extra };
  const { score, correctCount, passed, results } = scoreAnswers(attempt.questions, answers, quiz.passPercent);
  const withAnswers = Object.keys(extra).length ? { answers } : {};
  const set = { ...withAnswers, status: 'submitted' as const, submittedAt: now, score, correctCount, passed, results };
  // the closed attempt is the loaded one plus what we set: no need to read its questions
  // back. The driver's own updateOne: every value is built here with its stored type, and
  // mongoose casting the ten results as sub-documents cost more than the write itself.
  const { matchedCount } = await updateOne(rawCollection(Attempts), { _id: attempt._id, status: 'open' }, { $set: set });
  if (matchedCount === 0) return (await Attempts.findById(attempt._id).lean<Attempt>())!;
  const closed: Attempt = { ...attempt, ...set, answers };
  await recordAttempt(db, closed, now);
  return closed;
}

/**
 * Submits the learner's attempt, with the answers the form carried (the page works
 * without JavaScript). Within the time, those answers count (invalid ones refuse the
 * whole submit, 422, nothing written); after the deadline plus grace they are ignored
 * and the attempt is scored with what was saved in time — a submit never smuggles in
 * late answers. A second submit returns the result.
 */
export async function submitAttempt(
  db: Connection,
  attemptId: Types.ObjectId,
  officerId: Types.ObjectId,
  answers: Record<string, string[]> | null,
  quiz: QuizItem,
  now: Date,
  settings: QuizSettings,
): Promise<Attempt> {
  return submitOwnAttempt(db, await findOwnAttempt(db, attemptId, officerId), answers, quiz, now, settings);
}

/**
 * The same for an attempt the caller has just loaded with findOwnAttempt (the routes do,
 * to find its quiz): no second read. If another submit got there in between, the
 * conditional update in closeAttempt loses and the stored result is returned.
 */
export async function submitOwnAttempt(db: Connection, attempt: Attempt, answers: Record<string, string[]> | null, quiz: QuizItem, now: Date, settings: QuizSettings): Promise<Attempt> {
  if (attempt.status !== 'open') return attempt;
  const extra = answers && !pastDeadline(attempt, now, settings) ? checkAnswers(attempt, answers) : {};
  return closeAttempt(db, attempt, quiz, now, extra);
}
