/**
 * One officer's attempt at one SCO of a package (package_attempts). Created or resumed
 * when the officer opens the package; every accepted SCORM commit updates it. A new
 * attempt starts only after the previous one ended (a final commit that ends it, see
 * endsAttempt in scorm.ts: SCORM 2004 by cmi.exit, SCORM 1.2 once completed or on
 * "logout" / "time-out"); until then every opening resumes the same record.
 *
 * Commits are ordered by (session, seq): `session` counts the openings of the attempt
 * (each opening gets a token naming its session), `seq` is the player's commit counter
 * within that session. A commit not newer than (session, lastCommitSeq) is ignored, so
 * duplicates and late arrivals change nothing.
 *
 * Time: `priorSeconds` is the total of the sessions before the current one, folded in
 * once when a new session starts; `sessionSeconds` is the latest session_time the current
 * session reported (a repeated commit overwrites it, never adds it twice). The total is
 * their sum (attemptSeconds): not stored, so that a commit is one conditional update.
 */
import { Schema, type Types } from 'mongoose';
import { defineModel } from '../db/models';

export const COMPLETION = ['unknown', 'not_attempted', 'incomplete', 'completed'] as const;
export const SUCCESS = ['unknown', 'passed', 'failed'] as const;
export const ATTEMPT_STATUS = ['active', 'finished'] as const;
export type Completion = (typeof COMPLETION)[number];
export type Success = (typeof SUCCESS)[number];

/** Where an attempt counts: the module item it was opened from (null for a coordinator's preview). */
export interface AttemptContext {
  moduleId: Types.ObjectId;
  itemKey: string;
  year: number;
}

export interface PackageAttempt {
  _id: Types.ObjectId;
  /** the learner's officer record; null for a coordinator's preview */
  officerId: Types.ObjectId | null;
  accountId: Types.ObjectId;
  packageId: Types.ObjectId;
  kind: 'scorm12' | 'scorm2004' | 'h5p';
  /** the SCO's item identifier (H5P: "h5p") */
  scoIdentifier: string;
  context: AttemptContext | null;
  preview: boolean;
  /** 1, 2, … for this learner × package × SCO × context */
  number: number;
  /** the CMI object of the latest accepted commit (as scorm-again renders it) */
  cmi: Record<string, unknown> | null;
  /** SCORM 1.2 cmi.core.lesson_status as reported (null for 2004 / H5P) */
  lessonStatus: string | null;
  completion: Completion;
  success: Success;
  scoreRaw: number | null;
  /** 0…1 (2004 score.scaled; 1.2: raw within min…max, or raw/100) */
  scoreScaled: number | null;
  location: string;
  suspendData: string;
  /** the exit value of the latest commit ("suspend" → the next opening resumes) */
  exit: string;
  priorSeconds: number;
  sessionSeconds: number;
  session: number;
  lastCommitSeq: number;
  commits: number;
  status: (typeof ATTEMPT_STATUS)[number];
  finishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The time spent on an attempt so far, in seconds: previous sessions + the current one. */
export const attemptSeconds = (attempt: Pick<PackageAttempt, 'priorSeconds' | 'sessionSeconds'>) => attempt.priorSeconds + attempt.sessionSeconds;

const contextSchema = new Schema<AttemptContext>({ moduleId: { type: Schema.Types.ObjectId, required: true }, itemKey: { type: String, required: true }, year: { type: Number, required: true } }, { _id: false });

const attemptSchema = new Schema<PackageAttempt>(
  {
    officerId: { type: Schema.Types.ObjectId, default: null },
    accountId: { type: Schema.Types.ObjectId, required: true },
    packageId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: ['scorm12', 'scorm2004', 'h5p'], required: true },
    scoIdentifier: { type: String, required: true },
    context: { type: contextSchema, default: null },
    preview: { type: Boolean, default: false },
    number: { type: Number, required: true },
    cmi: { type: Schema.Types.Mixed, default: null },
    lessonStatus: { type: String, default: null },
    completion: { type: String, enum: COMPLETION, default: 'not_attempted' },
    success: { type: String, enum: SUCCESS, default: 'unknown' },
    scoreRaw: { type: Number, default: null },
    scoreScaled: { type: Number, default: null },
    location: { type: String, default: '' },
    suspendData: { type: String, default: '' },
    exit: { type: String, default: '' },
    priorSeconds: { type: Number, default: 0 },
    sessionSeconds: { type: Number, default: 0 },
    session: { type: Number, default: 0 },
    lastCommitSeq: { type: Number, default: 0 },
    commits: { type: Number, default: 0 },
    status: { type: String, enum: ATTEMPT_STATUS, default: 'active' },
    finishedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'package_attempts', minimize: false },
);
// the opening of a package looks up the learner's latest attempt at a SCO
attemptSchema.index({ accountId: 1, packageId: 1, scoIdentifier: 1, number: -1 });
attemptSchema.index({ packageId: 1, officerId: 1 });

const attemptModels = defineModel<PackageAttempt>('PackageAttempt', attemptSchema);
export const attemptModel = attemptModels.model;
export const readyAttemptModel = attemptModels.ready;
