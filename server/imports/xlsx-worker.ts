/**
 * The XLSX reader's worker thread (issue #10, finding 3): a workbook is hostile input
 * that can cost gigabytes and minutes to inflate and parse, so it is read here, never on
 * the event loop that serves requests, under the heap limit the parent sets.
 *
 * 1. The zip is checked first with yauzl, inflating every entry and counting real bytes
 *    (headers can lie): at most `maxEntries` entries and `maxUnpackedBytes` in all, so
 *    exceljs never inflates more — its streaming reader spools sheets that come before
 *    the shared strings to temporary files, which this bound keeps small too.
 * 2. The sheets are streamed (exceljs's WorkbookReader), row by row, stopping at the row
 *    limit: a 780,000-row bomb is refused after `maxRows`, not after loading it all.
 * The parent gets `{ rows }` or `{ problem }`.
 */
import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { fold } from './columns';
import type { FileProblem, GridRow } from './grid';
import { cellText, LIST_SHEET_NAMES } from './xlsx-cells';

export interface XlsxWorkerInput {
  data: Uint8Array;
  maxRows: number;
  maxEntries: number;
  maxUnpackedBytes: number;
}

export type XlsxWorkerOutput = { rows: GridRow[] } | { problem: Omit<FileProblem, 'line' | 'column'> };

class Refusal extends Error {
  constructor(readonly problem: Omit<FileProblem, 'line' | 'column'>) {
    super(problem.id);
  }
}

/** Inflates every entry once, counting real bytes; refuses past the limits. */
async function checkZip(data: Buffer, maxEntries: number, maxUnpackedBytes: number): Promise<void> {
  const tooLarge = new Refusal({ id: 'import_xlsx_unpacked_too_large', params: { max: Math.round(maxUnpackedBytes / 1024 / 1024) } });
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.fromBuffer(data, { lazyEntries: true }, (error, file) => (error ? reject(error) : resolve(file))));
  let entries = 0;
  let total = 0;
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry: yauzl.Entry) => {
      if (++entries > maxEntries || total + entry.uncompressedSize > maxUnpackedBytes) return reject(tooLarge);
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        stream.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > maxUnpackedBytes) {
            stream.destroy();
            reject(tooLarge);
          }
        });
        stream.on('error', reject);
        stream.on('end', () => zip.readEntry());
      });
    });
    zip.readEntry();
  });
  zip.close();
}

/** The non-blank rows of one sheet, refusing past `maxRows` data rows (plus the header). */
async function sheetRows(sheet: AsyncIterable<ExcelJS.Row>, maxRows: number): Promise<GridRow[]> {
  const rows: GridRow[] = [];
  for await (const row of sheet) {
    if (!row.hasValues) continue;
    if (rows.length > maxRows) throw new Refusal({ id: 'import_too_many_rows', params: { max: maxRows } });
    const cells = [];
    for (let column = 1; column <= row.cellCount; column++) {
      const cell = row.getCell(column);
      cells.push(cellText(cell.value, cell.numFmt));
    }
    rows.push({ line: row.number, cells });
  }
  return rows;
}

/** The rows of the sheet named like the template's list, else of the first visible sheet. */
async function readSheet(data: Buffer, maxRows: number): Promise<GridRow[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([data]), { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' });
  let fallback: GridRow[] | null = null;
  for await (const sheet of reader) {
    const { name, state } = sheet as unknown as { name: string; state?: string };
    if (LIST_SHEET_NAMES.has(fold(name))) return sheetRows(sheet as unknown as AsyncIterable<ExcelJS.Row>, maxRows);
    if (fallback === null && (state === undefined || state === 'visible')) fallback = await sheetRows(sheet as unknown as AsyncIterable<ExcelJS.Row>, maxRows);
  }
  if (fallback === null) throw new Refusal({ id: 'import_file_empty' });
  return fallback;
}

async function main(input: XlsxWorkerInput): Promise<XlsxWorkerOutput> {
  const data = Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength);
  try {
    await checkZip(data, input.maxEntries, input.maxUnpackedBytes);
    return { rows: await readSheet(data, input.maxRows) };
  } catch (error) {
    if (error instanceof Refusal) return { problem: error.problem };
    // yauzl and exceljs throw plain Errors for every kind of damage (random bytes, a cut-off upload, a missing part)
    return { problem: { id: 'import_file_corrupt' } };
  }
}

if (parentPort) {
  main(workerData as XlsxWorkerInput).then(
    (output) => parentPort!.postMessage(output),
    () => parentPort!.postMessage({ problem: { id: 'import_file_corrupt' } } satisfies XlsxWorkerOutput),
  );
}
