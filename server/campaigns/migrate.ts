/**
 * The old assignments (server/assignments) become campaigns, once: one campaign per year
 * and target (a unit subtree, or the same named officers), holding the target's modules
 * with their earliest due date; a deactivated assignment becomes a stopped module.
 * Each campaign carries a `migrationKey`, so running again (every start does) adds only
 * assignments made since and never duplicates anything.
 */
import type { Connection, Types } from 'mongoose';
import { assignmentModel, type Assignment } from '../assignments/model';
import { unitModel, type Unit } from '../units/model';
import { materialiseCampaign } from './materialise';
import { readyCampaignModel, type Campaign, type CampaignModule } from './model';

const keyOf = (a: Assignment) => `assignments:${a.year}:${a.unitId ? `unit:${a.unitId.toHexString()}` : `officers:${a.officerIds.map(String).sort().join(',')}`}`;

/** Merges the assignments of one group into module lines: one per module, earliest due date, stopped only if every one is inactive. */
function linesOf(assignments: readonly Assignment[], now: Date): CampaignModule[] {
  const lines = new Map<string, CampaignModule>();
  for (const a of assignments) {
    const key = a.moduleId.toHexString();
    const line = lines.get(key);
    const stoppedAt = a.active ? null : now;
    if (!line) lines.set(key, { moduleId: a.moduleId, dueDate: a.dueDate, stoppedAt });
    else lines.set(key, { moduleId: a.moduleId, dueDate: a.dueDate < line.dueDate ? a.dueDate : line.dueDate, stoppedAt: line.stoppedAt && stoppedAt });
  }
  return [...lines.values()];
}

/** Runs the migration; returns how many campaigns it created and how many module lines it added. */
export async function migrateAssignments(db: Connection, now: Date): Promise<{ campaigns: number; modules: number }> {
  const assignments = await assignmentModel(db).find({}).lean<Assignment[]>();
  if (!assignments.length) return { campaigns: 0, modules: 0 };
  const groups = new Map<string, Assignment[]>();
  for (const a of assignments) groups.set(keyOf(a), [...(groups.get(keyOf(a)) ?? []), a]);
  const Campaigns = await readyCampaignModel(db);
  const result = { campaigns: 0, modules: 0 };
  for (const [migrationKey, group] of groups) {
    const first = group[0]!;
    const lines = linesOf(group, now);
    const existing = await Campaigns.findOne({ migrationKey }).lean<Campaign>();
    if (existing) {
      const added = lines.filter((l) => !existing.modules.some((m) => m.moduleId.equals(l.moduleId)));
      if (!added.length) continue;
      const updated = await Campaigns.findOneAndUpdate({ _id: existing._id }, { $push: { modules: { $each: added } } }, { returnDocument: 'after' }).lean<Campaign>();
      if (updated) await materialiseCampaign(db, updated, now);
      result.modules += added.length;
      continue;
    }
    const unit = first.unitId ? await unitModel(db).findById(first.unitId, { name: 1 }).lean<Pick<Unit, 'name'>>() : null;
    const officerIds: Types.ObjectId[] = first.unitId ? [] : first.officerIds;
    const created = await Campaigns.create({
      name: `Kế hoạch bồi dưỡng năm ${first.year}${unit ? ` — ${unit.name}` : ''}`,
      year: first.year,
      // a unit target is planned by that unit's coordinators; named officers by the installation
      ownerUnitId: first.unitId,
      modules: lines,
      audience: { unitIds: first.unitId ? [first.unitId] : [], categories: [], leadersOnly: false, positions: [], officerIds, excludedUnitIds: [], excludedOfficerIds: [] },
      opensOn: new Date(`${first.year}-01-01T00:00:00+07:00`),
      cutoffDate: new Date(`${first.year}-10-31T23:59:59.999+07:00`),
      status: 'open',
      migrationKey,
      createdBy: first.createdBy,
    });
    await materialiseCampaign(db, created.toObject(), now);
    result.campaigns += 1;
    result.modules += lines.length;
  }
  return result;
}
