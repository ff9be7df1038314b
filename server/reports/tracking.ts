/**
 * Where each unit's report stands for a year: not started / draft / frozen / submitted,
 * late (submitted after 15/11) or missing (not submitted once 15/11 has passed).
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { unitModel, type Unit } from '../units/model';
import { unitReportModel, type UnitReport } from './model';
import { dueMoment } from './service';

export const TRACKING = ['none', 'draft', 'frozen', 'submitted', 'late', 'missing'] as const;
export type Tracking = (typeof TRACKING)[number];

export function trackingOf(report: Pick<UnitReport, 'status' | 'submittedAt'> | null, year: number, now: Date): Tracking {
  const due = dueMoment(year);
  if (report?.status === 'submitted') return report.submittedAt && report.submittedAt >= due ? 'late' : 'submitted';
  return now >= due ? 'missing' : (report?.status ?? 'none');
}

export interface TrackedUnit {
  unit: Pick<Unit, '_id' | 'code' | 'name' | 'depth' | 'ancestors'>;
  report: UnitReport | null;
  tracking: Tracking;
}

/** The active units `filter` selects, with their report of `year` (reports loaded in one query). */
export async function trackUnits(db: Connection, filter: Record<string, unknown>, year: number, now: Date): Promise<TrackedUnit[]> {
  const units = await unitModel(db).find(trusted({ active: true, ...filter }), { code: 1, name: 1, depth: 1, ancestors: 1 }).sort({ depth: 1, code: 1 }).lean<TrackedUnit['unit'][]>();
  const reports = await unitReportModel(db).find({ year, unitId: trusted({ $in: units.map((u) => u._id) }) }).lean<UnitReport[]>();
  const byUnit = new Map(reports.map((r) => [r.unitId.toHexString(), r]));
  return units.map((unit) => {
    const report = byUnit.get(unit._id.toHexString()) ?? null;
    return { unit, report, tracking: trackingOf(report, year, now) };
  });
}

/** The units of a scope: its root and subtree (null root: every unit). */
export const scopeFilter = (rootId: Types.ObjectId | null): Record<string, unknown> => (rootId ? { $or: [{ _id: rootId }, { ancestors: rootId }] } : {});
