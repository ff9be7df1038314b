import crypto from 'node:crypto';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { parseOfficerFile } from '../../server/imports/officer-file';
import { officerTemplate } from '../../server/imports/template';
import { csv, HEADER, officerRow, templateWorkbook } from './helpers';

describe('imports: reading officer files', () => {
  const ids = (parsed: { problems: Array<{ line: number; column: string; id: string }> }) => parsed.problems.map(({ line, column, id }) => ({ line, column, id }));

  it('reads a UTF-8 CSV with and without a BOM alike', async () => {
    const rows = [HEADER, officerRow({ code: 'CB1', fullName: 'Nguyễn Thị Hà', unitCode: 'IMP-A', leader: 'x', status: 'Tạm nghỉ' })];
    const plain = await parseOfficerFile(csv(rows), 'ds.csv');
    const withBom = await parseOfficerFile(csv(rows, { bom: true }), 'ds.csv');
    expect(plain.problems).to.deep.equal([]);
    expect(withBom).to.deep.equal(plain);
    expect(plain.lines).to.deep.equal([2]);
    expect(plain.rows).to.deep.equal([{ code: 'CB1', fullName: 'Nguyễn Thị Hà', unitCode: 'IMP-A', category: 'cong-chuc', isLeader: true, status: 'on-leave' }]);
    expect(plain.columns.unitCode).to.equal('Mã đơn vị');
  });

  it('reads a CSV saved by Excel in the vi-VN locale: BOM, semicolons, CRLF, quoted fields', async () => {
    const file = csv(
      [
        HEADER,
        ['CB1', 'Nguyễn Văn "Tèo"', '', '912345678', 'IMP-A', 'Trưởng phòng Tổ chức, biên chế; kiêm nhiệm', 'Chuyên viên chính', 'Cán bộ', 'có', 'Đang công tác'],
        ['CB2', 'Trần Thị Bình', 'binh@sonha.example', '0203 3812 345', 'IMP-A', 'Ghi chú\r\nhai dòng', '', 'viên chức', 'không', ''],
        ['', '', '', '', '', '', '', '', '', ''],
        ['CB3', 'Lê Văn Cường', '', '', 'IMP-B', '', '', 'nguoi-lao-dong', '', ''],
      ],
      { separator: ';', eol: '\r\n', bom: true },
    );
    const parsed = await parseOfficerFile(file, 'Danh sach.csv');
    expect(parsed.problems).to.deep.equal([]);
    // the quoted line break moves CB2's successors one line down; the empty line is skipped
    expect(parsed.lines).to.deep.equal([2, 3, 6]);
    expect(parsed.rows[0]).to.deep.equal({ code: 'CB1', fullName: 'Nguyễn Văn "Tèo"', phone: '0912345678', unitCode: 'IMP-A', position: 'Trưởng phòng Tổ chức, biên chế; kiêm nhiệm', rank: 'Chuyên viên chính', category: 'can-bo', isLeader: true, status: 'active' });
    expect(parsed.rows[1]).to.include({ email: 'binh@sonha.example', position: 'Ghi chú\r\nhai dòng', category: 'vien-chuc', isLeader: false });
    expect(parsed.rows[2]).to.deep.equal({ code: 'CB3', fullName: 'Lê Văn Cường', unitCode: 'IMP-B', category: 'nguoi-lao-dong', isLeader: false });
  });

  it('detects tab separators, honours a "sep=" line, reads UTF-16 and normalises NFD text to NFC', async () => {
    const nfd = [HEADER.map((h) => h.normalize('NFD')), officerRow({ code: 'CB1', fullName: 'Phạm Thị Thúy Hằng'.normalize('NFD'), unitCode: 'IMP-A' })];
    const tabbed = await parseOfficerFile(csv(nfd, { separator: '\t' }), 'ds.txt');
    expect(tabbed.problems).to.deep.equal([]);
    expect(tabbed.rows[0]?.fullName).to.equal('Phạm Thị Thúy Hằng'.normalize('NFC'));
    const sep = await parseOfficerFile(Buffer.concat([Buffer.from('sep=;\r\n'), csv(nfd, { separator: ';', eol: '\r\n' })]), 'ds.csv');
    expect({ problems: sep.problems, lines: sep.lines }).to.deep.equal({ problems: [], lines: [3] });
    // Excel's "Unicode Text": UTF-16LE with a BOM, tab-separated
    const unicodeText = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv(nfd, { separator: '\t', eol: '\r\n' }).toString('utf8'), 'utf16le')]);
    expect((await parseOfficerFile(unicodeText, 'ds.txt')).rows).to.deep.equal(tabbed.rows);
  });

  it('accepts the English field keys and Vietnamese headers typed without diacritics', async () => {
    const parsed = await parseOfficerFile(csv([['STT', 'code', 'HO VA TEN', 'unitCode', 'doi tuong', 'isLeader'], ['1', 'cb9', 'A', 'IMP-A', 'CONG CHUC', 'TRUE']]), 'ds.csv');
    expect(parsed.problems).to.deep.equal([]);
    expect(parsed.rows).to.deep.equal([{ code: 'cb9', fullName: 'A', unitCode: 'IMP-A', category: 'cong-chuc', isLeader: true }]);
  });

  it('reads the XLSX template filled with two rows', async () => {
    const file = await templateWorkbook([
      ['CB1', 'Nguyễn Văn An', 'an@sonha.example', '0912 345 678', 'IMP-A', 'Trưởng phòng', 'Chuyên viên chính', 'Công chức', 'x', 'Đang công tác'],
      ['CB2', { richText: [{ text: 'Trần ' }, { text: 'Thị Bình', font: { bold: true } }] }, { text: 'binh@sonha.example', hyperlink: 'mailto:binh@sonha.example' }, null, { formula: 'UPPER("imp-b")', result: 'IMP-B' }, null, null, 'Viên chức', null, null],
    ]);
    const parsed = await parseOfficerFile(file, 'danh-sach.xlsx');
    expect(parsed.problems).to.deep.equal([]);
    expect(parsed.lines).to.deep.equal([2, 3]);
    expect(parsed.rows).to.deep.equal([
      { code: 'CB1', fullName: 'Nguyễn Văn An', email: 'an@sonha.example', phone: '0912 345 678', unitCode: 'IMP-A', position: 'Trưởng phòng', rank: 'Chuyên viên chính', category: 'cong-chuc', isLeader: true, status: 'active' },
      { code: 'CB2', fullName: 'Trần Thị Bình', email: 'binh@sonha.example', unitCode: 'IMP-B', category: 'vien-chuc', isLeader: false },
    ]);
  });

  it('turns numeric code and phone cells into the digits Excel shows', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Nhân sự');
    sheet.addRow(['Mã cán bộ', 'Họ và tên', 'Mã đơn vị', 'Đối tượng', 'Số điện thoại']);
    sheet.addRow([123456, 'A', 1001, 'Công chức', 912345678]);
    sheet.addRow([12345678901234567168, 'B', 1001, 'Công chức', 84912345678]);
    sheet.addRow([]);
    sheet.addRow([42, 'C', 1001, 'Công chức', 2033812345]);
    sheet.getCell('A5').numFmt = '000000';
    const parsed = await parseOfficerFile(Buffer.from(await workbook.xlsx.writeBuffer()), 'so.xlsx');
    expect(parsed.problems).to.deep.equal([]);
    expect(parsed.lines).to.deep.equal([2, 3, 5]);
    expect(parsed.rows.map((r) => [r.code, r.unitCode, r.phone])).to.deep.equal([
      ['123456', '1001', '0912345678'],
      ['12345678901234567000', '1001', '84912345678'],
      ['000042', '1001', '02033812345'],
    ]);
  });

  it('the template (XLSX and CSV) parses back to its example row without problems', async () => {
    for (const format of ['xlsx', 'csv'] as const) {
      const template = await officerTemplate(format);
      const parsed = await parseOfficerFile(template, `mau.${format}`);
      expect(parsed.problems, format).to.deep.equal([]);
      expect(parsed.rows, format).to.have.length(1);
      expect(parsed.rows[0], format).to.include({ unitCode: 'SNV-02', category: 'cong-chuc', isLeader: true, status: 'active' });
    }
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await officerTemplate('xlsx')) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).to.deep.equal(['Danh sách', 'Hướng dẫn']);
    expect(workbook.worksheets[0]?.getRow(1).font?.bold).to.equal(true);
    expect((await officerTemplate('csv')).subarray(0, 3)).to.deep.equal(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('reports a malformed CSV on the line the broken row starts, without throwing', async () => {
    const file = Buffer.from(`${HEADER.join(',')}\nCB1,A,,,IMP-A,,,Công chức,,\nCB2,"Nguyễn Văn B,,,IMP-A,,,Công chức,,\nCB3,C,,,IMP-A,,,Công chức,,\n`);
    expect(ids(await parseOfficerFile(file, 'hong.csv'))).to.deep.equal([{ line: 3, column: '', id: 'import_csv_malformed' }]);
  });

  it('refuses random bytes, a truncated workbook, an .xls and an unknown type with a problem', async () => {
    const template = await officerTemplate('xlsx');
    const cases: Array<[Buffer, string, string]> = [
      [crypto.randomBytes(4096), 'ngau-nhien.xlsx', 'import_file_corrupt'],
      [Buffer.concat([template.subarray(0, 4), crypto.randomBytes(2048)]), 'zip-hong.xlsx', 'import_file_corrupt'],
      [template.subarray(0, Math.floor(template.length * 0.6)), 'cat-cut.xlsx', 'import_file_corrupt'],
      [Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'cu.xls', 'import_xls_unsupported'],
      [Buffer.from('%PDF-1.4'), 'ds.pdf', 'import_file_type_unsupported'],
      [Buffer.alloc(0), 'rong.csv', 'import_file_empty'],
      [Buffer.from('\ufeff\r\n\r\n'), 'trong.csv', 'import_file_empty'],
      [csv([HEADER]), 'chi-tieu-de.csv', 'import_file_no_rows'],
    ];
    for (const [data, name, id] of cases) expect(ids(await parseOfficerFile(data, name)), name).to.deep.equal([{ line: 0, column: '', id }]);
  });

  it('asks for "CSV UTF-8" when given Windows-1258 (ANSI) text', async () => {
    // "Mã cán bộ,Họ và tên…" as Excel's "CSV (Comma delimited)" saves it on Vietnamese Windows
    const ansi = Buffer.from('Ma\xde c\xe1n b\xf4\xf2,Ho\xf2 va\xcc t\xean,Ma\xde \xf0\xf5n vi\xf2,\xd0\xf4\xec i t\xfd\xf5\xf2ng\r\nCB1,Nguy\xea\xden V\xe3n A,IMP-A,C\xf4ng ch\xfdc\r\n', 'latin1');
    expect(ids(await parseOfficerFile(ansi, 'ansi.csv'))).to.deep.equal([{ line: 0, column: '', id: 'import_csv_not_utf8' }]);
  });

  it('reports header problems on line 1: a missing required column, an unknown or repeated one', async () => {
    const missing = await parseOfficerFile(csv([['Mã cán bộ', 'Họ và tên', 'Đối tượng'], ['CB1', 'A', 'Công chức']]), 'ds.csv');
    expect(ids(missing)).to.deep.equal([{ line: 1, column: 'Mã đơn vị', id: 'import_column_missing' }]);
    expect(missing.rows).to.deep.equal([]);
    const odd = await parseOfficerFile(csv([[...HEADER, 'Ghi chú', 'email'], officerRow({ code: 'CB1', unitCode: 'IMP-A' })]), 'ds.csv');
    expect(ids(odd)).to.deep.equal([
      { line: 1, column: 'Ghi chú', id: 'import_column_unknown' },
      { line: 1, column: 'email', id: 'import_column_duplicate' },
    ]);
  });

  it('reports bad cells by line and column header and leaves them out of the row', async () => {
    const parsed = await parseOfficerFile(
      csv([HEADER, officerRow({ code: 'CB1', unitCode: 'IMP-A', category: 'Hợp đồng', leader: 'có lẽ' }), [...officerRow({ code: 'CB2', unitCode: 'IMP-A' }), 'lạc cột']]),
      'ds.csv',
    );
    expect(ids(parsed)).to.deep.equal([
      { line: 2, column: 'Đối tượng', id: 'import_value_not_allowed' },
      { line: 2, column: 'Lãnh đạo', id: 'import_value_not_allowed' },
      { line: 3, column: 'K', id: 'import_cell_without_header' },
    ]);
    expect(parsed.rows[0]).to.not.have.property('category');
    expect(parsed.problems[0]?.params).to.deep.equal({ value: 'Hợp đồng', allowed: 'Cán bộ, Công chức, Viên chức, Người lao động' });
  });

  it('refuses a file of more than 100,000 rows', async () => {
    const body = Array.from({ length: 100_001 }, (_, i) => `C${i},A,,,U,,,Công chức,,`).join('\n');
    const parsed = await parseOfficerFile(Buffer.from(`${HEADER.join(',')}\n${body}\n`), 'lon.csv');
    expect({ problems: ids(parsed), rows: parsed.rows.length }).to.deep.equal({ problems: [{ line: 0, column: '', id: 'import_too_many_rows' }], rows: 0 });
  });
});
