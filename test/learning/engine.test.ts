/** The quiz engine's pure parts: the draw per topic, shuffling (with a fixed seed), scoring. */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { AppError } from '../../server/errors';
import type { Topic } from '../../server/modules/model';
import type { Question } from '../../server/questions/model';
import { drawQuestions, scoreAnswers, shuffle, snapshotQuestion } from '../../server/quizzes/engine';
import type { AttemptQuestion } from '../../server/quizzes/model';
import { seededRandom } from './fixtures';

const question = (topic: Topic, n: number, active = true): Question => ({
  _id: new Types.ObjectId(),
  ref: `${topic}-${n}`,
  topic,
  kind: 'single',
  scenario: null,
  prompt: `Câu ${n}`,
  options: ['a', 'b', 'c', 'd'].map((key) => ({ key, text: key, correct: key === 'a' })),
  explanation: '',
  source: null,
  pools: [],
  ownerUnitId: null,
  active,
  createdAt: new Date(),
  updatedAt: new Date(),
});

const bank = [
  ...Array.from({ length: 10 }, (_, i) => question('thai-do', i)),
  ...Array.from({ length: 6 }, (_, i) => question('giao-tiep', i)),
  question('giao-tiep', 99, false),
  ...Array.from({ length: 3 }, (_, i) => question('ky-luat', i)),
];

describe('quiz engine', () => {
  it('draws the configured count per topic, distinct, active questions only', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const paper = drawQuestions(bank, [{ topic: 'thai-do', count: 4 }, { topic: 'giao-tiep', count: 6 }], seededRandom(seed));
      expect(paper.filter((q) => q.topic === 'thai-do')).to.have.length(4);
      expect(paper.filter((q) => q.topic === 'giao-tiep')).to.have.length(6);
      expect(paper.every((q) => q.active)).to.equal(true);
      expect(new Set(paper.map((q) => String(q._id))).size).to.equal(10);
    }
  });

  it('two entries of the same topic never draw the same question twice', () => {
    const paper = drawQuestions(bank, [{ topic: 'ky-luat', count: 2 }, { topic: 'ky-luat', count: 1 }], seededRandom(7));
    expect(new Set(paper.map((q) => String(q._id))).size).to.equal(3);
  });

  it('refuses a draw larger than the active bank of a topic (the inactive question does not count)', () => {
    let caught: unknown;
    try {
      drawQuestions(bank, [{ topic: 'giao-tiep', count: 7 }], seededRandom(1));
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(AppError);
    expect(caught).to.include({ status: 409, id: 'learn_quiz_bank_too_small' });
    expect((caught as AppError).params).to.deep.equal({ topic: 'giao-tiep', count: 7, available: 6 });
  });

  it('shuffles deterministically for a seed, and differently across seeds', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    expect(shuffle(items, seededRandom(42))).to.deep.equal(shuffle(items, seededRandom(42)));
    const orders = new Set(Array.from({ length: 20 }, (_, seed) => shuffle(items, seededRandom(seed + 1)).join(',')));
    expect(orders.size).to.be.greaterThan(15);
    expect(shuffle(items, seededRandom(3)).sort((a, b) => a - b)).to.deep.equal(items);
  });

  it('draws differ across attempts: over 400 seeded draws every question of the topic is drawn and leads the paper', () => {
    const drawn = new Map<string, number>();
    const first = new Set<string>();
    for (let seed = 1; seed <= 400; seed++) {
      const paper = drawQuestions(bank, [{ topic: 'thai-do', count: 4 }], seededRandom(seed));
      for (const q of paper) drawn.set(q.ref, (drawn.get(q.ref) ?? 0) + 1);
      first.add(paper[0]!.ref);
    }
    expect(drawn.size).to.equal(10);
    // 400 × 4 / 10 = 160 expected per question; a fair draw stays well inside 100–220
    for (const n of drawn.values()) expect(n).to.be.within(100, 220);
    expect(first.size).to.equal(10);
  });

  it('shuffles options when asked and keeps the right keys with them', () => {
    const q = question('thai-do', 1);
    const orders = new Set<string>();
    for (let seed = 1; seed <= 30; seed++) {
      const snap = snapshotQuestion(q, true, seededRandom(seed));
      orders.add(snap.options.map((o) => o.key).join(''));
      expect(snap.correct).to.deep.equal(['a']);
    }
    expect(orders.size).to.be.greaterThan(5);
    expect(snapshotQuestion(q, false, seededRandom(1)).options.map((o) => o.key)).to.deep.equal(['a', 'b', 'c', 'd']);
  });

  it('scores: multiple choice only with the exact set, percent rounded down, pass at the mark', () => {
    const make = (correct: string[], kind: AttemptQuestion['kind'] = 'single'): AttemptQuestion => ({ questionId: new Types.ObjectId(), kind, scenario: null, prompt: 'p', options: ['a', 'b', 'c'].map((key) => ({ key, text: key })), correct, explanation: '', source: null });
    const qs = [make(['a']), make(['a', 'c'], 'multiple'), make(['b'])];
    const id = (i: number) => qs[i]!.questionId.toHexString();
    const partial = scoreAnswers(qs, { [id(0)]: ['a'], [id(1)]: ['a'], [id(2)]: ['b'] }, 66);
    expect(partial).to.include({ correctCount: 2, score: 66, passed: true });
    expect(partial.results.map((r) => r.correct)).to.deep.equal([true, false, true]);
    expect(scoreAnswers(qs, { [id(1)]: ['a', 'b', 'c'] }, 34)).to.include({ correctCount: 0, score: 0, passed: false });
    expect(scoreAnswers(qs, { [id(1)]: ['c', 'a'] }, 34)).to.include({ correctCount: 1, score: 33, passed: false });
  });
});
