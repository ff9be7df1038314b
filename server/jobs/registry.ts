/**
 * Background jobs of the web UI (officer imports, invitations to a whole unit): the
 * request that starts one returns at once with the job's id, and a page polls it for a
 * progress bar and, at the end, its result. Jobs live in this process's memory only: a
 * restart forgets them, so what a job does must be safe to run again.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { AppError } from '../errors';
import type { MessageId } from '../i18n';

/** Route input naming a job: its 32 hex digits. */
export const jobIdSchema = z.object({ id: z.string().regex(/^[0-9a-f]{32}$/) });

export interface BaseJob {
  /** 32 hex digits: unguessable, so a job id cannot be used to peek at another user's job */
  id: string;
  ownerId: string;
  status: 'running' | 'done' | 'failed';
  /** why a failed job failed (an AppError's id, or the kind's generic failure id) */
  errorId?: MessageId;
  startedAt: Date;
  finishedAt?: Date;
}

export interface JobLimits {
  /** running jobs one user may have */
  maxPerOwner: number;
  /** running jobs in the process: they compete with page requests for the one CPU thread */
  maxRunning: number;
  /** finished jobs are forgotten after this many milliseconds */
  retentionMs: number;
  /** the refusal when a limit is reached (429, with the kind's message) */
  tooMany: () => AppError;
}

/** The jobs of one kind. The registry does not authorize: routes compare `ownerId` with the requester. */
export class JobRegistry<J extends BaseJob> {
  private readonly jobs = new Map<string, J>();

  constructor(private readonly limits: JobLimits) {}

  /** Registers a running job with `fields`; throws `tooMany()` past the limits. Returns the live record, which the job's code updates. */
  add(ownerId: string, fields: Omit<J, keyof BaseJob>): J {
    const active = [...this.jobs.values()].filter((job) => job.status === 'running');
    if (active.length >= this.limits.maxRunning || active.filter((job) => job.ownerId === ownerId).length >= this.limits.maxPerOwner) throw this.limits.tooMany();
    const job = { ...fields, id: randomBytes(16).toString('hex'), ownerId, status: 'running', startedAt: new Date() } as J;
    this.jobs.set(job.id, job);
    return job;
  }

  /** Ends `job` with `result` merged in; it is forgotten `retentionMs` later. */
  finish(job: J, status: 'done' | 'failed', result: Partial<J>): void {
    Object.assign(job, result, { status, finishedAt: new Date() });
    // unref: a pending clean-up must not keep a test run or a CLI process alive
    setTimeout(() => this.jobs.delete(job.id), this.limits.retentionMs).unref();
  }

  /** A copy of the job (callers cannot change the registry's record), or undefined when unknown or forgotten. */
  get(id: string): J | undefined {
    const job = this.jobs.get(id);
    return job && { ...job };
  }
}
