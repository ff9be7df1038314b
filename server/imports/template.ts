/**
 * The officer list template clerks download: the header row, one filled-in example and,
 * in the workbook, a "Hướng dẫn" sheet explaining every column and its allowed values.
 */
import ExcelJS from 'exceljs';
import { t, type Locale } from '../i18n';
import { officerCategoryLabels, officerStatusLabels } from '../officers/model';
import type { OfficerInput } from '../officers/schema';
import { allowedLabels, columnLabel, columnLetter, IMPORT_COLUMNS, MAX_IMPORT_ROWS, type OfficerField } from './columns';

/**
 * Sample data, not interface text: a plausible officer of the demo province's Sở Nội vụ
 * (unit SNV-02, "Phòng Công chức, viên chức"), so the template imports into the demo as is.
 */
const EXAMPLE: Required<Omit<OfficerInput, 'isLeader' | 'category' | 'status'>> = {
  code: 'SNV-0123',
  fullName: 'Nguyễn Thị Thu Hằng',
  email: 'hang.ntt@sonha.example',
  phone: '0912 345 678',
  unitCode: 'SNV-02',
  position: 'Phó Trưởng phòng',
  rank: 'Chuyên viên chính',
};

/** How the template marks a leader: the check mark clerks already use on paper lists. */
const LEADER_MARK = 'x';

/** The example row in the template's column order, choices written as their labels. */
function exampleRow(locale: Locale): string[] {
  return IMPORT_COLUMNS.map(({ field }) => {
    if (field === 'category') return t(locale, officerCategoryLabels['cong-chuc']);
    if (field === 'status') return t(locale, officerStatusLabels.active);
    if (field === 'isLeader') return LEADER_MARK;
    return EXAMPLE[field as keyof typeof EXAMPLE];
  });
}

// characters per column, fitted to the headers and typical values
const WIDTHS: Record<OfficerField, number> = { code: 14, fullName: 28, email: 30, phone: 16, unitCode: 14, position: 26, rank: 24, category: 18, isLeader: 10, status: 20 };
// columns typed as text ("@"): Excel would otherwise drop a code's or phone's leading zeros
const TEXT_COLUMNS: ReadonlySet<OfficerField> = new Set(['code', 'phone', 'unitCode']);
// drop-down lists cover this many rows: exceljs expands each listed cell when reading a
// workbook back, so covering all 100,000 rows would slow every later import of the file
const LIST_ROWS = 10_000;

/** exceljs 4.4 supports range validations (written as one sqref) but leaves them out of its typings. */
const validations = (sheet: ExcelJS.Worksheet) => (sheet as unknown as { dataValidations: { add(range: string, rule: ExcelJS.DataValidation): void } }).dataValidations;

function listSheet(workbook: ExcelJS.Workbook, locale: Locale): void {
  const sheet = workbook.addWorksheet(t(locale, 'import_template_sheet_list'), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = IMPORT_COLUMNS.map(({ field }) => ({ header: columnLabel(field, locale), key: field, width: WIDTHS[field], style: TEXT_COLUMNS.has(field) ? { numFmt: '@' } : {} }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
  sheet.addRow(exampleRow(locale));
  IMPORT_COLUMNS.forEach(({ field }, index) => {
    if (field !== 'category' && field !== 'status' && field !== 'isLeader') return;
    const letter = columnLetter(index);
    const choices = field === 'isLeader' ? LEADER_MARK : allowedLabels(field, locale).replace(/, /g, ',');
    // an Excel list formula is a quoted, comma-separated string
    validations(sheet).add(`${letter}2:${letter}${LIST_ROWS + 1}`, { type: 'list', allowBlank: true, formulae: [`"${choices}"`] });
  });
}

function guideSheet(workbook: ExcelJS.Workbook, locale: Locale): void {
  const sheet = workbook.addWorksheet(t(locale, 'import_template_sheet_guide'));
  sheet.columns = [{ width: 22 }, { width: 12 }, { width: 100 }];
  const heading = sheet.addRow([t(locale, 'import_guide_heading_column'), t(locale, 'import_guide_heading_required'), t(locale, 'import_guide_heading_description')]);
  heading.font = { bold: true };
  for (const { field, required, guide } of IMPORT_COLUMNS) {
    const allowed = field === 'category' || field === 'status' ? allowedLabels(field, locale) : '';
    const row = sheet.addRow([columnLabel(field, locale), t(locale, required ? 'import_guide_required_yes' : 'import_guide_required_no'), t(locale, guide, { allowed })]);
    row.getCell(3).alignment = { wrapText: true, vertical: 'top' };
  }
  sheet.addRow([]);
  sheet.addRow([t(locale, 'import_guide_notes')]).font = { bold: true };
  for (const note of ['import_guide_note_rows', 'import_guide_note_empty', 'import_guide_note_all_or_nothing', 'import_guide_note_csv', 'import_guide_note_limit'] as const) {
    sheet.addRow([`• ${t(locale, note, { max: MAX_IMPORT_ROWS.toLocaleString(locale === 'vi' ? 'vi-VN' : 'en-US') })}`]);
  }
}

/** A CSV field, quoted when it holds a separator, a quote or a line break. */
const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/**
 * The officer list template. XLSX: sheet "Danh sách" (header + example row, bold frozen
 * header, text-formatted code and phone columns, drop-down lists for the choice columns)
 * and sheet "Hướng dẫn". CSV: header + example row, comma-separated, CRLF, with a UTF-8
 * BOM, without which Excel opens UTF-8 as the ANSI code page and garbles the diacritics.
 */
export async function officerTemplate(format: 'xlsx' | 'csv', locale: Locale = 'vi'): Promise<Buffer> {
  if (format === 'csv') {
    const lines = [IMPORT_COLUMNS.map(({ field }) => columnLabel(field, locale)), exampleRow(locale)].map((cells) => cells.map(csvField).join(','));
    return Buffer.from(`\ufeff${lines.join('\r\n')}\r\n`, 'utf8');
  }
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'vhcv-elearning';
  listSheet(workbook, locale);
  guideSheet(workbook, locale);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
