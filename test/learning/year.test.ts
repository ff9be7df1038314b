/** The training year and due days are Vietnam's calendar, whatever the server's time zone. */
import { expect } from 'chai';
import { statusAt } from '../../server/progress/my-modules';
import { endOfDueDay, trainingYear } from '../../server/progress/year';

describe('training year and due dates (Asia/Ho_Chi_Minh)', () => {
  it('the year turns at midnight in Vietnam (17:00 UTC on 31/12)', () => {
    expect(trainingYear(new Date('2026-12-31T16:59:59Z'))).to.equal(2026);
    expect(trainingYear(new Date('2026-12-31T17:00:00Z'))).to.equal(2027);
  });

  it('a due date lasts until the end of that day in Vietnam', () => {
    // 30/06/2026 as stored by a date input (UTC midnight) ends at 01/07 00:00 Vietnam time
    expect(endOfDueDay(new Date('2026-06-30T00:00:00Z')).toISOString()).to.equal('2026-06-30T17:00:00.000Z');
    expect(endOfDueDay(new Date('2026-06-30T16:59:00Z')).toISOString()).to.equal('2026-06-30T17:00:00.000Z');
  });

  it('status: quá hạn only when not completed and the due day is over; computed at read time', () => {
    const due = new Date('2026-06-30T00:00:00Z');
    const before = new Date('2026-06-30T16:59:59Z');
    const after = new Date('2026-06-30T17:00:00Z');
    expect(statusAt(null, due, before)).to.equal('not-started');
    expect(statusAt(null, due, after)).to.equal('overdue');
    expect(statusAt({ status: 'in-progress' }, due, after)).to.equal('overdue');
    expect(statusAt({ status: 'in-progress' }, due, before)).to.equal('in-progress');
    expect(statusAt({ status: 'completed' }, due, after)).to.equal('completed');
    expect(statusAt({ status: 'in-progress' }, null, after)).to.equal('in-progress');
  });
});
