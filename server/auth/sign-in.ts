/**
 * The sign-in command shared by the login page and the API: the account, its lockout, then the
 * password check (spending bcrypt time even when there is no such account), audit both
 * outcomes. Callers get one of three answers and say nothing more specific to the user.
 */
import { signInFailures } from '../metrics/registry';
import type { Services } from '../http/context';
import { recordAudit } from '../audit/service';
import { findAccountByLogin, recordSignIn } from '../users/service';
import type { User } from '../users/model';
import { verifyAgainstNothing, verifyPassword } from './passwords';
import { clearFailures, isLocked, lockoutCounters, lockoutSubject, recordFailure } from './throttle';

export type SignInResult = { ok: true; account: User } | { ok: false; reason: 'invalid' | 'locked' };

export async function signIn(services: Services, login: string, password: string, request: { ip: string | null; requestId: string | null }): Promise<SignInResult> {
  const { db, config } = services;
  const audit = (action: string, account: User | null, details: Record<string, unknown> = {}) =>
    recordAudit(db, { action, actor: account ? { id: account._id, name: account.displayName } : null, ip: request.ip, requestId: request.requestId, details });
  // the account first: failures count against it whichever of its logins was typed
  const account = await findAccountByLogin(db, login);
  const subject = lockoutSubject(account, login);
  const counters = lockoutCounters(subject, request.ip);
  if (await isLocked(db, counters)) {
    await audit('auth.sign_in_locked', null, { login: login.slice(0, 100) });
    signInFailures.inc({ reason: 'locked' });
    return { ok: false, reason: 'locked' };
  }
  const usable = account && account.active && account.passwordHash;
  const ok = usable ? await verifyPassword(password, account.passwordHash!) : await verifyAgainstNothing(password, config.BCRYPT_COST);
  if (!ok || !account) {
    const locked = await recordFailure(db, counters);
    await audit('auth.sign_in_failed', account ?? null, { login: login.slice(0, 100), locked });
    signInFailures.inc({ reason: 'invalid' });
    return { ok: false, reason: locked ? 'locked' : 'invalid' };
  }
  await clearFailures(db, subject);
  await recordSignIn(db, account._id);
  await audit('auth.sign_in', account);
  return { ok: true, account };
}
