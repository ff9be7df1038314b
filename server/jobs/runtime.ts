/**
 * The job runtime: background work stored in the database and run by whichever app
 * instance claims it, so that several instances can share one MongoDB (or one embedded
 * engine) and a job outlives the instance that started it.
 *
 * Scheduling, claiming and retries are agenda's (a MongoDB-backed scheduler, see the
 * README): a job is claimed with one findOneAndUpdate on its `lockedAt`, kept claimed by
 * heartbeats while it runs, and taken over by another instance (or the same one after a
 * restart) once its lock is older than `lockLifetimeMs` — which is how a job cut short by
 * a crash or a SIGKILL is resumed. What the pages show (status, progress, result) is
 * written by ./run.ts into the same document.
 */
import os from 'node:os';
import { Agenda, InMemoryNotificationChannel } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import { trusted, Types, type Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { AppError } from '../errors';
import type { Services } from '../http/context';
import type { MessageId } from '../i18n';
import { cleanupJobKind } from './cleanup';
import type { AnyJobKind, JobKind } from './kind';
import { ACTIVE_STATUSES, jobModel, readyJobModel, type JobDocument, type JobStatus } from './model';
import { runner, type Heartbeats } from './run';

export interface JobRuntimeOptions {
  /** ms a claim lasts without a heartbeat: a crashed instance's jobs are taken over after it */
  lockLifetimeMs: number;
  /** ms between two looks for due jobs (jobs enqueued on this instance start at once) */
  pollMs: number;
  /** ms between two progress writes of one job (default 250) */
  progressWriteMs?: number;
  /** the time handlers get as `now` (tests move it); default the system clock */
  clock?: () => Date;
  /** how long `stop()` waits for running jobs before leaving them to another instance, in ms (default 10 s) */
  drainMs?: number;
  log: Logger;
}

/** A job as its owner's pages see it. */
export interface JobView<D, P, R> {
  id: string;
  kind: string;
  ownerId: string | null;
  status: JobStatus;
  data: D;
  progress: P | null;
  result: R | null;
  errorId: MessageId | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** when a follow-up took its result (see Jobs.consume) */
  consumedAt: Date | null;
}

export interface EnqueueOptions {
  /** the account starting it: limits count per owner, and only the owner reads it back */
  ownerId?: string;
  /**
   * At most one active job (queued or running, on any instance) may hold `key`: a second
   * is refused with `refusal()` (a unique index decides, so two requests at the same
   * instant cannot both pass).
   */
  exclusive?: { key: string; refusal: () => AppError };
}

export interface Jobs {
  /** Stores a one-off job to run as soon as an instance is free; throws the kind's refusal past its limits. */
  enqueue<D, P, R>(kind: JobKind<D, P, R>, data: D, options?: EnqueueOptions): Promise<JobView<D, P, R>>;
  /**
   * Makes `kind` run every `interval` (ms, or agenda's words: '1 hour', or a cron line)
   * on exactly one instance per period. Idempotent: every instance calls it at start; the
   * first creates the schedule, the others find it (an interval changed in code is updated).
   */
  every<D>(kind: JobKind<D, unknown, unknown>, interval: string | number, data: D): Promise<void>;
  /** The job `id` of `kind` if `ownerId` owns it (undefined otherwise: another user's job is as good as unknown). */
  get<D, P, R>(kind: JobKind<D, P, R>, id: string, ownerId: string | null): Promise<JobView<D, P, R> | undefined>;
  /**
   * Takes the result of the finished job `id` once (e.g. a clean dry run committed for
   * real): the first caller gets the job, every later one undefined.
   */
  consume<D, P, R>(kind: JobKind<D, P, R>, id: string, ownerId: string, notBefore: Date): Promise<JobView<D, P, R> | undefined>;
  /** Undoes `consume` (the follow-up could not start): the result can be taken again. */
  release(kind: AnyJobKind, id: string, ownerId: string): Promise<void>;
  /** Runs jobs on this instance until `stop()`: call once the services exist (CLIs never do). */
  start(services: Services): Promise<void>;
  /** Stops claiming jobs; running ones get `drainMs` to end, then are left to be taken over. */
  stop(): Promise<void>;
  readonly kinds: readonly AnyJobKind[];
}

function present<D, P, R>(doc: JobDocument): JobView<D, P, R> {
  return {
    id: doc._id.toHexString(),
    kind: doc.name,
    ownerId: doc.ownerId ?? null,
    status: doc.run?.status ?? 'queued',
    data: doc.data as D,
    progress: (doc.run?.progress ?? null) as P | null,
    result: (doc.run?.result ?? null) as R | null,
    errorId: doc.run?.errorId ?? null,
    createdAt: doc.createdAt,
    startedAt: doc.run?.startedAt ?? null,
    finishedAt: doc.run?.finishedAt ?? null,
    consumedAt: doc.consumedAt ?? null,
  };
}

const isDuplicateKey = (error: unknown) => (error as { code?: number } | null)?.code === 11000;
const newRun = () => ({ status: 'queued', progress: null, result: null, errorId: null, startedAt: null, finishedAt: null, starts: 0, token: null });

/** The job runtime of the database `db` for `kinds` (the jobs' own clean-up kind is added). */
export function createJobRuntime(db: Connection, featureKinds: readonly AnyJobKind[], options: JobRuntimeOptions): Jobs {
  const kinds = [...featureKinds, cleanupJobKind];
  const clock = options.clock ?? (() => new Date());
  const heartbeats: Heartbeats = new Set();
  let services: Services | null = null;
  const servicesOf = (): Services => {
    if (!services) throw new Error('job runtime not started');
    return services;
  };
  if (!db.db) throw new Error('job runtime: the database connection is not open');
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: db.db as never, collection: 'jobs' }),
    name: `${os.hostname()}:${process.pid}`,
    processEvery: options.pollMs,
    defaultLockLifetime: options.lockLifetimeMs,
    // jobs saved by this instance are claimed at once; other instances see them at their next poll
    notificationChannel: new InMemoryNotificationChannel(),
  });
  agenda.on('error', (error: Error) => {
    // agenda's liveness check can fire between a run's end and its final save: the run
    // already recorded its end (./run.ts), nothing is lost — not worth an error line
    if (/canceled, no lockedAt date found/.test(error.message)) return options.log.debug({ err: error }, 'job check after its end');
    options.log.error({ err: error }, 'job scheduler error');
  });
  const settings = { lockLifetimeMs: options.lockLifetimeMs, progressWriteMs: options.progressWriteMs ?? 250, clock, log: options.log };
  for (const kind of kinds) {
    const attempts = kind.attempts ?? 1;
    const concurrency = kind.concurrency ?? 2;
    agenda.define(kind.name, runner(kind, servicesOf, settings, heartbeats), {
      concurrency,
      // lock no more jobs than can run: a claimed job waiting in a local queue gets no heartbeat
      lockLimit: concurrency,
      lockLifetime: options.lockLifetimeMs,
      ...(attempts > 1 ? { backoff: (context: { attempt: number }) => (context.attempt < attempts ? (kind.retryDelayMs ?? ((n) => 5_000 * n))(context.attempt) : null) } : {}),
    });
  }
  const ready = Promise.all([agenda.ready, readyJobModel(db)]);
  const byName = new Map(kinds.map((kind) => [kind.name, kind]));
  let started = false;

  async function checkLimits(kind: AnyJobKind, ownerId: string | null): Promise<void> {
    const limits = kind.limits;
    if (!limits) return;
    const Job = jobModel(db);
    const active = { name: kind.name, 'run.status': trusted({ $in: ACTIVE_STATUSES }) };
    if (limits.perOwner !== undefined && (await Job.countDocuments({ ...active, ownerId })) >= limits.perOwner) throw limits.refusal();
    if (limits.global !== undefined && (await Job.countDocuments(active)) >= limits.global) throw limits.refusal();
  }

  const oneOf = async (kind: AnyJobKind, id: string): Promise<JobDocument | null> =>
    Types.ObjectId.isValid(id) && /^[0-9a-f]{24}$/.test(id) ? jobModel(db).findOne({ _id: new Types.ObjectId(id), name: kind.name }).lean<JobDocument>() : null;

  return {
    kinds,
    async enqueue(kind, data, enqueueOptions = {}) {
      if (!byName.has(kind.name)) throw new Error(`job kind ${kind.name} is not registered`);
      await ready;
      const ownerId = enqueueOptions.ownerId ?? null;
      await checkLimits(kind, ownerId);
      const job = agenda.create(kind.name, data);
      Object.assign(job.attrs, { ownerId, createdAt: clock(), run: newRun(), ...(enqueueOptions.exclusive ? { exclusiveKey: enqueueOptions.exclusive.key } : {}) });
      try {
        await job.save();
      } catch (error) {
        if (enqueueOptions.exclusive && isDuplicateKey(error)) throw enqueueOptions.exclusive.refusal();
        throw error;
      }
      const stored = await jobModel(db).findById(job.attrs._id).lean<JobDocument>();
      if (!stored) throw new Error(`job ${String(job.attrs._id)} vanished after it was saved`);
      return present(stored);
    },

    async every(kind, interval, data) {
      if (!byName.has(kind.name)) throw new Error(`job kind ${kind.name} is not registered`);
      await ready;
      const job = agenda.create(kind.name, data);
      job.repeatEvery(interval, { timezone: 'Asia/Ho_Chi_Minh' });
      Object.assign(job.attrs, { ownerId: null, createdAt: clock(), run: newRun(), recurring: kind.name });
      // insert-only: a schedule that exists (and may be running right now) is never touched
      job.unique({ recurring: kind.name }, { insertOnly: true });
      try {
        await job.save();
      } catch (error) {
        // another instance created it at the same instant
        if (!isDuplicateKey(error)) throw error;
      }
      // the raw collection: repeatInterval is agenda's field, outside the model's schema
      await jobModel(db).collection.updateOne({ recurring: kind.name, repeatInterval: { $ne: interval } }, { $set: { repeatInterval: interval } });
    },

    async get(kind, id, ownerId) {
      const doc = await oneOf(kind, id);
      if (!doc || (doc.ownerId ?? null) !== ownerId) return undefined;
      return present(doc);
    },

    async consume(kind, id, ownerId, notBefore) {
      if (!/^[0-9a-f]{24}$/.test(id)) return undefined;
      const doc = await jobModel(db)
        .findOneAndUpdate(
          { _id: new Types.ObjectId(id), name: kind.name, ownerId, 'run.status': 'done', 'run.finishedAt': trusted({ $gte: notBefore }), consumedAt: trusted({ $exists: false }) },
          { $set: { consumedAt: clock() } },
          { returnDocument: 'after' },
        )
        .lean<JobDocument>();
      return doc ? present(doc) : undefined;
    },

    async release(kind, id, ownerId) {
      if (/^[0-9a-f]{24}$/.test(id)) await jobModel(db).updateOne({ _id: new Types.ObjectId(id), name: kind.name, ownerId }, { $unset: { consumedAt: 1 } });
    },

    async start(withServices) {
      services = withServices;
      if (started) return;
      started = true;
      await ready;
      await agenda.start();
      await this.every(cleanupJobKind, '1 hour', {});
    },

    async stop() {
      if (!started) return;
      started = false;
      const drained = await agenda.drain({ timeout: options.drainMs ?? 10_000, closeConnection: false });
      // jobs still running are left locked without heartbeats: another instance takes them over
      for (const timer of heartbeats) clearInterval(timer);
      heartbeats.clear();
      if (drained.running > 0) options.log.warn({ running: drained.running }, 'jobs left running at stop: another instance will take them over');
    },
  };
}
