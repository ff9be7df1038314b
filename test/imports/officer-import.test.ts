import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { openTestDatabase, type TestDatabase } from '../database';
import { buildUnit } from '../factories';
import { importOfficers, type ImportProgress } from '../../server/imports/officer-import';
import { officerTemplate } from '../../server/imports/template';
import { officerModel } from '../../server/officers/model';
import { csv, HEADER, officerRow, templateWorkbook } from './helpers';

describe('imports: importing officer files into the database', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let db: Connection;

  before(async () => {
    database = await openTestDatabase('imports');
    db = database.connection;
    await buildUnit({ code: 'IMP-A' });
    await buildUnit({ code: 'IMP-B' });
  });
  after(async () => database?.close());

  let serial = 0;
  const code = () => `IMPF${++serial}`;
  const count = () => officerModel(db).countDocuments();
  const problems = (report: { problems: Array<{ line: number; column: string; id: string }> }) => report.problems.map(({ line, column, id }) => ({ line, column, id }));

  it('imports an XLSX list, and importing the same file again changes nothing', async () => {
    const file = await templateWorkbook([
      [code(), 'Nguyễn Văn An', 'an.imp@sonha.example', 912345678, 'IMP-A', 'Trưởng phòng', 'Chuyên viên chính', 'Công chức', 'x', 'Đang công tác'],
      [code(), 'Trần Thị Bình', null, null, 'imp-b', null, null, 'Viên chức', null, 'Tạm nghỉ'],
    ]);
    const first = await importOfficers(db, file, 'danh-sach.xlsx', { dryRun: false });
    expect(first).to.deep.equal({ dryRun: false, totalRows: 2, created: 2, updated: 0, unchanged: 0, problems: [] });
    const stored = await officerModel(db).findOne({ email: 'an.imp@sonha.example' }).lean();
    expect({ phone: stored?.phone, isLeader: stored?.isLeader, status: stored?.status }).to.deep.equal({ phone: '0912345678', isLeader: true, status: 'active' });
    const again = await importOfficers(db, file, 'danh-sach.xlsx', { dryRun: false });
    expect(again).to.include({ created: 0, updated: 0, unchanged: 2 });
  });

  it('a dry run reports what would happen and writes nothing', async () => {
    const before = await count();
    const report = await importOfficers(db, csv([HEADER, officerRow({ code: code(), unitCode: 'IMP-A' }), officerRow({ code: code(), unitCode: 'IMP-B' })]), 'ds.csv', { dryRun: true });
    expect(report).to.deep.equal({ dryRun: true, totalRows: 2, created: 2, updated: 0, unchanged: 0, problems: [] });
    expect(await count()).to.equal(before);
  });

  it('reports an unknown unit code by line and the "Mã đơn vị" column, a repeated code on the later line, and writes nothing', async () => {
    const before = await count();
    const repeated = code();
    const rows = [
      HEADER,
      officerRow({ code: code(), unitCode: 'IMP-A', position: 'Ghi chú\nhai dòng' }),
      officerRow({ code: repeated, unitCode: 'IMP-A' }),
      officerRow({ code: code(), unitCode: 'KHONG-CO' }),
      officerRow({ code: repeated.toLowerCase(), unitCode: 'IMP-B' }),
      officerRow({ code: code(), unitCode: 'IMP-A', email: 'không phải email' }),
    ];
    const report = await importOfficers(db, csv(rows), 'ds.csv', { dryRun: false });
    // the quoted line break in the first row puts every later row one line down
    expect(problems(report)).to.deep.equal([
      { line: 5, column: 'Mã đơn vị', id: 'unit_code_unknown' },
      { line: 6, column: 'Mã cán bộ', id: 'officer_code_duplicate_in_file' },
      { line: 7, column: 'Email', id: 'email_invalid' },
    ]);
    expect(report.problems[0]?.params).to.deep.equal({ code: 'KHONG-CO' });
    expect(report).to.include({ totalRows: 5, created: 0, updated: 0, unchanged: 0 });
    expect(await count()).to.equal(before);
  });

  it('names columns as the file does and reports a refused cell once, writing nothing', async () => {
    const before = await count();
    const file = csv([
      ['Mã CB', 'Họ tên', 'Mã ĐV', 'Đối tượng'],
      [code(), 'A', 'KHONG-CO', 'Công chức'],
      [code(), 'B', 'IMP-A', 'Thợ'],
    ]);
    const report = await importOfficers(db, file, 'ds.csv', { dryRun: false });
    expect(problems(report)).to.deep.equal([
      { line: 2, column: 'Mã ĐV', id: 'unit_code_unknown' },
      { line: 3, column: 'Đối tượng', id: 'import_value_not_allowed' },
    ]);
    expect(await count()).to.equal(before);
  });

  it('a file that cannot be read is reported without touching the database', async () => {
    const report = await importOfficers(db, Buffer.from('not a workbook'), 'ds.xlsx', { dryRun: false });
    expect(report).to.deep.equal({ dryRun: false, totalRows: 0, created: 0, updated: 0, unchanged: 0, problems: [{ line: 0, column: '', id: 'import_file_corrupt' }] });
  });

  it('the template imports without problems into a database that has its example unit', async () => {
    await buildUnit({ code: 'SNV-02' });
    for (const format of ['xlsx', 'csv'] as const) {
      const report = await importOfficers(db, await officerTemplate(format), `mau.${format}`, { dryRun: true });
      expect(report, format).to.deep.equal({ dryRun: true, totalRows: 1, created: 1, updated: 0, unchanged: 0, problems: [] });
    }
  });

  it('imports 60,000 CSV rows, reporting progress through every phase', async function () {
    this.timeout(180_000);
    await Promise.all(Array.from({ length: 20 }, (_, i) => buildUnit({ code: `BIG-${i}` })));
    const lines = [HEADER.join(';')];
    for (let i = 0; i < 60_000; i++) lines.push(`BIG${String(i).padStart(6, '0')};Nguyễn Văn Số ${i};${i % 3 === 0 ? `big${i}@sonha.example` : ''};;BIG-${i % 20};Chuyên viên;;${i % 7 === 0 ? 'Viên chức' : 'Công chức'};;`);
    const file = Buffer.from(`\ufeff${lines.join('\r\n')}\r\n`);
    const before = await count();
    const seen: ImportProgress[] = [];
    const started = Date.now();
    const report = await importOfficers(db, file, 'toan-tinh.csv', { dryRun: false, onProgress: (p) => seen.push(p) });
    const seconds = (Date.now() - started) / 1000;
    expect(report).to.deep.equal({ dryRun: false, totalRows: 60_000, created: 60_000, updated: 0, unchanged: 0, problems: [] });
    expect(await count()).to.equal(before + 60_000);
    expect([...new Set(seen.map((p) => p.phase))]).to.deep.equal(['reading', 'validating', 'writing', 'done']);
    expect(seen.at(-1)).to.deep.equal({ phase: 'done', done: 60_000, total: 60_000 });
    expect(seen.filter((p) => p.phase === 'writing').at(-1)).to.deep.equal({ phase: 'writing', done: 60_000, total: 60_000 });
    console.log(`      60,000-row CSV import: ${seconds.toFixed(1)} s`);
  });
});
