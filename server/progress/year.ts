/** The training year: the calendar year in Vietnam (Asia/Ho_Chi_Minh), whatever the server's time zone. */

/** Asia/Ho_Chi_Minh is UTC+7 all year (no daylight saving). */
const VN_OFFSET_MS = 7 * 3600_000;

/**
 * The calendar year of `now` in Asia/Ho_Chi_Minh (31/12 18:00 UTC is already next year
 * there). Plain arithmetic on the fixed offset: every page asks, and an Intl format per
 * call showed in the pages' profile (issue #16).
 */
export function trainingYear(now: Date = new Date()): number {
  return new Date(now.getTime() + VN_OFFSET_MS).getUTCFullYear();
}

/** yyyy-mm-dd and hh:mm of `at` in Asia/Ho_Chi_Minh, by the same arithmetic (an Intl format costs ~10 µs a call). */
export function vietnamClock(at: Date): { day: string; time: string } {
  const iso = new Date(at.getTime() + VN_OFFSET_MS).toISOString();
  return { day: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/**
 * The end of `date`'s day in Asia/Ho_Chi_Minh (UTC+7, no daylight saving): an assignment
 * due on 30/06 is late from 01/07 00:00 Vietnam time.
 */
export function endOfDueDay(date: Date): Date {
  const local = new Date(date.getTime() + VN_OFFSET_MS);
  const end = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1) - VN_OFFSET_MS;
  return new Date(end);
}
