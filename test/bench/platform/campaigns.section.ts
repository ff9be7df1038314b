/**
 * Campaigns (issue #11): materialise a campaign of 5 modules for the imported province
 * (60,000 officers × 5 = 300,000 enrolments, target ≤ 30 s), then move 1,000 officers to
 * other units and re-materialise only them, as the officer-change hook does after an
 * import (target ≤ 5 s). Needs the Import section first (BENCH_SECTIONS=Import,Campaigns).
 */
import os from 'node:os';
import { trusted, type Types } from 'mongoose';
import { materialiseCampaign, refreshOfficers } from '../../../server/campaigns/materialise';
import { enrolmentModel } from '../../../server/campaigns/model';
import { createCampaignInput } from '../../../server/campaigns/schema';
import { createCampaign } from '../../../server/campaigns/service';
import { campaignModel } from '../../../server/campaigns/model';
import { officerModel, type Officer } from '../../../server/officers/model';
import { trainingYear } from '../../../server/progress/year';
import { unitModel, type Unit } from '../../../server/units/model';
import { buildPublishedModule, lesson } from '../../learning/fixtures';
import { int, requireDefined, verdict, type Context, type Section } from './common';

const MODULES = 5;
/** CPU of this process since `from` (every thread: the engine worker runs in it), seconds. */
const cpuSeconds = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
};
const TRANSFERS = 1_000;
const TARGET_FULL_S = 30;
const TARGET_TRANSFERS_S = 5;

export const campaignsSection: Section = {
  title: 'Campaigns',
  async prepare(ctx: Context) {
    const db = requireDefined(ctx.platform, 'platform').services.db;
    const year = trainingYear();
    const root = requireDefined(await unitModel(db).findOne({ depth: 0 }).lean<Unit>(), 'the province root');
    const modules: Types.ObjectId[] = [];
    for (let i = 0; i < MODULES; i++) modules.push((await buildPublishedModule(db, { items: [lesson('bai-1')], title: `Học phần đo ${i + 1}` })).moduleId);
    const input = createCampaignInput.parse({ name: `Kế hoạch đo ${year}`, year, modules: modules.map((m) => ({ moduleId: String(m), dueDate: `31/12/${year}` })), audience: { unitIds: [String(root._id)] }, cutoffDate: `31/12/${year}` });
    const draft = await createCampaign(db, { ...input, ownerUnitId: null }, null, new Date());
    const campaign = (await campaignModel(db).findOneAndUpdate({ _id: draft._id }, { $set: { status: 'open' } }, { returnDocument: 'after' }).lean())!;
    let t = performance.now();
    let cpu = process.cpuUsage();
    const full = await materialiseCampaign(db, campaign, new Date());
    const fullS = (performance.now() - t) / 1000;
    const fullCpuS = cpuSeconds(cpu);
    const count = await enrolmentModel(db).countDocuments({ campaignId: campaign._id });
    ctx.log(`materialised ${int(full.inserted)} enrolments in ${fullS.toFixed(2)} s, CPU ${fullCpuS.toFixed(2)} s (${int(count)} stored; load ${os.loadavg()[0]!.toFixed(1)})`);

    // 1,000 officers move to another unit, written as an import writes them (bulk), then the hook's work is timed
    const units = await unitModel(db).find({ depth: trusted({ $gt: 0 }) }, { _id: 1 }).lean<Pick<Unit, '_id'>[]>();
    const movers = await officerModel(db).find({}, { _id: 1, unitId: 1, memberships: 1 }).limit(TRANSFERS).lean<Officer[]>();
    const now = new Date();
    await officerModel(db).bulkWrite(
      movers.map((o, i) => {
        const target = units.find((u, j) => j >= i % units.length && !u._id.equals(o.unitId)) ?? units[0]!;
        const memberships = [...o.memberships.map((m) => (m.to === null ? { ...m, to: now } : m)), { unitId: target._id, from: now, to: null }];
        return { updateOne: { filter: { _id: o._id }, update: { $set: { unitId: target._id, memberships } } } };
      }),
    );
    t = performance.now();
    cpu = process.cpuUsage();
    const moved = await refreshOfficers(db, movers.map((o) => o._id), new Date());
    const movedS = (performance.now() - t) / 1000;
    ctx.log(`re-materialised ${int(TRANSFERS)} transferred officers in ${movedS.toFixed(2)} s, CPU ${cpuSeconds(cpu).toFixed(2)} s (${moved.updated} enrolments updated; load ${os.loadavg()[0]!.toFixed(1)})`);

    const rows = ctx.report.rows;
    rows.push(['Campaigns', `Materialise ${int(count / MODULES)} officers × ${MODULES} modules, s`, `${fullS.toFixed(2)} (${int(full.inserted)} enrolments, ${int(full.inserted / fullS)}/s)`]);
    rows.push(['Campaigns', `Re-materialise after ${int(TRANSFERS)} transfers, s`, `${movedS.toFixed(2)} (${int(moved.updated)} enrolments updated)`]);
    ctx.report.targets.push([`Materialise 60,000 officers × ${MODULES} modules ≤ ${TARGET_FULL_S} s`, `${fullS.toFixed(2)} s`, verdict(fullS <= TARGET_FULL_S && count === full.inserted)]);
    ctx.report.targets.push([`Re-materialise after ${int(TRANSFERS)} transfers ≤ ${TARGET_TRANSFERS_S} s`, `${movedS.toFixed(2)} s`, verdict(movedS <= TARGET_TRANSFERS_S)]);
  },
};
