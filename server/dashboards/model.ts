/**
 * The dashboards' roll-up (issue #12). Two small collections kept current by
 * `rollup.ts`, so no page scans enrolments or progress:
 *
 * - `dashboard_entries`: one per enrolment (officer × campaign module) that counts —
 *   the enrolment joined with the officer's progress of the campaign's year. Drill-down
 *   to officers, the overdue list and the exports read these.
 * - `dashboard_counters`: sums of entries per campaign × counting unit × module × staff
 *   category × due day. A subtree's figures are the sum of its units' counters; overdue
 *   is computed at read time from the buckets whose due day has passed.
 */
import { Schema, type Types } from 'mongoose';
import { defineModel } from '../db/models';
import { OFFICER_CATEGORIES, type OfficerCategory } from '../officers/model';
import { PROGRESS_STATUSES, type ProgressStatus } from '../progress/model';

/** 'gone': the enrolment no longer counts (left, stopped); kept so its removal is compare-and-set too. */
export const ENTRY_STATES = ['enrolled', 'exempt', 'gone'] as const;
export type EntryState = (typeof ENTRY_STATES)[number];

export interface DashboardEntry {
  /** the enrolment's id */
  _id: Types.ObjectId;
  campaignId: Types.ObjectId;
  year: number;
  moduleId: Types.ObjectId;
  officerId: Types.ObjectId;
  unitId: Types.ObjectId;
  category: OfficerCategory;
  dueDate: Date;
  state: EntryState;
  status: ProgressStatus;
  /** best quiz score, percent; null before any attempt */
  bestScore: number | null;
  completedAt: Date | null;
  /** the write that made this version: compare-and-set token of the incremental roll-up */
  token: string;
}

/** The sums of one bucket. `weeks`: completions per ISO week ("2026-W44"), Vietnam time. */
export interface CounterFigures {
  enrolled: number;
  exempt: number;
  completed: number;
  inProgress: number;
  scoreSum: number;
  scoreCount: number;
  weeks: Record<string, number>;
}

export interface DashboardCounter extends CounterFigures {
  /** campaign:unit:module:category:due day, so an upsert finds its bucket */
  _id: string;
  campaignId: Types.ObjectId;
  year: number;
  unitId: Types.ObjectId;
  moduleId: Types.ObjectId;
  category: OfficerCategory;
  dueDate: Date;
}

const entrySchema = new Schema<DashboardEntry>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    campaignId: { type: Schema.Types.ObjectId, required: true },
    year: { type: Number, required: true },
    moduleId: { type: Schema.Types.ObjectId, required: true },
    officerId: { type: Schema.Types.ObjectId, required: true },
    unitId: { type: Schema.Types.ObjectId, required: true },
    category: { type: String, enum: OFFICER_CATEGORIES, required: true },
    dueDate: { type: Date, required: true },
    state: { type: String, enum: ENTRY_STATES, required: true },
    status: { type: String, enum: PROGRESS_STATUSES, required: true },
    bestScore: { type: Number, default: null },
    completedAt: { type: Date, default: null },
    token: { type: String, required: true },
  },
  { collection: 'dashboard_entries', versionKey: false },
);
entrySchema.index({ officerId: 1 });
// a unit's entries (officer lists, exports: the first three fields answer those filters
// exactly) and the overdue list's buckets (not-completed entries of a due day, service.ts)
entrySchema.index({ campaignId: 1, unitId: 1, state: 1, status: 1, dueDate: 1 });

const counterSchema = new Schema<DashboardCounter>(
  {
    _id: { type: String, required: true },
    campaignId: { type: Schema.Types.ObjectId, required: true },
    year: { type: Number, required: true },
    unitId: { type: Schema.Types.ObjectId, required: true },
    moduleId: { type: Schema.Types.ObjectId, required: true },
    category: { type: String, enum: OFFICER_CATEGORIES, required: true },
    dueDate: { type: Date, required: true },
    enrolled: { type: Number, default: 0 },
    exempt: { type: Number, default: 0 },
    completed: { type: Number, default: 0 },
    inProgress: { type: Number, default: 0 },
    scoreSum: { type: Number, default: 0 },
    scoreCount: { type: Number, default: 0 },
    weeks: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'dashboard_counters', versionKey: false, minimize: false },
);
counterSchema.index({ campaignId: 1, unitId: 1 });

/**
 * A campaign's roll-up generation: a new random token after every write to its counters
 * (`rollup.ts`, after the counters are written). Pages keep the counters in memory
 * (`snapshot.ts`) and re-read them only when this token moved — one read by id per page,
 * correct across several app instances.
 */
export interface DashboardGeneration {
  /** the campaign's id */
  _id: Types.ObjectId;
  token: string;
}

const generationSchema = new Schema<DashboardGeneration>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    token: { type: String, required: true },
  },
  { collection: 'dashboard_generations', versionKey: false },
);

const entryModels = defineModel<DashboardEntry>('DashboardEntry', entrySchema);
export const entryModel = entryModels.model;
export const readyEntryModel = entryModels.ready;
const counterModels = defineModel<DashboardCounter>('DashboardCounter', counterSchema);
export const counterModel = counterModels.model;
export const readyCounterModel = counterModels.ready;
const generationModels = defineModel<DashboardGeneration>('DashboardGeneration', generationSchema);
export const generationModel = generationModels.model;
