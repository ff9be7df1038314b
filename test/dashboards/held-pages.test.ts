/**
 * What a dashboard page holds between requests (server/dashboards: the year's state read in
 * one command, the summed figures of held-figures.ts, a unit's own entries, the formatted
 * view parts) follows every write, across instances: two instances share one engine
 * process; instance A serves the pages (warmed before each step), every change is made
 * through instance B, and A's pages must then show exactly what the database holds, summed
 * and read here directly — and differ from before the step.
 */
import { expect } from 'chai';
import { trusted, Types, type Connection } from 'mongoose';
import { decideExemption, proposeExemption } from '../../server/campaigns/exemptions';
import { campaignModel, enrolmentModel, type Campaign } from '../../server/campaigns/model';
import { changeDueDate, createCampaign, setStatus } from '../../server/campaigns/service';
import { counterModel, entryModel, type DashboardCounter, type DashboardEntry } from '../../server/dashboards/model';
import { rebuildDashboards } from '../../server/dashboards/rollup';
import { statusAt } from '../../server/dashboards/service';
import { loadDashboard } from '../../server/dashboards/load';
import { moduleModel, type LearningModule } from '../../server/modules/model';
import { editDraft } from '../../server/modules/service';
import { officerModel, type Officer } from '../../server/officers/model';
import { updateOfficer } from '../../server/officers/service';
import { recordAttempt, startModule } from '../../server/progress/service';
import { endOfDueDay } from '../../server/progress/year';
import type { Attempt } from '../../server/quizzes/model';
import { unitModel, type Unit } from '../../server/units/model';
import { renameUnit } from '../../server/units/service';
import type { TestPlatform } from '../http';
import { startTwoInstances, stepAcrossInstances, transferThroughB, type TwoInstances } from './two-instances';
import { buildDashboardWorld, OPENS, YEAR, type DashboardWorld } from './world';

interface ApiFigures { enrolled: number; completed: number; inProgress: number; overdue: number; exempt: number }
interface ApiDashboard {
  campaigns: { id: string; name: string }[];
  totals: ApiFigures;
  subUnits: { id: string; name: string; figures: ApiFigures }[];
  modules: { id: string; title: string; figures: ApiFigures }[];
  officers?: { id: string; fullName: string; modules: Record<string, string> }[];
}

/** What the pages show that the held state could get wrong. */
interface View {
  campaigns: string[];
  totals: number[];
  /** unit id → [name, enrolled, completed, in progress, exempt, overdue], rows with a non-zero figure */
  rows: Record<string, (string | number)[]>;
  /** module id → [title, enrolled, completed, in progress, exempt, overdue] */
  modules: Record<string, (string | number)[]>;
  /** A11's own officers: id → name and status per module */
  officers: Record<string, { fullName: string; modules: Record<string, string> }>;
}

const figures = (f: ApiFigures) => [f.enrolled, f.completed, f.inProgress, f.exempt, f.overdue];

describe('dashboards: what a page holds follows every write, across instances', function () {
  this.timeout(120_000);
  let instances: TwoInstances | undefined;
  let a: TestPlatform;
  let b: TestPlatform;
  let w: DashboardWorld;
  let dbA: Connection;
  let dbB: Connection;

  const page = async (unitId: Types.ObjectId): Promise<ApiDashboard> => {
    // the year's open campaigns (no campaign chosen): the year's state decides which
    const reply = await w.clients.admin.get(`/api/v1/dashboards/units/${unitId}?year=${YEAR}`);
    expect(reply.status, reply.text).to.equal(200);
    return reply.json<{ dashboard: ApiDashboard }>().dashboard;
  };

  /**
   * P's HTML page must show what its API answers (the view parts held with the figures):
   * the totals and, per sub-unit row, its name and figures.
   */
  async function htmlMatches(api: ApiDashboard): Promise<void> {
    const reply = await w.clients.admin.get(`/dashboards/units/${w.units.P._id}?year=${YEAR}`);
    expect(reply.status).to.equal(200);
    const html = reply.text;
    const number = (text: string) => Number(text.replace(/\./g, ''));
    const total = (name: string) => number(new RegExp(`data-figure="${name}">([^<]*)<`).exec(html)![1]!);
    expect([total('enrolled'), total('completed'), total('inProgress'), total('exempt'), total('overdue')]).to.deep.equal(figures(api.totals));
    const table = html.slice(html.indexOf('id="dash-units-table"'), html.indexOf('</table>', html.indexOf('id="dash-units-table"')));
    const rows = [...table.matchAll(/<tr><th scope="row">(?:<a href="[^"]*">)?([^<]*)(?:<\/a>)?<\/th>((?:<td class="num">[^<]*<\/td>){8})<\/tr>/g)].map((m) => {
      const cells = [...m[2]!.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((c) => c[1]!);
      return [m[1], ...[0, 1, 2, 5, 4].map((i) => number(cells[i]!))];
    });
    expect(rows).to.deep.equal(api.subUnits.map((s) => [s.name, ...figures(s.figures)]));
  }

  /** P's page and A11's officers, as instance A serves them. */
  async function viaA(): Promise<View> {
    const [p, a11] = await Promise.all([page(w.units.P._id), page(w.units.A11._id)]);
    await htmlMatches(p);
    return {
      campaigns: p.campaigns.map((c) => c.name),
      totals: figures(p.totals),
      rows: Object.fromEntries(p.subUnits.filter((s) => figures(s.figures).some((n) => n !== 0)).map((s) => [s.id, [s.name, ...figures(s.figures)]])),
      modules: Object.fromEntries(p.modules.map((m) => [m.id, [m.title, ...figures(m.figures)]])),
      officers: Object.fromEntries((a11.officers ?? []).map((o) => [o.id, { fullName: o.fullName, modules: o.modules }])),
    };
  }

  /** The same, summed and read from the database here (at `now`). */
  async function direct(now = new Date()): Promise<View> {
    const campaigns = await campaignModel(dbB).find({ year: YEAR, status: 'open' }).sort({ name: 1 }).lean<Campaign[]>();
    const ids = campaigns.map((c) => c._id);
    const counters = await counterModel(dbB).find({ campaignId: trusted({ $in: ids }) }).lean<DashboardCounter[]>();
    const units = new Map((await unitModel(dbB).find({}).lean<Unit[]>()).map((u) => [u._id.toHexString(), u]));
    const P = units.get(w.units.P._id.toHexString())!;
    // P's rows: its children with their subtrees, and P itself
    const rowOf = (u: Unit) => (u._id.equals(P._id) ? P : units.get((u.ancestors[P.ancestors.length + 1] ?? u._id).toHexString())!);
    const add = (to: number[], c: DashboardCounter) => {
      const overdue = now >= endOfDueDay(c.dueDate) ? c.enrolled - c.completed : 0;
      [c.enrolled, c.completed, c.inProgress, c.exempt, overdue].forEach((n, i) => (to[i]! += n));
    };
    const totals = [0, 0, 0, 0, 0];
    const rowSums = new Map<string, number[]>();
    const moduleSums = new Map<string, number[]>();
    for (const c of counters) {
      const unit = units.get(c.unitId.toHexString())!;
      if (!unit.ancestors.some((id) => id.equals(P._id)) && !unit._id.equals(P._id)) continue;
      add(totals, c);
      const row = rowOf(unit)._id.toHexString();
      if (!rowSums.has(row)) rowSums.set(row, [0, 0, 0, 0, 0]);
      add(rowSums.get(row)!, c);
      const mod = c.moduleId.toHexString();
      if (!moduleSums.has(mod)) moduleSums.set(mod, [0, 0, 0, 0, 0]);
      add(moduleSums.get(mod)!, c);
    }
    const moduleIds = [...new Map(campaigns.flatMap((c) => c.modules).map((m) => [m.moduleId.toHexString(), m.moduleId])).values()];
    const modules = await moduleModel(dbB).find({ _id: trusted({ $in: moduleIds }) }).lean<LearningModule[]>();
    const entries = await entryModel(dbB).find({ campaignId: trusted({ $in: ids }), unitId: w.units.A11._id, state: trusted({ $in: ['enrolled', 'exempt'] }) }).lean<DashboardEntry[]>();
    const officers = await officerModel(dbB).find({ _id: trusted({ $in: entries.map((e) => e.officerId) }) }).lean<Officer[]>();
    const own: View['officers'] = Object.fromEntries(officers.map((o) => [o._id.toHexString(), { fullName: o.fullName, modules: {} as Record<string, string> }]));
    for (const e of entries) own[e.officerId.toHexString()]!.modules[e.moduleId.toHexString()] = statusAt(e, now);
    return {
      campaigns: campaigns.map((c) => c.name),
      totals,
      rows: Object.fromEntries([...rowSums].filter(([, s]) => s.some((n) => n !== 0)).map(([id, s]) => [id, [id === P._id.toHexString() ? P.name : units.get(id)!.name, ...s]])),
      modules: Object.fromEntries(modules.map((m) => [m._id.toHexString(), [`${m.code} — ${m.draft.title}`, ...(moduleSums.get(m._id.toHexString()) ?? [0, 0, 0, 0, 0])]])),
      officers: own,
    };
  }

  /** Warms A, makes `change` through B, then A must show exactly the database's new state. */
  const step = (change: () => Promise<unknown>) => stepAcrossInstances(viaA, () => direct(), change, 'the change moved what the pages show');

  before(async () => {
    instances = await startTwoInstances('dash-pages-held');
    ({ a, b } = instances);
    dbA = a.platform.services.db;
    dbB = b.platform.services.db;
    w = await buildDashboardWorld(a);
  });
  after(async () => {
    await instances?.close();
  });

  it('the overdue figures follow the time, with nothing written (held sums end with a due day)', async () => {
    const root = (await unitModel(dbA).findById(w.units.P._id).lean<Unit>())!;
    const overdueAt = async (now: Date) => (await loadDashboard(dbA, root, { year: YEAR }, now, false)).dashboard.totals.overdue;
    const today = new Date();
    // M1 is due 31/12 of the fixture's year: over on the first day of the next
    const nextYear = new Date(`${YEAR + 1}-01-01T08:00:00+07:00`);
    const now = await overdueAt(today);
    expect(now).to.equal((await direct(today)).totals[4]);
    const later = await overdueAt(nextYear);
    expect(later).to.equal((await direct(nextYear)).totals[4]);
    expect(later, 'M1 became overdue').to.be.greaterThan(now);
    expect(await overdueAt(today)).to.equal(now);
  });

  it('a completion (an officer of A11: the figures and their status)', () =>
    step(async () => {
      const o = w.officers.o6;
      await startModule(dbB, { officerId: o._id, unitId: o.unitId, ancestors: [], fullName: o.fullName } as never, w.modules.M1, YEAR, new Date());
      const attempt = { _id: new Types.ObjectId(), officerId: o._id, moduleId: w.modules.M1, year: YEAR, version: 1, itemKey: 'q1', number: 1, score: 95, passed: true } as unknown as Attempt;
      await recordAttempt(dbB, attempt, new Date());
    }));

  it('an exemption', () =>
    step(async () => {
      const o = w.officers.o2;
      const exemption = await proposeExemption(dbB, { officerId: o._id, unitId: o.unitId, year: YEAR, kind: 'thai-san', reason: 'Nghỉ thai sản', evidence: null }, new Types.ObjectId(), new Date());
      await decideExemption(dbB, exemption, 'approve', null, new Types.ObjectId(), new Date());
    }));

  it('a transfer out of A11 (before the cut-off: the officer leaves its list)', () =>
    step(async () => {
      await transferThroughB(b, 'bsl.pages.admin.b', w.officers.o6._id, w.units.A2._id, YEAR);
    }));

  it("a module's due date moved", () =>
    step(async () => {
      const campaign = (await campaignModel(dbB).findById(w.campaign._id).lean<Campaign>())!;
      await changeDueDate(dbB, campaign, w.modules.M1, `02/01/${YEAR}`, new Date(`${YEAR}-01-02T08:00:00+07:00`));
    }));

  it('an officer renamed (names are read with each page)', () =>
    step(() => updateOfficer(dbB, w.officers.o2._id, { fullName: 'Trần Thị Bình Mới' })));

  it('a module retitled', () =>
    step(async () => {
      const module = (await moduleModel(dbB).findById(w.modules.M2).lean<LearningModule>())!;
      await editDraft(dbB, module, (draft) => {
        draft.title = 'Giao tiếp ứng xử nơi công sở';
      });
    }));

  it('a unit renamed (the sub-unit rows)', () => step(() => renameUnit(dbB, w.units.A._id, 'Sở Nội vụ (đổi tên)')));

  it("another campaign of the year opened (the year's open campaigns, their counters)", () =>
    step(async () => {
      const now = new Date();
      const draft = await createCampaign(
        dbB,
        { name: `Kế hoạch bổ sung ${YEAR}`, year: YEAR, ownerUnitId: w.units.P._id, modules: [{ moduleId: w.modules.M2, dueDate: `31/12/${YEAR}` }], audience: { unitIds: [w.units.B._id], categories: [], leadersOnly: false, positions: [], officerIds: [], excludedUnitIds: [], excludedOfficerIds: [] }, opensOn: `01/01/${YEAR}`, cutoffDate: `02/01/${YEAR}`, lateJoinerDays: 10, certificatePerModule: false },
        null,
        OPENS,
      );
      await setStatus(dbB, draft, 'open', now);
    }));

  it('a campaign closed', () =>
    step(async () => {
      const campaign = (await campaignModel(dbB).findOne({ name: `Kế hoạch bổ sung ${YEAR}` }).lean<Campaign>())!;
      await setStatus(dbB, campaign, 'closed', new Date());
    }));

  it('a rebuild (after an enrolment changed without its event, as after a crash)', () =>
    step(async () => {
      await enrolmentModel(dbB).updateOne({ campaignId: w.campaign._id, officerId: w.officers.o1._id, moduleId: w.modules.M1 }, { $set: { state: 'exempt' } });
      await rebuildDashboards(dbB);
    }));
});
