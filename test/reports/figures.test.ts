/**
 * The report's figures against the hand-computed fixture of world.ts (exemptions,
 * transfers around the cut-off, the department's own officers and two divisions,
 * several attempts), the configurable commendation rule, and the narrative's numbers.
 */
import { expect } from 'chai';
import { trusted, Types } from 'mongoose';
import { enrolmentModel } from '../../server/campaigns/model';
import { progressModel } from '../../server/progress/model';
import { computeFigures, type ReportFigures } from '../../server/reports/figures';
import { narrativeOf } from '../../server/reports/presenters';
import { startTestPlatform, type TestPlatform } from '../http';
import { buildReportWorld, YEAR, type ReportWorld } from './world';

describe('reports: the figures of a unit subtree for a year', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  let w: ReportWorld;
  let f: ReportFigures;

  before(async () => {
    tp = await startTestPlatform('report-figures');
    w = await buildReportWorld(tp);
    f = await computeFigures(tp.platform.services.db, w.units.A._id, YEAR);
  });
  after(async () => tp?.close());

  const ids = (rows: { officerId: string }[]) => rows.map((r) => r.officerId);

  it('totals: 8 counted, 6 must learn, 3 completed, 2 exempt, 3 not completed, 50%', () => {
    expect(f.totals).to.deep.equal({ counted: 8, enrolled: 6, completed: 3, exempt: 2, notCompleted: 3, rate: 0.5 });
  });

  it('exempt by reason: one maternity leave, one joined after the cut-off', () => {
    expect(f.exemptByReason).to.have.deep.members([{ reason: 'thai-san', count: 1 }, { reason: 'late-joiner', count: 1 }]);
  });

  it('headcount by staff category', () => {
    const by = Object.fromEntries(f.categories.map((c) => [c.category, c]));
    expect(by['cong-chuc']).to.deep.include({ counted: 5, enrolled: 3, completed: 2, exempt: 2, notCompleted: 1 });
    expect(by['cong-chuc']!.rate).to.be.closeTo(2 / 3, 1e-9);
    expect(by['vien-chuc']).to.deep.include({ counted: 1, enrolled: 1, completed: 0, exempt: 0, rate: 0 });
    expect(by['can-bo']).to.deep.include({ counted: 1, enrolled: 1, completed: 0, exempt: 0, rate: 0 });
    expect(by['nguoi-lao-dong']).to.deep.include({ counted: 1, enrolled: 1, completed: 1, exempt: 0, rate: 1 });
  });

  it('per module: results, average best score and attempts', () => {
    const m1 = f.modules.find((m) => m.moduleId === w.M1.toHexString())!;
    const m2 = f.modules.find((m) => m.moduleId === w.M2.toHexString())!;
    expect(m1).to.deep.include({ title: 'Học phần kế hoạch 1', enrolled: 6, completed: 5, exempt: 2, averageScore: 82, averageAttempts: 1.6 });
    expect(m1.rate).to.be.closeTo(5 / 6, 1e-9);
    // (90 + 80 + 85 + 40) / 4 = 73.75; attempts (1 + 1 + 1 + 2) / 4 = 1.25
    expect(m2).to.deep.include({ enrolled: 6, completed: 3, exempt: 2, rate: 0.5, averageScore: 73.8, averageAttempts: 1.3 });
  });

  it('sub-unit table: the department itself first, then its divisions', () => {
    expect(f.subUnits.map((u) => [u.name, u.enrolled, u.completed, u.exempt, u.notCompleted])).to.deep.equal([
      ['Sở A', 1, 0, 0, 1],
      ['Phòng A1', 3, 2, 1, 1],
      ['Phòng A2', 2, 1, 1, 1],
    ]);
  });

  it('officers not yet complete, with how much they did; the officer who came after the cut-off is not counted', () => {
    expect(f.notCompleted.map((r) => [r.officerId, r.done, r.total])).to.have.deep.members([
      [w.o.o2._id.toHexString(), 1, 2],
      [w.o.o4._id.toHexString(), 0, 2],
      [w.o.o9._id.toHexString(), 1, 2],
    ]);
    const all = [...ids(f.notCompleted), ...ids(f.commendations)];
    expect(all).not.to.include(w.o.o7._id.toHexString());
  });

  it('commendation: completed 30 days ahead with average ≥ 90 by default; the rule is configurable', async () => {
    expect(ids(f.commendations)).to.deep.equal([w.o.o1._id.toHexString()]);
    expect(f.commendations[0]).to.deep.include({ averageScore: 92.5, modules: 2 });
    const lenient = await computeFigures(tp.platform.services.db, w.units.A._id, YEAR, { daysAhead: 0, minAverage: 90 });
    expect(ids(lenient.commendations)).to.have.members([w.o.o1._id.toHexString(), w.o.o3._id.toHexString()]);
    const strict = await computeFigures(tp.platform.services.db, w.units.A._id, YEAR, { daysAhead: 30, minAverage: 95 });
    expect(strict.commendations).to.deep.equal([]);
  });

  it('a division alone: its own figures', async () => {
    const a1 = await computeFigures(tp.platform.services.db, w.units.A1._id, YEAR);
    expect(a1.totals).to.deep.include({ counted: 4, enrolled: 3, completed: 2, exempt: 1, notCompleted: 1 });
    expect(a1.parentName).to.equal('Sở A');
  });

  it('the narrative states the numbers', () => {
    const n = narrativeOf(f);
    expect(n.results).to.contain('8 cán bộ').and.contain('6 người phải hoàn thành').and.contain('2 người được miễn').and.contain('3/6').and.contain('50%').and.contain('3 người chưa hoàn thành');
    expect(n.strengths).to.contain('«Học phần kế hoạch 1» (83,3%, điểm bình quân 82)').and.contain('Có 1 người hoàn thành sớm');
    expect(n.shortcomings).to.contain('Còn 3 người').and.contain('«Học phần kế hoạch 2» (50%)');
    expect(n.proposals).to.contain(`năm ${YEAR + 1}`).and.contain('biểu dương 1 người');
  });
  it('progress of another year, or of a module outside the year\'s plan, counts nowhere', async () => {
    // completed progress for an officer not yet complete: in the year before on the plan's modules, and this year on a module of no campaign
    const db = tp.platform.services.db;
    const officerId = new Types.ObjectId(f.notCompleted[0]!.officerId);
    const base = { officerId, version: 1, unitId: w.units.A1._id, status: 'completed', itemCount: 1, percent: 100, bestScore: 100, attempts: 1, startedAt: new Date(`${YEAR}-01-02T00:00:00Z`), completedAt: new Date(`${YEAR}-01-03T00:00:00Z`) };
    const written = await progressModel(db).insertMany([{ ...base, moduleId: w.M1, year: YEAR - 1 }, { ...base, moduleId: w.M2, year: YEAR - 1 }, { ...base, moduleId: new Types.ObjectId(), year: YEAR }]);
    try {
      const again = await computeFigures(db, w.units.A._id, YEAR);
      expect({ ...again, computedAt: f.computedAt }).to.deep.equal(f);
    } finally {
      await progressModel(db).deleteMany({ _id: trusted({ $in: written.map((p) => p._id) }) });
    }
  });

  it('enrolments that left the plan (left, stopped) count nowhere', async () => {
    // an officer of A1 whose only enrolments are `left` and `stopped` (written as the campaign service leaves them): the figures must not change
    const db = tp.platform.services.db;
    const base = { campaignId: new Types.ObjectId(w.campaignId), year: YEAR, officerId: new Types.ObjectId(), unitId: w.units.A1._id, dueDate: new Date(`${YEAR}-12-31T16:59:59Z`), exemptReason: null };
    const written = await enrolmentModel(db).insertMany([{ ...base, moduleId: w.M1, state: 'left' }, { ...base, moduleId: w.M2, state: 'stopped' }]);
    try {
      const again = await computeFigures(db, w.units.A._id, YEAR);
      expect({ ...again, computedAt: f.computedAt }).to.deep.equal(f);
    } finally {
      await enrolmentModel(db).deleteMany({ _id: trusted({ $in: written.map((e) => e._id) }) });
    }
  });
});
