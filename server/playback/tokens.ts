/**
 * Playback tokens: what authenticates a package's page and its commits on the content
 * origin, where no session cookie ever goes. A JWT pinned to HS256 with its own audience
 * and a key derived from the platform secret (a session token is never a playback token
 * and the other way round), valid PLAYBACK_TOKEN_MINUTES. It names one attempt, the
 * opening (session) of it, the package tree it may read and the SCO's launch page.
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { ScoRules } from '../packages/scorm-manifest';

const ALGORITHM = 'HS256';
const ISSUER = 'vhcv';
const AUDIENCE = 'vhcv-playback';

export interface PlaybackClaims {
  /** attempt id */
  att: string;
  /** the opening of the attempt this token belongs to (1, 2, …) */
  ses: number;
  /** sha256 of the package: the tree under PACKAGES_DIR the token may read */
  pkg: string;
  kind: 'scorm12' | 'scorm2004' | 'h5p';
  /** launch path inside the tree, with its ?query / #fragment */
  launch: string;
  /** the SCO's mastery rules from the manifest (commits are judged by them) */
  rules?: ScoRules;
  /** a completed attempt opened for review: the player shows it read-only, commits are not kept */
  review?: true;
  exp: number;
}

/** Only finite numbers of the known rules survive verification. */
function rulesOf(value: unknown): ScoRules | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const rules: ScoRules = {};
  for (const key of ['masteryScore', 'scaledPassingScore', 'completionThreshold'] as const) {
    const n = (value as Record<string, unknown>)[key];
    if (typeof n === 'number' && Number.isFinite(n)) rules[key] = n;
  }
  return rules;
}

const keys = new Map<string, KeyObject>();
/** A key of its own, derived from the platform secret, so that no other token verifies here. */
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(createHmac('sha256', secret).update('vhcv playback tokens v1').digest())));
  return key;
}

export function signPlaybackToken(claims: Omit<PlaybackClaims, 'exp'>, secret: string, minutes: number): string {
  return jwt.sign({ ...claims }, keyOf(secret), { algorithm: ALGORITHM, expiresIn: minutes * 60, issuer: ISSUER, audience: AUDIENCE, noTimestamp: true });
}

/** The claims of a valid playback token, or null for anything tampered, expired, of another kind or malformed. */
export function verifyPlaybackToken(token: string, secret: string): PlaybackClaims | null {
  try {
    const c = jwt.verify(token, keyOf(secret), { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE }) as Record<string, unknown>;
    if (typeof c['att'] !== 'string' || !/^[0-9a-f]{24}$/.test(c['att']) || typeof c['ses'] !== 'number' || typeof c['pkg'] !== 'string' || !/^[0-9a-f]{64}$/.test(c['pkg'])) return null;
    if (c['kind'] !== 'scorm12' && c['kind'] !== 'scorm2004' && c['kind'] !== 'h5p') return null;
    if (typeof c['launch'] !== 'string' || typeof c['exp'] !== 'number') return null;
    const rules = rulesOf(c['rules']);
    return { att: c['att'], ses: c['ses'], pkg: c['pkg'], kind: c['kind'], launch: c['launch'], ...(rules ? { rules } : {}), ...(c['review'] === true ? { review: true as const } : {}), exp: c['exp'] };
  } catch {
    return null;
  }
}
