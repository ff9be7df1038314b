/** Campaign days: a real day, inside the campaign's year, as instants in Asia/Ho_Chi_Minh. */
import { invalid, type FieldProblem } from '../errors';
import { endOfDayInVietnam, parseDay } from '../assignments/service';
import { todayInVietnam } from '../units/forms';

const startOfDayInVietnam = (day: string) => new Date(`${day}T00:00:00+07:00`);
/** yyyy-mm-dd of an instant, in Vietnam. */
export const vietnamDay = (at: Date) => todayInVietnam(at);
/** dd/mm/yyyy of an instant, in Vietnam (for notices and audit details). */
export const vietnamDate = (at: Date) => vietnamDay(at).split('-').reverse().join('/');

/**
 * `value` as a day of `year`: 422 on `field` when it is no real day
 * ('field_invalid_date'), in another year ('campaign_date_outside_year') or, with
 * `notBefore`, earlier than that day ('campaign_due_past').
 */
export function dayOfYear(value: string, year: number, field: string, notBefore?: Date): string {
  const day = parseDay(value);
  const problem = (id: FieldProblem['id']) => invalid([{ field, id }]);
  if (!day) throw problem('field_invalid_date');
  if (Number(day.slice(0, 4)) !== year) throw Object.assign(problem('campaign_date_outside_year'), { params: { year } });
  if (notBefore && day < vietnamDay(notBefore)) throw problem('campaign_due_past');
  return day;
}

/** The due instant of a day: its end in Vietnam. */
export const dueInstant = endOfDayInVietnam;
/** The opening instant of a day: its start in Vietnam. */
export const openingInstant = startOfDayInVietnam;

/** The same day `years` later (29/02 becomes 28/02). */
export function shiftYears(at: Date, years: number): Date {
  const [y, m, d] = vietnamDay(at).split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  const day = `${y + years}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
  return at.getTime() === startOfDayInVietnam(vietnamDay(at)).getTime() ? startOfDayInVietnam(day) : endOfDayInVietnam(day);
}
