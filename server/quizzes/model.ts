/**
 * Quiz attempts. Each attempt keeps the questions it drew — prompt, options in the
 * order shown, the correct keys and the explanation — so review and scores never depend
 * on the bank changing later. Submitting is one conditional update on `status: 'open'`,
 * so a double submit records one attempt.
 */
import { Schema, type Types } from 'mongoose';
import { defineModel } from '../db/models';
import type { QuestionKind } from '../questions/model';

export interface AttemptQuestion {
  questionId: Types.ObjectId;
  kind: QuestionKind;
  scenario: string | null;
  prompt: string;
  /** in the order shown to this officer */
  options: Array<{ key: string; text: string }>;
  correct: string[];
  explanation: string;
  source: string | null;
}

export interface AttemptResult {
  questionId: Types.ObjectId;
  chosen: string[];
  correct: boolean;
}

export interface Attempt {
  _id: Types.ObjectId;
  officerId: Types.ObjectId;
  moduleId: Types.ObjectId;
  version: number;
  itemKey: string;
  year: number;
  /** 1, 2, … per officer × module × quiz × year */
  number: number;
  status: 'open' | 'submitted';
  startedAt: Date;
  /** null without a time limit */
  deadlineAt: Date | null;
  questions: AttemptQuestion[];
  /** autosaved answers: question id (hex) → chosen option keys */
  answers: Record<string, string[]>;
  submittedAt: Date | null;
  /** percent, 0–100, rounded down */
  score: number | null;
  correctCount: number | null;
  passed: boolean | null;
  results: AttemptResult[];
}

const attemptQuestionSchema = new Schema<AttemptQuestion>(
  {
    questionId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, required: true },
    scenario: { type: String, default: null },
    prompt: { type: String, required: true },
    options: { type: [{ _id: false, key: String, text: String }], required: true },
    correct: { type: [String], required: true },
    explanation: { type: String, default: '' },
    source: { type: String, default: null },
  },
  { _id: false },
);

const attemptSchema = new Schema<Attempt>(
  {
    officerId: { type: Schema.Types.ObjectId, required: true },
    moduleId: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    itemKey: { type: String, required: true },
    year: { type: Number, required: true },
    number: { type: Number, required: true },
    status: { type: String, required: true, enum: ['open', 'submitted'] },
    startedAt: { type: Date, required: true },
    deadlineAt: { type: Date, default: null },
    questions: { type: [attemptQuestionSchema], required: true },
    answers: { type: Schema.Types.Mixed, default: {} },
    submittedAt: { type: Date, default: null },
    score: { type: Number, default: null },
    correctCount: { type: Number, default: null },
    passed: { type: Boolean, default: null },
    results: { type: [{ _id: false, questionId: Schema.Types.ObjectId, chosen: [String], correct: Boolean }], default: [] },
  },
  { collection: 'quiz_attempts', versionKey: false, minimize: false },
);
// one attempt number per officer × module × quiz × year: two parallel "start" clicks cannot both make attempt 2
attemptSchema.index({ officerId: 1, moduleId: 1, itemKey: 1, year: 1, number: 1 }, { unique: true });
attemptSchema.index({ officerId: 1, status: 1 });

const attemptModels = defineModel<Attempt>('QuizAttempt', attemptSchema);
export const attemptModel = attemptModels.model;
export const readyAttemptModel = attemptModels.ready;
