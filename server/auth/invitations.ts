/**
 * Invitations: officers imported from a list have an HR record but no account. Inviting
 * one creates an officer account without a password (or reuses the one an earlier,
 * unanswered invitation created) and e-mails a 72-hour link to set the first password;
 * they then sign in with their mã cán bộ. Authorization is the caller's (the routes).
 */
import { trusted, type Types } from 'mongoose';
import { recordAudit } from '../audit/service';
import { AppError, conflict, notFound } from '../errors';
import type { Services } from '../http/context';
import { invitationEmail, MailDeliveryError } from '../mail';
import { EMPLOYED_STATUSES, officerModel, type Officer } from '../officers/model';
import { subtreeIds } from '../units/service';
import { userModel, type User } from '../users/model';
import { createAccount } from '../users/service';
import { passwordLink, type RequestFacts } from './recovery';
import { issueToken, TOKEN_LIFETIME_MS } from './single-use-tokens';

/** How long an invitation link is valid, in hours. */
export const INVITE_HOURS = TOKEN_LIFETIME_MS.invite / 3600_000;

/** Who is inviting, for the audit log. */
export interface Inviter extends RequestFacts {
  id: Types.ObjectId;
  name: string;
}

const accountOfOfficer = (services: Services, officer: Pick<Officer, '_id' | 'code'>) =>
  userModel(services.db).findOne({ $or: trusted([{ officerId: officer._id }, { officerCode: officer.code }]) }).lean<User>();

/** The officer's account, created when missing; a concurrent invitation of the same officer is reused, not duplicated. */
async function ensureAccount(services: Services, officer: Officer & { email: string }): Promise<{ account: User; created: boolean }> {
  const existing = await accountOfOfficer(services, officer);
  if (existing) {
    if (existing.passwordHash) throw conflict('invite_account_exists');
    if (!existing.active) throw conflict('invite_account_inactive');
    // the HR record is the source of truth: a corrected e-mail or name reaches the account too
    // (a coordinator's or manager's unit is their scope, not their desk: only an officer account follows the officer)
    const unit = existing.role === 'officer' ? { unitId: officer.unitId } : {};
    const updated = await userModel(services.db)
      .findByIdAndUpdate(existing._id, { $set: { email: officer.email, displayName: officer.fullName, officerId: officer._id, ...unit } }, { returnDocument: 'after' })
      .lean<User>();
    return { account: updated ?? existing, created: false };
  }
  const input = { role: 'officer' as const, unitId: officer.unitId, officerId: officer._id, officerCode: officer.code, email: officer.email, displayName: officer.fullName, mustChangePassword: true };
  try {
    return { account: await createAccount(services.db, input, services.config.BCRYPT_COST), created: true };
  } catch (error) {
    const raced = error instanceof AppError && error.id === 'account_login_taken' ? await accountOfOfficer(services, officer) : null;
    if (raced && !raced.passwordHash) return { account: raced, created: false };
    throw error;
  }
}

/**
 * Invites the officer `officerId`: 404 when there is no such officer, 409 when they no
 * longer serve or already use an account, 422 'invite_no_email' without an e-mail on
 * record, 502 'invite_mail_failed' when the mail server refuses. Audited as 'account.invited'.
 */
export async function inviteOfficer(services: Services, officerId: Types.ObjectId, actor: Inviter): Promise<{ email: string; account: User }> {
  const officer = await officerModel(services.db).findById(officerId).lean<Officer>();
  if (!officer) throw notFound('officer_not_found');
  if (!EMPLOYED_STATUSES.includes(officer.status)) throw conflict('officer_not_employed');
  if (!officer.email) throw new AppError(422, 'invite_no_email');
  const email = officer.email;
  const { account, created } = await ensureAccount(services, { ...officer, email });
  const { token } = await issueToken(services.db, account._id, 'invite');
  const mail = invitationEmail({ name: officer.fullName, login: officer.code, link: passwordLink(services.config, token), hours: INVITE_HOURS, locale: account.locale });
  try {
    await services.mailer.send({ to: email, ...mail });
  } catch (error) {
    if (!(error instanceof MailDeliveryError)) throw error;
    services.log.error({ err: error, requestId: actor.requestId }, 'invitation e-mail failed');
    throw new AppError(502, 'invite_mail_failed');
  }
  await recordAudit(services.db, {
    action: 'account.invited',
    actor: { id: actor.id, name: actor.name },
    subject: { type: 'officer', id: officer._id },
    unitId: officer.unitId,
    ip: actor.ip,
    requestId: actor.requestId,
    details: { accountId: account._id.toHexString(), created },
  });
  return { email, account };
}

/** What inviting a unit did, in officers. */
export interface InviteAllResult {
  sent: number;
  skippedNoEmail: number;
  alreadyHaveAccount: number;
  failed: number;
}

/** Parallel sends: the mailer's SMTP pool has three connections. */
const SEND_CONCURRENCY = 3;

/**
 * Invites every serving officer of the unit `unitId` and the units below it who has an
 * e-mail and no account yet. One failure (a refused address) does not stop the others;
 * it is counted in `failed`. `onProgress` hears the counts so far and how many officers
 * there are in all, after the plan and after each officer.
 */
export async function inviteAll(services: Services, unitId: Types.ObjectId, actor: Inviter, onProgress: (counts: InviteAllResult, officers: number) => void = () => undefined): Promise<InviteAllResult> {
  const units = await subtreeIds(services.db, unitId);
  const officers = await officerModel(services.db)
    .find({ unitId: trusted({ $in: units }), status: trusted({ $in: EMPLOYED_STATUSES }) }, { _id: 1, code: 1, email: 1 })
    .sort({ code: 1 })
    .lean<Pick<Officer, '_id' | 'code' | 'email'>[]>();
  const accounts = await userModel(services.db)
    .find({ $or: trusted([{ officerId: trusted({ $in: officers.map((o) => o._id) }) }, { officerCode: trusted({ $in: officers.map((o) => o.code) }) }]) }, { officerId: 1, officerCode: 1 })
    .lean<Pick<User, 'officerId' | 'officerCode'>[]>();
  const hasAccount = new Set(accounts.flatMap((a) => [a.officerId?.toHexString(), a.officerCode].filter((k): k is string => !!k)));
  const result: InviteAllResult = { sent: 0, skippedNoEmail: 0, alreadyHaveAccount: 0, failed: 0 };
  const queue: Types.ObjectId[] = [];
  for (const officer of officers) {
    if (hasAccount.has(officer._id.toHexString()) || hasAccount.has(officer.code)) result.alreadyHaveAccount += 1;
    else if (!officer.email) result.skippedNoEmail += 1;
    else queue.push(officer._id);
  }
  const report = () => onProgress({ ...result }, officers.length);
  report();
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      try {
        await inviteOfficer(services, next, actor);
        result.sent += 1;
      } catch (error) {
        // an account created meanwhile (another coordinator, a double click) is not a failure
        if (error instanceof AppError && error.id === 'invite_account_exists') result.alreadyHaveAccount += 1;
        else {
          if (!(error instanceof AppError)) services.log.error({ err: error, requestId: actor.requestId }, 'invitation failed');
          result.failed += 1;
        }
      }
      report();
    }
  };
  await Promise.all(Array.from({ length: SEND_CONCURRENCY }, worker));
  return result;
}
