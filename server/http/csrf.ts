/**
 * CSRF protection for everything a browser sends with cookies: a random per-browser
 * value in an httpOnly cookie, and in every form (or the X-CSRF-Token header of script
 * requests) its HMAC under the server secret over that value AND the session's token id
 * (jti). A cross-site page can make the browser send the cookie but can neither read it
 * nor compute the token. Binding to the session matters where a sibling subdomain can
 * set ("toss") a cookie for the shared parent domain (issue #10, finding 2): the attacker
 * can plant a seed of their own and learn its anonymous token from GET /login, but not
 * the token of that seed under the victim's session id. Bearer-token API calls carry no
 * ambient credential and need no token.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { randomBase64url } from './random-pool';

export const CSRF_COOKIE = 'vhcv_csrf';
export const CSRF_FIELD = '_csrf';

/**
 * The form token of a browser whose seed cookie is `seed`, signed in with the session
 * whose token id is `sessionId` ('' when signed out). Exported for the benchmark, which plays many browsers.
 */
export function tokenFor(secret: string, seed: string, sessionId: string): string {
  return createHmac('sha256', secret).update(`csrf:${seed}:${sessionId}`).digest('base64url');
}

/** The token for this browser's forms in session `sessionId` ('' signed out); sets the seed cookie on first use. */
export function csrfToken(req: Request, res: Response, secret: string, secure: boolean, sessionId: string): string {
  let seed = req.cookies?.[CSRF_COOKIE] as string | undefined;
  if (typeof seed !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(seed)) {
    seed = randomBase64url(32);
    res.cookie(CSRF_COOKIE, seed, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
    req.cookies = { ...req.cookies, [CSRF_COOKIE]: seed };
  }
  return tokenFor(secret, seed, sessionId);
}

/** True when the request carries the token matching its seed cookie and its session (`sessionId`, '' when signed out). */
export function csrfValid(req: Request, secret: string, sessionId: string): boolean {
  const seed = req.cookies?.[CSRF_COOKIE] as string | undefined;
  const body = req.body as Record<string, unknown> | undefined;
  const sent = (typeof body?.[CSRF_FIELD] === 'string' ? body[CSRF_FIELD] : req.get('x-csrf-token')) as string | undefined;
  if (typeof seed !== 'string' || typeof sent !== 'string') return false;
  const expected = Buffer.from(tokenFor(secret, seed, sessionId));
  const given = Buffer.from(sent);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
