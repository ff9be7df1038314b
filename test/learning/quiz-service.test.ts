/**
 * The quiz and progress services on the embedded database, with the clock passed in:
 * the time limit, attempt limit, cooldown, resume, submit-once, the completion rule and
 * versioning. Each refusal is checked to have written nothing.
 */
import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { AppError } from '../../server/errors';
import type { QuizItem } from '../../server/modules/model';
import type { Learner } from '../../server/progress/learner';
import { learningEventModel, progressModel, type ModuleProgress } from '../../server/progress/model';
import { completeLesson, findProgress, pinnedVersion, startModule, touchItem } from '../../server/progress/service';
import { attemptModel, type Attempt } from '../../server/quizzes/model';
import { grant } from '../../server/quizzes/grants';
import { quizState, saveAnswers, startAttempt, submitAttempt, type QuizSettings } from '../../server/quizzes/service';
import { openTestDatabase, type TestDatabase } from '../database';
import { buildOfficer } from '../factories';
import { buildPublishedModule, buildQuestions, lesson, quiz, republish, rightAnswers, seededRandom, wrongAnswers } from './fixtures';

const SETTINGS: QuizSettings = { graceSeconds: 30 };
const YEAR = 2026;
const T0 = new Date('2026-03-02T02:00:00Z');
const later = (ms: number, from = T0) => new Date(from.getTime() + ms);
const MIN = 60_000;

/** The error a promise rejects with (fails the test if it resolves). */
async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a refusal');
}

describe('quiz attempts and progress (services)', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let db: Connection;

  before(async () => {
    database = await openTestDatabase('learning-service');
    db = database.connection;
    await buildQuestions(db, 'thai-do', 6, ['single', 'multiple', 'true-false', 'scenario']);
    await buildQuestions(db, 'ky-luat', 3);
  });
  after(() => database.close());

  async function newLearner(): Promise<Learner> {
    const officer = await buildOfficer();
    return { officerId: officer._id, unitId: officer.unitId, ancestors: [], fullName: officer.fullName };
  }

  /** A learner who started a fresh module with one lesson and `settings`' quiz. */
  async function started(settings: Partial<QuizItem> = {}): Promise<{ learner: Learner; progress: ModuleProgress; q: QuizItem }> {
    const q = quiz('kiem-tra', settings);
    const { moduleId } = await buildPublishedModule(db, { items: [lesson('bai-1'), q] });
    const learner = await newLearner();
    const progress = await startModule(db, learner, moduleId, YEAR, T0);
    return { learner, progress, q };
  }

  const attemptsOf = (learner: Learner) => attemptModel(db).find({ officerId: learner.officerId }).sort({ number: 1 }).lean<Attempt[]>();
  const progressOf = async (p: ModuleProgress) => (await progressModel(db).findById(p._id).lean<ModuleProgress>())!;

  it('an attempt draws per topic and stores the snapshot with a deadline', async () => {
    const { progress, q } = await started({ draw: [{ topic: 'thai-do', count: 4 }, { topic: 'ky-luat', count: 2 }], timeLimitMinutes: 10 });
    const { attempt } = await startAttempt(db, progress, q, T0, SETTINGS, seededRandom(5));
    expect(attempt.questions).to.have.length(6);
    expect(attempt.number).to.equal(1);
    expect(attempt.deadlineAt?.toISOString()).to.equal(later(10 * MIN).toISOString());
    expect(attempt.questions.every((s) => s.correct.length > 0 && s.options.length >= 2)).to.equal(true);
  });

  it('the same seed draws the same paper, different attempts different orders', async () => {
    const a = await started();
    const b = await started();
    const order = async (s: { progress: ModuleProgress; q: QuizItem }, seed: number) => (await startAttempt(db, s.progress, s.q, T0, SETTINGS, seededRandom(seed))).attempt.questions.map((x) => `${x.prompt}|${x.options.map((o) => o.key).join('')}`);
    expect(await order(a, 11)).to.deep.equal(await order(b, 11));
    const c = await started();
    expect(await order(c, 12)).not.to.deep.equal(await order(a, 11));
  });

  it('resume: starting twice (even in parallel) gives the same open attempt with its saved answers', async () => {
    const { learner, progress, q } = await started();
    const [one, two] = await Promise.all([startAttempt(db, progress, q, T0, SETTINGS), startAttempt(db, progress, q, T0, SETTINGS)]);
    expect(String(one.attempt._id)).to.equal(String(two.attempt._id));
    const first = one.attempt.questions[0]!;
    await saveAnswers(db, one.attempt._id, learner.officerId, { [first.questionId.toHexString()]: [first.options[0]!.key] }, later(MIN), SETTINGS);
    const again = await startAttempt(db, progress, q, later(2 * MIN), SETTINGS);
    expect(again.resumed).to.equal(true);
    expect(String(again.attempt._id)).to.equal(String(one.attempt._id));
    expect(again.attempt.answers[first.questionId.toHexString()]).to.deep.equal([first.options[0]!.key]);
    expect(await attemptsOf(learner)).to.have.length(1);
  });

  it('time limit: answers after the deadline plus grace are refused and not saved; submit scores only what was saved in time', async () => {
    const { learner, progress, q } = await started({ timeLimitMinutes: 5, passPercent: 100 });
    const { attempt } = await startAttempt(db, progress, q, T0, SETTINGS);
    const right = rightAnswers(attempt);
    const [firstId, ...restIds] = Object.keys(right);
    // within the grace: taken
    await saveAnswers(db, attempt._id, learner.officerId, { [firstId!]: right[firstId!]! }, later(5 * MIN + 20_000), SETTINGS);
    const late = await refusal(saveAnswers(db, attempt._id, learner.officerId, { [restIds[0]!]: right[restIds[0]!]! }, later(5 * MIN + 31_000), SETTINGS));
    expect(late).to.include({ status: 409, id: 'learn_quiz_time_over' });
    const stored = (await attemptModel(db).findById(attempt._id).lean<Attempt>())!;
    expect(Object.keys(stored.answers)).to.deep.equal([firstId]);
    // a late submit carrying every right answer: closed, scored with the one saved in time
    const submitted = await submitAttempt(db, attempt._id, learner.officerId, right, q, later(6 * MIN), SETTINGS);
    expect(submitted).to.include({ status: 'submitted', correctCount: 1, score: 25, passed: false });
  });

  it('a quiz page opened after the deadline closes the open attempt with its saved answers', async () => {
    const { learner, progress, q } = await started({ timeLimitMinutes: 1 });
    const { attempt } = await startAttempt(db, progress, q, T0, SETTINGS);
    const state = await quizState(db, progress, q, later(10 * MIN), SETTINGS);
    expect(state.open).to.equal(null);
    expect(state.last?.status).to.equal('submitted');
    expect((await progressOf(progress)).attempts).to.equal(1);
    expect((await attemptsOf(learner))[0]!._id.equals(attempt._id)).to.equal(true);
  });

  it('attempt limit: no attempt beyond the limit of the year', async () => {
    const { learner, progress, q } = await started({ attemptLimit: 2 });
    for (let i = 0; i < 2; i++) {
      const { attempt } = await startAttempt(db, progress, q, later(i * MIN), SETTINGS);
      await submitAttempt(db, attempt._id, learner.officerId, wrongAnswers(attempt), q, later(i * MIN + 1000), SETTINGS);
    }
    const refused = await refusal(startAttempt(db, progress, q, later(10 * MIN), SETTINGS));
    expect(refused).to.include({ status: 409, id: 'learn_quiz_attempt_limit' });
    expect(await attemptsOf(learner)).to.have.length(2);
  });

  it('a coordinator\'s grant made before the first attempt still counts for the later ones (extra attempt, then a reset)', async () => {
    const { learner, progress, q } = await started({ attemptLimit: 1 });
    const key = { officerId: learner.officerId, moduleId: progress.moduleId, year: YEAR };
    await grant(db, key, { extraAttempts: 1 }, T0);
    for (let i = 0; i < 2; i++) {
      const { attempt } = await startAttempt(db, progress, q, later(i * MIN), SETTINGS);
      expect(attempt.number).to.equal(i + 1);
      await submitAttempt(db, attempt._id, learner.officerId, wrongAnswers(attempt), q, later(i * MIN + 1000), SETTINGS);
    }
    expect((await quizState(db, progress, q, later(5 * MIN), SETTINGS)).left).to.equal(0);
    expect(await refusal(startAttempt(db, progress, q, later(10 * MIN), SETTINGS))).to.include({ status: 409, id: 'learn_quiz_attempt_limit' });
    await grant(db, key, { resetAt: later(11 * MIN) }, later(11 * MIN));
    expect((await startAttempt(db, progress, q, later(12 * MIN), SETTINGS)).attempt.number).to.equal(3);
    expect(await attemptsOf(learner)).to.have.length(3);
  });

  it('cooldown after a failed attempt, with the time left; none after a pass (then no new attempt at all)', async () => {
    const { learner, progress, q } = await started({ cooldownMinutes: 30 });
    const { attempt } = await startAttempt(db, progress, q, T0, SETTINGS);
    await submitAttempt(db, attempt._id, learner.officerId, wrongAnswers(attempt), q, later(MIN), SETTINGS);
    const waiting = await refusal(startAttempt(db, progress, q, later(11 * MIN), SETTINGS));
    expect(waiting).to.include({ status: 409, id: 'learn_quiz_cooldown' });
    expect(waiting.params).to.deep.equal({ minutes: 20, seconds: 0 });
    expect(await attemptsOf(learner)).to.have.length(1);
    const second = await startAttempt(db, progress, q, later(31 * MIN), SETTINGS);
    expect(second.attempt.number).to.equal(2);
    await submitAttempt(db, second.attempt._id, learner.officerId, rightAnswers(second.attempt), q, later(32 * MIN), SETTINGS);
    const passed = await refusal(startAttempt(db, progress, q, later(33 * MIN), SETTINGS));
    expect(passed).to.include({ status: 409, id: 'learn_quiz_already_passed' });
  });

  it('the cooldown setting (QUIZ_COOLDOWN_SECONDS) replaces the quiz cooldown', async () => {
    const { learner, progress, q } = await started({ cooldownMinutes: 30 });
    const { attempt } = await startAttempt(db, progress, q, T0, SETTINGS);
    await submitAttempt(db, attempt._id, learner.officerId, wrongAnswers(attempt), q, T0, SETTINGS);
    const fast = { ...SETTINGS, cooldownSecondsOverride: 2 };
    expect((await refusal(startAttempt(db, progress, q, later(1000), fast))).id).to.equal('learn_quiz_cooldown');
    expect((await startAttempt(db, progress, q, later(2500), fast)).attempt.number).to.equal(2);
  });

  it('double submit (two in parallel) records one result, one roll-up and one event', async () => {
    const { learner, progress, q } = await started();
    const { attempt } = await startAttempt(db, progress, q, T0, SETTINGS);
    const answers = rightAnswers(attempt);
    const both = await Promise.all([submitAttempt(db, attempt._id, learner.officerId, answers, q, later(MIN), SETTINGS), submitAttempt(db, attempt._id, learner.officerId, answers, q, later(MIN), SETTINGS)]);
    expect(both.map((a) => a.status)).to.deep.equal(['submitted', 'submitted']);
    const p = await progressOf(progress);
    expect(p).to.include({ attempts: 1, bestScore: 100, lastScore: 100 });
    expect(await learningEventModel(db).countDocuments({ officerId: learner.officerId, type: 'attempt_submitted' })).to.equal(1);
  });

  it('bad answers are refused and nothing is saved: a question not in the attempt, a foreign option, two options for one-answer, another officer', async () => {
    const { learner, progress, q } = await started();
    const { attempt } = await startAttempt(db, progress, q, T0, SETTINGS);
    const single = attempt.questions.find((x) => x.kind !== 'multiple')!;
    const id = single.questionId.toHexString();
    const stranger = await buildQuestions(db, 'dao-duc', 1);
    expect((await refusal(saveAnswers(db, attempt._id, learner.officerId, { [stranger[0]!._id.toHexString()]: ['a'] }, T0, SETTINGS))).id).to.equal('learn_answer_question_not_in_attempt');
    expect((await refusal(saveAnswers(db, attempt._id, learner.officerId, { [id]: ['zz'] }, T0, SETTINGS))).id).to.equal('learn_answer_option_invalid');
    expect((await refusal(saveAnswers(db, attempt._id, learner.officerId, { [id]: single.options.slice(0, 2).map((o) => o.key) }, T0, SETTINGS))).id).to.equal('learn_answer_one_option_only');
    const other = await newLearner();
    const foreign = await refusal(saveAnswers(db, attempt._id, other.officerId, { [id]: [single.options[0]!.key] }, T0, SETTINGS));
    expect(foreign).to.include({ status: 404, id: 'learn_attempt_not_found' });
    expect((await refusal(submitAttempt(db, attempt._id, other.officerId, null, q, T0, SETTINGS))).status).to.equal(404);
    const stored = (await attemptModel(db).findById(attempt._id).lean<Attempt>())!;
    expect(stored.answers).to.deep.equal({});
    expect(stored.status).to.equal('open');
  });

  it('completion rule: the module completes only when every lesson is read and the quiz passed', async () => {
    const { learner, progress, q } = await started();
    const version = await pinnedVersion(db, progress);
    const { attempt } = await startAttempt(db, progress, q, T0, SETTINGS);
    await submitAttempt(db, attempt._id, learner.officerId, rightAnswers(attempt), q, later(MIN), SETTINGS);
    let p = await progressOf(progress);
    expect(p).to.include({ status: 'in-progress', percent: 50, completedAt: null });
    await touchItem(db, p, 'bai-1');
    p = await completeLesson(db, p, version, 'bai-1', later(2 * MIN));
    expect(p).to.include({ status: 'completed', percent: 100 });
    expect(p.completedAt?.toISOString()).to.equal(later(2 * MIN).toISOString());
    // marking it again changes nothing and records no second event
    await touchItem(db, p, 'bai-1');
    await completeLesson(db, p, version, 'bai-1', later(3 * MIN));
    const events = await learningEventModel(db).find({ officerId: learner.officerId }).lean();
    expect(events.filter((e) => e.type === 'lesson_completed')).to.have.length(1);
    expect(events.filter((e) => e.type === 'module_completed')).to.have.length(1);
  });

  it('a failed quiz leaves the quiz item undone', async () => {
    const { learner, progress, q } = await started();
    await touchItem(db, progress, 'bai-1');
    await completeLesson(db, progress, await pinnedVersion(db, progress), 'bai-1', T0);
    const { attempt } = await startAttempt(db, progress, q, T0, SETTINGS);
    await submitAttempt(db, attempt._id, learner.officerId, wrongAnswers(attempt), q, later(MIN), SETTINGS);
    expect(await progressOf(progress)).to.include({ status: 'in-progress', percent: 50, attempts: 1, bestScore: 0 });
  });

  it('versioning: an officer who started keeps the pinned version after a new publish; a newcomer gets the new one', async () => {
    const { moduleId } = await buildPublishedModule(db, { items: [lesson('bai-1'), quiz('kiem-tra')] });
    const early = await newLearner();
    const progress = await startModule(db, early, moduleId, YEAR, T0);
    await republish(db, moduleId, [lesson('bai-1'), lesson('bai-2'), quiz('kiem-tra')]);
    expect((await pinnedVersion(db, (await findProgress(db, early.officerId, moduleId, YEAR))!)).content.items).to.have.length(2);
    // starting again returns the same pinned record
    expect((await startModule(db, early, moduleId, YEAR, later(MIN))).version).to.equal(1);
    expect(progress.version).to.equal(1);
    const late = await newLearner();
    const fresh = await startModule(db, late, moduleId, YEAR, later(MIN));
    expect(fresh).to.include({ version: 2, itemCount: 3 });
  });

  it('starting a module twice at once makes one progress record', async () => {
    const { moduleId } = await buildPublishedModule(db, { items: [lesson('bai-1')] });
    const learner = await newLearner();
    await Promise.all([startModule(db, learner, moduleId, YEAR, T0), startModule(db, learner, moduleId, YEAR, T0)]);
    expect(await progressModel(db).countDocuments({ officerId: learner.officerId, moduleId })).to.equal(1);
    expect(await learningEventModel(db).countDocuments({ officerId: learner.officerId, type: 'module_started' })).to.equal(1);
  });
});
