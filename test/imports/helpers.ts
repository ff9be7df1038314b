/** Officer files as clerks produce them, built in memory for the import suites. */
import ExcelJS from 'exceljs';
import { officerTemplate } from '../../server/imports/template';

/** The template's header row, in the template's order. */
export const HEADER = ['Mã cán bộ', 'Họ và tên', 'Email', 'Số điện thoại', 'Mã đơn vị', 'Chức vụ', 'Ngạch / chức danh', 'Đối tượng', 'Lãnh đạo', 'Trạng thái'];

/** A CSV line: every field quoted when it holds the separator, a quote or a line break. */
function csvLine(cells: string[], separator: string): string {
  return cells.map((cell) => (cell.includes(separator) || /["\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(separator);
}

/** A CSV file; by default comma-separated, LF, no BOM. */
export function csv(rows: string[][], options: { separator?: string; eol?: string; bom?: boolean } = {}): Buffer {
  const { separator = ',', eol = '\n', bom = false } = options;
  const text = rows.map((cells) => csvLine(cells, separator)).join(eol) + eol;
  return Buffer.from((bom ? '\ufeff' : '') + text, 'utf8');
}

/** A data row in template order from the fields that matter to a test. */
export function officerRow(fields: { code: string; fullName?: string; unitCode: string; category?: string; email?: string; phone?: string; leader?: string; status?: string; position?: string }): string[] {
  return [fields.code, fields.fullName ?? `Nguyễn Văn ${fields.code}`, fields.email ?? '', fields.phone ?? '', fields.unitCode, fields.position ?? '', '', fields.category ?? 'Công chức', fields.leader ?? '', fields.status ?? ''];
}

/** The XLSX template with `rows` (cell values, exceljs style) written below the header in place of the example. */
export async function templateWorkbook(rows: ExcelJS.CellValue[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await officerTemplate('xlsx')) as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet('Danh sách') as ExcelJS.Worksheet;
  sheet.spliceRows(2, 1);
  rows.forEach((values, index) => {
    sheet.getRow(index + 2).values = values;
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
