/**
 * The question bank, by topic, with module pools inside it (see `pools`). A quiz draws from it at random per attempt; each attempt
 * keeps a copy of the questions it drew (server/quizzes), so editing or retiring a
 * question never changes an attempt already made.
 */
import { Schema, type Types } from 'mongoose';
import { defineModel } from '../db/models';
import { TOPICS, type Topic } from '../modules/model';

export const QUESTION_KINDS = ['single', 'multiple', 'true-false', 'scenario'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export interface QuestionOption {
  /** stable within the question: "a", "b", … */
  key: string;
  text: string;
  correct: boolean;
}

export interface Question {
  _id: Types.ObjectId;
  /** a readable unique id ("thai-do-01"); starter content and imports upsert by it */
  ref: string;
  topic: Topic;
  kind: QuestionKind;
  /** scenario questions: the workplace situation shown before the prompt */
  scenario: string | null;
  prompt: string;
  options: QuestionOption[];
  explanation: string;
  /** where the answer comes from, e.g. "Mục II.2.a" of the plan */
  source: string | null;
  /** the unit whose coordinators maintain it; null = province-wide bank */
  ownerUnitId: Types.ObjectId | null;
  /**
   * The module pools it belongs to: codes of the modules whose content it examines
   * ("VHCV-THAI-DO"). A quiz drawing from its module's pool only takes questions tagged
   * with that code; a question without pools is a shared topic question.
   */
  pools: string[];
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const optionSchema = new Schema<QuestionOption>({ key: { type: String, required: true }, text: { type: String, required: true }, correct: { type: Boolean, required: true } }, { _id: false });

const questionSchema = new Schema<Question>(
  {
    ref: { type: String, required: true, trim: true },
    topic: { type: String, required: true, enum: TOPICS },
    kind: { type: String, required: true, enum: QUESTION_KINDS },
    scenario: { type: String, default: null },
    prompt: { type: String, required: true },
    options: { type: [optionSchema], required: true },
    explanation: { type: String, default: '' },
    source: { type: String, default: null },
    ownerUnitId: { type: Schema.Types.ObjectId, default: null },
    pools: { type: [String], default: [] },
    active: { type: Boolean, default: true },
  },
  { timestamps: true, collection: 'questions' },
);
questionSchema.index({ ref: 1 }, { unique: true });
questionSchema.index({ topic: 1, active: 1 });
// a module's pool: its questions of a topic
questionSchema.index({ pools: 1, topic: 1, active: 1 });

const questionModels = defineModel<Question>('Question', questionSchema);
export const questionModel = questionModels.model;
export const readyQuestionModel = questionModels.ready;
