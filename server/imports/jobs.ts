/**
 * Officer imports as persistent background jobs (see ../jobs): the upload request stores
 * the file in the database and enqueues a job; any app instance runs it, and the page
 * polls the job for its progress bar and, at the end, its report. The import itself is
 * all-or-nothing and safe to repeat, so a job cut short by a crash is simply run again.
 *
 * Writing imports are exclusive platform-wide (finding 9 of issue #10): two imports
 * writing at once race on the same officer codes and e-mails, and the loser used to end
 * on a duplicate key as "interrupted by a system error". A second writing import is now
 * refused at once with 'import_busy' while another is queued or running; dry runs write
 * nothing and run side by side.
 */
import { Types, type Connection } from 'mongoose';
import { AppError } from '../errors';
import type { Services } from '../http/context';
import { defineJobKind, deleteJobFile, readJobFile, saveJobFile, type Jobs, type JobView } from '../jobs';
import { subtreeIds } from '../units/service';
import { importOfficers, type ImportPhase, type ImportProgress, type ImportReport } from './officer-import';

/** Problems kept with a finished job (the page shows 500; the count says how many there were). */
export const PROBLEMS_KEPT = 1_000;
/** Running or queued imports one user may have: each holds its file and rows in memory. */
export const MAX_JOBS_PER_OWNER = 2;
/** Running or queued imports over all instances: imports compete with page requests for CPU. */
export const MAX_JOBS_RUNNING = 6;
/** How long a clean dry run can still be committed, in milliseconds. */
export const RETAIN_MS = 30 * 60 * 1000;
/** The exclusive key every writing import holds while queued or running. */
const WRITING_KEY = 'officer-import:write';

export interface ImportJobData {
  /** the uploaded file, in the job files store */
  fileId: string;
  filename: string;
  dryRun: boolean;
  /** the unit whose subtree a coordinator may import into; null: anywhere (admins) */
  scopeRootId: string | null;
  /** the dry run this import commits */
  fromDryRun?: string;
}

/** A finished import's report, its problem list cut to PROBLEMS_KEPT. */
export interface StoredReport extends ImportReport {
  problemCount: number;
}

/** An import job as the progress page sees it. */
export interface ImportJob {
  id: string;
  ownerId: string | null;
  filename: string;
  dryRun: boolean;
  status: 'queued' | 'running' | 'done' | 'failed';
  phase: ImportPhase;
  done: number;
  total: number;
  report?: StoredReport;
  errorId?: AppError['id'];
  finishedAt: Date | null;
  /** a dry run already committed */
  committed: boolean;
}

async function scopeOf(db: Connection, rootId: string | null) {
  if (!rootId) return undefined;
  return { unitIds: new Set((await subtreeIds(db, new Types.ObjectId(rootId))).map((id) => id.toHexString())) };
}

export const officerImportJob = defineJobKind<ImportJobData, ImportProgress, StoredReport>({
  name: 'officer-import',
  failureId: 'import_failed',
  // a database hiccup is worth one more try: the import is all-or-nothing and idempotent
  attempts: 2,
  limits: { perOwner: MAX_JOBS_PER_OWNER, global: MAX_JOBS_RUNNING, refusal: () => new AppError(429, 'import_too_many_jobs') },
  // a finished import's page is kept a day; the officers' history keeps the rest
  retentionMs: 24 * 3600_000,
  async handle(run, services) {
    const data = await readJobFile(services.db, run.data.fileId);
    if (!data) throw new AppError(410, 'import_commit_expired');
    const scope = await scopeOf(services.db, run.data.scopeRootId);
    const report = await importOfficers(services.db, data, run.data.filename, {
      dryRun: run.data.dryRun,
      ...(scope ? { scope } : {}),
      ...(run.ownerId ? { owner: run.ownerId } : {}),
      onProgress: (progress) => run.progress(progress),
    });
    return { ...report, problems: report.problems.slice(0, PROBLEMS_KEPT), problemCount: report.problems.length };
  },
});

function present(view: JobView<ImportJobData, ImportProgress, StoredReport>): ImportJob {
  const progress = view.progress ?? { phase: 'reading' as const, done: 0, total: 0 };
  const report = view.result ?? undefined;
  return {
    id: view.id,
    ownerId: view.ownerId,
    filename: view.data.filename,
    dryRun: view.data.dryRun,
    status: view.status,
    ...(report ? { phase: 'done' as const, done: report.totalRows, total: report.totalRows, report } : progress),
    ...(view.errorId ? { errorId: view.errorId } : {}),
    finishedAt: view.finishedAt,
    committed: view.consumedAt !== null,
  };
}

/**
 * Stores `data` and enqueues its import for `ownerId`. Throws 429 'import_too_many_jobs'
 * past the limits, and 409 'import_busy' for a writing import while another writing
 * import is queued or running (on any instance).
 */
export async function startImportJob(
  services: Pick<Services, 'db' | 'jobs'>,
  input: { data: Buffer; filename: string; dryRun: boolean; ownerId: string; scopeRootId: string | null; now: Date },
): Promise<ImportJob> {
  const fileId = await saveJobFile(services.db, input.data, input.now);
  try {
    return await enqueue(services.jobs, { fileId, filename: input.filename, dryRun: input.dryRun, scopeRootId: input.scopeRootId }, input.ownerId);
  } catch (error) {
    await deleteJobFile(services.db, fileId).catch(() => undefined);
    throw error;
  }
}

async function enqueue(jobs: Jobs, data: ImportJobData, ownerId: string): Promise<ImportJob> {
  const exclusive = data.dryRun ? {} : { exclusive: { key: WRITING_KEY, refusal: () => new AppError(409, 'import_busy') } };
  return present(await jobs.enqueue(officerImportJob, data, { ownerId, ...exclusive }));
}

/** The job with this id if `ownerId` started it; undefined otherwise (or once forgotten). */
export async function getImportJob(jobs: Jobs, id: string, ownerId: string): Promise<ImportJob | undefined> {
  const view = await jobs.get(officerImportJob, id, ownerId);
  return view && present(view);
}

/** True while the finished dry run `job` can still be committed: clean, with rows, recent, not committed yet. */
export function canCommit(job: ImportJob, now: Date): boolean {
  return job.dryRun && !job.committed && job.status === 'done' && !!job.report && job.report.problemCount === 0 && job.report.totalRows > 0 && !!job.finishedAt && now.getTime() - job.finishedAt.getTime() < RETAIN_MS;
}

/**
 * Runs the file of the clean dry run `jobId` for real, as a new job of the same owner;
 * undefined when it cannot be committed (already committed, expired, not clean, not theirs).
 * The dry run is marked committed first, so a double click commits once.
 */
export async function commitDryRun(jobs: Jobs, jobId: string, ownerId: string, now: Date): Promise<ImportJob | undefined> {
  const dryRun = await getImportJob(jobs, jobId, ownerId);
  if (!dryRun || !canCommit(dryRun, now)) return undefined;
  const taken = await jobs.consume(officerImportJob, jobId, ownerId, new Date(now.getTime() - RETAIN_MS));
  if (!taken) return undefined;
  try {
    return await enqueue(jobs, { ...taken.data, dryRun: false, fromDryRun: jobId }, ownerId);
  } catch (error) {
    // refused (another import is writing, too many jobs): the dry run stays committable
    await jobs.release(officerImportJob, jobId, ownerId);
    throw error;
  }
}
