/**
 * Random strings for per-request values (request ids, CSRF seeds) from a pooled buffer of
 * the same CSPRNG: one randomFillSync per 4 KiB instead of one randomBytes call per
 * request (a measurable share of a page's CPU, issue #16). Each byte is handed out once.
 */
import { randomFillSync } from 'node:crypto';

const pool = Buffer.allocUnsafe(4096);
let offset = pool.length;

function take(size: number): number {
  if (size > pool.length) throw new RangeError(`at most ${pool.length} random bytes at once`);
  if (offset + size > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const start = offset;
  offset += size;
  return start;
}

/** `size` random bytes as hex. */
export function randomHex(size: number): string {
  const start = take(size);
  return pool.toString('hex', start, start + size);
}

/** `size` random bytes as base64url. */
export function randomBase64url(size: number): string {
  const start = take(size);
  return pool.toString('base64url', start, start + size);
}
