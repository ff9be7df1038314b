/**
 * Loading what an officer route acts on before it authorizes: the officer (404 if there
 * is none) with the unit they serve in, as the policy module sees them; and the unit ids
 * a list may show.
 */
import type { Connection, Types } from 'mongoose';
import { notFound } from '../errors';
import type { OfficerRef } from '../policies';
import { unitModel, type Unit } from '../units/model';
import { subtreeIds } from '../units/service';
import { findUnitOr404, type Scope } from '../units/scope';
import { officerModel, type Officer } from './model';

export interface LoadedOfficer {
  officer: Officer;
  /** the officer's current unit; null only if it has vanished */
  unit: Unit | null;
  ref: OfficerRef;
}

/** The officer `id` with their unit, or 404 'officer_not_found'. */
export async function findOfficerOr404(db: Connection, id: Types.ObjectId): Promise<LoadedOfficer> {
  const officer = await officerModel(db).findById(id).lean<Officer>();
  if (!officer) throw notFound('officer_not_found');
  const unit = await unitModel(db).findById(officer.unitId).lean<Unit>();
  // a dangling unit id has no ancestors to grant access through: only its own coordinator or an admin
  return { officer, unit, ref: { id: officer._id, unit: { id: officer.unitId, ancestors: unit?.ancestors ?? [] } } };
}

/**
 * The units whose officers a list shows: the chosen unit's subtree, or the scope's
 * (every unit for the whole installation). The caller has authorized the unit or scope.
 */
export async function listedUnitIds(db: Connection, scope: Scope, chosen: Unit | null): Promise<Types.ObjectId[]> {
  const top = chosen ?? scope.root;
  if (top) return subtreeIds(db, top._id);
  const all = await unitModel(db).find({}, { _id: 1 }).lean<Pick<Unit, '_id'>[]>();
  return all.map((u) => u._id);
}

/** The unit a list is filtered by (404 if it does not exist), or null. */
export async function chosenUnit(db: Connection, unitId: Types.ObjectId | undefined): Promise<Unit | null> {
  return unitId ? findUnitOr404(db, unitId) : null;
}
