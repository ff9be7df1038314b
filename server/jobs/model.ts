/**
 * Background jobs live in one collection, `jobs`, shared by every app instance. agenda
 * (the scheduler, see ./runtime.ts) owns its fields: name, data, nextRunAt, lockedAt,
 * failCount, repeatInterval… This model declares only the fields the platform adds to
 * the same documents — who owns the job, where it stands for the pages that poll it,
 * its progress and result — so one document is the whole truth about a job and no
 * second write can be lost between a queue entry and its status.
 */
import { Schema, type Types } from 'mongoose';
import { defineModel } from '../db/models';
import type { MessageId } from '../i18n';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';
export const ACTIVE_STATUSES: readonly JobStatus[] = ['queued', 'running'];

/** Where one job stands: written by the runtime only. */
export interface JobState {
  status: JobStatus;
  /** the kind's last progress value (plain data) */
  progress: unknown;
  /** what the handler returned (done jobs) */
  result: unknown;
  /** why a failed job failed */
  errorId: MessageId | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** runs started, crashes included: a job that keeps killing its instance is given up */
  starts: number;
  /**
   * Fencing token of the run in progress: progress and result writes carry it, so a run
   * that lost its claim (its instance stalled past the lock lifetime and another took
   * the job over) can no longer write anything.
   */
  token: string | null;
}

export interface JobDocument {
  _id: Types.ObjectId;
  /** the kind (agenda's field) */
  name: string;
  data: unknown;
  /** the account that started it; null for scheduled work */
  ownerId: string | null;
  createdAt: Date;
  /** while set, no other active job may have the same key (a unique index): see enqueue's `exclusiveKey` */
  exclusiveKey?: string;
  /** the kind of a recurring job: one document per kind (a unique index), whichever instance scheduled it first */
  recurring?: string;
  /** when the job's result was taken by a follow-up (see Jobs.consume) */
  consumedAt?: Date;
  run: JobState;
}

const jobSchema = new Schema<JobDocument>(
  {
    name: { type: String, required: true },
    data: { type: Schema.Types.Mixed },
    ownerId: { type: String, default: null },
    createdAt: { type: Date },
    exclusiveKey: { type: String },
    recurring: { type: String },
    consumedAt: { type: Date },
    run: {
      status: { type: String, enum: ['queued', 'running', 'done', 'failed'] },
      progress: { type: Schema.Types.Mixed },
      result: { type: Schema.Types.Mixed },
      errorId: { type: String },
      startedAt: { type: Date },
      finishedAt: { type: Date },
      starts: { type: Number },
      token: { type: String },
    },
  },
  // agenda writes the documents: mongoose only reads and updates the fields above
  { collection: 'jobs', versionKey: false, minimize: false, strict: true },
);
// admission limits: active jobs of a kind, per owner and in all
jobSchema.index({ name: 1, 'run.status': 1, ownerId: 1 });
// retention: finished one-off jobs by age
jobSchema.index({ 'run.finishedAt': 1 });
jobSchema.index({ exclusiveKey: 1 }, { unique: true, partialFilterExpression: { exclusiveKey: { $exists: true } } });
jobSchema.index({ recurring: 1 }, { unique: true, partialFilterExpression: { recurring: { $exists: true } } });

const jobModels = defineModel<JobDocument>('BackgroundJob', jobSchema);
export const jobModel = jobModels.model;
export const readyJobModel = jobModels.ready;
