/**
 * "Nhắc nhở" now, over HTTP with a real SMTP server: the schedule of a campaign edited
 * and validated; the API and the page form (the dashboards' checkboxes, or everyone of
 * the caller's subtree not done) remind, once per officer per day (429 after), never
 * officers outside the caller's subtree (403, nothing sent), audited; a delivery the mail
 * server refuses is retried and, given up, shown on the admin's outbox page.
 */
import { expect } from 'chai';
import type { Types } from 'mongoose';
import { auditModel } from '../../server/audit/model';
import { createCampaign, setStatus } from '../../server/campaigns/service';
import { createCampaignInput } from '../../server/campaigns/schema';
import type { Campaign } from '../../server/campaigns/model';
import { noticeModel } from '../../server/campaigns/notices';
import type { Officer } from '../../server/officers/model';
import { progressModel } from '../../server/progress/model';
import { MAX_ATTEMPTS, retryFailed } from '../../server/reminders/delivery';
import { reminderRecordModel } from '../../server/reminders/model';
import { createAccount } from '../../server/users/service';
import type { Unit } from '../../server/units/model';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { startTestSmtp, type TestSmtp } from '../support/smtp';
import { buildCampaignWorld, PASSWORD, YEAR, type CampaignWorld } from '../campaigns/world';

describe('reminders: "Nhắc nhở" now and the schedule over HTTP', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  let smtp: TestSmtp;
  let w: CampaignWorld;
  let serial = 0;
  const db = () => tp.platform.services.db;
  const errorId = (reply: { json<T>(): T }) => reply.json<{ error: { id: string } }>().error.id;

  before(async () => {
    smtp = await startTestSmtp();
    tp = await startTestPlatform('reminders-now', { SMTP_URL: smtp.url });
    w = await buildCampaignWorld(tp);
  });
  after(async () => {
    await tp?.close();
    await smtp?.close();
  });

  /** An open campaign of A for `officers`, one module due at the end of the year. */
  async function campaignFor(officers: Officer[], owner: Unit = w.units.A): Promise<Campaign> {
    const input = createCampaignInput.parse({
      name: `Kế hoạch nhắc nhở ${++serial}`,
      year: YEAR,
      ownerUnitId: String(owner._id),
      modules: [{ moduleId: String(w.modules[0]), dueDate: `31/12/${YEAR}` }],
      audience: { officerIds: officers.map((o) => String(o._id)) },
    });
    return setStatus(db(), await createCampaign(db(), input, null, new Date()), 'open', new Date());
  }
  const remind = (c: Client, campaign: Campaign, officerIds: Types.ObjectId[]) => c.request('POST', `/api/v1/campaigns/${campaign._id.toHexString()}/reminders`, { json: { officerIds: officerIds.map(String) } });
  /** A signed-in browser session (cookies, CSRF) of a new account of `role` on `unit`. */
  async function browser(role: 'coordinator' | 'manager', unit: Unit): Promise<Client> {
    const login = `nn.${role}.${++serial}`;
    await createAccount(db(), { username: login, displayName: `Nhắc nhở ${login}`, role, unitId: unit._id, password: PASSWORD }, 4);
    const c = tp.client();
    await c.signIn(login, PASSWORD);
    return c;
  }

  describe('the schedule of a campaign', () => {
    it('defaults to 14 and 3 days before, the due date, weekly after; stores a valid change; refuses repeated days', async () => {
      const campaign = await campaignFor([await w.officer(w.units.A1)]);
      const path = `/api/v1/campaigns/${campaign._id.toHexString()}`;
      expect((await w.clients.coordinator.get(path)).json().campaign.reminders).to.deep.equal({ daysBefore: [14, 3], onDueDate: true, overdueEveryDays: 7 });
      const changed = await w.clients.coordinator.request('PUT', `${path}/reminders`, { json: { daysBefore: [3, 10], onDueDate: false, overdueEveryDays: 0 } });
      expect(changed.status, changed.text).to.equal(200);
      expect(changed.json().campaign.reminders).to.deep.equal({ daysBefore: [10, 3], onDueDate: false, overdueEveryDays: 0 });
      const twice = await w.clients.coordinator.request('PUT', `${path}/reminders`, { json: { daysBefore: [3, 3], onDueDate: true, overdueEveryDays: 7 } });
      expect(twice.status).to.equal(422);
      expect(twice.json().error.details).to.deep.include({ field: 'daysBefore', id: 'reminder_days_invalid', message: 'Số ngày nhắc trước hạn phải là số nguyên từ 1 đến 90, không trùng nhau, tối đa 5 mốc' });
      const negative = await w.clients.coordinator.request('PUT', `${path}/reminders`, { json: { daysBefore: [0], onDueDate: true, overdueEveryDays: 7 } });
      expect(negative.status).to.equal(422);
      expect((await w.clients.coordinator.get(path)).json().campaign.reminders.daysBefore, 'nothing stored by a refusal').to.deep.equal([10, 3]);
      const manager = await w.clients.manager.request('PUT', `${path}/reminders`, { json: { daysBefore: [5], onDueDate: true, overdueEveryDays: 7 } });
      expect(manager.status).to.equal(403);
    });
  });

  describe('the schedule form of the campaign page', () => {
    it('shows the stored schedule, saves a change (audited), turns reminders off, refuses bad days on the form', async () => {
      const campaign = await campaignFor([await w.officer(w.units.A1)]);
      const coordinator = await browser('coordinator', w.units.A);
      const page = `/campaigns/${campaign._id.toHexString()}`;
      const api = `/api/v1/campaigns/${campaign._id.toHexString()}`;
      const stored = async () => (await w.clients.coordinator.get(api)).json().campaign.reminders;
      const shown = await coordinator.get(page);
      expect(shown.text).to.contain(`action="${page}/reminder-schedule"`).and.contain('name="daysBefore" type="text" value="14, 3"').and.contain('id="schedule-on-due" name="onDueDate" type="checkbox" checked');

      const saved = await coordinator.submit(`${page}/reminder-schedule`, { daysBefore: '10; 2', onDueDate: 'on', overdue: 'on', overdueEveryDays: '14' }, page);
      expect(saved.status, saved.text.slice(0, 500)).to.equal(303);
      expect(saved.location).to.equal(`${page}?done=schedule_changed`);
      expect(await stored()).to.deep.equal({ daysBefore: [10, 2], onDueDate: true, overdueEveryDays: 14 });
      expect((await coordinator.get(saved.location!)).text).to.contain('Đã lưu lịch nhắc nhở của kế hoạch.').and.contain('Trước hạn 10, 2 ngày; vào ngày đến hạn; sau đó 14 ngày một lần khi còn quá hạn.');
      const audit = await auditModel(db()).findOne({ action: 'campaign.reminders', subjectId: String(campaign._id) }).lean();
      expect(audit?.details).to.include({ onDueDate: true, overdueEveryDays: 14 });

      const off = await coordinator.submit(`${page}/reminder-schedule`, { daysBefore: '', overdueEveryDays: '7' }, page);
      expect(off.status).to.equal(303);
      expect(await stored()).to.deep.equal({ daysBefore: [], onDueDate: false, overdueEveryDays: 0 });

      const repeated = await coordinator.submit(`${page}/reminder-schedule`, { daysBefore: '3, 3', onDueDate: 'on' }, page);
      expect(repeated.status).to.equal(422);
      expect(repeated.text).to.contain('Số ngày nhắc trước hạn phải là số nguyên từ 1 đến 90, không trùng nhau, tối đa 5 mốc').and.contain('value="3, 3"');
      for (const days of ['0', '91', 'mười', '1, 2, 3, 4, 5, 6']) expect((await coordinator.submit(`${page}/reminder-schedule`, { daysBefore: days }, page)).status, days).to.equal(422);
      const every = await coordinator.submit(`${page}/reminder-schedule`, { daysBefore: '5', overdue: 'on', overdueEveryDays: '0' }, page);
      expect(every.status).to.equal(422);
      expect(every.text).to.contain('Số ngày giữa hai lần nhắc khi quá hạn phải là số nguyên từ 1 đến 60');
      expect(await stored(), 'nothing stored by a refusal').to.deep.equal({ daysBefore: [], onDueDate: false, overdueEveryDays: 0 });

      const manager = await browser('manager', w.units.A);
      expect((await manager.submit(`${page}/reminder-schedule`, { daysBefore: '5' }, page)).status).to.equal(403);
      await setStatus(db(), campaign, 'closed', new Date());
      const closed = await coordinator.submit(`${page}/reminder-schedule`, { daysBefore: '5' }, page);
      expect(closed.status).to.equal(409);
      expect(await stored()).to.deep.equal({ daysBefore: [], onDueDate: false, overdueEveryDays: 0 });
    });
  });

  describe('over the API', () => {
    it('reminds the chosen officers once a day: a mail with the module link, a notice, an audit record; 429 the second time', async () => {
      const withMail = await w.officer(w.units.A1, { email: `nhac.ngay.${++serial}@example.vn`, fullName: 'Lê Thị Ánh' });
      const noMail = await w.officer(w.units.A2);
      const done = await w.officer(w.units.A1, { email: `da.xong.${++serial}@example.vn` });
      const campaign = await campaignFor([withMail, noMail, done]);
      await progressModel(db()).create({ officerId: done._id, moduleId: w.modules[0], year: YEAR, version: 1, unitId: w.units.A1._id, status: 'completed', itemCount: 1, percent: 100, startedAt: new Date(), completedAt: new Date() });

      const reply = await remind(w.clients.manager, campaign, [withMail._id, noMail._id, done._id]);
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.json()).to.deep.equal({ reminded: 2, skipped: 0 });
      const mail = await smtp.waitFor((m) => m.to.includes(withMail.email!));
      expect(mail.subject).to.equal(`Nhắc nhở học phần «Học phần kế hoạch 1»: hạn hoàn thành 31/12/${YEAR}`);
      expect(mail.text).to.contain('Kính gửi Lê Thị Ánh,').and.contain(`${tp.base}/learn/modules/${w.modules[0]!.toHexString()}`);
      expect(smtp.messages.filter((m) => m.to.includes(done.email!)), 'never to who completed').to.deep.equal([]);
      expect(await noticeModel(db()).countDocuments({ officerId: noMail._id })).to.equal(1);
      expect(await noticeModel(db()).countDocuments({ officerId: withMail._id })).to.equal(1);
      const audit = await auditModel(db()).findOne({ action: 'reminder.send', 'subject.id': campaign._id }).lean();
      expect(audit?.details).to.include({ reminded: 2, skipped: 0 });

      const again = await remind(w.clients.coordinator, campaign, [withMail._id, noMail._id]);
      expect(again.status).to.equal(429);
      expect(errorId(again)).to.equal('reminder_too_soon');
      expect(again.json().error.message).to.equal('Các cán bộ đã chọn đều đã được nhắc nhở hôm nay; mỗi cán bộ chỉ được nhắc một lần mỗi ngày cho một kế hoạch.');
      expect(smtp.messages.filter((m) => m.to.includes(withMail.email!))).to.have.length(1);
    });

    it('refuses officers outside the caller’s subtree (403), sending nothing to the others either', async () => {
      const mine = await w.officer(w.units.A1, { email: `cua.toi.${++serial}@example.vn` });
      const theirs = await w.officer(w.units.B1, { email: `cua.ho.${++serial}@example.vn` });
      const campaign = await campaignFor([mine, theirs], w.units.P);
      const reply = await remind(w.clients.manager, campaign, [mine._id, theirs._id]);
      expect(reply.status).to.equal(403);
      expect(await reminderRecordModel(db()).countDocuments({ campaignId: campaign._id })).to.equal(0);
      const officer = await w.client('officer', w.units.A1._id, mine);
      expect((await remind(officer, campaign, [mine._id])).status).to.equal(403);
      const none = await remind(w.clients.coordinator, campaign, []);
      expect(none.status).to.equal(422);
      const closed = await campaignFor([mine]);
      await setStatus(db(), closed, 'closed', new Date());
      const refused = await remind(w.clients.coordinator, closed, [mine._id]);
      expect(refused.status).to.equal(409);
      expect(errorId(refused)).to.equal('reminder_campaign_not_open');
    });
  });

  describe('from the pages', () => {
    it('the campaign page offers "Nhắc nhở" for its officers not done; pressing it reminds them and says how many', async () => {
      const officers = [await w.officer(w.units.A1, { email: `trang.${++serial}@example.vn` }), await w.officer(w.units.A2)];
      const campaign = await campaignFor(officers);
      const coordinator = await browser('coordinator', w.units.A);
      const page = `/campaigns/${campaign._id.toHexString()}`;
      const before = await coordinator.get(page);
      expect(before.text).to.contain('2 cán bộ đang được giao học phần của kế hoạch chưa hoàn thành.').and.contain(`action="${page}/remind"`);
      const pressed = await coordinator.submit(`${page}/remind`, {}, page);
      expect(pressed.status, pressed.text.slice(0, 500)).to.equal(303);
      expect(pressed.location).to.equal(`${page}?reminded=2&skipped=0`);
      expect((await coordinator.get(pressed.location!)).text).to.contain('Đã gửi nhắc nhở cho 2 cán bộ; 0 cán bộ đã được nhắc hôm nay nên không gửi lại.');
      await smtp.waitFor((m) => m.to.includes(officers[0]!.email!));
      const twice = await coordinator.submit(`${page}/remind`, {}, page);
      expect(twice.status).to.equal(429);
      expect(twice.text).to.contain('mỗi cán bộ chỉ được nhắc một lần mỗi ngày');
    });

    it('takes the dashboards’ checkboxes (officerIds) and goes back where the form came from', async () => {
      const officers = [await w.officer(w.units.A1), await w.officer(w.units.A1)];
      const campaign = await campaignFor(officers);
      const manager = await browser('manager', w.units.A1);
      const page = `/campaigns/${campaign._id.toHexString()}`;
      const reply = await manager.request('POST', `${page}/remind`, { form: { _csrf: await manager.csrf('/'), officerIds: String(officers[1]!._id), back: '/dashboards/units?year=2026' } });
      expect(reply.status, reply.text.slice(0, 500)).to.equal(303);
      expect(reply.location).to.equal('/dashboards/units?year=2026&reminded=1&skipped=0');
      const offsite = await manager.request('POST', `${page}/remind`, { form: { _csrf: await manager.csrf('/'), officerIds: String(officers[0]!._id), back: '//evil.example/x' } });
      expect(offsite.location, 'never another site').to.equal(`${page}?reminded=1&skipped=0`);
    });
  });

  describe('delivery failures', () => {
    it('retries a refused mail later, gives up after the last attempt and shows it on the admin’s outbox page', async () => {
      const refused = await w.officer(w.units.A1, { email: `tu.choi.${++serial}@example.vn` });
      const recovers = await w.officer(w.units.A1, { email: `thu.lai.${++serial}@example.vn` });
      smtp.refused.add(refused.email!);
      smtp.refused.add(recovers.email!);
      const campaign = await campaignFor([refused, recovers]);
      expect((await remind(w.clients.coordinator, campaign, [refused._id, recovers._id])).json()).to.deep.equal({ reminded: 2, skipped: 0 });
      const record = async (o: Officer) => (await reminderRecordModel(db()).findOne({ officerId: o._id, campaignId: campaign._id }).lean())!;
      expect(await record(refused)).to.include({ status: 'retry', attempts: 1 });

      const admin = tp.client();
      await createAccount(db(), { username: `qtv.nn.${++serial}`, displayName: 'Quản trị nhắc nhở', role: 'admin', password: PASSWORD }, 4);
      await admin.signIn(`qtv.nn.${serial}`, PASSWORD);
      const first = await admin.get('/admin/outbox');
      expect(first.status, first.text.slice(0, 2000)).to.equal(200);
      expect(first.text).to.contain('Nhắc nhở chưa gửi được').and.contain(refused.email!).and.contain('Chờ thử lại');

      // not yet time for the retry: nothing happens
      expect(await retryFailed(tp.platform.services, new Date())).to.deep.equal({ sent: 0, failed: 0 });
      smtp.refused.delete(recovers.email!);
      let later = Date.now();
      for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
        later += 3 * 3600_000;
        await retryFailed(tp.platform.services, new Date(later));
      }
      expect(await record(recovers)).to.include({ status: 'sent', attempts: 2 });
      expect(smtp.messages.filter((m) => m.to.includes(recovers.email!))).to.have.length(1);
      expect(await record(refused)).to.include({ status: 'failed', attempts: MAX_ATTEMPTS });
      expect((await record(refused)).lastError).to.contain('550');
      const outbox = (await admin.get('/admin/outbox')).text;
      expect(outbox).to.contain(refused.email!).and.contain('Đã bỏ cuộc').and.not.contain(recovers.email!);
    });
  });
});
