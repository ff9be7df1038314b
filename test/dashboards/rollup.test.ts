/**
 * The roll-up: counters kept incrementally (learning events, materialisation, exemptions,
 * transfers) equal a full rebuild, and hold the fixture's hand-computed sums.
 */
import { expect } from 'chai';
import { trusted, Types } from 'mongoose';
import { enrolmentModel } from '../../server/campaigns/model';
import { createCampaign, setStatus } from '../../server/campaigns/service';
import { counterModel, entryModel, type DashboardCounter, type DashboardEntry } from '../../server/dashboards/model';
import { ensureDashboards, rebuildDashboards, syncCreatedEnrolments, syncOfficers, type EnrolmentFields } from '../../server/dashboards/rollup';
import { recordAttempt, startModule } from '../../server/progress/service';
import type { Attempt } from '../../server/quizzes/model';
import { startTestPlatform, type TestPlatform } from '../http';
import { buildDashboardWorld, YEAR, type DashboardWorld } from './world';

/** Counters without their zero fields and empty buckets, sorted: what both ways must agree on. */
async function snapshot(tp: TestPlatform): Promise<Record<string, unknown>[]> {
  const counters = await counterModel(tp.platform.services.db).find({}).sort({ _id: 1 }).lean<DashboardCounter[]>();
  return counters
    .map((c) => {
      const weeks = Object.fromEntries(Object.entries(c.weeks ?? {}).filter(([, n]) => n !== 0));
      const figures = Object.fromEntries((['enrolled', 'exempt', 'completed', 'inProgress', 'scoreSum', 'scoreCount'] as const).filter((k) => c[k] !== 0).map((k) => [k, c[k]]));
      return { _id: c._id, unitId: String(c.unitId), category: c.category, dueDate: c.dueDate.toISOString(), ...figures, weeks };
    })
    .filter((c) => Object.keys(c).length > 5 || Object.keys(c.weeks).length > 0);
}

describe('dashboards: the roll-up', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let w: DashboardWorld;
  before(async () => {
    tp = await startTestPlatform('dashboards-rollup');
    w = await buildDashboardWorld(tp);
  });
  after(async () => tp?.close());

  it('keeps the hand-computed sums per counting unit', async () => {
    const counters = await counterModel(tp.platform.services.db).find({ campaignId: w.campaign._id }).lean<DashboardCounter[]>();
    const at = (unit: keyof DashboardWorld['units']) => {
      const mine = counters.filter((c) => c.unitId.equals(w.units[unit]._id));
      const sum = (k: 'enrolled' | 'exempt' | 'completed' | 'inProgress' | 'scoreSum' | 'scoreCount') => mine.reduce((n, c) => n + c[k], 0);
      return { enrolled: sum('enrolled'), exempt: sum('exempt'), completed: sum('completed'), inProgress: sum('inProgress'), scoreSum: sum('scoreSum'), scoreCount: sum('scoreCount') };
    };
    // o1 and o4 (moved before the cut-off) at A111; o2 and the late joiner o6 at A11
    expect(at('A111')).to.deep.equal({ enrolled: 4, exempt: 0, completed: 1, inProgress: 0, scoreSum: 90, scoreCount: 1 });
    expect(at('A11')).to.deep.equal({ enrolled: 4, exempt: 0, completed: 1, inProgress: 1, scoreSum: 130, scoreCount: 2 });
    // o3 exempt at A1; o5 (moved after the cut-off) and o7 (joined after it, exempt) at A2
    expect(at('A1')).to.deep.equal({ enrolled: 0, exempt: 2, completed: 0, inProgress: 0, scoreSum: 0, scoreCount: 0 });
    expect(at('A2')).to.deep.equal({ enrolled: 2, exempt: 2, completed: 1, inProgress: 0, scoreSum: 100, scoreCount: 1 });
    expect(at('B')).to.deep.equal({ enrolled: 0, exempt: 0, completed: 0, inProgress: 0, scoreSum: 0, scoreCount: 0 });
  });

  it('the incremental counters equal a full rebuild', async () => {
    const incremental = await snapshot(tp);
    expect(incremental.length).to.be.greaterThan(0);
    const entries = await rebuildDashboards(tp.platform.services.db);
    expect(entries).to.equal(14);
    expect(await snapshot(tp)).to.deep.equal(incremental);
  });

  it('syncing again changes nothing, and a missing roll-up is rebuilt at start', async () => {
    const db = tp.platform.services.db;
    const before = await snapshot(tp);
    await syncOfficers(db, Object.values(w.officers).map((o) => o._id));
    expect(await snapshot(tp)).to.deep.equal(before);
    expect(await ensureDashboards(db)).to.equal(false);
    await entryModel(db).deleteMany({});
    await counterModel(db).deleteMany({});
    expect(await ensureDashboards(db)).to.equal(true);
    expect(await snapshot(tp)).to.deep.equal(before);
  });

  it('two syncs of the same change at once count it once (the compare-and-set and its shortcut)', async () => {
    const db = tp.platform.services.db;
    const movers = [w.officers.o1._id, w.officers.o2._id];
    // a change the roll-up has not seen yet: their enrolments now count at B
    await enrolmentModel(db).updateMany({ officerId: trusted({ $in: movers }) }, { $set: { unitId: w.units.B._id } });
    await Promise.all([syncOfficers(db, movers), syncOfficers(db, movers), syncOfficers(db, [...movers].reverse())]);
    const incremental = await snapshot(tp);
    const atB = incremental.filter((c) => c.unitId === String(w.units.B._id));
    expect(atB.reduce((n, c) => n + Number(c.enrolled ?? 0), 0)).to.equal(4);
    await rebuildDashboards(db);
    expect(await snapshot(tp)).to.deep.equal(incremental);
  });

  it('a sync in several chunks sums every chunk\'s counter moves', async () => {
    const db = tp.platform.services.db;
    const movers = [w.officers.o1._id, w.officers.o4._id, w.officers.o6._id];
    await enrolmentModel(db).updateMany({ officerId: trusted({ $in: movers }) }, { $set: { unitId: w.units.A2._id } });
    await syncOfficers(db, movers, {}, 1);
    const incremental = await snapshot(tp);
    await rebuildDashboards(db);
    expect(await snapshot(tp)).to.deep.equal(incremental);
  });

  it('a campaign opened on officers who already learnt its module: the bulk path counts their progress, and a lost race once', async () => {
    const db = tp.platform.services.db;
    const { o8 } = w.officers;
    // o8 (unit B) passes M1 before any campaign of B exists: progress without an enrolment
    const now = new Date();
    await startModule(db, { officerId: o8._id, unitId: o8.unitId, ancestors: [], fullName: o8.fullName } as never, w.modules.M1, YEAR, now);
    const attempt = { _id: new Types.ObjectId(), officerId: o8._id, moduleId: w.modules.M1, year: YEAR, version: 1, itemKey: 'q1', number: 1, score: 95, passed: true } as unknown as Attempt;
    await recordAttempt(db, attempt, now);
    const audience = { unitIds: [w.units.B._id], categories: [], leadersOnly: false, positions: [], officerIds: [], excludedUnitIds: [], excludedOfficerIds: [] };
    const draft = await createCampaign(db, { name: `Kế hoạch của B ${YEAR}`, year: YEAR, ownerUnitId: w.units.B._id, modules: [{ moduleId: w.modules.M1, dueDate: `31/12/${YEAR}` }], audience, opensOn: `01/01/${YEAR}`, cutoffDate: `31/12/${YEAR}`, lateJoinerDays: 10, certificatePerModule: false }, null, now);
    const campaign = await setStatus(db, draft, 'open', now); // materialises: the bulk path makes the entries

    const entry = await entryModel(db).findOne({ campaignId: campaign._id, officerId: o8._id }).lean<DashboardEntry>();
    expect(entry).to.include({ state: 'enrolled', status: 'completed', bestScore: 95 });
    const mine = await counterModel(db).find({ campaignId: campaign._id }).lean<DashboardCounter[]>();
    expect(mine.map((c) => [String(c.unitId), c.enrolled, c.completed, c.scoreSum])).to.deep.equal([[String(w.units.B._id), 1, 1, 95]]);
    const incremental = await snapshot(tp);

    // the same enrolments again, as a second instance would see them: their entries exist, nothing counts twice
    const created = await enrolmentModel(db).find({ campaignId: campaign._id }).lean<EnrolmentFields[]>();
    await syncCreatedEnrolments(db, created);
    expect(await snapshot(tp)).to.deep.equal(incremental);
    await rebuildDashboards(db);
    expect(await snapshot(tp)).to.deep.equal(incremental);
  });
});
