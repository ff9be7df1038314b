/**
 * Tracking. `module_progress` is the rolled-up status per officer × module × year,
 * updated on every event, so reports never scan attempts; `learning_events` keeps the
 * raw events for audit. A progress record pins the module version the officer started
 * and the unit they belonged to then (a completion stays with that unit).
 */
import { Schema, type Types } from 'mongoose';
import { defineModel } from '../db/models';

export const PROGRESS_STATUSES = ['not-started', 'in-progress', 'completed'] as const;
export type ProgressStatus = (typeof PROGRESS_STATUSES)[number];

export interface ModuleProgress {
  _id: Types.ObjectId;
  officerId: Types.ObjectId;
  moduleId: Types.ObjectId;
  year: number;
  /** the module version this officer works through */
  version: number;
  /** the officer's unit when the record was made */
  unitId: Types.ObjectId;
  status: ProgressStatus;
  /** keys of the items done (lessons read, quizzes passed, packages completed) */
  doneItems: string[];
  itemCount: number;
  /** 0–100 */
  percent: number;
  /** percent scores of the module's quiz; null before the first attempt */
  bestScore: number | null;
  lastScore: number | null;
  attempts: number;
  /** the item to continue with */
  lastItemKey: string | null;
  /** lessons the officer has opened: only an opened lesson can be marked read */
  openedItems?: string[];
  startedAt: Date;
  completedAt: Date | null;
  updatedAt: Date;
}

export const LEARNING_EVENT_TYPES = ['module_started', 'lesson_completed', 'attempt_started', 'attempt_submitted', 'module_completed', 'package_completed'] as const;
export type LearningEventType = (typeof LEARNING_EVENT_TYPES)[number];

export interface LearningEvent {
  _id: Types.ObjectId;
  at: Date;
  type: LearningEventType;
  officerId: Types.ObjectId;
  moduleId: Types.ObjectId;
  year: number;
  version: number;
  itemKey: string | null;
  details: Record<string, unknown>;
}

const progressSchema = new Schema<ModuleProgress>(
  {
    officerId: { type: Schema.Types.ObjectId, required: true },
    moduleId: { type: Schema.Types.ObjectId, required: true },
    year: { type: Number, required: true },
    version: { type: Number, required: true },
    unitId: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, required: true, enum: PROGRESS_STATUSES },
    doneItems: { type: [String], default: [] },
    itemCount: { type: Number, required: true },
    percent: { type: Number, default: 0 },
    bestScore: { type: Number, default: null },
    lastScore: { type: Number, default: null },
    attempts: { type: Number, default: 0 },
    lastItemKey: { type: String, default: null },
    openedItems: { type: [String], default: undefined },
    startedAt: { type: Date, required: true },
    completedAt: { type: Date, default: null },
  },
  { timestamps: { createdAt: false, updatedAt: true }, collection: 'module_progress' },
);
progressSchema.index({ officerId: 1, moduleId: 1, year: 1 }, { unique: true });
progressSchema.index({ moduleId: 1, year: 1, unitId: 1, status: 1 });

const eventSchema = new Schema<LearningEvent>(
  {
    at: { type: Date, required: true },
    type: { type: String, required: true, enum: LEARNING_EVENT_TYPES },
    officerId: { type: Schema.Types.ObjectId, required: true },
    moduleId: { type: Schema.Types.ObjectId, required: true },
    year: { type: Number, required: true },
    version: { type: Number, required: true },
    itemKey: { type: String, default: null },
    details: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'learning_events', versionKey: false, minimize: false },
);
eventSchema.index({ officerId: 1, at: -1 });
eventSchema.index({ moduleId: 1, year: 1 });

const progressModels = defineModel<ModuleProgress>('ModuleProgress', progressSchema);
export const progressModel = progressModels.model;
export const readyProgressModel = progressModels.ready;
const eventModels = defineModel<LearningEvent>('LearningEvent', eventSchema);
export const learningEventModel = eventModels.model;
