/** Import results as words, for the CLI and the web UI's problem list. */
import { t, type Locale } from '../i18n';
import type { FileProblem } from './grid';
import type { ImportJob } from './jobs';

/**
 * One problem as a sentence: "Dòng 12, cột «Mã đơn vị»: Không có đơn vị nào mang mã này".
 * Problems about the whole file have no line; header problems already name their column.
 */
export function problemText(problem: FileProblem, locale: Locale = 'vi'): string {
  const message = t(locale, problem.id, problem.params);
  if (problem.line === 0) return message;
  if (!problem.column || problem.id.startsWith('import_column_')) return t(locale, 'import_problem_at_line', { line: problem.line, message });
  return t(locale, 'import_problem_at_cell', { line: problem.line, column: problem.column, message });
}

/** Problems shown on the page at most; the count says how many more there are. */
const PROBLEMS_SHOWN = 500;

// each phase's share of the one progress bar: reading is quick, writing the longest
const PHASE_SPAN: Record<ImportJob['phase'], [number, number]> = { reading: [0, 15], validating: [15, 55], writing: [55, 100], done: [100, 100] };

export interface ImportJobView {
  id: string;
  filename: string;
  dryRun: boolean;
  /** 'running' also while the job waits for its turn (the page and its script poll until it ends) */
  status: 'running' | 'done' | 'failed';
  phaseLabel: string;
  /** 0–100 over all phases */
  percent: number;
  rowsLabel: string;
  summary: string | null;
  problems: Array<{ line: number; column: string; message: string }>;
  problemCount: number;
  errorMessage: string | null;
  canCommit: boolean;
  totalRows: number;
}

/** A job for the progress page and its polling endpoint: words in `locale`, one overall percentage. */
export function presentImportJob(job: ImportJob, locale: Locale, committable: boolean): ImportJobView {
  const [from, to] = PHASE_SPAN[job.phase];
  const within = job.total > 0 ? Math.min(1, job.done / job.total) : 0;
  const report = job.report;
  const waiting = job.status === 'queued' && job.done === 0;
  const summary = report && report.problems.length === 0
    ? t(locale, report.dryRun ? 'import_summary_dry_run' : 'import_summary', { total: report.totalRows, created: report.created, updated: report.updated, unchanged: report.unchanged })
    : null;
  return {
    id: job.id,
    filename: job.filename,
    dryRun: job.dryRun,
    status: job.status === 'queued' ? 'running' : job.status,
    phaseLabel: waiting ? t(locale, 'job_status_queued') : t(locale, `import_phase_${job.phase}`),
    percent: job.status === 'running' || job.status === 'queued' ? Math.floor(from + (to - from) * within) : 100,
    rowsLabel: job.phase === 'reading' ? '' : t(locale, 'import_progress_rows', { done: job.done, total: job.total }),
    summary,
    problems: (report?.problems ?? []).slice(0, PROBLEMS_SHOWN).map((p) => ({ line: p.line, column: p.column, message: t(locale, p.id, p.params) })),
    problemCount: report?.problemCount ?? 0,
    errorMessage: job.errorId ? t(locale, job.errorId) : null,
    canCommit: committable,
    totalRows: report?.totalRows ?? 0,
  };
}
