/**
 * Annual reports (issue #13): the figures of one unit's report (target ≤ 500 ms, the
 * largest unit below the province), and the province consolidation — every unit below the
 * province freezes and submits its report, then the figures of the whole province
 * (60,000 officers) and the consolidation of the submitted snapshots are timed (target
 * ≤ 5 s). Needs the Import and Campaigns sections first (BENCH_SECTIONS=Import,Campaigns,Reports).
 */
import { consolidate } from '../../../server/reports/province';
import { computeFigures } from '../../../server/reports/figures';
import { freezeReport, submitReport } from '../../../server/reports/service';
import { trainingYear } from '../../../server/progress/year';
import { officerModel } from '../../../server/officers/model';
import { unitModel, type Unit } from '../../../server/units/model';
import { int, requireDefined, verdict, type Context, type Section } from './common';

const TARGET_UNIT_MS = 500;
const TARGET_PROVINCE_S = 5;

export const reportsSection: Section = {
  title: 'Reports',
  async prepare(ctx: Context) {
    const db = requireDefined(ctx.platform, 'platform').services.db;
    const year = trainingYear();
    const root = requireDefined(await unitModel(db).findOne({ depth: 0 }).lean<Unit>(), 'the province root');
    const children = await unitModel(db).find({ parentId: root._id }).lean<Unit[]>();
    const officers = await officerModel(db).countDocuments({});
    // the largest unit below the province: the slowest single report
    let largest = children[0]!;
    let most = -1;
    for (const unit of children) {
      const count = await officerModel(db).countDocuments({ unitId: unit._id });
      if (count > most) [largest, most] = [unit, count];
    }
    let t = performance.now();
    const unitFigures = await computeFigures(db, largest._id, year);
    const unitMs = performance.now() - t;
    ctx.log(`one unit's figures (${largest.name}, ${int(unitFigures.totals.counted)} officers counted) in ${unitMs.toFixed(0)} ms`);

    t = performance.now();
    for (const unit of children) {
      await freezeReport(db, unit, year, { id: null, name: 'bench' }, new Date());
      await submitReport(db, unit, year, { id: null, name: 'bench' }, new Date());
    }
    const freezeS = (performance.now() - t) / 1000;
    t = performance.now();
    const province = await computeFigures(db, root._id, year);
    const consolidation = await consolidate(db, root, year, new Date());
    const provinceS = (performance.now() - t) / 1000;
    ctx.log(`froze and submitted ${children.length} reports in ${freezeS.toFixed(2)} s; province figures (${int(province.totals.counted)} officers) + consolidation of ${consolidation.rows.length} units in ${provinceS.toFixed(2)} s`);

    const rows = ctx.report.rows;
    rows.push(['Reports', `One unit's report figures (${int(unitFigures.totals.counted)} officers), ms`, unitMs.toFixed(0)]);
    rows.push(['Reports', `Freeze + submit ${children.length} units' reports, s`, freezeS.toFixed(2)]);
    rows.push(['Reports', `Province figures (${int(officers)} officers, ${int(await unitModel(db).countDocuments({}))} units) + consolidation, s`, provinceS.toFixed(2)]);
    ctx.report.targets.push([`One unit's report ≤ ${TARGET_UNIT_MS} ms`, `${unitMs.toFixed(0)} ms`, verdict(unitMs <= TARGET_UNIT_MS)]);
    ctx.report.targets.push([`Province consolidation ≤ ${TARGET_PROVINCE_S} s`, `${provinceS.toFixed(2)} s`, verdict(provinceS <= TARGET_PROVINCE_S && consolidation.rows.length === children.length)]);
  },
};
