/**
 * Who is making this request: a session token from the httpOnly cookie (pages) or an
 * `Authorization: Bearer` header (JSON API), checked against the account on every
 * request so that deactivation, password change and "log out everywhere" take effect at
 * once. The result lands in res.locals.session; routes decide what it may do.
 */
import type { NextFunction, Request, Response } from 'express';
import { Types } from 'mongoose';
import { findFirst, rawCollection } from '../db/raw';
import type { Services } from '../http/context';
import type { Actor } from '../policies';
import { userModel, type User } from '../users/model';
import { isRevoked } from './revocations';
import { signSession, verifySession, type SessionClaims } from './tokens';

export const SESSION_COOKIE = 'vhcv_session';

export interface Session {
  account: User;
  claims: SessionClaims;
  /** how the token arrived: a cookie needs CSRF tokens on writes, a bearer header does not */
  via: 'cookie' | 'bearer';
}

function tokenOf(req: Request): { token: string; via: Session['via'] } | null {
  const header = req.get('authorization');
  if (header) {
    const match = /^Bearer ([A-Za-z0-9._-]+)$/.exec(header);
    return match ? { token: match[1]!, via: 'bearer' } : null;
  }
  const cookie = req.cookies?.[SESSION_COOKIE] as unknown;
  return typeof cookie === 'string' && cookie ? { token: cookie, via: 'cookie' } : null;
}

/** The session of `req`, or null (no token, or a token that is no longer good). */
export async function loadSession(services: Services, req: Request): Promise<Session | null> {
  const found = tokenOf(req);
  if (!found) return null;
  const claims = verifySession(found.token, services.secret);
  if (!claims || !/^[0-9a-f]{24}$/.test(claims.sub)) return null;
  // every request: the driver's read, without mongoose's query layer (server/db/raw.ts); the id was checked above
  const account = await findFirst<User>(rawCollection(userModel(services.db)), { _id: new Types.ObjectId(claims.sub) });
  if (!account || !account.active || account.tokenVersion !== claims.ver || isRevoked(account, claims.jti)) return null;
  return { account, claims, via: found.via };
}

/** Middleware: fills res.locals.session (or null). */
export function sessionLoader(services: Services) {
  return (req: Request, res: Response, next: NextFunction) => {
    loadSession(services, req).then((session) => {
      res.locals['session'] = session;
      next();
    }, next);
  };
}

/** The policy module's view of an account. */
export function actorOf(account: User): Actor {
  return { id: account._id.toHexString(), role: account.role, unitId: account.unitId, officerId: account.officerId };
}

/** Starts a page session: a fresh token in the httpOnly cookie. */
export function startCookieSession(res: Response, services: Services, account: User): void {
  const { token } = signSession({ id: account._id.toHexString(), tokenVersion: account.tokenVersion }, services.secret, services.config.SESSION_MINUTES);
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: services.config.PUBLIC_URL.startsWith('https:'),
    path: '/',
    maxAge: services.config.SESSION_MINUTES * 60_000,
  });
}

export function clearCookieSession(res: Response, services: Services): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: services.config.PUBLIC_URL.startsWith('https:'), path: '/' });
}
