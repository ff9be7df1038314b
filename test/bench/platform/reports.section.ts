/**
 * Annual reports (issue #13), on the imported province with the Campaigns section's
 * enrolments (60,000 officers × 5 modules, no progress yet: every officer counts as not
 * completed, and the documents list the first 100 of them). Needs the Import and Campaigns
 * sections first (BENCH_SECTIONS=Import,Campaigns,Reports).
 *
 * - One unit's report (target ≤ 500 ms): the largest unit below the province, as its
 *   downloads build it — the report loaded (none saved: the figures are computed live), the
 *   document, then its DOCX and its PDF; both files in the timed span. Three runs, the median
 *   counts (the first, with cold caches, is logged).
 * - Province consolidation (target ≤ 5 s): every unit below the province (sở, ban, xã/phường,
 *   whose subtrees hold all 250 units) freezes and submits its report (timed apart), then
 *   Sở Nội vụ's report is timed: the province's live figures (60,000 officers), the
 *   consolidation of the submitted snapshots with its tracking, its DOCX and its PDF.
 */
import { trusted } from 'mongoose';
import { consolidate, provinceDocument } from '../../../server/reports/province';
import { computeFigures } from '../../../server/reports/figures';
import { reportDocx } from '../../../server/reports/docx';
import { reportPdf } from '../../../server/reports/pdf';
import { unitDocument } from '../../../server/reports/export';
import { freezeReport, submitReport } from '../../../server/reports/service';
import { trainingYear } from '../../../server/progress/year';
import { officerModel } from '../../../server/officers/model';
import { unitModel, type Unit } from '../../../server/units/model';
import { int, median, requireDefined, verdict, type Context, type Section } from './common';

const TARGET_UNIT_MS = 500;
const TARGET_PROVINCE_S = 5;
const UNIT_RUNS = 3;

const kb = (bytes: number) => `${int(bytes / 1024)} KB`;

export const reportsSection: Section = {
  title: 'Reports',
  async prepare(ctx: Context) {
    const db = requireDefined(ctx.platform, 'platform').services.db;
    const year = trainingYear();
    const root = requireDefined(await unitModel(db).findOne({ depth: 0 }).lean<Unit>(), 'the province root');
    const children = await unitModel(db).find({ parentId: root._id }).lean<Unit[]>();
    const officers = await officerModel(db).countDocuments({});
    // the largest unit below the province (its subtree): the slowest single report
    let largest = children[0]!;
    let most = -1;
    for (const unit of children) {
      const subtree = await unitModel(db).find(trusted({ $or: [{ _id: unit._id }, { ancestors: unit._id }] }), { _id: 1 }).lean<Pick<Unit, '_id'>[]>();
      const count = await officerModel(db).countDocuments({ unitId: trusted({ $in: subtree.map((u) => u._id) }) });
      if (count > most) [largest, most] = [unit, count];
    }

    const unitRuns: number[] = [];
    let unitFiles = '';
    for (let run = 0; run < UNIT_RUNS; run++) {
      const t = performance.now();
      const doc = await unitDocument(db, largest, year);
      const figuresMs = performance.now() - t;
      const docx = await reportDocx(doc);
      const pdf = await reportPdf(doc);
      unitRuns.push(performance.now() - t);
      unitFiles = `figures ${figuresMs.toFixed(0)} ms, DOCX ${kb(docx.length)}, PDF ${kb(pdf.length)}`;
      ctx.log(`one unit's report (${largest.name}, ${int(most)} officers) run ${run + 1}: ${unitRuns[run]!.toFixed(0)} ms (${unitFiles})`);
    }
    const unitMs = median(unitRuns);

    let t = performance.now();
    for (const unit of children) {
      await freezeReport(db, unit, year, { id: null, name: 'bench' }, new Date());
      await submitReport(db, unit, year, { id: null, name: 'bench' }, new Date());
    }
    const freezeS = (performance.now() - t) / 1000;
    t = performance.now();
    const province = await computeFigures(db, root._id, year);
    const figuresS = (performance.now() - t) / 1000;
    const now = new Date();
    const consolidation = await consolidate(db, root, year, now);
    const document = provinceDocument(consolidation, now);
    const docx = await reportDocx(document);
    const pdf = await reportPdf(document);
    const provinceS = (performance.now() - t) / 1000;
    ctx.log(`froze and submitted ${children.length} reports in ${freezeS.toFixed(2)} s; province figures (${int(province.totals.counted)} officers) in ${figuresS.toFixed(2)} s; with the consolidation of ${consolidation.rows.length} units, DOCX (${kb(docx.length)}) and PDF (${kb(pdf.length)}) in ${provinceS.toFixed(2)} s`);

    const rows = ctx.report.rows;
    rows.push(['Reports', `One unit's report: figures + DOCX + PDF (${int(most)} officers; median of ${UNIT_RUNS}, first ${unitRuns[0]!.toFixed(0)}), ms`, `${unitMs.toFixed(0)} (last run: ${unitFiles})`]);
    rows.push(['Reports', `Freeze + submit ${children.length} units' reports, s`, freezeS.toFixed(2)]);
    rows.push(['Reports', `Province consolidation: live figures (${int(officers)} officers, ${int(await unitModel(db).countDocuments({}))} units) + ${consolidation.rows.length} submitted reports + DOCX + PDF, s`, `${provinceS.toFixed(2)} (figures ${figuresS.toFixed(2)})`]);
    ctx.report.targets.push([`One unit's report (figures + DOCX + PDF) ≤ ${TARGET_UNIT_MS} ms`, `${unitMs.toFixed(0)} ms`, verdict(unitMs <= TARGET_UNIT_MS)]);
    ctx.report.targets.push([`Province consolidation (figures + DOCX + PDF) ≤ ${TARGET_PROVINCE_S} s`, `${provinceS.toFixed(2)} s`, verdict(provinceS <= TARGET_PROVINCE_S && consolidation.rows.length === children.length)]);
  },
};
