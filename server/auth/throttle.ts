/**
 * Lockout after repeated failures, keyed by what was typed as the login — whether or not
 * such an account exists — so that "locked" never tells an attacker an account is real.
 * MAX_FAILURES wrong passwords within WINDOW lock that login for LOCK; a success clears it.
 */
import { Schema, trusted, type Connection } from 'mongoose';
import { defineModel } from '../db/models';

export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60_000;
export const LOCK_MS = 15 * 60_000;

interface LoginAttempts {
  key: string;
  failures: number;
  firstFailureAt: Date;
  lockedUntil: Date | null;
  /** TTL: the record disappears once nothing about it matters any more */
  expiresAt: Date;
}

const attemptsSchema = new Schema<LoginAttempts>(
  {
    key: { type: String, required: true },
    failures: { type: Number, required: true },
    firstFailureAt: { type: Date, required: true },
    lockedUntil: { type: Date, default: null },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'login_attempts', versionKey: false },
);
attemptsSchema.index({ key: 1 }, { unique: true });
attemptsSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

const attemptsModels = defineModel<LoginAttempts>('LoginAttempts', attemptsSchema);
export const readyAttemptsModel = attemptsModels.ready;

/** The same key for every spelling of one login ("Demo.Admin ", "demo.admin"). */
export function throttleKey(login: string): string {
  return login.normalize('NFC').trim().toLowerCase();
}

/** True while `login` is locked. */
export async function isLocked(db: Connection, login: string, now = new Date()): Promise<boolean> {
  const record = await attemptsModels.model(db).findOne({ key: throttleKey(login) }).lean<LoginAttempts>();
  return !!record?.lockedUntil && record.lockedUntil > now;
}

/** Counts one failure (atomically: parallel attempts cannot slip under the limit); true when the login is now locked. */
export async function recordFailure(db: Connection, login: string, now = new Date()): Promise<boolean> {
  const model = attemptsModels.model(db);
  const key = throttleKey(login);
  const expiresAt = new Date(now.getTime() + WINDOW_MS + LOCK_MS);
  let record = await model
    .findOneAndUpdate({ key }, { $inc: { failures: 1 }, $set: { expiresAt }, $setOnInsert: { firstFailureAt: now, lockedUntil: null } }, { upsert: true, returnDocument: 'after' })
    .lean<LoginAttempts>();
  if (!record) return false;
  if (now.getTime() - record.firstFailureAt.getTime() > WINDOW_MS && !(record.lockedUntil && record.lockedUntil > now)) {
    // the earlier failures are too old to count: start a new window with this one
    const restarted = await model
      .findOneAndUpdate({ key, firstFailureAt: record.firstFailureAt }, { $set: { failures: 1, firstFailureAt: now, lockedUntil: null } }, { returnDocument: 'after' })
      .lean<LoginAttempts>();
    if (!restarted) return false;
    record = restarted;
  }
  if (record.failures < MAX_FAILURES) return false;
  await model.updateOne({ key }, { $set: { lockedUntil: new Date(now.getTime() + LOCK_MS) } });
  return true;
}

export async function clearFailures(db: Connection, login: string): Promise<void> {
  await attemptsModels.model(db).deleteOne({ key: throttleKey(login) });
}

/**
 * The lockout keys locked at `now` (a short list: only logins under attack or mistyped five
 * times in the last quarter of an hour). The accounts list marks and filters locked accounts with it.
 */
export async function lockedKeys(db: Connection, now = new Date()): Promise<string[]> {
  const records = await attemptsModels.model(db).find({ lockedUntil: trusted({ $gt: now }) }, { key: 1 }).lean<Pick<LoginAttempts, 'key'>[]>();
  return records.map((r) => r.key);
}
