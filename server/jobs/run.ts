/**
 * One run of one job, around the kind's handler: claim the run (a fencing token), keep
 * the scheduler's lock alive while it works (heartbeats), write its progress, and record
 * how it ended. The scheduler (agenda) decides who runs what and when; this decides what
 * a run means for the job's status page.
 */
import { randomBytes } from 'node:crypto';
import type { Job } from 'agenda';
import { trusted, Types, type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { isAppError } from '../errors';
import type { Services } from '../http/context';
import type { MessageId } from '../i18n';
import type { AnyJobKind } from './kind';
import { ACTIVE_STATUSES, jobModel, type JobDocument } from './model';
import { progressWriter } from './progress-writer';

export interface RunSettings {
  /** the scheduler's lock lifetime, in ms: heartbeats come four times per lifetime */
  lockLifetimeMs: number;
  progressWriteMs: number;
  clock: () => Date;
  log: Logger;
}

/**
 * Runs that may start in all, crashes included, before a job is given up as
 * 'job_abandoned': a job whose input kills its instance (memory, a native crash) must not
 * kill every instance that takes it over, forever.
 */
export const maxStarts = (kind: AnyJobKind): number => (kind.attempts ?? 1) + 2;

/** Heartbeat timers of the runs in progress, stopped when the runtime stops. */
export type Heartbeats = Set<NodeJS.Timeout>;

async function finish(db: Connection, id: Types.ObjectId, token: string, now: Date, outcome: { status: 'done'; result: unknown } | { status: 'failed'; errorId: MessageId }): Promise<void> {
  await jobModel(db).updateOne(
    { _id: id, 'run.token': token },
    {
      $set: { 'run.status': outcome.status, 'run.result': 'result' in outcome ? outcome.result : null, 'run.errorId': 'errorId' in outcome ? outcome.errorId : null, 'run.finishedAt': now, 'run.token': null },
      // the job no longer holds its exclusive key: the next one of the kind may start
      $unset: { exclusiveKey: 1 },
    },
  );
}

/** Marks the job as running under a new token; null when it already ended (an instance died after recording its end). */
async function claim(db: Connection, id: Types.ObjectId, recurring: boolean, token: string, now: Date): Promise<JobDocument | null> {
  const fresh = recurring ? { 'run.progress': null, 'run.result': null, 'run.errorId': null, 'run.finishedAt': null } : {};
  return jobModel(db)
    .findOneAndUpdate(
      recurring ? { _id: id } : { _id: id, 'run.status': trusted({ $in: ACTIVE_STATUSES }) },
      // a recurring job's runs are counted one by one (an interrupted run is not resumed: the next period comes)
      recurring ? { $set: { 'run.status': 'running', 'run.token': token, 'run.startedAt': now, 'run.starts': 1, ...fresh } } : { $set: { 'run.status': 'running', 'run.token': token, 'run.startedAt': now }, $inc: { 'run.starts': 1 } },
      { returnDocument: 'after' },
    )
    .lean<JobDocument>();
}

/** The function agenda calls for every job of `kind`. */
export function runner(kind: AnyJobKind, services: () => Services, settings: RunSettings, heartbeats: Heartbeats) {
  return async (job: Job<unknown>): Promise<void> => {
    const id = new Types.ObjectId(String(job.attrs._id));
    const log = settings.log.child({ job: id.toHexString(), kind: kind.name });
    // the scheduler takes a job over from an instance whose lock is older than its lifetime:
    // heartbeats from the moment the job is handed over, until the run has recorded its end
    const heartbeat = setInterval(() => job.touch().catch((error: unknown) => log.warn({ err: error }, 'job heartbeat failed')), Math.max(50, settings.lockLifetimeMs / 4));
    heartbeat.unref();
    heartbeats.add(heartbeat);
    try {
      await runClaimed(kind, job, id, services(), settings, log);
    } finally {
      clearInterval(heartbeat);
      heartbeats.delete(heartbeat);
    }
  };
}

/** Claims the run (a fresh fencing token), runs the handler and records how it ended. */
async function runClaimed(kind: AnyJobKind, job: Job<unknown>, id: Types.ObjectId, services: Services, settings: RunSettings, log: Logger): Promise<void> {
  const { db } = services;
  const token = randomBytes(12).toString('hex');
  const now = settings.clock();
  const claimed = await claim(db, id, Boolean(job.attrs.repeatInterval), token, now);
  if (!claimed) return;
  if (claimed.run.starts > maxStarts(kind)) {
    log.error({ starts: claimed.run.starts }, 'job given up: it was started too many times without ending');
    return finish(db, id, token, settings.clock(), { status: 'failed', errorId: 'job_abandoned' });
  }
  const attempt = (job.attrs.failCount ?? 0) + 1;
  const writer = progressWriter<unknown>(
    async (value) => void (await jobModel(db).updateOne({ _id: id, 'run.token': token }, { $set: { 'run.progress': value } })),
    settings.progressWriteMs,
    (error) => log.warn({ err: error }, 'job progress not recorded'),
  );
  try {
    const result = await kind.handle({ id: id.toHexString(), data: claimed.data, ownerId: claimed.ownerId, now, attempt, progress: (value) => writer.set(value) }, services);
    await writer.flush();
    await finish(db, id, token, settings.clock(), { status: 'done', result: result ?? null });
  } catch (error) {
    await writer.flush();
    const last = isAppError(error) || attempt >= (kind.attempts ?? 1);
    if (!isAppError(error)) log.error({ err: error, attempt, last }, 'job failed');
    if (last) return finish(db, id, token, settings.clock(), { status: 'failed', errorId: isAppError(error) ? error.id : kind.failureId });
    await jobModel(db).updateOne({ _id: id, 'run.token': token }, { $set: { 'run.status': 'queued', 'run.token': null } });
    // agenda records the failure and schedules the retry (the kind's backoff)
    throw error;
  } finally {
    writer.cancel();
  }
}
