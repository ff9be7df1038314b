/**
 * A kind of background job: its name, its handler and its limits. Features declare their
 * kinds as module constants (`defineJobKind`); the platform hands the list to the job
 * runtime (./runtime.ts), which stores every job in the database and runs it on whichever
 * app instance claims it first.
 */
import type { AppError } from '../errors';
import type { Services } from '../http/context';
import type { MessageId } from '../i18n';

/** What a handler gets for one run of one job. */
export interface JobRun<D, P> {
  /** the job's id (24 hex digits) */
  id: string;
  data: D;
  ownerId: string | null;
  /** when this run started, from the runtime's clock (tests move it): use it instead of new Date() */
  now: Date;
  /** 1 for the first run; a retry after a failure counts up (a restart after a crash does not) */
  attempt: number;
  /**
   * Records progress for the pages that poll the job. Cheap to call often: writes are
   * coalesced (at most one every `progressWriteMs`) and the last value always lands
   * before the job's result.
   */
  progress(value: P): void;
}

export interface JobKind<D, P, R> {
  /** stable name stored with each job ('officer-import'); never rename a kind that has jobs in flight */
  name: string;
  /**
   * Does the work and returns the result kept with the job (plain data: it is stored).
   * Must be safe to run again from the start: a run cut short by a crash is started again.
   * An AppError ends the job as failed with its id (no retry); any other error is retried
   * up to `attempts` times and then ends it as failed with `failureId`.
   */
  handle(run: JobRun<D, P>, services: Services): Promise<R>;
  /** the message id a job shows when it failed on an unexpected error */
  failureId: MessageId;
  /** runs in all, retries included (default 1: no retry) */
  attempts?: number;
  /** milliseconds before the n-th retry (default 5 s × n) */
  retryDelayMs?: (attempt: number) => number;
  /** jobs of this kind one instance runs at the same time (default 2) */
  concurrency?: number;
  /**
   * Admission limits counted over every instance (queued and running jobs): past one of
   * them `enqueue` throws `refusal()` (a 429 the user understands).
   */
  limits?: { perOwner?: number; global?: number; refusal: () => AppError };
  /** how long a finished one-off job (and its status page) is kept, in ms (default 7 days) */
  retentionMs?: number;
  /**
   * Removes what finished jobs left outside the database (a file they wrote), called with
   * their ids just before the clean-up forgets them.
   */
  forget?(ids: string[], services: Services): Promise<void>;
}

/** Declares a job kind (type inference for data D, progress P and result R). */
export function defineJobKind<D, P = null, R = null>(kind: JobKind<D, P, R>): JobKind<D, P, R> {
  return kind;
}

/** A kind of any data, progress and result (lists of kinds). */
export type AnyJobKind = JobKind<any, any, any>;
