/**
 * Question pools (issue #11, "quizzes that test their module"): the five starter modules
 * loaded from content/, next to another module of the same topic and shared topic
 * questions. Every question of many attempts at a starter quiz comes from that module's
 * own pool; a quiz without a pool still draws from the whole topic; the starter quizzes
 * show answers only after a pass.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { trusted, type Connection } from 'mongoose';
import { loadContent } from '../../server/content/loader';
import { parseEnv } from '../../server/env';
import { moduleModel, TOPICS, type QuizItem } from '../../server/modules/model';
import { latestVersion } from '../../server/modules/versions';
import type { Learner } from '../../server/progress/learner';
import { startModule } from '../../server/progress/service';
import { questionModel, type Question } from '../../server/questions/model';
import { startAttempt, submitAttempt, type QuizSettings } from '../../server/quizzes/service';
import { openTestDatabase, type TestDatabase } from '../database';
import { buildOfficer, buildUnit } from '../factories';
import { buildPublishedModule, buildQuestions, quiz, seededRandom } from './fixtures';

const SETTINGS: QuizSettings = { graceSeconds: 30, cooldownSecondsOverride: 0 };
const T0 = new Date('2026-04-01T02:00:00Z');

describe('quizzes draw from their module pool', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let db: Connection;
  let dataDir: string;

  before(async () => {
    database = await openTestDatabase('pools');
    db = database.connection;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vhcv-pools-'));
    await buildUnit({ name: 'Tỉnh thử' });
    await loadContent(db, { config: parseEnv({ NODE_ENV: 'test', DATA_DIR: dataDir }) });
    // the same topics also hold shared questions (no pool) and another module's pool
    for (const topic of TOPICS) {
      await buildQuestions(db, topic, 12);
      const other = await buildQuestions(db, topic, 12);
      await questionModel(db).updateMany({ _id: trusted({ $in: other.map((q) => q._id) }) }, { $set: { pools: [`KHAC-${topic.toUpperCase()}`] } });
    }
  });
  after(async () => {
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function learner(): Promise<Learner> {
    const officer = await buildOfficer();
    return { officerId: officer._id, unitId: officer.unitId, ancestors: [], fullName: officer.fullName };
  }

  /** Every question drawn by `attempts` attempts (failed on purpose, so the next may start) at `q` of module `moduleId`. */
  async function drawn(moduleId: Parameters<typeof startModule>[2], q: QuizItem, attempts: number, seed: number): Promise<string[]> {
    const who = await learner();
    const progress = await startModule(db, who, moduleId, 2026, T0);
    const ids: string[] = [];
    for (let n = 0; n < attempts; n++) {
      const now = new Date(T0.getTime() + n * 60_000);
      const { attempt } = await startAttempt(db, progress, q, now, SETTINGS, seededRandom(seed + n));
      ids.push(...attempt.questions.map((question) => question.questionId.toHexString()));
      await submitAttempt(db, attempt._id, who.officerId, {}, q, new Date(now.getTime() + 1000), SETTINGS);
    }
    return ids;
  }

  it('every question of 40 attempts at each starter quiz belongs to its own module, and the whole pool gets drawn', async () => {
    const modules = await moduleModel(db).find({ code: /^VHCV-/ }).lean();
    expect(modules).to.have.length(5);
    for (const module of modules) {
      const version = await latestVersion(db, module._id);
      const q = version!.content.items.find((item): item is QuizItem => item.kind === 'quiz')!;
      expect(q.draw.every((d) => d.pool === module.code), `${module.code} draws from its own pool`).to.equal(true);
      const pool = await questionModel(db).find({ pools: module.code }).lean<Question[]>();
      const poolIds = new Set(pool.map((question) => question._id.toHexString()));
      // the starter questions of a module are exactly its content file's bank
      expect(pool.every((question) => question.ref.startsWith(`${module.draft.topic}-`))).to.equal(true);
      // drawing is what this test is about: the attempt limit (three on one starter test) is lifted
      const ids = await drawn(module._id, { ...q, attemptLimit: 0 }, 40, 1000);
      expect(ids).to.have.length(40 * q.draw.reduce((sum, d) => sum + d.count, 0));
      const foreign = ids.filter((id) => !poolIds.has(id));
      expect(foreign, `${module.code}: questions from outside its pool`).to.deep.equal([]);
      expect(new Set(ids).size, `${module.code}: 40 attempts reach the whole pool`).to.equal(poolIds.size);
    }
  });

  it('a quiz without a pool still draws from the whole topic, shared and pooled questions alike', async () => {
    const q = quiz('kiem-tra', { draw: [{ topic: 'ky-luat', count: 10 }] });
    const { moduleId } = await buildPublishedModule(db, { topic: 'ky-luat', items: [q] });
    const ids = new Set(await drawn(moduleId, q, 30, 7));
    const topic = await questionModel(db).find({ topic: 'ky-luat', active: true }).lean<Question[]>();
    const shared = topic.filter((question) => question.pools.length === 0).map((question) => question._id.toHexString());
    expect(shared.some((id) => ids.has(id))).to.equal(true);
    expect([...ids].every((id) => topic.some((question) => question._id.toHexString() === id))).to.equal(true);
    expect(ids.size).to.be.greaterThan(25);
  });

  it('a quiz of a pool and its whole topic together: each question at most once per paper, none inactive, the pool entry from the pool', async () => {
    // a topic of its own here: 4 pooled and 4 shared questions, plus one inactive of each kind
    const pooled = await buildQuestions(db, 'trang-phuc', 5);
    const shared = await buildQuestions(db, 'trang-phuc', 5);
    const others = await questionModel(db).find({ topic: 'trang-phuc', _id: trusted({ $nin: [...pooled, ...shared].map((x) => x._id) }) }, { _id: 1 }).lean();
    await questionModel(db).updateMany({ _id: trusted({ $in: others.map((x) => x._id) }) }, { $set: { active: false } });
    await questionModel(db).updateMany({ _id: trusted({ $in: pooled.map((x) => x._id) }) }, { $set: { pools: ['HP-GOP'] } });
    await questionModel(db).updateMany({ _id: trusted({ $in: [pooled[4]!._id, shared[4]!._id] }) }, { $set: { active: false } });
    const poolIds = new Set(pooled.slice(0, 4).map((x) => x._id.toHexString()));
    const activeIds = new Set([...poolIds, ...shared.slice(0, 4).map((x) => x._id.toHexString())]);
    // the second entry takes the rest of the topic: the pooled questions match both entries
    const q = quiz('kiem-tra', { draw: [{ topic: 'trang-phuc', count: 2, pool: 'HP-GOP' }, { topic: 'trang-phuc', count: 6 }] });
    const { moduleId } = await buildPublishedModule(db, { topic: 'trang-phuc', items: [q] });
    const who = await learner();
    const progress = await startModule(db, who, moduleId, 2026, T0);
    for (let n = 0; n < 12; n++) {
      const now = new Date(T0.getTime() + n * 60_000);
      const { attempt } = await startAttempt(db, progress, q, now, SETTINGS, seededRandom(50 + n));
      const ids = attempt.questions.map((x) => x.questionId.toHexString());
      // the whole active topic, each question once; at least the pool entry's two from the pool
      expect(new Set(ids)).to.deep.equal(activeIds);
      expect(ids).to.have.length(8);
      expect(ids.filter((id) => poolIds.has(id)).length).to.be.at.least(2);
      await submitAttempt(db, attempt._id, who.officerId, {}, q, new Date(now.getTime() + 1000), SETTINGS);
    }
    // one inactive question fewer than asked: refused, not a shorter paper
    await questionModel(db).updateOne({ _id: shared[0]!._id }, { $set: { active: false } });
    const refused = await startAttempt(db, progress, q, new Date(T0.getTime() + 3_600_000), SETTINGS).catch((e: { status?: number; id?: string }) => e);
    expect(refused).to.include({ status: 409, id: 'learn_quiz_bank_too_small' });
  });

  it('the starter quizzes show correct answers and explanations only after a pass', async () => {
    const modules = await moduleModel(db).find({ code: /^VHCV-/ }).lean();
    for (const module of modules) {
      const q = module.draft.items.find((item): item is QuizItem => item.kind === 'quiz')!;
      expect(q.review, module.code).to.equal('after-pass');
    }
  });
});
