/**
 * Section 1 — importing a province's officers (issue #3: 60,000 officers in ≤ 20 s).
 * Builds the 250-unit tree with createUnit, generates the 60,000-row CSV, then times
 * importOfficers end to end (parse + validate + write) as a clerk would run it: a dry run
 * (the preview), the import, and the same file again (must change nothing).
 */
import { importOfficers, type ImportReport } from '../../../server/imports';
import { officerModel } from '../../../server/officers/model';
import { int, requireDefined, verdict, type Context, type Section } from './common';
import { createUnits, officerCsv, unitPlan } from './province';

export const OFFICERS = 60_000;
const TARGET_S = 20;

const mb = (bytes: number) => (bytes / 1024 ** 2).toFixed(1);

export const importSection: Section = {
  title: 'Import',
  async prepare(ctx: Context) {
    const db = requireDefined(ctx.platform, 'platform').services.db;
    const plan = unitPlan();
    let t = performance.now();
    await createUnits(db, plan);
    ctx.log(`created ${plan.length} units in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const csv = officerCsv(plan, OFFICERS);
    ctx.log(`generated the ${int(OFFICERS)}-row CSV (${mb(csv.length)} MB)`);

    const timed = async (label: string, dryRun: boolean): Promise<{ s: number; report: ImportReport }> => {
      t = performance.now();
      const report = await importOfficers(db, csv, 'danh-sach-can-bo-tinh-son-ha.csv', { dryRun });
      const s = (performance.now() - t) / 1000;
      ctx.log(`${label}: ${s.toFixed(2)} s — created ${report.created}, updated ${report.updated}, unchanged ${report.unchanged}, problems ${report.problems.length}`);
      if (report.problems.length) throw new Error(`${label}: ${report.problems.length} problems, first ${JSON.stringify(report.problems.slice(0, 3))}`);
      return { s, report };
    };
    const dry = await timed('dry run', true);
    const real = await timed('import', false);
    const count = await officerModel(db).estimatedDocumentCount();
    if (count !== OFFICERS) throw new Error(`${count} officers stored after importing ${OFFICERS}`);
    const again = await timed('re-import', false);

    const rows = ctx.report.rows;
    rows.push(['Import', `Dry run (parse + validate, nothing written), ${int(OFFICERS)} rows, s`, `${dry.s.toFixed(2)} (would create ${int(dry.report.created)})`]);
    rows.push(['Import', `Import (parse + validate + write), ${int(OFFICERS)} rows, s`, `${real.s.toFixed(2)} (${int(OFFICERS / real.s)} rows/s; created ${int(real.report.created)})`]);
    rows.push(['Import', 'Re-import of the same file, s', `${again.s.toFixed(2)} (created ${again.report.created}, updated ${again.report.updated}, unchanged ${int(again.report.unchanged)})`]);
    ctx.report.targets.push([`Import ${int(OFFICERS)} officers ≤ ${TARGET_S} s (250 units, ${mb(csv.length)} MB CSV)`, `${real.s.toFixed(2)} s`, verdict(real.s <= TARGET_S)]);
    ctx.report.targets.push(['Re-import is idempotent (created 0, updated 0)', `created ${again.report.created}, updated ${again.report.updated}`, verdict(again.report.created === 0 && again.report.updated === 0)]);
  },
};
