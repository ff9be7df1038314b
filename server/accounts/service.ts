/**
 * Account commands of coordinators and admins: appoint a coordinator or manager (from an
 * officer record, or a new account without one), change an account's role or unit,
 * deactivate and reactivate, lift a sign-in lockout, and e-mail an invitation or a reset
 * link. Authorization is the routes' (they load, authorize, then call these); the rules
 * about the data itself — an inactive unit, a role that needs an officer record, one's own
 * account — are checked here, for every caller.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { AppError, conflict, invalid, notFound } from '../errors';
import type { Services } from '../http/context';
import { invitationEmail, MailDeliveryError, passwordResetEmail } from '../mail';
import { EMPLOYED_STATUSES, officerModel, type Officer } from '../officers/model';
import { unitModel, type Unit } from '../units/model';
import { userModel, type Role, type User } from '../users/model';
import { createAccount, setAccountActive } from '../users/service';
import { INVITE_HOURS } from '../auth/invitations';
import { loginOf, passwordLink, RESET_MINUTES } from '../auth/recovery';
import { discardUnusedTokens, issueToken } from '../auth/single-use-tokens';
import { clearFailures, lockedKeys } from '../auth/throttle';
import { activationCodeModel } from './model';
import { lockKeysOf } from './list';

/** What became of the invitation an appointment sends to an account that has no password yet. */
export type InvitationOutcome = 'sent' | 'failed' | 'no_email' | 'not_needed';

export interface Appointment {
  account: User;
  created: boolean;
  /** the role and unit before (null for a new account) */
  previous: { role: Role; unitId: Types.ObjectId | null } | null;
  invitation: InvitationOutcome;
}

/** The account of `officer` (linked by officer id, or by mã cán bộ), or null. */
export function accountOfOfficer(services: Services, officer: Pick<Officer, '_id' | 'code'>): Promise<User | null> {
  return userModel(services.db).findOne({ $or: trusted([{ officerId: officer._id }, { officerCode: officer.code }]) }).lean<User>();
}

/** The officer with this mã cán bộ, or 404. */
export async function findOfficerByCodeOr404(services: Services, code: string): Promise<Officer> {
  const officer = await officerModel(services.db).findOne({ code: code.toUpperCase() }).lean<Officer>();
  if (!officer) throw notFound('officer_not_found');
  return officer;
}

/** The unit an appointment acts on: it must exist and be active. */
export async function appointmentUnit(services: Services, unitId: Types.ObjectId): Promise<Unit> {
  const unit = await unitModel(services.db).findById(unitId).lean<Unit>();
  if (!unit) throw notFound('unit_not_found');
  if (!unit.active) throw conflict('unit_inactive', { code: unit.code });
  return unit;
}

/** E-mails `account` a single-use link: an invitation to set the first password, or a reset link. 502 'account_mail_failed'. */
async function mailLink(services: Services, account: User & { email: string }, purpose: 'invite' | 'reset'): Promise<void> {
  const { token } = await issueToken(services.db, account._id, purpose);
  const link = passwordLink(services.config, token);
  const mail =
    purpose === 'invite'
      ? invitationEmail({ name: account.displayName, login: loginOf(account), link, hours: INVITE_HOURS, locale: account.locale })
      : passwordResetEmail({ name: account.displayName, link, minutes: RESET_MINUTES, locale: account.locale });
  try {
    await services.mailer.send({ to: account.email, ...mail });
  } catch (error) {
    if (!(error instanceof MailDeliveryError)) throw error;
    services.log.error({ err: error }, 'account link e-mail failed');
    throw new AppError(502, 'account_mail_failed');
  }
}

/** Invites an account that still has no password, if it has an e-mail; a refused e-mail does not undo the appointment. */
async function inviteIfNeeded(services: Services, account: User): Promise<InvitationOutcome> {
  if (account.passwordHash) return 'not_needed' satisfies InvitationOutcome;
  if (!account.email) return 'no_email' satisfies InvitationOutcome;
  try {
    await mailLink(services, { ...account, email: account.email }, 'invite');
    return 'sent' satisfies InvitationOutcome;
  } catch (error) {
    if (error instanceof AppError && error.id === 'account_mail_failed') return 'failed' satisfies InvitationOutcome;
    throw error;
  }
}

/** Refuses changes to one's own account (409 'account_self'): no one demotes, moves or locks out themselves by a slip. */
function notSelf(account: User, actorId: string): void {
  if (account._id.toHexString() === actorId) throw conflict('account_self');
}

const sameUnit = (a: Types.ObjectId | null, b: Types.ObjectId | null) => (a === null ? b === null : b !== null && a.equals(b));

/**
 * Appoints the serving officer `officer` as `role` over `unit`: their account is promoted
 * (or moved), or created without a password and invited by e-mail when the record has one
 * (otherwise the activation sheet gets them in). `existing` is the officer's account as the
 * route loaded and authorized it. 409 'officer_not_employed', 'account_self',
 * 'account_inactive', 'account_already_appointed'.
 */
export async function appointOfficer(services: Services, officer: Officer, existing: User | null, role: Role, unit: Unit, actorId: string): Promise<Appointment> {
  if (!EMPLOYED_STATUSES.includes(officer.status)) throw conflict('officer_not_employed');
  if (existing) {
    notSelf(existing, actorId);
    if (!existing.active) throw conflict('account_inactive');
    if (existing.role === role && sameUnit(existing.unitId, unit._id)) throw conflict('account_already_appointed');
    const account = await userModel(services.db)
      .findByIdAndUpdate(existing._id, { $set: { role, unitId: unit._id, officerId: officer._id } }, { returnDocument: 'after' })
      .lean<User>();
    if (!account) throw notFound('account_not_found');
    return { account, created: false, previous: { role: existing.role, unitId: existing.unitId }, invitation: await inviteIfNeeded(services, account) };
  }
  const input = { role, unitId: unit._id, officerId: officer._id, officerCode: officer.code, displayName: officer.fullName, mustChangePassword: true, ...(officer.email ? { email: officer.email } : {}) };
  const account = await createAccount(services.db, input, services.config.BCRYPT_COST);
  return { account, created: true, previous: null, invitation: await inviteIfNeeded(services, account) };
}

/** Creates an account without an officer record (someone outside the staff lists) as `role` over `unit`, and invites it by e-mail. 409 'account_login_taken'. */
export async function appointNewAccount(services: Services, person: { displayName: string; email: string; username?: string | undefined }, role: Role, unit: Unit): Promise<Appointment> {
  const input = { displayName: person.displayName, email: person.email, ...(person.username ? { username: person.username } : {}), role, unitId: unit._id, mustChangePassword: true };
  const account = await createAccount(services.db, input, services.config.BCRYPT_COST);
  return { account, created: true, previous: null, invitation: await inviteIfNeeded(services, account) };
}

/** A role change as rules and the command see it: the new role and the unit it acts on (null for an admin). */
export interface RoleChange {
  role: Role;
  unit: Unit | null;
}

/**
 * What `change` asks of `account`: an officer works in their record's unit (so the role
 * needs a record), an admin has no unit, a coordinator or manager acts on an active unit.
 * 409 'account_role_needs_officer', 'unit_inactive', 'account_role_unchanged'; 422 when a
 * coordinator or manager would have no unit.
 */
export async function resolveRoleChange(services: Services, account: User, change: { role?: Role | undefined; unitId?: Types.ObjectId | undefined }): Promise<RoleChange> {
  const role = change.role ?? account.role;
  let unit: Unit | null = null;
  if (role === 'officer') {
    const officer = account.officerId ? await officerModel(services.db).findById(account.officerId, { unitId: 1 }).lean<Pick<Officer, 'unitId'>>() : null;
    if (!officer) throw conflict('account_role_needs_officer');
    unit = await unitModel(services.db).findById(officer.unitId).lean<Unit>();
    if (!unit) throw notFound('unit_not_found');
  } else if (role !== 'admin') {
    const unitId = change.unitId ?? (account.role === 'admin' ? null : account.unitId);
    if (!unitId) throw invalid([{ field: 'unitId', id: 'field_required' }]);
    unit = await appointmentUnit(services, unitId);
  }
  if (role === account.role && sameUnit(unit?._id ?? null, account.unitId)) throw conflict('account_role_unchanged');
  return { role, unit };
}

/** Gives `account` the role and unit `change` resolved to (see resolveRoleChange). */
export async function changeRole(services: Services, account: User, change: RoleChange, actorId: string): Promise<User> {
  notSelf(account, actorId);
  const updated = await userModel(services.db)
    .findByIdAndUpdate(account._id, { $set: { role: change.role, unitId: change.unit?._id ?? null } }, { returnDocument: 'after' })
    .lean<User>();
  if (!updated) throw notFound('account_not_found');
  return updated;
}

/**
 * Deactivates or reactivates `account`. Deactivation ends every session at once (the token
 * version moves on) and voids its outstanding links and activation codes. 409
 * 'account_self', 'account_already_inactive', 'account_already_active'.
 */
export async function setActive(services: Services, account: User, active: boolean, actorId: string): Promise<User> {
  notSelf(account, actorId);
  if (account.active === active) throw conflict(active ? 'account_already_active' : 'account_already_inactive');
  const updated = await setAccountActive(services.db, account._id, active);
  if (!active) {
    await discardUnusedTokens(services.db, account._id);
    await activationCodeModel(services.db).deleteMany({ accountId: account._id, usedAt: null });
  }
  return updated;
}

/** True while a sign-in lockout holds one of the account's logins. */
export async function isAccountLocked(db: Connection, account: User, now = new Date()): Promise<boolean> {
  const locked = new Set(await lockedKeys(db, now));
  return lockKeysOf(account).some((key) => locked.has(key));
}

/** Lifts the sign-in lockout of every login of `account` (and forgets its failures); says whether one was locked. */
export async function unlockAccount(services: Services, account: User, now = new Date()): Promise<{ wasLocked: boolean }> {
  const wasLocked = await isAccountLocked(services.db, account, now);
  for (const key of lockKeysOf(account)) await clearFailures(services.db, key);
  return { wasLocked };
}

/**
 * E-mails `account` the link it needs: an invitation while it has no password, else a
 * password-reset link. 409 'account_inactive'; 422 'account_no_email' (print an activation
 * sheet instead); 502 'account_mail_failed'.
 */
export async function sendAccountLink(services: Services, account: User): Promise<'invite' | 'reset'> {
  if (!account.active) throw conflict('account_inactive');
  if (!account.email) throw new AppError(422, 'account_no_email');
  const purpose = account.passwordHash ? 'reset' : 'invite';
  await mailLink(services, { ...account, email: account.email }, purpose);
  return purpose;
}
