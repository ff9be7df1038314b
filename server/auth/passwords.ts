/**
 * Password hashing. bcrypt reads at most 72 bytes, and a Vietnamese passphrase spends
 * 2–3 bytes per accented letter, so "Tôi là công chức tỉnh Sơn Hà năm hai nghìn…" would
 * be silently cut. Each password is therefore pre-hashed: SHA-256 of its NFC form,
 * base64-encoded (44 bytes, no NUL bytes that bcrypt would stop at), then bcrypt.
 */
import { createHash } from 'node:crypto';
import bcrypt from 'bcrypt';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

function prehash(password: string): string {
  return createHash('sha256').update(password.normalize('NFC'), 'utf8').digest('base64');
}

/** The bcrypt hash of `password` at work factor `cost` (each +1 doubles the time). */
export function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(prehash(password), cost);
}

/** True when `password` matches `hash`. */
export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(prehash(password), hash);
}

let dummyHash: { cost: number; hash: string } | null = null;

/**
 * Spends the same time as a real check when there is no account (or no password yet),
 * so the response time does not tell whether an account exists.
 */
export async function verifyAgainstNothing(password: string, cost: number): Promise<false> {
  if (dummyHash?.cost !== cost) dummyHash = { cost, hash: await hashPassword('không có tài khoản này', cost) };
  await verifyPassword(password, dummyHash.hash);
  return false;
}
