/**
 * The rules that decide who is enrolled, when they are due and where the report counts
 * them — pure functions of the officer, the campaign and `now`, so the materialiser, the
 * hooks and the tests share one definition (written out in docs/campaigns.md).
 */
import type { Types } from 'mongoose';
import { foldForSearch } from '../i18n/vietnamese';
import { isEmployed, openMembership } from '../officers/memberships';
import type { Membership, Officer } from '../officers/model';
import { endOfDueDay } from '../progress/year';
import { dueInstant, vietnamDay } from './dates';
import type { Audience, Campaign } from './model';

const DAY_MS = 86_400_000;

/** What the rules read of an officer. */
export type AudienceOfficer = Pick<Officer, '_id' | 'unitId' | 'category' | 'isLeader' | 'position' | 'status' | 'memberships'>;

/** unit id (hex) → the ids of the unit and its ancestors (hex). */
export type UnitPaths = ReadonlyMap<string, readonly string[]>;

const hex = (ids: readonly Types.ObjectId[]) => new Set(ids.map((id) => id.toHexString()));

/** A compiled audience: `matches(officer, unitId)` answers for the officer serving in `unitId`. */
export function audienceMatcher(audience: Audience, paths: UnitPaths): (officer: AudienceOfficer, unitId: Types.ObjectId) => boolean {
  const units = hex(audience.unitIds);
  const named = hex(audience.officerIds);
  const excludedUnits = hex(audience.excludedUnitIds);
  const excludedOfficers = hex(audience.excludedOfficerIds);
  const positions = new Set(audience.positions.map((p) => foldForSearch(p)));
  return (officer, unitId) => {
    const id = officer._id.toHexString();
    if (excludedOfficers.has(id)) return false;
    const path = paths.get(unitId.toHexString()) ?? [];
    if (path.some((u) => excludedUnits.has(u))) return false;
    if (named.has(id)) return true;
    if (!path.some((u) => units.has(u))) return false;
    if (audience.categories.length && !audience.categories.includes(officer.category)) return false;
    if (audience.leadersOnly && !officer.isLeader) return false;
    return positions.size === 0 || positions.has(foldForSearch(officer.position ?? ''));
  };
}

/** The unit an officer belonged to at `at` (the membership covering it), or null if none did. */
export function unitOn(memberships: readonly Membership[], at: Date): Types.ObjectId | null {
  const covering = memberships.find((m) => m.from <= at && (m.to === null || m.to > at));
  return covering?.unitId ?? null;
}

/** The end of the cut-off day (Vietnam): the moment the report's picture is taken. */
export const cutoffMoment = (campaign: Pick<Campaign, 'cutoffDate'>) => endOfDueDay(campaign.cutoffDate);

/**
 * Where and whether the officer counts for the campaign at `now`.
 * Before the cut-off: a serving officer counts at their current unit; one who left does not.
 * After it the picture is frozen: the officer counts at the unit they belonged to at the
 * end of the cut-off day (even if they moved or left since); someone who was not serving
 * then does not count.
 */
export function countingUnit(officer: AudienceOfficer, campaign: Pick<Campaign, 'cutoffDate'>, now: Date): Types.ObjectId | null {
  const cutoff = cutoffMoment(campaign);
  if (now < cutoff) return isEmployed(officer.status) ? officer.unitId : null;
  return unitOn(officer.memberships, cutoff);
}

/** When the officer joined their current unit (the open membership's start), or null. */
export function joinedOn(officer: AudienceOfficer): Date | null {
  return openMembership(officer.memberships)?.from ?? null;
}

/**
 * A new enrolment's due date and state. Someone in the audience when the campaign opened
 * is due on the module's date. A late joiner (joined after the opening) is due
 * `lateJoinerDays` after joining, never earlier than the module's date; one who joined
 * after the cut-off is exempt (there is no time left to count them).
 */
export function newEnrolmentTerms(joined: Date | null, moduleDue: Date, campaign: Pick<Campaign, 'opensOn' | 'cutoffDate' | 'lateJoinerDays'>): { dueDate: Date; lateJoiner: boolean; exempt: boolean } {
  if (!joined || joined <= campaign.opensOn) return { dueDate: moduleDue, lateJoiner: false, exempt: false };
  if (joined >= cutoffMoment(campaign)) return { dueDate: moduleDue, lateJoiner: true, exempt: true };
  // a due date is a whole day (its end in Vietnam), like a module's: to the millisecond of
  // joining, every late joiner had a due date of their own, and the dashboards' counters
  // (one per unit × module × category × due date) split into one per officer
  const late = dueInstant(vietnamDay(new Date(joined.getTime() + campaign.lateJoinerDays * DAY_MS)));
  return { dueDate: late > moduleDue ? late : moduleDue, lateJoiner: true, exempt: false };
}
