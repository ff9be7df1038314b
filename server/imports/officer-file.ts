/**
 * Turns an officer list as HR clerks keep it (an .xlsx workbook or a CSV file, with the
 * template's Vietnamese headers) into upsert rows, each with the line it came from, and
 * a list of every problem found on the way. Bad input never throws: it becomes a
 * problem naming the line and column to fix.
 */
import path from 'node:path';
import type { OfficerInput } from '../officers/schema';
import { allowedLabels, choiceValue, columnLabel, columnLetter, fieldOfHeader, IMPORT_COLUMNS, MAX_IMPORT_ROWS, restoreLeadingZero, type OfficerField } from './columns';
import { readCsv } from './csv';
import { FileProblemError, type Cell, type FileProblem, type GridRow } from './grid';
import { readXlsx } from './xlsx';

export type { FileProblem } from './grid';

export interface ParsedFile {
  /** the data rows; `undefined` fields were left empty (= keep what is stored) */
  rows: OfficerInput[];
  /** the source line (CSV) or sheet row (XLSX) of each row, 1-based; the header is normally line 1 */
  lines: number[];
  problems: FileProblem[];
  /** each field's column header as written in the file, for naming columns in problems */
  columns: Partial<Record<OfficerField, string>>;
}

export interface ParseOptions {
  /** Reading progress in lines of the file (CSV) or rows of the sheet (XLSX). */
  onProgress?: (done: number, total: number) => void;
  /** who the file is read for (an account id): one workbook per owner is read at a time */
  owner?: string;
}

type Reader = (data: Buffer, onTotal?: (rows: number) => void, owner?: string) => AsyncGenerator<GridRow>;

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
// Compound File Binary: Excel 97–2003 workbooks, and also password-protected .xlsx files
const CFB_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);
const PROGRESS_EVERY = 1_000;

const fileProblem = (id: FileProblem['id'], params?: Record<string, unknown>): FileProblem => ({ line: 0, column: '', id, ...(params ? { params } : {}) });

/** The reader for a file, judged by its first bytes before its name (a renamed .xlsx is still one). */
function readerFor(data: Buffer, filename: string): Reader | FileProblem {
  const extension = path.extname(filename).toLowerCase();
  if (data.length === 0) return fileProblem('import_file_empty');
  if (data.subarray(0, 4).equals(CFB_MAGIC) || extension === '.xls') return fileProblem('import_xls_unsupported');
  if (data.subarray(0, 4).equals(ZIP_MAGIC)) return readXlsx;
  if (extension === '.xlsx' || extension === '.xlsm') return fileProblem('import_file_corrupt');
  if (extension === '.csv' || extension === '.txt' || extension === '.tsv') return readCsv;
  return fileProblem('import_file_type_unsupported', { filename: path.basename(filename) });
}

const cellString = (cell: Cell | undefined): string => (typeof cell === 'string' ? cell.trim().normalize('NFC') : cell ? cell.error : '');

interface Layout {
  /** the field of each column; null for a column without a header */
  fields: Array<OfficerField | 'ignored' | null>;
  /** each column's header as written, or its letter when it has none */
  headers: string[];
  columns: Partial<Record<OfficerField, string>>;
}

function readHeader(row: GridRow, problems: FileProblem[]): Layout {
  const layout: Layout = { fields: [], headers: [], columns: {} };
  row.cells.forEach((cell, index) => {
    const header = cellString(cell);
    layout.headers.push(header || columnLetter(index));
    if (!header) return void layout.fields.push(null);
    const field = fieldOfHeader(header);
    layout.fields.push(field ?? null);
    if (!field) problems.push({ line: row.line, column: header, id: 'import_column_unknown', params: { column: header } });
    else if (field !== 'ignored' && layout.columns[field]) problems.push({ line: row.line, column: header, id: 'import_column_duplicate', params: { column: header } });
    else if (field !== 'ignored') layout.columns[field] = header;
  });
  for (const { field, required } of IMPORT_COLUMNS) {
    const label = columnLabel(field);
    if (required && !layout.columns[field]) problems.push({ line: row.line, column: label, id: 'import_column_missing', params: { column: label } });
  }
  return layout;
}

/** One data row as upsert input; null for a row with nothing in it but a row number. */
function readRow(row: GridRow, layout: Layout, problems: FileProblem[]): OfficerInput | null {
  const used = row.cells.some((cell, index) => layout.fields[index] !== 'ignored' && cellString(cell) !== '');
  if (!used) return null;
  const values: Record<string, unknown> = {};
  // a Lãnh đạo column is a check mark: empty means "not a leader", unlike other empty cells
  if (layout.columns.isLeader) values.isLeader = false;
  row.cells.forEach((cell, index) => {
    const field = layout.fields[index];
    const column = layout.headers[index] ?? columnLetter(index);
    const text = cellString(cell);
    if (field === 'ignored' || text === '') return;
    if (typeof cell !== 'string') return void problems.push({ line: row.line, column, id: 'import_cell_error', params: { value: text } });
    if (!field) return void problems.push({ line: row.line, column, id: 'import_cell_without_header', params: { column } });
    if (field === 'category' || field === 'status' || field === 'isLeader') {
      const value = choiceValue(field, text);
      if (value === undefined) problems.push({ line: row.line, column, id: 'import_value_not_allowed', params: { value: text, allowed: allowedLabels(field) } });
      else values[field] = value;
    } else values[field] = field === 'phone' ? restoreLeadingZero(text) : text;
  });
  return values as unknown as OfficerInput;
}

/**
 * Parses an officer list. `filename` decides CSV or XLSX when the content does not
 * (an .xlsx is recognised by its bytes whatever its name). File-level problems (type,
 * encoding, damage, header) come with no rows; cell problems (a value outside a choice
 * list, a formula error, data under no header) come with the rows, the bad cell left
 * out of its row.
 */
export async function parseOfficerFile(data: Buffer, filename: string, options: ParseOptions = {}): Promise<ParsedFile> {
  const parsed: ParsedFile = { rows: [], lines: [], problems: [], columns: {} };
  const reader = readerFor(data, filename);
  if (typeof reader !== 'function') return { ...parsed, problems: [reader] };
  let total = 0;
  let layout: Layout | null = null;
  let lastLine = 0;
  try {
    for await (const row of reader(data, (lines) => (total = lines), options.owner)) {
      lastLine = row.line;
      if (!layout) {
        if (row.cells.every((cell) => cellString(cell) === '')) continue;
        layout = readHeader(row, parsed.problems);
        parsed.columns = layout.columns;
        if (parsed.problems.length > 0) return { ...parsed, columns: {} };
        continue;
      }
      const input = readRow(row, layout, parsed.problems);
      if (!input) continue;
      if (parsed.rows.length === MAX_IMPORT_ROWS) return { ...parsed, rows: [], lines: [], problems: [fileProblem('import_too_many_rows', { max: MAX_IMPORT_ROWS })] };
      parsed.rows.push(input);
      parsed.lines.push(row.line);
      if (parsed.rows.length % PROGRESS_EVERY === 0) options.onProgress?.(row.line, Math.max(total, row.line));
    }
  } catch (error) {
    if (!(error instanceof FileProblemError)) throw error;
    return { rows: [], lines: [], problems: [error.problem], columns: {} };
  }
  options.onProgress?.(lastLine, lastLine);
  if (!layout) return { ...parsed, problems: [fileProblem('import_file_empty')] };
  if (parsed.rows.length === 0 && parsed.problems.length === 0) return { ...parsed, problems: [fileProblem('import_file_no_rows')] };
  return parsed;
}
