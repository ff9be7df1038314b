/**
 * The counters the pages hold in memory (server/dashboards/snapshot.ts) follow every write,
 * across app instances: two instances share one engine process; instance A serves the
 * figures (its held counters warmed before each step), every change is made through
 * instance B — a completion, an exemption, a transfer, a campaign's due date moved, a
 * rebuild — and A's figures per unit must then equal the counters in the database (read
 * here directly) and differ from before the step.
 */
import { expect } from 'chai';
import { Types, type Connection } from 'mongoose';
import { decideExemption, proposeExemption } from '../../server/campaigns/exemptions';
import { campaignModel, enrolmentModel, type Campaign } from '../../server/campaigns/model';
import { changeDueDate } from '../../server/campaigns/service';
import { counterModel, type DashboardCounter } from '../../server/dashboards/model';
import { rebuildDashboards } from '../../server/dashboards/rollup';
import { recordAttempt, startModule } from '../../server/progress/service';
import type { Attempt } from '../../server/quizzes/model';
import { unitModel, type Unit } from '../../server/units/model';
import type { TestPlatform } from '../http';
import { startTwoInstances, stepAcrossInstances, transferThroughB, type TwoInstances } from './two-instances';
import { buildDashboardWorld, YEAR, type DashboardWorld } from './world';

/** unit code → [enrolled, completed, in progress, exempt] */
type PerUnit = Record<string, number[]>;

describe('dashboards: held counters follow every write, across instances', function () {
  this.timeout(120_000);
  let instances: TwoInstances | undefined;
  let a: TestPlatform;
  let b: TestPlatform;
  let w: DashboardWorld;
  let dbB: Connection;

  /** Instance A's figures per unit (the unit-level export reads the held counters). */
  async function viaA(): Promise<PerUnit> {
    const reply = await w.clients.admin.get(`/api/v1/dashboards/units/${w.units.P._id}/export?level=unit&year=${YEAR}&campaignId=${w.campaign._id}`);
    expect(reply.status, reply.text).to.equal(200);
    const rows = reply.json<{ rows: (string | number | null)[][] }>().rows;
    return Object.fromEntries(rows.map((r) => [String(r[0]), [r[2], r[3], r[4], r[7]] as number[]]));
  }

  /** The same from the counters in the database, summed here. */
  async function direct(): Promise<PerUnit> {
    const counters = await counterModel(dbB).find({ campaignId: w.campaign._id }).lean<DashboardCounter[]>();
    const codes = new Map((await unitModel(dbB).find({}, { code: 1 }).lean<Pick<Unit, '_id' | 'code'>[]>()).map((u) => [u._id.toHexString(), u.code]));
    const out: PerUnit = {};
    for (const c of counters) {
      const row = (out[codes.get(c.unitId.toHexString())!] ??= [0, 0, 0, 0]);
      [c.enrolled, c.completed, c.inProgress, c.exempt].forEach((n, i) => (row[i]! += n));
    }
    // units whose counters all went to zero have no row in the export
    return Object.fromEntries(Object.entries(out).filter(([, r]) => r.some((n) => n !== 0)));
  }

  /** Warms A, makes `change` through B, then A must show exactly the database's new state. */
  const step = (change: () => Promise<unknown>) => stepAcrossInstances(viaA, () => direct(), change, 'the change moved the counters');

  before(async () => {
    instances = await startTwoInstances('dash-held');
    ({ a, b } = instances);
    dbB = b.platform.services.db;
    w = await buildDashboardWorld(a);
  });
  after(async () => {
    await instances?.close();
  });

  it('a completion', () =>
    step(async () => {
      const o = w.officers.o1;
      await startModule(dbB, { officerId: o._id, unitId: o.unitId, ancestors: [], fullName: o.fullName } as never, w.modules.M2, YEAR, new Date());
      const attempt = { _id: new Types.ObjectId(), officerId: o._id, moduleId: w.modules.M2, year: YEAR, version: 1, itemKey: 'q1', number: 1, score: 85, passed: true } as unknown as Attempt;
      await recordAttempt(dbB, attempt, new Date());
    }));

  it('an exemption', () =>
    step(async () => {
      const o = w.officers.o6;
      const exemption = await proposeExemption(dbB, { officerId: o._id, unitId: o.unitId, year: YEAR, kind: 'thai-san', reason: 'Nghỉ thai sản', evidence: null }, new Types.ObjectId(), new Date());
      await decideExemption(dbB, exemption, 'approve', null, new Types.ObjectId(), new Date());
    }));

  it('a transfer (before the cut-off: the officer counts at the new unit)', () =>
    step(async () => {
      // an admin signed in on instance B
      await transferThroughB(b, 'bsl.admin.b', w.officers.o2._id, w.units.A2._id, YEAR);
    }));

  it("a campaign's due date moved (the counters' buckets move)", async () => {
    const overdue = async () => (await w.clients.admin.get(`/api/v1/dashboards/units/${w.units.P._id}?year=${YEAR}&campaignId=${w.campaign._id}`)).json<{ dashboard: { totals: { overdue: number } } }>().dashboard.totals.overdue;
    const was = await overdue();
    await step(async () => {
      const campaign = (await campaignModel(dbB).findById(w.campaign._id).lean<Campaign>())!;
      // as decided on 02/01 (a due date cannot be set in the past)
      await changeDueDate(dbB, campaign, w.modules.M1, `02/01/${YEAR}`, new Date(`${YEAR}-01-02T08:00:00+07:00`));
    });
    // M1's not-completed officers are late now too
    expect(await overdue()).to.be.greaterThan(was);
  });

  it('a rebuild (after an enrolment changed without its event, as after a crash)', () =>
    step(async () => {
      await enrolmentModel(dbB).updateOne({ campaignId: w.campaign._id, officerId: w.officers.o1._id, moduleId: w.modules.M1 }, { $set: { state: 'exempt' } });
      await rebuildDashboards(dbB);
    }));
});
