/**
 * Lockout after repeated failures (issue #10, finding 5). A failure counts against its
 * *subject*: the resolved account (its id) when the login names one, whichever key was
 * typed (username, e-mail, mã cán bộ, any case or compatibility spelling such as "ſ" for
 * "s"); otherwise the login normalised once (NFKC + case fold) — so "locked" never tells an
 * attacker whether an account is real.
 *
 * Two counters per subject, so that an attacker cannot lock an administrator out from one
 * address: MAX_FAILURES within WINDOW from one client address lock that subject *from that
 * address* for LOCK; SUBJECT_MAX_FAILURES from all addresses together (a spray from many
 * machines, which the per-address rate limit does not see) lock it everywhere. A success,
 * an unlock by an administrator, or a password reset clears both.
 */
import { Schema, trusted, type Connection } from 'mongoose';
import { defineModel } from '../db/models';
import { normalizeLogin } from '../users/login';

export const MAX_FAILURES = 5;
export const SUBJECT_MAX_FAILURES = 20;
export const WINDOW_MS = 15 * 60_000;
export const LOCK_MS = 15 * 60_000;

/** One lockout counter: its key and how many failures within WINDOW_MS lock it. */
export interface Counter {
  key: string;
  max: number;
}

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

/** The lockout key of a typed login: its one normal form, the same the account lookup uses (server/users/login.ts). */
export const throttleKey = normalizeLogin;

/** What failures count against: the account's id when the login resolved to one, else the normalised login. */
export function lockoutSubject(account: { _id: { toHexString(): string } } | null, login: string): string {
  return account ? account._id.toHexString() : throttleKey(login);
}

/** The two counters of `subject` for a request from `ip`: per address, and for every address together. */
export function lockoutCounters(subject: string, ip: string | null): Counter[] {
  return [
    { key: `${subject}|${ip ?? 'unknown'}`, max: MAX_FAILURES },
    { key: subject, max: SUBJECT_MAX_FAILURES },
  ];
}

/** True while one of `counters` is locked. */
export async function isLocked(db: Connection, counters: readonly Counter[], now = new Date()): Promise<boolean> {
  const records = await attemptsModels.model(db).find({ key: trusted({ $in: counters.map((c) => c.key) }) }).lean<LoginAttempts[]>();
  return records.some((record) => !!record.lockedUntil && record.lockedUntil > now);
}

/** Counts one failure on every counter; true when one of them is now locked. */
export async function recordFailure(db: Connection, counters: readonly Counter[], now = new Date()): Promise<boolean> {
  let locked = false;
  for (const counter of counters) if (await countFailure(db, counter, now)) locked = true;
  return locked;
}

/** Counts one failure (atomically: parallel attempts cannot slip under the limit); true when the counter is now locked. */
async function countFailure(db: Connection, { key, max }: Counter, now: Date): Promise<boolean> {
  const model = attemptsModels.model(db);
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
  if (record.failures < max) return false;
  await model.updateOne({ key }, { $set: { lockedUntil: new Date(now.getTime() + LOCK_MS) } });
  return true;
}

const literal = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Forgets every failure of `subject` (an account id or a normalised login), from every address. */
export async function clearFailures(db: Connection, subject: string): Promise<void> {
  const key = throttleKey(subject);
  await attemptsModels.model(db).deleteMany({ $or: trusted([{ key }, { key: trusted({ $regex: `^${literal(key)}\\|` }) }]) });
}

/**
 * The lockout subjects locked at `now`, from any address (a short list: only logins under
 * attack or mistyped five times in the last quarter of an hour). The accounts list marks
 * and filters locked accounts with it.
 */
export async function lockedKeys(db: Connection, now = new Date()): Promise<string[]> {
  const records = await attemptsModels.model(db).find({ lockedUntil: trusted({ $gt: now }) }, { key: 1 }).lean<Pick<LoginAttempts, 'key'>[]>();
  return [...new Set(records.map((r) => r.key.split('|')[0]!))];
}
