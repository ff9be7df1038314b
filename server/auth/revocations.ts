/**
 * Sessions ended one at a time (logout on this device). Their token ids are kept on the
 * account itself until the token would have expired anyway, so checking a session costs
 * nothing beyond loading the account, which every request does already.
 */
import type { Connection, Types } from 'mongoose';
import { trusted } from 'mongoose';
import { userModel, type User } from '../users/model';

/** Ends the session with token id `jti` (expiring at `exp`, seconds since the epoch) of `accountId`. */
export async function revokeSession(db: Connection, accountId: Types.ObjectId, jti: string, exp: number): Promise<void> {
  const users = userModel(db);
  // drop entries whose tokens have expired on their own: the list stays a handful long
  await users.updateOne({ _id: accountId }, { $pull: { revokedSessions: trusted({ exp: { $lt: Math.floor(Date.now() / 1000) } }) } });
  await users.updateOne({ _id: accountId }, { $push: { revokedSessions: { jti, exp } } });
}

/** True when the session `jti` of `account` was ended. */
export function isRevoked(account: Pick<User, 'revokedSessions'>, jti: string): boolean {
  return (account.revokedSessions ?? []).some((entry) => entry.jti === jti);
}
