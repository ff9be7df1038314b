/**
 * An account follows its officer (issue #10, finding 7): when an officer moves to another
 * unit (a transfer, or an import that changes the unit code), the accounts linked to that
 * officer move with them, so the officer reads the new unit and no longer the old one.
 * A coordinator's or manager's appointment was made for the old unit: it ends with the
 * move (the account becomes an ordinary officer's), and the new unit appoints again if it
 * wants to — a move never carries powers into a unit that did not grant them.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { userModel, type User } from '../users/model';

const APPOINTED: ReadonlySet<User['role']> = new Set(['coordinator', 'manager']);

/** Moves the accounts of the officers in `moves` to each officer's new unit. */
export async function accountsFollowOfficers(db: Connection, moves: ReadonlyArray<{ officerId: Types.ObjectId; unitId: Types.ObjectId }>): Promise<void> {
  if (moves.length === 0) return;
  const Users = userModel(db);
  const unitOf = new Map(moves.map((m) => [m.officerId.toHexString(), m.unitId]));
  const accounts = await Users.find({ officerId: trusted({ $in: moves.map((m) => m.officerId) }) }, { officerId: 1, unitId: 1, role: 1 }).lean<Pick<User, '_id' | 'officerId' | 'unitId' | 'role'>[]>();
  for (const account of accounts) {
    const unitId = unitOf.get(account.officerId!.toHexString())!;
    if (account.unitId?.equals(unitId)) continue;
    const set: Partial<User> = { unitId, ...(APPOINTED.has(account.role) ? { role: 'officer' as const } : {}) };
    await Users.updateOne({ _id: account._id }, { $set: set });
  }
}
