/**
 * Unit-membership history. An officer has at most one open membership (`to: null`): the
 * unit they serve in now. Joining another unit closes it and opens a new one on the same
 * effective date; leaving the service (transferred out, retired) closes it.
 */
import { trusted, type ClientSession, type Model, type Types } from 'mongoose';
import { badRequest } from '../errors';
import { EMPLOYED_STATUSES, type Membership, type Officer, type OfficerStatus } from './model';

export function isEmployed(status: OfficerStatus): boolean {
  return EMPLOYED_STATUSES.includes(status);
}

export function openMembership(memberships: readonly Membership[]): Membership | undefined {
  return memberships.find((m) => m.to === null);
}

/**
 * The history after the officer's unit or status changes on `effectiveDate`; the same
 * array (by reference) when nothing needs recording. Throws 400
 * 'membership_date_before_start' when the date precedes the open membership.
 */
export function nextMemberships(current: readonly Membership[], unitId: Types.ObjectId, status: OfficerStatus, effectiveDate: Date): readonly Membership[] {
  const open = openMembership(current);
  const stays = isEmployed(status) && open !== undefined && open.unitId.equals(unitId);
  const leaves = !isEmployed(status) && open === undefined;
  if (stays || leaves) return current;
  if (open && effectiveDate < open.from) throw badRequest('membership_date_before_start', { from: open.from });
  const closed = current.map((m) => (m === open ? { ...m, to: effectiveDate } : m));
  return isEmployed(status) ? [...closed, { unitId, from: effectiveDate, to: null }] : closed;
}

/**
 * Moves every serving officer of one unit to another on `effectiveDate` (a merge), with
 * two bulk updates instead of one per officer: close the open memberships, then open
 * the new one. Officers who have left the service keep their history untouched.
 * Returns the number of officers moved.
 */
export async function moveServingOfficers(
  Officer: Model<Officer>,
  session: ClientSession,
  fromUnitId: Types.ObjectId,
  toUnitId: Types.ObjectId,
  effectiveDate: Date,
): Promise<number> {
  const serving = { unitId: fromUnitId, status: trusted({ $in: EMPLOYED_STATUSES }) };
  const startedLater = await Officer.countDocuments({ ...serving, memberships: trusted({ $elemMatch: { to: null, from: { $gt: effectiveDate } } }) }).session(session);
  if (startedLater > 0) throw badRequest('membership_date_before_start', { count: startedLater });
  // two updates: MongoDB refuses $set on memberships.$[open] and $push to memberships in one
  await Officer.updateMany(serving, { $set: { 'memberships.$[open].to': effectiveDate } }, { session, arrayFilters: [{ 'open.to': null }] });
  const moved = await Officer.updateMany(serving, { $set: { unitId: toUnitId }, $push: { memberships: { unitId: toUnitId, from: effectiveDate, to: null } } }, { session });
  return moved.modifiedCount;
}
