/** The figures on the home pages: headcount of a subtree by category and status. */
import type { Connection, Types } from 'mongoose';
import { trusted } from 'mongoose';
import { officerModel, OFFICER_CATEGORIES, EMPLOYED_STATUSES, type OfficerCategory } from '../officers/model';
import { unitModel } from '../units/model';
import { userModel } from '../users/model';

export interface SubtreeStats {
  units: number;
  /** serving officers (active or on leave) */
  officers: number;
  byCategory: Record<OfficerCategory, number>;
}

/** Headcount of the subtree rooted at `unitId` (the unit and every unit below it). */
export async function subtreeStats(db: Connection, unitId: Types.ObjectId): Promise<SubtreeStats> {
  const units = await unitModel(db).find({ $or: trusted([{ _id: unitId }, { ancestors: unitId }]), active: true }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
  const unitIds = units.map((u) => u._id);
  const rows = await officerModel(db).aggregate<{ _id: OfficerCategory; n: number }>([
    { $match: { unitId: { $in: unitIds }, status: { $in: [...EMPLOYED_STATUSES] } } },
    { $group: { _id: '$category', n: { $sum: 1 } } },
  ]);
  const byCategory = Object.fromEntries(OFFICER_CATEGORIES.map((c) => [c, 0])) as Record<OfficerCategory, number>;
  for (const row of rows) byCategory[row._id] = row.n;
  return { units: unitIds.length, officers: rows.reduce((sum, r) => sum + r.n, 0), byCategory };
}

/** Installation-wide counts for the admin's home page. */
export async function installationStats(db: Connection): Promise<{ units: number; officers: number; accounts: number }> {
  const [units, officers, accounts] = await Promise.all([
    unitModel(db).countDocuments({ active: true }),
    officerModel(db).countDocuments({ status: trusted({ $in: [...EMPLOYED_STATUSES] }) }),
    userModel(db).countDocuments({ active: true }),
  ]);
  return { units, officers, accounts };
}
