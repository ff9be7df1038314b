/**
 * Officer imports running in the background for the web UI (see ../jobs/registry): the
 * upload request starts a job and returns its id at once; the page then polls the job
 * for its progress bar and, at the end, its report. The import itself is all-or-nothing
 * and safe to repeat.
 */
import type { Connection } from 'mongoose';
import { AppError, isAppError } from '../errors';
import { JobRegistry, type BaseJob } from '../jobs/registry';
import { importOfficers, type ImportPhase, type ImportReport } from './officer-import';
import type { ImportScope } from './scope';

export interface ImportJob extends BaseJob {
  filename: string;
  dryRun: boolean;
  phase: ImportPhase;
  /** progress within `phase`, see ImportProgress */
  done: number;
  total: number;
  report?: ImportReport;
}

/** Finished jobs are forgotten after this many milliseconds. */
export const JOB_RETENTION_MS = 60 * 60 * 1000;
/** Running jobs one user may have: each holds its file and rows in memory. */
export const MAX_JOBS_PER_OWNER = 2;
/** Running jobs in the process: imports compete with page requests for the one CPU thread. */
export const MAX_JOBS_RUNNING = 6;

/** Running and recently finished imports; past the limits a new one is refused: 429 'import_too_many_jobs'. */
const jobs = new JobRegistry<ImportJob>({ maxPerOwner: MAX_JOBS_PER_OWNER, maxRunning: MAX_JOBS_RUNNING, retentionMs: JOB_RETENTION_MS, tooMany: () => new AppError(429, 'import_too_many_jobs') });

/**
 * The file of a clean dry run, kept so that "Nhập chính thức" can run it without a second
 * upload; released when committed, or after RETAIN_MS.
 */
const retained = new Map<string, { data: Buffer; filename: string; ownerId: string; scope?: ImportScope }>();
/** How long a clean dry run's file is kept for its commit, in milliseconds. */
export const RETAIN_MS = 30 * 60 * 1000;

function finish(job: ImportJob, result: { report: ImportReport } | { errorId: ImportJob['errorId'] }): void {
  if ('report' in result) jobs.finish(job, 'done', { report: result.report, phase: 'done', done: result.report.totalRows, total: result.report.totalRows });
  else jobs.finish(job, 'failed', { errorId: result.errorId });
}

/**
 * Starts importing `data` (see importOfficers) and returns the running job. Throws 429
 * 'import_too_many_jobs' when the owner already has MAX_JOBS_PER_OWNER imports running
 * or the process has MAX_JOBS_RUNNING. A failure of the import ends the job as 'failed'
 * (never an unhandled rejection) and is handed to `onError` for the log.
 */
export function startImportJob(
  db: Connection,
  input: { data: Buffer; filename: string; dryRun: boolean; ownerId: string; effectiveDate?: Date; scope?: ImportScope; onError?: (error: unknown, job: ImportJob) => void },
): ImportJob {
  const job = jobs.add(input.ownerId, { filename: input.filename, dryRun: input.dryRun, phase: 'reading', done: 0, total: 0 });
  importOfficers(db, input.data, input.filename, {
    dryRun: input.dryRun,
    ...(input.effectiveDate ? { effectiveDate: input.effectiveDate } : {}),
    ...(input.scope ? { scope: input.scope } : {}),
    onProgress: ({ phase, done, total }) => Object.assign(job, { phase, done, total }),
  }).then(
    (report) => {
      finish(job, { report });
      if (input.dryRun && report.problems.length === 0 && report.totalRows > 0) {
        retained.set(job.id, { data: input.data, filename: input.filename, ownerId: input.ownerId, ...(input.scope ? { scope: input.scope } : {}) });
        setTimeout(() => retained.delete(job.id), RETAIN_MS).unref();
      }
    },
    (error: unknown) => {
      finish(job, { errorId: isAppError(error) ? error.id : 'import_failed' });
      input.onError?.(error, { ...job });
    },
  );
  return { ...job };
}

/**
 * The job with this id, or undefined when unknown or forgotten (1 hour after it
 * finished). The registry does not authorize: a route must compare `ownerId` with the
 * requester (and answer 404 'import_job_not_found' for someone else's job).
 */
export function getImportJob(id: string): ImportJob | undefined {
  return jobs.get(id);
}

/**
 * Runs the file of the clean dry run `jobId` for real, as a new job of the same owner;
 * undefined when that file is no longer kept (already committed, expired, or not theirs).
 */
export function commitDryRun(db: Connection, jobId: string, ownerId: string, onError?: (error: unknown, job: ImportJob) => void): ImportJob | undefined {
  const kept = retained.get(jobId);
  if (!kept || kept.ownerId !== ownerId) return undefined;
  const job = startImportJob(db, { data: kept.data, filename: kept.filename, dryRun: false, ownerId, ...(kept.scope ? { scope: kept.scope } : {}), ...(onError ? { onError } : {}) });
  retained.delete(jobId);
  return job;
}

/** True while the clean dry run `jobId` can still be committed. */
export function canCommit(jobId: string): boolean {
  return retained.has(jobId);
}
