/**
 * The learner behind a signed-in account: the officer record it is linked to and that
 * officer's unit (with ancestors, for assignments to a unit subtree). Every learning
 * route acts on this record only, so another officer's data is never reachable by id.
 */
import type { Connection, Types } from 'mongoose';
import { findFirst, rawCollection } from '../db/raw';
import { AppError } from '../errors';
import { officerModel, type Officer } from '../officers/model';
import type { Actor, OfficerRef } from '../policies';
import { unitModel, type Unit } from '../units/model';

export interface Learner {
  officerId: Types.ObjectId;
  unitId: Types.ObjectId;
  /** the unit's ancestors, root first */
  ancestors: Types.ObjectId[];
  fullName: string;
}

/** A unit the request has already loaded (the account's home unit, see server/http/views.ts). */
export type KnownUnit = Pick<Unit, '_id' | 'ancestors'> | null | undefined;
/** The account's home unit, or how to get it: read once per request, on first use. */
export type HomeUnitSource = KnownUnit | (() => Promise<KnownUnit>);

/**
 * The caller's learner record, or null when the account has no officer record. The
 * officer's unit is nearly always the account's home unit, which every page request has
 * loaded already: `known` saves reading it again.
 */
export async function findLearner(db: Connection, actor: Actor, known?: HomeUnitSource): Promise<Learner | null> {
  if (!actor.officerId) return null;
  const officer = await findFirst<Pick<Officer, '_id' | 'unitId' | 'fullName'>>(rawCollection(officerModel(db)), { _id: actor.officerId }, { projection: { unitId: 1, fullName: 1 } });
  return officer && learnerOf(db, officer, known);
}

/** The learner of an officer record already loaded. */
export async function learnerOf(db: Connection, officer: Pick<Officer, '_id' | 'unitId' | 'fullName'>, source?: HomeUnitSource): Promise<Learner> {
  const known = typeof source === 'function' ? await source() : source;
  const unit = known?._id.equals(officer.unitId) ? known : await findFirst<Pick<Unit, '_id' | 'ancestors'>>(rawCollection(unitModel(db)), { _id: officer.unitId }, { projection: { ancestors: 1 } });
  return { officerId: officer._id, unitId: officer.unitId, ancestors: unit?.ancestors ?? [], fullName: officer.fullName };
}

/**
 * The caller's learner record for routes that act on learning. An account without an
 * officer record (an admin, a coordinator not linked to a personnel record) has nothing
 * to take: 403 'learn_no_officer', which names the reason.
 */
export async function requireLearner(db: Connection, actor: Actor, known?: HomeUnitSource): Promise<Learner> {
  const learner = await findLearner(db, actor, known);
  if (!learner) throw new AppError(403, 'learn_no_officer');
  return learner;
}

/** The learner as the policy module sees an officer. */
export function learnerRef(learner: Learner): OfficerRef {
  return { id: learner.officerId, unit: { id: learner.unitId, ancestors: learner.ancestors } };
}
