/**
 * The officer import command: parse the file, then hand its rows to the bulk upsert and
 * translate the upsert's row errors back into the file's own lines and column headers.
 * All or nothing: with any problem, nothing is written.
 */
import type { Connection } from 'mongoose';
import { conflict } from '../errors';
import { upsertOfficers, type RowError } from '../officers/upsert';
import { columnLabel, IMPORT_COLUMNS, type OfficerField } from './columns';
import type { FileProblem } from './grid';
import { parseOfficerFile, type ParsedFile } from './officer-file';
import { scopeProblems, type ImportScope } from './scope';

export type ImportPhase = 'reading' | 'validating' | 'writing' | 'done';

/** `done` of `total`: lines of the file while reading, rows while validating, documents while writing. */
export interface ImportProgress {
  phase: ImportPhase;
  done: number;
  total: number;
}

export interface ImportReport {
  dryRun: boolean;
  /** data rows in the file */
  totalRows: number;
  /** what was (or, in a dry run, would be) done; all 0 when there are problems */
  created: number;
  updated: number;
  unchanged: number;
  /** sorted by line, then by the template's column order */
  problems: FileProblem[];
}

export interface ImportOptions {
  dryRun: boolean;
  /** when unit changes take effect in the membership history; default now */
  effectiveDate?: Date;
  onProgress?: (progress: ImportProgress) => void;
  /** the units the importer may write to; omitted = anywhere (the CLI, run by the server's operator) */
  scope?: ImportScope;
  /** the account importing (one workbook per account is read at a time) */
  owner?: string;
}

// upsert fields whose value a message names ({code}: "Đơn vị {code} đã ngừng hoạt động")
const CODE_FIELDS: ReadonlySet<string> = new Set(['code', 'unitCode']);

/** A row error of the upsert as a problem at the line and under the header the user sees. */
function toFileProblem(error: RowError, parsed: ParsedFile): FileProblem {
  const field = error.field as OfficerField;
  const problem: FileProblem = {
    line: parsed.lines[error.row - 1] ?? 0,
    column: parsed.columns[field] ?? (IMPORT_COLUMNS.some((c) => c.field === field) ? columnLabel(field) : error.field),
    id: error.id,
  };
  const value = parsed.rows[error.row - 1]?.[field];
  if (CODE_FIELDS.has(field) && typeof value === 'string') problem.params = { code: value.trim().toUpperCase() };
  return problem;
}

function sortProblems(problems: FileProblem[], parsed: ParsedFile): FileProblem[] {
  const order = new Map(IMPORT_COLUMNS.map(({ field }, index) => [parsed.columns[field] ?? columnLabel(field), index]));
  return problems.sort((a, b) => a.line - b.line || (order.get(a.column) ?? 99) - (order.get(b.column) ?? 99));
}

/**
 * Imports an officer list (.xlsx or .csv, see parseOfficerFile). A file that cannot be
 * read is reported without touching the database; otherwise every row is checked by the
 * upsert, and problems found while reading cells and by the upsert are reported together
 * (one per cell). Nothing is written when there is any problem or in a dry run.
 */
export async function importOfficers(db: Connection, data: Buffer, filename: string, options: ImportOptions): Promise<ImportReport> {
  const report = (parsed: ParsedFile, counts: { created: number; updated: number; unchanged: number }, problems: FileProblem[]): ImportReport => {
    options.onProgress?.({ phase: 'done', done: parsed.rows.length, total: parsed.rows.length });
    return { dryRun: options.dryRun, totalRows: parsed.rows.length, ...counts, problems: sortProblems(problems, parsed) };
  };
  const none = { created: 0, updated: 0, unchanged: 0 };
  options.onProgress?.({ phase: 'reading', done: 0, total: 1 });
  const parsed = await parseOfficerFile(data, filename, { onProgress: (done, total) => options.onProgress?.({ phase: 'reading', done, total }), ...(options.owner ? { owner: options.owner } : {}) });
  // the header or the file itself is wrong: row-by-row checks would only repeat it
  if (parsed.problems.some((problem) => problem.line <= 1) || parsed.rows.length === 0) return report(parsed, none, parsed.problems);

  const cellProblems = options.scope ? [...parsed.problems, ...(await scopeProblems(db, parsed, options.scope))] : parsed.problems;
  const result = await upsertOfficers(db, parsed.rows, {
    // a cell the parser refused was left out of its row: the rest must still be checked, not written
    dryRun: options.dryRun || cellProblems.length > 0,
    ...(options.effectiveDate ? { effectiveDate: options.effectiveDate } : {}),
    onProgress: (done, total, phase) => options.onProgress?.({ phase, done, total }),
  }).catch((error: unknown) => {
    // another writer took a code or an e-mail between the checks and the writes; the upsert
    // undid its own writes: a conflict the user can resolve by checking again, not a system error
    throw (error as { code?: number } | null)?.code === 11000 ? conflict('import_conflict') : error;
  });
  // a refused cell also shows up as a missing value in the upsert: report that cell once
  const reported = new Set(cellProblems.map((problem) => `${problem.line}\u0000${problem.column}`));
  const rowProblems = result.errors.map((error) => toFileProblem(error, parsed)).filter((problem) => !reported.has(`${problem.line}\u0000${problem.column}`));
  const problems = [...cellProblems, ...rowProblems];
  if (problems.length > 0) return report(parsed, none, problems);
  return report(parsed, { created: result.created, updated: result.updated, unchanged: result.unchanged }, []);
}
