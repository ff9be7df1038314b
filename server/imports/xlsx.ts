/**
 * Reads the officer sheet of an .xlsx workbook: the sheet named "Danh sách" (as in the
 * template) or else the first visible one, each cell as the text Excel shows.
 *
 * A workbook is hostile input (issue #10, finding 3: a 17 MB file of 780,000 rows once
 * took minutes and 4 GB on the request-serving event loop). It is read in a worker thread
 * (xlsx-worker.ts) with a heap limit, streamed and stopped at the row limit, its unpacked
 * size bounded; at most one workbook per user is read at a time, and MAX_PARALLEL_READS
 * in all (others wait their turn).
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { MAX_IMPORT_ROWS } from './columns';
import { FileProblemError, yieldToEventLoop, type FileProblem, type GridRow } from './grid';
import type { XlsxWorkerInput, XlsxWorkerOutput } from './xlsx-worker';

export { cellText } from './xlsx-cells';

/** Rows handed on between yields to the event loop. */
const ROWS_PER_SLICE = 2_000;
/** Workbooks read at the same time, all users together (each is a worker thread with its own heap). */
export const MAX_PARALLEL_READS = 2;
/** The most a workbook may hold once unpacked (every part), in bytes: a 100,000-row list is far below. */
export const XLSX_MAX_UNPACKED_BYTES = 200 * 1024 * 1024;
/** The most parts (zip entries) a workbook may hold. */
export const XLSX_MAX_ENTRIES = 1_000;
/** The worker's heap: shared strings and the rows it hands back live there. */
const WORKER_HEAP_MB = 192;

const readers = new Set<string>();
let running = 0;
const waiting: Array<() => void> = [];

const problem = (p: Omit<FileProblem, 'line' | 'column'>): FileProblemError => new FileProblemError({ line: 0, column: '', ...p });

/** Takes a reading slot for `owner` (refused while the same owner is reading another workbook); returns its release. */
async function takeSlot(owner: string | undefined): Promise<() => void> {
  if (owner !== undefined && readers.has(owner)) throw problem({ id: 'import_xlsx_busy' });
  if (owner !== undefined) readers.add(owner);
  while (running >= MAX_PARALLEL_READS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  return () => {
    running--;
    if (owner !== undefined) readers.delete(owner);
    waiting.shift()?.();
  };
}

/** Runs the worker on `data`; its rows, or a FileProblemError. */
function readInWorker(data: Buffer): Promise<GridRow[]> {
  const input: XlsxWorkerInput = { data, maxRows: MAX_IMPORT_ROWS, maxEntries: XLSX_MAX_ENTRIES, maxUnpackedBytes: XLSX_MAX_UNPACKED_BYTES };
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'xlsx-worker.js'), { workerData: input, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 32 } });
    let settled = false;
    worker.once('message', (output: XlsxWorkerOutput) => {
      settled = true;
      if ('rows' in output) resolve(output.rows);
      else reject(problem(output.problem));
      void worker.terminate();
    });
    worker.once('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      // past its heap: a workbook built to exhaust memory (huge shared strings, a bomb of cells)
      reject(problem(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? { id: 'import_xlsx_unpacked_too_large', params: { max: Math.round(XLSX_MAX_UNPACKED_BYTES / 1024 / 1024) } } : { id: 'import_file_corrupt' }));
    });
    worker.once('exit', () => {
      if (!settled) reject(problem({ id: 'import_file_corrupt' }));
    });
  });
}

/**
 * The non-blank rows of the officer sheet with their sheet row numbers. Throws
 * FileProblemError when the workbook cannot be opened, has no sheet, is too large once
 * unpacked, has too many rows, or when `owner` is already reading another workbook.
 * `onTotal` hears the sheet's last row number once it is read, for a progress bar.
 */
export async function* readXlsx(data: Buffer, onTotal?: (rows: number) => void, owner?: string): AsyncGenerator<GridRow> {
  const release = await takeSlot(owner);
  let rows: GridRow[];
  try {
    rows = await readInWorker(data);
  } finally {
    release();
  }
  onTotal?.(rows.at(-1)?.line ?? 0);
  for (const [index, row] of rows.entries()) {
    yield row;
    if ((index + 1) % ROWS_PER_SLICE === 0) await yieldToEventLoop();
  }
}
