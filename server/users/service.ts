/**
 * Account commands: create (with a password, or invited without one), find by any login
 * key, change the password, revoke sessions, deactivate. Every change that should end
 * existing sessions bumps tokenVersion.
 */
import type { Connection, Types } from 'mongoose';
import { trusted } from 'mongoose';
import { z } from 'zod';
import { conflict, notFound } from '../errors';
import { normalizeLogin } from './login';
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../auth/passwords';
import { humanString, objectId, parse } from '../validation';
import { accountNameKeys, readyUserModel, ROLES, userModel, type User } from './model';

export const passwordSchema = z.string().min(PASSWORD_MIN_LENGTH, { error: 'password_too_short' }).max(PASSWORD_MAX_LENGTH, { error: 'password_too_long' });

export const createAccountSchema = z
  .object({
    username: z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9._-]{2,39}$/, { error: 'username_invalid' }).optional(),
    email: z.string().trim().toLowerCase().email({ error: 'email_invalid' }).max(254).optional(),
    officerId: objectId.optional(),
    officerCode: z.string().trim().toUpperCase().max(40).optional(),
    displayName: humanString().trim().normalize('NFC').min(1).max(120),
    role: z.enum(ROLES),
    unitId: objectId.optional(),
    password: passwordSchema.optional(),
    mustChangePassword: z.boolean().optional(),
  })
  .strict();
export type CreateAccountInput = z.input<typeof createAccountSchema>;

/** Creates an account; without a password it can only be entered through an invitation. */
export async function createAccount(db: Connection, input: CreateAccountInput, bcryptCost: number): Promise<User> {
  const value = parse(createAccountSchema, input);
  const model = await readyUserModel(db);
  const { password, ...rest } = value;
  try {
    const created = await model.create({ ...rest, passwordHash: password ? await hashPassword(password, bcryptCost) : null });
    return created.toObject();
  } catch (error) {
    if ((error as { code?: number }).code === 11000) throw conflict('account_login_taken');
    throw error;
  }
}

/**
 * The account a login names: an e-mail address, a login name (demo.admin) or a mã cán bộ.
 * Case and Unicode form do not matter.
 */
export async function findAccountByLogin(db: Connection, login: string): Promise<User | null> {
  const lower = normalizeLogin(login);
  if (!lower || lower.length > 254) return null;
  const keys = lower.includes('@') ? [{ email: lower }] : [{ username: lower }, { officerCode: lower.toUpperCase() }];
  return userModel(db).findOne({ $or: trusted(keys) }).lean<User>();
}

/** Sets a new password, clears "must change", and ends every other session. */
export async function setPassword(db: Connection, accountId: Types.ObjectId | string, password: string, bcryptCost: number): Promise<User> {
  const checked = parse(z.object({ password: passwordSchema }), { password }).password;
  const passwordHash = await hashPassword(checked, bcryptCost);
  const updated = await userModel(db)
    .findByIdAndUpdate(accountId, { $set: { passwordHash, mustChangePassword: false }, $inc: { tokenVersion: 1 } }, { returnDocument: 'after' })
    .lean<User>();
  if (!updated) throw notFound('account_not_found');
  return updated;
}

/** Ends every session of the account (log out everywhere). */
export async function revokeAllSessions(db: Connection, accountId: Types.ObjectId | string): Promise<void> {
  await userModel(db).updateOne({ _id: accountId }, { $inc: { tokenVersion: 1 } });
}

/** Deactivates (or reactivates) an account; deactivation ends its sessions at once. */
export async function setAccountActive(db: Connection, accountId: Types.ObjectId | string, active: boolean): Promise<User> {
  const updated = await userModel(db)
    .findByIdAndUpdate(accountId, { $set: { active }, ...(active ? {} : { $inc: { tokenVersion: 1 } }) }, { returnDocument: 'after' })
    .lean<User>();
  if (!updated) throw notFound('account_not_found');
  return updated;
}

export async function recordSignIn(db: Connection, accountId: Types.ObjectId): Promise<void> {
  await userModel(db).updateOne({ _id: accountId }, { $set: { lastSignInAt: new Date() } });
}

/**
 * Gives accounts created before the accounts list existed their name keys (sortName,
 * searchText), so they sort and match like new ones. Idempotent; run at start-up.
 * Returns how many accounts it filled in.
 */
export async function fillAccountNameKeys(db: Connection): Promise<number> {
  const model = userModel(db);
  const missing = await model.find({ sortName: trusted({ $exists: false }) }, { displayName: 1 }).lean<Pick<User, '_id' | 'displayName'>[]>();
  if (missing.length === 0) return 0;
  await model.bulkWrite(missing.map((a) => ({ updateOne: { filter: { _id: a._id }, update: { $set: accountNameKeys(a.displayName) } } })));
  return missing.length;
}
