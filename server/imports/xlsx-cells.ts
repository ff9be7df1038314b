/**
 * Cell values as the text Excel shows, and the officer sheet's names: shared by the XLSX
 * reader (main thread) and its worker (xlsx-worker.ts).
 */
import type ExcelJS from 'exceljs';
import { locales, t } from '../i18n';
import { fold } from './columns';
import type { Cell } from './grid';

// the template's sheet name in either language
export const LIST_SHEET_NAMES = new Set(locales.map((locale) => fold(t(locale, 'import_template_sheet_list'))));

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

