/**
 * The report pages over HTTP as a person uses them (cookie session, forms with CSRF):
 * the list, editing the narrative, a field problem in Vietnamese, freeze and submit, the
 * province consolidation with its tracking, totals and the audited reminder.
 */
import { expect } from 'chai';
import type { Types } from 'mongoose';
import { auditModel } from '../../server/audit/model';
import { noticeModel } from '../../server/campaigns/notices';
import { unitReportModel } from '../../server/reports/model';
import type { Role } from '../../server/users/model';
import { createAccount } from '../../server/users/service';
import { buildOfficer } from '../factories';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { PASSWORD } from '../campaigns/world';
import { buildReportWorld, YEAR, type ReportWorld } from './world';

describe('reports: the pages', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  let w: ReportWorld;
  let manager: Client;
  let serial = 0;
  const db = () => tp.platform.services.db;

  async function pageClient(role: Role, unitId: Types.ObjectId | null, officerId?: Types.ObjectId): Promise<Client> {
    const login = `bc.trang.${role}.${++serial}`;
    await createAccount(db(), { username: login, displayName: `Báo cáo ${login}`, role, password: PASSWORD, email: `${login}@example.vn`, ...(unitId ? { unitId } : {}), ...(officerId ? { officerId } : {}) }, 4);
    const c = tp.client();
    await c.signIn(login, PASSWORD);
    return c;
  }

  before(async () => {
    tp = await startTestPlatform('report-pages');
    w = await buildReportWorld(tp);
    manager = await pageClient('manager', w.units.A._id);
  });
  after(async () => tp?.close());

  const page = () => `/reports/${w.units.A._id.toHexString()}/${YEAR}`;

  it('the list shows the scope\'s units with their report\'s state', async () => {
    const reply = await manager.get(`/reports?year=${YEAR}`);
    expect(reply.status).to.equal(200);
    expect(reply.text).to.contain('Sở A').and.contain('Phòng A1').and.not.contain('Phòng B1');
    expect(reply.text).to.contain(`href="${page()}"`);
  });

  it('the report page shows the figures; the narrative is edited through the form', async () => {
    const reply = await manager.get(page());
    expect(reply.status).to.equal(200);
    expect(reply.text).to.contain('Học phần kế hoạch 1').and.contain('83,3%').and.contain('Phạm Văn Dũng').and.contain('Nguyễn Thị Ánh');
    const form = { number: '7/BC-SA', place: 'Kiên Giang', signerTitle: 'Giám đốc', signerName: 'Lê Văn Ký', recipients: 'Sở Nội vụ\nLưu: VT', daysAhead: '30', minAverage: '90', results: 'Đơn vị hoàn thành 3/6 người.', strengths: 'Tốt.', shortcomings: 'Còn chậm.', proposals: 'Đôn đốc.' };
    const saved = await manager.submit(page(), form, page());
    expect(saved.status).to.equal(303);
    expect(saved.location).to.equal(`${page()}?done=report_saved`);
    const after = await manager.get(saved.location!);
    expect(after.text).to.contain('Đơn vị hoàn thành 3/6 người.').and.contain('Đã lưu dự thảo.');
    const stored = await unitReportModel(db()).findOne({ unitId: w.units.A._id, year: YEAR }).lean();
    expect(stored!.recipients).to.deep.equal(['Sở Nội vụ', 'Lưu: VT']);
  });

  it('a bad field comes back on the form in Vietnamese (422), nothing saved', async () => {
    const reply = await manager.submit(page(), { number: '8/BC-SA', daysAhead: 'nhiều', results: 'X' }, page());
    expect(reply.status).to.equal(422);
    expect(reply.text).to.contain('aria-invalid="true"');
    expect((await unitReportModel(db()).findOne({ unitId: w.units.A._id, year: YEAR }).lean())!.number).to.equal('7/BC-SA');
  });

  it('freeze, then submit; a frozen report\'s form is disabled and the downloads answer', async () => {
    expect((await manager.submit(`${page()}/freeze`, {}, page())).location).to.equal(`${page()}?done=report_done_frozen`);
    const frozen = await manager.get(page());
    expect(frozen.text).to.contain('Số liệu đã chốt lúc').and.contain('<fieldset disabled>');
    expect((await manager.submit(`${page()}/submit`, {}, page())).location).to.equal(`${page()}?done=report_done_submitted`);
    const pdf = await manager.get(`${page()}/pdf`);
    expect(pdf.status).to.equal(200);
    expect(pdf.headers.get('content-type')).to.equal('application/pdf');
  });

  it('the province consolidation: tracking per unit, the submitted figures with totals, the reminder (audited, notice and mail)', async () => {
    const bManagerOfficer = await buildOfficer({ unitId: w.units.B._id });
    await pageClient('manager', w.units.B._id, bManagerOfficer._id);
    const admin = await pageClient('admin', null);
    const reply = await admin.get(`/reports/province/${YEAR}`);
    expect(reply.status).to.equal(200);
    const row = (name: string) => new RegExp(`>${name}</a></th><td[^>]*><span class="report-status report-status-(\\w+)">`).exec(reply.text)?.[1];
    // the plan's deadline is 15/11: after it a submission is late and a unit without one is missing
    const pastDue = Date.now() >= new Date(`${YEAR}-11-16T00:00:00+07:00`).getTime();
    expect(row('Sở A')).to.equal(pastDue ? 'late' : 'submitted');
    expect(row('Sở B')).to.equal(pastDue ? 'missing' : 'none');
    const json = (await admin.get(`/api/v1/reports/province/${YEAR}`)).json<{ rows: { name: string; totals: { enrolled: number } }[]; totals: { enrolled: number; completed: number } }>();
    expect(json.rows.map((r) => r.name)).to.deep.equal(['Sở A']);
    expect(json.totals).to.include({ enrolled: 6, completed: 3 });
    const remind = await admin.submit(`/reports/province/${YEAR}/remind`, {}, `/reports/province/${YEAR}`);
    expect(remind.status).to.equal(303);
    expect(remind.location).to.equal(`/reports/province/${YEAR}?reminded=1`);
    expect((await admin.get(remind.location!)).text).to.contain('Đã nhắc 1 đơn vị.');
    const notices = await noticeModel(db()).find({ officerId: bManagerOfficer._id, message: 'report_reminder_notice' }).lean();
    expect(notices).to.have.length(1);
    expect(await auditModel(db()).countDocuments({ action: 'report.remind' })).to.equal(1);
    const docx = await admin.get(`/reports/province/${YEAR}/docx`);
    expect(docx.status).to.equal(200);
  });
});
