/**
 * Officer accounts for the load sections, linked to imported officers (officerId,
 * officerCode, unitId) and created with the platform's createAccount. Hashing hundreds of
 * passwords at the real cost would take minutes (≈ 0.1–0.3 s each), so only the first
 * account of the run is created with its password; the others are created without one and
 * then given that same bcrypt hash with one updateMany — the same password, hence a valid
 * hash at the real cost for every account.
 */
import { trusted } from 'mongoose';
import { officerModel, type Officer } from '../../../server/officers/model';
import { userModel, type User } from '../../../server/users/model';
import { createAccount } from '../../../server/users/service';
import { requireDefined, type Context } from './common';
import { officerCode } from './province';

/** The password of every benchmark account: a Vietnamese passphrase (pre-hashed before bcrypt). */
export const PASSWORD = 'Sơn Hà công vụ năm 2026!';
const BATCH = 25;

export interface BenchAccount {
  id: string;
  officerCode: string;
  fullName: string;
  tokenVersion: number;
}

/** Accounts for the officers of CSV rows first … first+count-1. */
export async function createOfficerAccounts(ctx: Context, first: number, count: number): Promise<BenchAccount[]> {
  const { db, config } = requireDefined(ctx.platform, 'platform').services;
  const codes = Array.from({ length: count }, (_, i) => officerCode(first + i));
  const officers = await officerModel(db).find({ code: trusted({ $in: codes }) }, { code: 1, fullName: 1, unitId: 1 }).lean<Pick<Officer, '_id' | 'code' | 'fullName' | 'unitId'>[]>();
  if (officers.length !== count) throw new Error(`found ${officers.length} of ${count} officers for accounts`);
  const input = (o: (typeof officers)[number]) => ({ officerId: o._id, officerCode: o.code, displayName: o.fullName, role: 'officer' as const, unitId: o.unitId });

  let hash = ctx.shared['passwordHash'] as string | undefined;
  const created: User[] = [];
  let rest = officers;
  if (!hash) {
    const withPassword = await createAccount(db, { ...input(officers[0]!), password: PASSWORD }, config.BCRYPT_COST);
    hash = requireDefined(withPassword.passwordHash, 'password hash');
    ctx.shared['passwordHash'] = hash;
    created.push(withPassword);
    rest = officers.slice(1);
  }
  for (let i = 0; i < rest.length; i += BATCH) {
    created.push(...(await Promise.all(rest.slice(i, i + BATCH).map((o) => createAccount(db, input(o), config.BCRYPT_COST)))));
  }
  await userModel(db).updateMany({ _id: trusted({ $in: created.map((a) => a._id) }) }, { $set: { passwordHash: hash } });
  return created.map((a) => ({ id: a._id.toHexString(), officerCode: a.officerCode!, fullName: a.displayName, tokenVersion: a.tokenVersion }));
}
