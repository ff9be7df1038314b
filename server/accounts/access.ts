/**
 * Loading what an account route acts on before it authorizes: the account (404 if there
 * is none) with the unit it acts on, as the policy module sees them.
 */
import type { Connection, Types } from 'mongoose';
import { notFound } from '../errors';
import type { AccountTargetRef, AppointmentRef, UnitRef } from '../policies';
import { unitModel, type Unit } from '../units/model';
import { unitRef } from '../units/scope';
import { userModel, type Role, type User } from '../users/model';

export interface LoadedAccount {
  account: User;
  /** the unit the account acts on (coordinators, managers) or works in (officers); null for admins or a vanished unit */
  unit: Unit | null;
  ref: AccountTargetRef;
}

/** The policy module's view of a unit that may be missing. */
export async function unitRefOf(db: Connection, unitId: Types.ObjectId | null): Promise<{ unit: Unit | null; ref: UnitRef | null }> {
  const unit = unitId ? await unitModel(db).findById(unitId).lean<Unit>() : null;
  // a dangling unit id has no ancestors to grant access through: only an admin acts on it
  return { unit, ref: unit ? unitRef(unit) : unitId ? { id: unitId, ancestors: [] } : null };
}

/** The account `id` with its unit, or 404 'account_not_found'. */
export async function findAccountOr404(db: Connection, id: Types.ObjectId): Promise<LoadedAccount> {
  const account = await userModel(db).findById(id).lean<User>();
  if (!account) throw notFound('account_not_found');
  const { unit, ref } = await unitRefOf(db, account.unitId);
  return { account, unit, ref: { id: account._id.toHexString(), role: account.role, unit: ref } };
}

/** An appointment of `role` over `unit` as a policy subject. */
export function appointmentRef(role: Role, unit: Pick<Unit, '_id' | 'ancestors'> | null): AppointmentRef {
  return { role, unit: unit ? unitRef(unit) : null };
}
