/**
 * Dates in Asia/Ho_Chi_Minh by arithmetic on the fixed UTC+7 offset (server/progress/year.ts,
 * issue #16: an Intl format per call showed in the officer pages' profile) must read exactly
 * as the time-zone database formats them, whatever the server's own time zone.
 */
import { expect } from 'chai';
import { formatDate, formatDateTime } from '../../server/http/views';
import { todayInVietnam } from '../../server/units/forms';
import { trainingYear } from '../../server/progress/year';

const zone = { timeZone: 'Asia/Ho_Chi_Minh' } as const;
const intlDay = new Intl.DateTimeFormat('en-CA', { ...zone, year: 'numeric', month: '2-digit', day: '2-digit' });
const intlDate = new Intl.DateTimeFormat('vi-VN', { ...zone, day: '2-digit', month: '2-digit', year: 'numeric' });
const intlDateTime = new Intl.DateTimeFormat('en-GB', { ...zone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** Every 37 minutes from 2024 to 2028, and each side of every Vietnam midnight of a year's ends. */
function instants(): Date[] {
  const out: Date[] = [];
  for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2028, 0, 1); t += 37 * 60_000) out.push(new Date(t));
  for (const year of [2025, 2026, 2027]) {
    const midnight = Date.UTC(year, 0, 1) - 7 * 3600_000;
    for (const delta of [-60_001, -1, 0, 1, 59_999]) out.push(new Date(midnight + delta));
  }
  return out;
}

describe('dates in Vietnam by the fixed offset', () => {
  it('give the same day, date, date-time and year as the time-zone database', () => {
    for (const at of instants()) {
      expect(todayInVietnam(at), at.toISOString()).to.equal(intlDay.format(at));
      expect(formatDate(at), at.toISOString()).to.equal(intlDate.format(at));
      expect(formatDateTime(at), at.toISOString()).to.equal(intlDateTime.format(at).replace(',', ''));
      expect(trainingYear(at), at.toISOString()).to.equal(Number(intlDay.format(at).slice(0, 4)));
    }
  });

  it('formats 31/12 17:00 UTC as the next day in Vietnam', () => {
    const at = new Date(Date.UTC(2026, 11, 31, 17, 0));
    expect(formatDate(at)).to.equal('01/01/2027');
    expect(formatDateTime(at)).to.equal('01/01/2027 00:00');
    expect(todayInVietnam(at)).to.equal('2027-01-01');
  });

  it('formats nothing as an empty string', () => {
    expect(formatDate(null)).to.equal('');
    expect(formatDateTime(undefined)).to.equal('');
  });
});
