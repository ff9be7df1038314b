/**
 * Exports of the fixture (./world.ts) opened as a spreadsheet would: XLSX read back with
 * exceljs, CSV with an RFC 4180 parser — headers in Vietnamese exactly, the hand-computed
 * rows, the status filter, formula neutralisation, scoping and the audit record.
 */
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { campaignModel } from '../../server/campaigns/model';
import { auditModel } from '../../server/audit/model';
import { startTestPlatform, type TestPlatform } from '../http';
import { buildDashboardWorld, YEAR, type DashboardWorld } from './world';

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks; records end with CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\r' && text[i + 1] === '\n') {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

const OFFICER_HEADER = ['Mã đơn vị', 'Đơn vị', 'Kế hoạch', 'Học phần', 'Hạn hoàn thành', 'Mã cán bộ', 'Họ và tên', 'Đối tượng', 'Trạng thái', 'Điểm cao nhất', 'Ngày hoàn thành'];
const FIGURES = ['Phải học', 'Đã hoàn thành', 'Đang học', 'Chưa bắt đầu', 'Quá hạn', 'Được miễn', 'Tỷ lệ hoàn thành (%)', 'Điểm trung bình'];
const EVIL = '=HYPERLINK("http://x.example","bấm, vào")';

describe('dashboards: exports', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let w: DashboardWorld;
  let base: string;
  before(async () => {
    tp = await startTestPlatform('dashboards-exports');
    w = await buildDashboardWorld(tp);
    // a hostile plan name: spreadsheets must show it as text, never run it
    await campaignModel(tp.platform.services.db).updateOne({ _id: w.campaign._id }, { $set: { name: EVIL } });
    base = `/dashboards/units/${w.units.A._id}/export?year=${YEAR}&campaignId=${w.campaign._id}`;
  });
  after(async () => tp?.close());

  it('CSV per officer: BOM, Vietnamese headers, CRLF, quoting, neutralised formulas, the fixture’s rows', async () => {
    const reply = await w.clients.coordinator.get(`${base}&format=csv&level=officer`);
    expect(reply.status, reply.text).to.equal(200);
    expect(reply.headers.get('content-type')).to.contain('text/csv');
    expect(reply.headers.get('content-disposition')).to.match(/attachment; filename="so-lieu-boi-duong-.+\.csv"/);
    const raw = Buffer.from(await (await fetch(tp.base + `${base}&format=csv&level=officer`, { headers: { authorization: `Bearer ${w.clients.coordinator.bearer}` } })).arrayBuffer());
    expect([...raw.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    expect(reply.text.endsWith('\r\n')).to.equal(true);
    const [header, ...rows] = parseCsv(reply.text.replace(/^\uFEFF/, ''));
    expect(header).to.deep.equal(OFFICER_HEADER);
    // 7 officers × 2 modules (o8 of B is outside the audience)
    expect(rows).to.have.length(14);
    expect(new Set(rows.map((r) => r[2]))).to.deep.equal(new Set([`'${EVIL}`]));
    const an = rows.filter((r) => r[6] === 'Nguyễn Văn An');
    expect(an.map((r) => [r[1], r[7], r[8], r[9]])).to.have.deep.members([
      ['Nhóm Bồi dưỡng', 'Công chức', 'Đã hoàn thành', '90'],
      ['Nhóm Bồi dưỡng', 'Công chức', 'Quá hạn', ''],
    ]);
    const hung = rows.filter((r) => r[6] === 'Đỗ Văn Hùng');
    expect(hung.map((r) => r[8])).to.deep.equal(['Được miễn', 'Được miễn']);
  });

  it('filters by status', async () => {
    const reply = await w.clients.coordinator.get(`${base}&format=csv&level=officer&status=overdue`);
    const [, ...rows] = parseCsv(reply.text.replace(/^\uFEFF/, ''));
    expect(rows.map((r) => r[6]).sort()).to.deep.equal(['Hoàng Văn Em', 'Nguyễn Văn An', 'Phạm Thị Dung', 'Vũ Thị Giang']);
  });

  it('XLSX per unit and per module, read back with exceljs', async () => {
    const read = async (level: string) => {
      const res = await fetch(tp.base + `${base}&format=xlsx&level=${level}`, { headers: { authorization: `Bearer ${w.clients.coordinator.bearer}` } });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(await res.arrayBuffer());
      const sheet = workbook.worksheets[0]!;
      expect(sheet.name).to.equal('Số liệu bồi dưỡng');
      const rows: unknown[][] = [];
      sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
      return rows;
    };
    const units = await read('unit');
    expect(units[0]).to.deep.equal(['Mã đơn vị', 'Đơn vị', ...FIGURES]);
    const byUnit = Object.fromEntries(units.slice(1).map((r) => [r[1], r.slice(2)]));
    expect(byUnit).to.deep.equal({
      // enrolled, completed, in progress, not started, overdue, exempt, rate, average (empty cells are absent)
      'Phòng Công chức': [0, 0, 0, 0, 0, 2, undefined, undefined].slice(0, 6),
      'Tổ Đào tạo': [4, 1, 1, 2, 1, 0, 25, 65],
      'Nhóm Bồi dưỡng': [4, 1, 0, 3, 2, 0, 25, 90],
      'Phòng Tổ chức': [2, 1, 0, 1, 1, 2, 50, 100],
    });
    const modules = await read('module');
    expect(modules[0]).to.deep.equal(['Học phần', 'Hạn hoàn thành', ...FIGURES]);
    expect(modules.slice(1).map((r) => [r[1], ...r.slice(2)])).to.deep.equal([
      [`31/12/${YEAR}`, 5, 2, 1, 2, 0, 2, 40, 80],
      [`01/01/${YEAR}`, 5, 1, 0, 4, 4, 2, 20, 80],
    ]);
    const officers = await read('officer');
    expect(officers[0]).to.deep.equal(OFFICER_HEADER);
    expect(officers.slice(1).every((r) => r[2] === `'${EVIL}`)).to.equal(true);
  });

  it('JSON under /api/v1 with the same rows; scoped and audited', async () => {
    const reply = await w.clients.manager.get(`/api/v1/dashboards/units/${w.units.A11._id}/export?level=officer&campaignId=${w.campaign._id}`);
    expect(reply.status, reply.text).to.equal(200);
    const body = reply.json<{ columns: string[]; rows: unknown[][] }>();
    expect(body.columns).to.deep.equal(OFFICER_HEADER);
    expect(new Set(body.rows.map((r) => r[6]))).to.deep.equal(new Set(['Nguyễn Văn An', 'Trần Thị Bình', 'Phạm Thị Dung', 'Vũ Thị Giang']));
    expect((await w.clients.manager.get(`/api/v1/dashboards/units/${w.units.A._id}/export`)).status).to.equal(403);
    expect((await w.clients.outsider.get(`${base}&format=csv`)).status).to.equal(403);
    const audited = await auditModel(tp.platform.services.db).find({ action: 'dashboard.export' }).lean();
    expect(audited.length).to.be.greaterThanOrEqual(6);
  });
});
