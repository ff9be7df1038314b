/**
 * The dashboards over HTTP, checked against the hand-computed fixture of ./world.ts:
 * the API's figures for a coordinator (A's subtree) and a manager (A11's), the pages with
 * the same numbers, unit scoping, and the home page's dashboard.
 */
import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../http';
import { buildDashboardWorld, YEAR, type DashboardWorld } from './world';

const DAY_MS = 86_400_000;
const vietnamDay = (at: Date) => new Date(at.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
/** calendar days from `day` (yyyy-mm-dd) to today in Vietnam */
const daysSince = (day: string) => Math.round((Date.parse(vietnamDay(new Date())) - Date.parse(day)) / DAY_MS);

interface Figures { enrolled: number; completed: number; inProgress: number; notStarted: number; overdue: number; exempt: number; ratePercent: number | null; averageScore: number | null }
interface ApiDashboard {
  totals: Figures;
  subUnits: { id: string; name: string; own: boolean; figures: Figures }[];
  modules: { id: string; figures: Figures }[];
  categories: { category: string; figures: Figures }[];
  trend: { week: string; completed: number; cumulative: number; due: boolean }[];
  overdue: { officerId: string; fullName: string; unit: string; daysLate: number }[];
  overdueTotal: number;
  officers?: { id: string; fullName: string; modules: Record<string, string> }[];
}

const fig = (enrolled: number, completed: number, inProgress: number, overdue: number, exempt: number, ratePercent: number | null, averageScore: number | null): Figures => ({ enrolled, completed, inProgress, notStarted: enrolled - completed - inProgress, overdue, exempt, ratePercent, averageScore });

describe('dashboards: pages and API', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let w: DashboardWorld;
  const api = async (client: keyof DashboardWorld['clients'], path: string) => {
    const reply = await w.clients[client].get(path);
    expect(reply.status, reply.text).to.equal(200);
    return reply.json<{ dashboard: ApiDashboard }>().dashboard;
  };

  before(async () => {
    tp = await startTestPlatform('dashboards-pages');
    w = await buildDashboardWorld(tp);
  });
  after(async () => tp?.close());

  it("gives a coordinator the hand-computed figures of their subtree, by sub-unit, module and category", async () => {
    const d = await api('coordinator', `/api/v1/dashboards/units/${w.units.A._id}?year=${YEAR}&campaignId=${w.campaign._id}`);
    expect(d.totals).to.deep.equal(fig(10, 3, 1, 4, 4, 30, 80));
    const byName = Object.fromEntries(d.subUnits.map((s) => [s.name, s.figures]));
    expect(Object.keys(byName)).to.have.members(['Phòng Công chức', 'Phòng Tổ chức']);
    expect(byName['Phòng Công chức']).to.deep.equal(fig(8, 2, 1, 3, 2, 25, 73.3));
    expect(byName['Phòng Tổ chức']).to.deep.equal(fig(2, 1, 0, 1, 2, 50, 100));
    const byModule = Object.fromEntries(d.modules.map((m) => [m.id, m.figures]));
    expect(byModule[String(w.modules.M1)]).to.deep.equal(fig(5, 2, 1, 0, 2, 40, 80));
    expect(byModule[String(w.modules.M2)]).to.deep.equal(fig(5, 1, 0, 4, 2, 20, 80));
    const byCategory = Object.fromEntries(d.categories.map((c) => [c.category, c.figures]));
    expect(byCategory).to.deep.equal({
      'can-bo': fig(2, 0, 0, 1, 0, 0, null),
      'cong-chuc': fig(4, 2, 0, 2, 4, 50, 95),
      'vien-chuc': fig(2, 1, 1, 0, 0, 50, 65),
      'nguoi-lao-dong': fig(2, 0, 0, 1, 0, 0, null),
    });
  });

  it('lists the overdue with days late, and the weekly trend', async () => {
    const d = await api('coordinator', `/api/v1/dashboards/units/${w.units.A._id}`);
    const late = Object.fromEntries(d.overdue.map((o) => [o.fullName, o.daysLate]));
    expect(late).to.deep.equal({ 'Nguyễn Văn An': daysSince(`${YEAR}-01-01`), 'Phạm Thị Dung': daysSince(`${YEAR}-01-11`), 'Hoàng Văn Em': daysSince(`${YEAR}-01-01`), 'Vũ Thị Giang': daysSince(`${YEAR}-01-11`) });
    expect(d.overdue.find((o) => o.fullName === 'Hoàng Văn Em')!.unit).to.equal('Phòng Tổ chức');
    expect(d.overdueTotal).to.equal(4);
    // three completions, all this week; the first week holds M2's due date (01/01)
    expect(d.trend[0]!.due).to.equal(true);
    expect(d.trend.reduce((n, week) => n + week.completed, 0)).to.equal(3);
    expect(d.trend[d.trend.length - 1]!.cumulative).to.equal(3);
  });

  it("scopes a manager to their subtree, with their unit's own officers and statuses", async () => {
    const d = await api('manager', `/api/v1/dashboards/units/${w.units.A11._id}`);
    expect(d.totals).to.deep.equal(fig(8, 2, 1, 3, 0, 25, 73.3));
    const byName = Object.fromEntries(d.subUnits.map((s) => [s.name, s.figures]));
    expect(byName['Nhóm Bồi dưỡng']).to.deep.equal(fig(4, 1, 0, 2, 0, 25, 90));
    expect(byName['Tổ Đào tạo']).to.deep.equal(fig(4, 1, 1, 1, 0, 25, 65));
    expect(d.overdue.map((o) => o.fullName)).to.have.members(['Nguyễn Văn An', 'Phạm Thị Dung', 'Vũ Thị Giang']);
    const officers = Object.fromEntries(d.officers!.map((o) => [o.fullName, o.modules]));
    expect(officers).to.deep.equal({
      'Trần Thị Bình': { [String(w.modules.M1)]: 'in-progress', [String(w.modules.M2)]: 'completed' },
      'Vũ Thị Giang': { [String(w.modules.M1)]: 'not-started', [String(w.modules.M2)]: 'overdue' },
    });
    expect((await w.clients.manager.get(`/api/v1/dashboards/units/${w.units.A1._id}`)).status).to.equal(403);
    expect((await w.clients.manager.get(`/dashboards/units/${w.units.A._id}`)).status).to.equal(403);
    expect((await w.clients.outsider.get(`/api/v1/dashboards/units/${w.units.A._id}`)).status).to.equal(403);
  });

  it('shows a campaign within the caller’s subtree, and the whole campaign to an admin', async () => {
    const manager = await api('manager', `/api/v1/dashboards/campaigns/${w.campaign._id}`);
    expect(manager.totals).to.deep.equal(fig(8, 2, 1, 3, 0, 25, 73.3));
    const admin = await api('admin', `/api/v1/dashboards/campaigns/${w.campaign._id}`);
    expect(admin.totals).to.deep.equal(fig(10, 3, 1, 4, 4, 30, 80));
    // the admin's rows are the top units: everything is under the province P
    expect(admin.subUnits.map((s) => s.name)).to.deep.equal(['Tỉnh Số Liệu']);
    const outsider = await api('outsider', `/api/v1/dashboards/campaigns/${w.campaign._id}`);
    expect(outsider.totals.enrolled).to.equal(0);
    expect((await w.clients.coordinator.get(`/api/v1/dashboards/units/${w.units.A._id}?campaignId=${'0'.repeat(24)}`)).status).to.equal(404);
  });

  it('renders the same numbers on the pages: tables, charts with titles, as-of time, remind form', async () => {
    const page = await w.clients.coordinator.get(`/dashboards/units/${w.units.A._id}?year=${YEAR}&campaignId=${w.campaign._id}`);
    expect(page.status).to.equal(200);
    const html = page.text;
    expect(html).to.contain('Bảng số liệu: Sở Nội vụ');
    expect(html).to.match(/Số liệu tính đến \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    expect(html).to.match(/data-figure="rate">30%</);
    expect(html).to.match(/data-figure="overdue">4</);
    expect(html).to.match(/data-figure="average">80</);
    expect(html).to.contain('<svg class="bar-chart"');
    expect(html).to.contain('<svg class="line-chart"');
    expect(html).to.match(/<th scope="row"><a href="\/dashboards\/units\/[0-9a-f]{24}\?year=\d+&amp;campaignId=[0-9a-f]{24}">Phòng Công chức<\/a><\/th><td class="num">8<\/td><td class="num">2<\/td><td class="num">1<\/td><td class="num">5<\/td><td class="num">3<\/td><td class="num">2<\/td><td class="num">25%<\/td><td class="num">73,3<\/td>/);
    expect(html).to.contain(`action="/campaigns/${w.campaign._id}/remind"`);
    expect((html.match(/name="officerIds"/g) ?? []).length).to.equal(4);
    expect(html).to.not.match(/<script(?![^>]*src=)/);
  });

  it("puts the subtree's dashboard on the coordinator's and manager's home pages", async () => {
    const home = await w.clients.manager.get('/');
    expect(home.status).to.equal(200);
    expect(home.text).to.match(/data-figure="enrolled">8</);
    expect(home.text).to.match(/data-figure="rate">25%</);
    const coordinator = await w.clients.coordinator.get(`/?year=${YEAR}`);
    expect(coordinator.text).to.match(/data-figure="enrolled">10</);
  });
});
