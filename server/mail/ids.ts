/**
 * Mail ids: a UTC timestamp to the millisecond plus 48 random bits, e.g.
 * `20260314T101522123Z-3f9a0c1b2d4e`. Fixed width and only [0-9a-zA-Z-], so ids sort by
 * time as plain strings and are safe as file names.
 */
import { randomBytes } from 'node:crypto';

/** Exactly the ids `newMailId()` makes; anything else (`../x`, `/etc`, NUL) fails. */
export const MAIL_ID_PATTERN = /^\d{8}T\d{9}Z-[0-9a-f]{12}$/;

let lastMs = 0;

/** A new, unique, time-sortable message id. */
export function newMailId(): string {
  // strictly increasing within the process, so two messages sent in the same
  // millisecond still list in the order they were sent
  lastMs = Math.max(Date.now(), lastMs + 1);
  const stamp = new Date(lastMs).toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${randomBytes(6).toString('hex')}`;
}

/** True when `value` is a well-formed message id (and so a safe file name). */
export function isMailId(value: unknown): value is string {
  return typeof value === 'string' && MAIL_ID_PATTERN.test(value);
}
