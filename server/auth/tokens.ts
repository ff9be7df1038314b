/**
 * Session tokens: JWTs signed with HS256 only (the algorithm is pinned on both sides, so
 * `alg: none` or an RS/HS confusion is refused), with an expiry, an audience, a unique id
 * (revoked on logout) and the account's token version (bumped to revoke every session).
 */
import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

const ALGORITHM = 'HS256';
const ISSUER = 'vhcv';
const AUDIENCE = 'vhcv-session';

// jsonwebtoken first tries to read a string secret as a PEM public key, which costs
// ~0.4 ms per request; a secret KeyObject made once skips that
const keys = new Map<string, KeyObject>();
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  return key;
}

export interface SessionClaims {
  /** account id */
  sub: string;
  /** token id, for revoking this one session */
  jti: string;
  /** the account's tokenVersion when signed */
  ver: number;
  /** expiry, seconds since the epoch */
  exp: number;
}

/** A signed session token valid for `minutes`. */
export function signSession(account: { id: string; tokenVersion: number }, secret: string, minutes: number): { token: string; claims: SessionClaims } {
  const jti = randomBytes(16).toString('hex');
  const token = jwt.sign({ ver: account.tokenVersion }, keyOf(secret), { algorithm: ALGORITHM, expiresIn: minutes * 60, issuer: ISSUER, audience: AUDIENCE, subject: account.id, jwtid: jti });
  const claims = jwt.decode(token) as SessionClaims;
  return { token, claims };
}

/**
 * Tokens whose signature and claims were already checked, by secret and token: every
 * page request verifies its session token, and an officer sends the same one for hours.
 * The verdict is a pure function of the token's bytes and the secret, so it holds on every
 * instance; only the expiry moves with the clock, and is checked again on each use.
 * Revocation is not decided here (the account is read on every request: session.ts).
 * Bounded: past VERIFIED_MAX entries the oldest are dropped (Map keeps insertion order).
 */
const verified = new Map<string, SessionClaims>();
const VERIFIED_MAX = 20_000;

/** The claims of a valid token, or null for anything tampered, expired, unsigned or malformed. */
export function verifySession(token: string, secret: string): SessionClaims | null {
  const key = `${secret}\u0000${token}`;
  const known = verified.get(key);
  // the same test as jsonwebtoken's (no clock tolerance): expired once now ≥ exp
  if (known) return Math.floor(Date.now() / 1000) < known.exp ? known : null;
  const claims = checkToken(token, secret);
  if (claims) {
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
    verified.set(key, Object.freeze(claims));
  }
  return claims;
}

function checkToken(token: string, secret: string): SessionClaims | null {
  try {
    const claims = jwt.verify(token, keyOf(secret), { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE });
    if (typeof claims !== 'object' || typeof claims.sub !== 'string' || typeof claims.jti !== 'string' || typeof claims['ver'] !== 'number' || typeof claims.exp !== 'number') return null;
    return { sub: claims.sub, jti: claims.jti, ver: claims['ver'] as number, exp: claims.exp };
  } catch {
    return null;
  }
}
