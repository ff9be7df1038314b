/**
 * Reads the officer sheet of an .xlsx workbook (exceljs): the sheet named "Danh sách"
 * (as in the template) or else the first visible one, each cell as the text Excel shows.
 */
import ExcelJS from 'exceljs';
import { locales, t } from '../i18n';
import { fold, MAX_IMPORT_ROWS } from './columns';
import { FileProblemError, yieldToEventLoop, type Cell, type GridRow } from './grid';

/** Rows converted between yields to the event loop. */
const ROWS_PER_SLICE = 2_000;

// the template's sheet name in either language
const LIST_SHEET_NAMES = new Set(locales.map((locale) => fold(t(locale, 'import_template_sheet_list'))));

/** A number as Excel shows it: no exponent, no ".0", and leading zeros a "000…" format adds. */
function numberText(value: number, numFmt: string | undefined): string {
  const text = value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 15 });
  // a format of zeros ("0000000000") is how Excel keeps a code's or phone's leading zeros
  return numFmt && /^0+$/.test(numFmt) && Number.isInteger(value) ? text.padStart(numFmt.length, '0') : text;
}

/** The text of a cell value; rich text and hyperlinks give their text, formulas their cached result. */
export function cellText(value: ExcelJS.CellValue | undefined, numFmt?: string): Cell {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value, numFmt);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if ('error' in value) return { error: String(value.error) };
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('formula' in value || 'sharedFormula' in value) return cellText(value.result, numFmt);
  // a hyperlink's text is itself rich text when the link was styled
  if ('text' in value) return cellText(value.text as ExcelJS.CellValue, numFmt);
  return '';
}

function chooseSheet(workbook: ExcelJS.Workbook): ExcelJS.Worksheet | undefined {
  const visible = workbook.worksheets.filter((sheet) => sheet.state === 'visible' || sheet.state === undefined);
  return visible.find((sheet) => LIST_SHEET_NAMES.has(fold(sheet.name))) ?? visible[0] ?? workbook.worksheets[0];
}

/**
 * The non-blank rows of the officer sheet with their sheet row numbers. Throws
 * FileProblemError when the workbook cannot be opened or has no sheet. `onTotal` hears
 * the sheet's last row number once it is loaded, for a progress bar.
 */
export async function* readXlsx(data: Buffer, onTotal?: (rows: number) => void): AsyncGenerator<GridRow> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    // exceljs/JSZip throw plain Errors for every kind of damage (random bytes, a cut-off upload, a missing part)
    throw new FileProblemError({ line: 0, column: '', id: 'import_file_corrupt' });
  }
  const sheet = chooseSheet(workbook);
  if (!sheet) throw new FileProblemError({ line: 0, column: '', id: 'import_file_empty' });
  // counted before converting a cell: a sheet of a million rows is refused at once
  if (sheet.actualRowCount - 1 > MAX_IMPORT_ROWS) throw new FileProblemError({ line: 0, column: '', id: 'import_too_many_rows', params: { max: MAX_IMPORT_ROWS } });
  onTotal?.(sheet.rowCount);
  for (let rowNumber = 1; rowNumber <= sheet.rowCount; rowNumber++) {
    const row = sheet.findRow(rowNumber);
    if (!row?.hasValues) continue;
    const cells: Cell[] = [];
    for (let column = 1; column <= row.cellCount; column++) {
      const cell = row.getCell(column);
      cells.push(cellText(cell.value, cell.numFmt));
    }
    yield { line: rowNumber, cells };
    if (rowNumber % ROWS_PER_SLICE === 0) await yieldToEventLoop();
  }
}
