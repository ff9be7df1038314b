/**
 * The quiz engine's pure parts: drawing questions, shuffling, scoring. No database and
 * no clock here, and the random source is a parameter, so tests can fix it and check
 * the draw and the shuffle exactly.
 */
import { randomInt } from 'node:crypto';
import type { Types } from 'mongoose';
import { AppError } from '../errors';
import { inDraw, type QuizDraw } from '../modules/model';
import type { Question } from '../questions/model';
import type { AttemptQuestion, AttemptResult } from './model';

/** A number in [0, 1), like Math.random. */
export type Random = () => number;

/** The default source: crypto-strong, so the next draw cannot be predicted from earlier ones. */
export const secureRandom: Random = () => randomInt(2 ** 47) / 2 ** 47;

/** A shuffled copy of `items` (Fisher–Yates). */
export function shuffle<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Draws `count` distinct questions per entry of `draw` from `bank` (active questions,
 * any order) — of the entry's topic, and of its module pool when it names one — then shuffles the whole paper. A topic whose bank is smaller than asked
 * is refused (409 'learn_quiz_bank_too_small'): a shorter quiz than configured would be unfair.
 */
export function drawQuestions(bank: readonly Question[], draw: readonly QuizDraw[], random: Random): Question[] {
  const taken = new Set<string>();
  const paper: Question[] = [];
  for (const entry of draw) {
    const pool = bank.filter((q) => inDraw(q, entry) && q.active && !taken.has(String(q._id)));
    if (pool.length < entry.count) throw new AppError(409, 'learn_quiz_bank_too_small', { topic: entry.topic, count: entry.count, available: pool.length });
    for (const q of shuffle(pool, random).slice(0, entry.count)) {
      taken.add(String(q._id));
      paper.push(q);
    }
  }
  return shuffle(paper, random);
}

/** The attempt's copy of a question: options in the order shown, the correct keys kept for scoring. */
export function snapshotQuestion(question: Question, shuffleOptions: boolean, random: Random): AttemptQuestion {
  const options = shuffleOptions ? shuffle(question.options, random) : [...question.options];
  return {
    questionId: question._id,
    kind: question.kind,
    scenario: question.scenario,
    prompt: question.prompt,
    options: options.map((o) => ({ key: o.key, text: o.text })),
    correct: question.options.filter((o) => o.correct).map((o) => o.key),
    explanation: question.explanation,
    source: question.source,
  };
}

/** Kinds answered with exactly one option. */
export const SINGLE_ANSWER_KINDS = new Set(['single', 'true-false', 'scenario']);

export interface Score {
  /** percent of questions right, 0–100, rounded down */
  score: number;
  correctCount: number;
  passed: boolean;
  results: AttemptResult[];
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((k) => b.includes(k)) && new Set(a).size === a.length;

/**
 * Scores `answers` (question id hex → chosen keys). A question is right only when the
 * chosen set equals the correct set (multiple choice: all the right options and no other).
 */
export function scoreAnswers(questions: readonly AttemptQuestion[], answers: Readonly<Record<string, readonly string[]>>, passPercent: number): Score {
  const results = questions.map((q) => {
    const chosen = [...(answers[hex(q.questionId)] ?? [])];
    return { questionId: q.questionId, chosen, correct: sameSet(chosen, q.correct) };
  });
  const correctCount = results.filter((r) => r.correct).length;
  const score = questions.length ? Math.floor((correctCount * 100) / questions.length) : 0;
  return { score, correctCount, passed: score >= passPercent, results };
}

const hex = (id: Types.ObjectId) => id.toHexString();
