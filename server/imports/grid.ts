/**
 * What the CSV and XLSX readers hand to the officer-file parser: rows of cell text with
 * the line the user sees them on, and the problem type every import step reports.
 */
import type { MessageId } from '../i18n';

/**
 * A problem the user can find in their file: `line` is the CSV line or sheet row
 * (1-based, the header is normally line 1; 0 = the file as a whole), `column` the header
 * as written in the file ('' when the problem is not about one column).
 */
export interface FileProblem {
  line: number;
  column: string;
  id: MessageId;
  params?: Record<string, unknown>;
}

/** A cell's text, or the error a spreadsheet formula shows in it ("#N/A"). */
export type Cell = string | { error: string };

export interface GridRow {
  /** 1-based line (CSV) or row number (XLSX) where the row starts */
  line: number;
  cells: Cell[];
}

/** Thrown by a reader when the file cannot be read any further; the parser reports it. */
export class FileProblemError extends Error {
  constructor(readonly problem: FileProblem) {
    super(problem.id);
    this.name = 'FileProblemError';
  }
}

/** Lets queued I/O (other requests) run between slices of CPU work. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
