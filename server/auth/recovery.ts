/**
 * Account recovery: "forgot password" sends a single-use link to the account's e-mail,
 * and the link sets a new password. The same link page also sets the first password of
 * an invited account (see ./invitations.ts), so both flows share `setPasswordWithToken`.
 */
import type { Types } from 'mongoose';
import { recordAudit } from '../audit/service';
import type { Env } from '../env';
import type { Services } from '../http/context';
import { passwordResetEmail } from '../mail';
import { userModel, type User } from '../users/model';
import { findAccountByLogin, setPassword } from '../users/service';
import { consumeToken, discardUnusedTokens, issueToken, lastIssuedAt, peekToken, TOKEN_LIFETIME_MS, type TokenPurpose } from './single-use-tokens';
import { clearFailures } from './throttle';

/** How long a reset link is valid, in minutes (what the e-mail and the page say). */
export const RESET_MINUTES = TOKEN_LIFETIME_MS.reset / 60_000;

/**
 * At most one reset e-mail per account per this many milliseconds: the per-address rate
 * limit cannot stop someone rotating addresses from flooding one person's mailbox.
 */
export const RESET_RESEND_COOLDOWN_MS = 60_000;

export interface RequestFacts {
  ip: string | null;
  requestId: string | null;
}

/** The link to the password page for `token`; the token rides in the query, which request logs leave out. */
export function passwordLink(config: Pick<Env, 'PUBLIC_URL'>, token: string): string {
  return `${config.PUBLIC_URL}/password/reset?token=${encodeURIComponent(token)}`;
}

/** The login an account should type: the mã cán bộ for officers, else the login name or e-mail. */
export function loginOf(account: Pick<User, 'officerCode' | 'username' | 'email'>): string {
  return account.officerCode ?? account.username ?? account.email ?? '';
}

/**
 * Handles a "forgot password" request for whatever was typed as `login`. Says nothing
 * about the outcome (the caller answers the same page either way): an unknown login, an
 * inactive account or one without e-mail simply receive nothing. Audited in every case.
 */
export async function requestPasswordReset(services: Services, login: string, facts: RequestFacts, now = new Date()): Promise<void> {
  const { db } = services;
  const account = await findAccountByLogin(db, login);
  let outcome: 'sent' | 'send_failed' | 'no_account' | 'no_email' | 'cooldown' = 'no_account';
  if (account?.active && account.email) {
    const last = await lastIssuedAt(db, account._id, 'reset');
    if (last && now.getTime() - last.getTime() < RESET_RESEND_COOLDOWN_MS) outcome = 'cooldown';
    else {
      const { token } = await issueToken(db, account._id, 'reset', now);
      const mail = passwordResetEmail({ name: account.displayName, link: passwordLink(services.config, token), minutes: RESET_MINUTES, locale: account.locale });
      try {
        await services.mailer.send({ to: account.email, ...mail });
        outcome = 'sent';
      } catch (error) {
        // nobody is waiting for this answer: the failure goes to the log and the audit, the user may ask again
        services.log.error({ err: error, requestId: facts.requestId }, 'password reset e-mail failed');
        outcome = 'send_failed';
      }
    }
  } else if (account) outcome = 'no_email';
  await recordAudit(db, {
    action: 'auth.reset_requested',
    actor: null,
    subject: account ? { type: 'account', id: account._id } : null,
    ip: facts.ip,
    requestId: facts.requestId,
    details: { login: login.slice(0, 100), outcome },
  });
}

/** What the password page shows about a valid link. */
export interface TokenTarget {
  purpose: TokenPurpose;
  displayName: string;
  login: string;
}

async function activeAccount(db: Services['db'], accountId: Types.ObjectId): Promise<User | null> {
  const account = await userModel(db).findById(accountId).lean<User>();
  return account?.active ? account : null;
}

/** The account a still-valid link belongs to, without using the link up; null for a bad, used or expired link. */
export async function describeToken(services: Services, token: string): Promise<TokenTarget | null> {
  const record = await peekToken(services.db, token);
  const account = record && (await activeAccount(services.db, record.accountId));
  return record && account ? { purpose: record.purpose, displayName: account.displayName, login: loginOf(account) } : null;
}

/**
 * Uses the link and sets `password` (already validated by the caller, so a rejected
 * password never burns the link). Setting the password bumps the token version, which
 * ends every existing session; the login lockout of every login key is lifted and any
 * other outstanding link of the account stops working. Null when the link is bad, used
 * or expired (or the account was deactivated meanwhile).
 */
export async function setPasswordWithToken(services: Services, token: string, password: string, facts: RequestFacts): Promise<{ purpose: TokenPurpose; account: User } | null> {
  const { db, config } = services;
  const record = await consumeToken(db, token);
  if (!record) return null;
  const account = await activeAccount(db, record.accountId);
  if (!account) return null;
  const updated = await setPassword(db, account._id, password, config.BCRYPT_COST);
  await discardUnusedTokens(db, account._id);
  for (const key of [account._id.toHexString(), account.username, account.email, account.officerCode]) if (key) await clearFailures(db, key);
  await recordAudit(db, {
    action: 'auth.password_reset',
    actor: { id: account._id, name: account.displayName },
    subject: { type: 'account', id: account._id },
    unitId: account.unitId,
    ip: facts.ip,
    requestId: facts.requestId,
    details: { purpose: record.purpose },
  });
  return { purpose: record.purpose, account: updated };
}
