/**
 * The paged accounts list: the accounts of some units (or of the whole installation),
 * filtered by role, state, lockout and first sign-in, in Vietnamese name order.
 */
import { trusted, Types, type Connection } from 'mongoose';
import { foldForSearch } from '../i18n/vietnamese';
import { lockedKeys, throttleKey } from '../auth/throttle';
import { userModel, type Role, type User } from '../users/model';

export interface ListAccountsInput {
  /** the units whose accounts are listed; null: every account of the installation */
  unitIds: Types.ObjectId[] | null;
  /** leave admin accounts out (a coordinator's list: admins are nobody's subordinates) */
  hideAdmins: boolean;
  q?: string | undefined;
  role?: Role | undefined;
  active?: boolean | undefined;
  locked?: boolean | undefined;
  neverSignedIn?: boolean | undefined;
  page: number;
  pageSize: number;
}

export interface AccountPage {
  items: User[];
  total: number;
  page: number;
  pageSize: number;
  /** ids (hex) of the listed accounts whose sign-in is locked now */
  lockedIds: Set<string>;
}

/**
 * The lockout keys that can stand for an account: each of its logins as the sign-in form
 * keys them, and its id (for a lockout keyed on the resolved account).
 */
export function lockKeysOf(account: Pick<User, '_id' | 'username' | 'email' | 'officerCode'>): string[] {
  const logins = [account.username, account.email, account.officerCode].filter((k): k is string => !!k).map(throttleKey);
  return [...new Set([account._id.toHexString(), ...logins])];
}

/** A filter matching the accounts that any of `keys` stands for. */
function lockedFilter(keys: readonly string[]): Record<string, unknown> {
  const ids = keys.filter((k) => /^[0-9a-f]{24}$/.test(k)).map((k) => new Types.ObjectId(k));
  return { $or: trusted([{ _id: trusted({ $in: ids }) }, { username: trusted({ $in: keys }) }, { email: trusted({ $in: keys }) }, { officerCode: trusted({ $in: keys.map((k) => k.toUpperCase()) }) }]) };
}

const literal = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Above this many matches the page is read by walking the name index (see listOfficers for why the service decides). */
const NAME_ORDER_WALK_FROM = 1_000;

/**
 * One page of accounts, filtered, by name in Vietnamese order (then by id, stable across
 * pages). `q` matches the name ignoring case and diacritics, or part of a login.
 */
export async function listAccounts(db: Connection, input: ListAccountsInput, now = new Date()): Promise<AccountPage> {
  const { page, pageSize } = input;
  const clauses: Record<string, unknown>[] = [];
  if (input.unitIds) clauses.push({ unitId: trusted({ $in: input.unitIds }) });
  if (input.hideAdmins) clauses.push({ role: trusted({ $ne: 'admin' }) });
  if (input.role) clauses.push({ role: input.role });
  if (input.active !== undefined) clauses.push({ active: input.active });
  if (input.neverSignedIn !== undefined) clauses.push({ lastSignInAt: input.neverSignedIn ? null : trusted({ $ne: null }) });
  const locked = await lockedKeys(db, now);
  if (input.locked !== undefined) clauses.push(input.locked ? lockedFilter(locked) : { $nor: trusted([lockedFilter(locked)]) });
  const q = input.q?.trim();
  if (q) {
    const folded = literal(foldForSearch(q));
    const typed = literal(q.toLowerCase());
    clauses.push({ $or: trusted([{ searchText: trusted({ $regex: folded }) }, { username: trusted({ $regex: typed }) }, { email: trusted({ $regex: typed }) }, { officerCode: trusted({ $regex: literal(q.toUpperCase()) }) }]) });
  }
  const filter = clauses.length ? { $and: trusted(clauses) } : {};
  const model = userModel(db);
  const total = await model.countDocuments(filter);
  const query = model.find(filter).sort({ sortName: 1, _id: 1 }).skip((page - 1) * pageSize).limit(pageSize);
  if (total >= NAME_ORDER_WALK_FROM) query.hint({ sortName: 1, _id: 1 });
  const items = total === 0 ? [] : await query.lean<User[]>();
  const lockedSet = new Set(locked);
  const lockedIds = new Set(items.filter((a) => lockKeysOf(a).some((k) => lockedSet.has(k))).map((a) => a._id.toHexString()));
  return { items, total, page, pageSize, lockedIds };
}
