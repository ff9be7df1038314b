/**
 * Activation sheets for officers without e-mail: a coordinator prints, for one unit, a
 * one-time code per serving officer who has no usable account yet (none, or one whose
 * first password was never set); the officer types their mã cán bộ and the code at
 * /activate and must choose a password there. A code works once, expires at the end of the
 * day (Vietnam time) ACTIVATION_CODE_DAYS after printing, and printing a new sheet voids
 * the codes of the older one.
 * Wrong codes count towards the same lockout as wrong passwords.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { trusted, type Types } from 'mongoose';
import { recordAudit } from '../audit/service';
import { AppError } from '../errors';
import type { Services } from '../http/context';
import { EMPLOYED_STATUSES, officerModel, type Officer } from '../officers/model';
import type { Unit } from '../units/model';
import { userModel, type User } from '../users/model';
import { createAccount, findAccountByLogin, setPassword } from '../users/service';
import { discardUnusedTokens } from '../auth/single-use-tokens';
import { clearFailures, isLocked, lockoutCounters, lockoutSubject, recordFailure } from '../auth/throttle';
import type { RequestFacts } from '../auth/recovery';
import { activationCodeModel, readyActivationCodeModel, type ActivationCode } from './model';

/** 32 symbols without the look-alikes I, O, 0 and 1: 5 bits each, 60 bits per 12-symbol code. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 12;

/** Random bytes (injectable so tests can fix the codes). */
export type RandomBytes = (size: number) => Buffer;

/** How a code is printed: three groups of four ("ABCD-EFGH-JKMN"). */
export function formatActivationCode(code: string): string {
  return code.match(/.{1,4}/g)!.join('-');
}

function newCode(random: RandomBytes): string {
  // 32 symbols: the low five bits of a byte pick one without bias
  return [...random(CODE_LENGTH)].map((byte) => ALPHABET[byte & 31]).join('');
}

/** The stored form of `code`: keyed with the platform secret and bound to the account, so a code means nothing for another account. */
function hashCode(secret: string, accountId: Types.ObjectId, code: string): string {
  return createHmac('sha256', secret).update(`activation:${accountId.toHexString()}:${code}`).digest('hex');
}

/** Vietnam keeps UTC+7 all year (no daylight saving time). */
const VIETNAM_OFFSET_MS = 7 * 3600_000;

/**
 * The last millisecond of the day `moment` falls on in Vietnam: a code printed "valid until
 * 06/01/2027" works all that day, whatever hour the sheet was printed at.
 */
export function endOfVietnamDay(moment: Date): Date {
  const local = new Date(moment.getTime() + VIETNAM_OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1) - VIETNAM_OFFSET_MS - 1);
}

export interface SheetEntry {
  officerId: string;
  fullName: string;
  /** what they type as login: the mã cán bộ */
  login: string;
  position: string;
  /** as printed: ABCD-EFGH-JKMN */
  code: string;
}

export interface ActivationSheet {
  unit: { id: string; code: string; name: string };
  generatedAt: Date;
  expiresAt: Date;
  /** where to go: PUBLIC_URL/activate */
  address: string;
  entries: SheetEntry[];
  /** serving officers left off: they already use an account, theirs was deactivated, or it could not be created */
  skipped: { hasAccount: number; inactive: number; failed: number };
}

/** Who prints the sheet. */
export interface SheetIssuer {
  id: Types.ObjectId;
}

/** The accounts of `officers`, keyed by officer id (an account may be linked by id or by mã cán bộ). */
async function accountsOf(services: Services, officers: readonly Officer[]): Promise<Map<string, User>> {
  const accounts = await userModel(services.db)
    .find({ $or: trusted([{ officerId: trusted({ $in: officers.map((o) => o._id) }) }, { officerCode: trusted({ $in: officers.map((o) => o.code) }) }]) })
    .lean<User[]>();
  const byOfficer = new Map<string, User>();
  for (const officer of officers) {
    const account = accounts.find((a) => a.officerId?.equals(officer._id)) ?? accounts.find((a) => a.officerCode === officer.code);
    if (account) byOfficer.set(officer._id.toHexString(), account);
  }
  return byOfficer;
}

/** A new officer account without a password: it can only be entered with a code or an invitation. */
async function createOfficerAccount(services: Services, officer: Officer): Promise<User | null> {
  const input = { role: 'officer' as const, unitId: officer.unitId, officerId: officer._id, officerCode: officer.code, displayName: officer.fullName, mustChangePassword: true, ...(officer.email ? { email: officer.email } : {}) };
  try {
    return await createAccount(services.db, input, services.config.BCRYPT_COST);
  } catch (error) {
    if (!(error instanceof AppError && error.id === 'account_login_taken')) throw error;
    // created meanwhile (an invitation racing the sheet), or the e-mail is another account's login
    return userModel(services.db).findOne({ officerId: officer._id, passwordHash: null, active: true }).lean<User>();
  }
}

/** Who of a unit's serving officers a sheet is for, and who it leaves off and why. */
interface SheetPlan {
  /** in Vietnamese name order; `account` null: one is created when the sheet is printed */
  chosen: Array<{ officer: Officer; account: User | null }>;
  skipped: { hasAccount: number; inactive: number };
}

async function planSheet(services: Services, unitId: Types.ObjectId): Promise<SheetPlan> {
  const officers = await officerModel(services.db)
    .find({ unitId, status: trusted({ $in: EMPLOYED_STATUSES }) })
    .sort({ sortName: 1, _id: 1 })
    .lean<Officer[]>();
  const accounts = await accountsOf(services, officers);
  const plan: SheetPlan = { chosen: [], skipped: { hasAccount: 0, inactive: 0 } };
  for (const officer of officers) {
    const account = accounts.get(officer._id.toHexString()) ?? null;
    if (account && !account.active) plan.skipped.inactive += 1;
    else if (account?.passwordHash) plan.skipped.hasAccount += 1;
    else plan.chosen.push({ officer, account });
  }
  return plan;
}

/** What printing a sheet for `unitId` now would do: how many officers get a code, and how many are left off. */
export async function previewActivationSheet(services: Services, unitId: Types.ObjectId): Promise<{ candidates: number; hasAccount: number; inactive: number }> {
  const { chosen, skipped } = await planSheet(services, unitId);
  return { candidates: chosen.length, ...skipped };
}

/**
 * Prints a new activation sheet for the serving officers of `unit` (the unit itself, not
 * its sub-units: a sheet is handed out in one office) who have no usable account. Creates
 * the missing accounts, voids every older unused code of those accounts, and returns the
 * codes — the only time they exist outside a hash.
 */
export async function generateActivationSheet(services: Services, unit: Pick<Unit, '_id' | 'code' | 'name'>, issuer: SheetIssuer, now = new Date(), random: RandomBytes = randomBytes): Promise<ActivationSheet> {
  const { db, config, secret } = services;
  const plan = await planSheet(services, unit._id);
  const skipped = { ...plan.skipped, failed: 0 };
  const chosen: Array<{ officer: Officer; account: User }> = [];
  for (const { officer, account } of plan.chosen) {
    const usable = account ?? (await createOfficerAccount(services, officer));
    if (usable) chosen.push({ officer, account: usable });
    else skipped.failed += 1;
  }
  const expiresAt = endOfVietnamDay(new Date(now.getTime() + config.ACTIVATION_CODE_DAYS * 86_400_000));
  const Codes = await readyActivationCodeModel(db);
  await Codes.deleteMany({ accountId: trusted({ $in: chosen.map((c) => c.account._id) }), usedAt: null });
  const entries: SheetEntry[] = [];
  const records: Array<Omit<ActivationCode, '_id'>> = [];
  for (const { officer, account } of chosen) {
    const code = newCode(random);
    records.push({ accountId: account._id, unitId: unit._id, codeHash: hashCode(secret, account._id, code), createdAt: now, expiresAt, usedAt: null, createdBy: issuer.id });
    entries.push({ officerId: officer._id.toHexString(), fullName: officer.fullName, login: officer.code, position: officer.position ?? '', code: formatActivationCode(code) });
  }
  if (records.length) await Codes.insertMany(records);
  return { unit: { id: unit._id.toHexString(), code: unit.code, name: unit.name }, generatedAt: now, expiresAt, address: `${config.PUBLIC_URL}/activate`, entries, skipped };
}

export type ActivationResult = { ok: true; account: User } | { ok: false; reason: 'invalid' | 'locked' };

/** The live code of an account that still waits for its first password, if `code` is it. */
async function matchingCode(services: Services, account: User | null, code: string, now: Date): Promise<ActivationCode | null> {
  if (!account || !account.active || account.passwordHash) return null;
  const record = await activationCodeModel(services.db)
    .findOne({ accountId: account._id, usedAt: null, expiresAt: trusted({ $gt: now }) })
    .sort({ createdAt: -1 })
    .lean<ActivationCode>();
  if (!record) return null;
  const expected = Buffer.from(record.codeHash, 'hex');
  const given = Buffer.from(hashCode(services.secret, account._id, code), 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given) ? record : null;
}

/**
 * Activates the account `login` names with `code` (already normalised: 12 symbols, upper
 * case) and sets `password` (already validated). Answers only ok / invalid / locked, the
 * same for an unknown login, a wrong, used or expired code, or an account that already
 * has a password; every failure counts towards the login's lockout. Audited both ways.
 */
export async function activateAccount(services: Services, input: { login: string; code: string; password: string }, facts: RequestFacts, now = new Date()): Promise<ActivationResult> {
  const { db } = services;
  const audit = (action: string, account: User | null, details: Record<string, unknown> = {}) =>
    recordAudit(db, {
      action,
      actor: account ? { id: account._id, name: account.displayName } : null,
      subject: account ? { type: 'account', id: account._id } : null,
      unitId: account?.unitId ?? null,
      ip: facts.ip,
      requestId: facts.requestId,
      details: { login: input.login.slice(0, 100), ...details },
    });
  const account = await findAccountByLogin(db, input.login);
  const subject = lockoutSubject(account, input.login);
  const counters = lockoutCounters(subject, facts.ip);
  if (await isLocked(db, counters, now)) {
    await audit('auth.activation_locked', null);
    return { ok: false, reason: 'locked' };
  }
  const record = await matchingCode(services, account, input.code, now);
  // one atomic update uses the code: of two parallel tries exactly one wins
  const used = record && (await activationCodeModel(db).findOneAndUpdate({ _id: record._id, usedAt: null, expiresAt: trusted({ $gt: now }) }, { $set: { usedAt: now } }, { returnDocument: 'after' }).lean<ActivationCode>());
  if (!account || !used) {
    const locked = await recordFailure(db, counters, now);
    await audit('auth.activation_failed', null, { locked });
    return { ok: false, reason: locked ? 'locked' : 'invalid' };
  }
  const updated = await setPassword(db, account._id, input.password, services.config.BCRYPT_COST);
  // the account is in use now: older links and codes must not set its password again
  await discardUnusedTokens(db, account._id);
  await activationCodeModel(db).deleteMany({ accountId: account._id, usedAt: null });
  await clearFailures(db, subject);
  await audit('account.activated', updated);
  return { ok: true, account: updated };
}
