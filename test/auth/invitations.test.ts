/**
 * Invitations through a real SMTP server: a coordinator invites one officer or a whole
 * unit; the e-mailed link sets the first password; the officer signs in with mã cán bộ.
 */
import { expect } from 'chai';
import type { Types } from 'mongoose';
import { startTestPlatform, type Client, type Reply, type TestPlatform } from '../http';
import { buildOfficer, buildUnit } from '../factories';
import { startTestSmtp, type TestSmtp } from '../support/smtp';
import { auditModel } from '../../server/audit/model';
import { updateOfficer } from '../../server/officers/service';
import { t } from '../../server/i18n';
import { createAccount } from '../../server/users/service';
import { userModel, type User } from '../../server/users/model';
import type { Unit } from '../../server/units/model';

const PASSWORD = 'mật khẩu điều phối viên';
const FIRST = 'Mật khẩu đầu tiên của cán bộ';
const LINK = /http:\/\/localhost:3000\/password\/reset\?token=([A-Za-z0-9_-]{43})/;

describe('auth: invitations (real SMTP)', function () {
  let smtp: TestSmtp;
  let tp: TestPlatform;
  let province: Unit;
  let department: Unit;
  let elsewhere: Unit;
  let coordinator: Client;

  before(async () => {
    smtp = await startTestSmtp();
    tp = await startTestPlatform('invitations', { SMTP_URL: smtp.url, PUBLIC_URL: 'http://localhost:3000' });
    province = await buildUnit({ name: 'Tỉnh thử' });
    department = await buildUnit({ parentId: province._id, name: 'Sở thử', kind: 'department' });
    elsewhere = await buildUnit({ name: 'Tỉnh khác' });
    await createAccount(tp.platform.services.db, { username: 'dieu.phoi', displayName: 'Điều phối viên', role: 'coordinator', unitId: department._id, password: PASSWORD }, 4);
    coordinator = tp.client();
    await coordinator.signIn('dieu.phoi', PASSWORD);
  });
  after(async () => {
    await tp?.close();
    await smtp?.close();
  });

  const invite = (client: Client, officerId: unknown) => client.submit(`/officers/${String(officerId)}/invite`, {}, '/password/change');
  /** Starts the invitation job, waits for it to end (polling its status as the page does) and returns its page. */
  const inviteAll = async (client: Client, unitId: unknown): Promise<Reply> => {
    const started = await client.submit(`/units/${String(unitId)}/invite-all`, {}, '/password/change');
    if (started.status !== 303) return started;
    expect(started.location).to.match(/^\/invitations\/jobs\/[0-9a-f]{24}$/);
    for (let polls = 0; (await client.request('GET', `${started.location}/status`)).json().job.status === 'running'; polls++) {
      if (polls > 600) throw new Error('the invitation job did not end within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return client.request('GET', started.location!);
  };
  const accountOf = (officerId: Types.ObjectId) => userModel(tp.platform.services.db).findOne({ officerId }).lean<User>();
  const tokenFor = async (address: string, after = 0) => LINK.exec((await smtp.waitFor((m) => m.to.includes(address) && smtp.messages.indexOf(m) >= after)).text)![1]!;
  const counts = (html: string) => Object.fromEntries([...html.matchAll(/data-count="([a-z-]+)">([\d.,]+)</g)].map((m) => [m[1], Number(m[2])]));

  it('invites an officer: the e-mailed link sets the first password and they sign in with mã cán bộ', async () => {
    const officer = await buildOfficer({ unitId: department._id, email: 'tran.binh@sonha.example' });
    const reply = await invite(coordinator, officer._id);
    expect(reply.status, reply.text.slice(0, 300)).to.equal(200);
    expect(reply.text).to.contain('tran.binh@sonha.example');

    const account = (await accountOf(officer._id))!;
    expect(account).to.include({ role: 'officer', officerCode: officer.code, email: 'tran.binh@sonha.example', displayName: officer.fullName, passwordHash: null, mustChangePassword: true });
    expect(account.unitId!.equals(department._id)).to.equal(true);

    const mail = await smtp.waitFor((m) => m.to.includes('tran.binh@sonha.example'));
    expect(mail.subject).to.equal(t('vi', 'mail_invite_subject'));
    expect(mail.text).to.contain(officer.code).and.contain('72');
    const token = LINK.exec(mail.text)![1]!;

    const form = await tp.client().get(`/password/reset?token=${token}`);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain(t('vi', 'reset_invite_title')).and.contain(officer.code);
    // signing in before the password is set is impossible
    expect((await tp.client().submit('/login', { login: officer.code, password: FIRST })).status).to.equal(401);

    const set = await tp.client().submit('/password/reset', { token, newPassword: FIRST, confirmPassword: FIRST }, '/password/forgot');
    expect(set.status).to.equal(303);
    expect(set.location).to.equal('/login?activated=1');
    expect((await tp.client().get('/login?activated=1')).text).to.contain(t('vi', 'account_activated'));

    const signedIn = await tp.client().signIn(officer.code.toLowerCase(), FIRST);
    expect(signedIn.location, 'the first password was chosen from the link: no forced change').to.equal('/');
    const audit = await auditModel(tp.platform.services.db).findOne({ action: 'account.invited', subjectId: officer._id.toHexString() }).lean();
    expect(audit).to.include({ actorName: 'Điều phối viên' });
  });

  it('refuses without an e-mail on record (422 invite_no_email), and outside the coordinator\'s subtree (403)', async () => {
    const noEmail = await buildOfficer({ unitId: department._id });
    const reply = await invite(coordinator, noEmail._id);
    expect(reply.status).to.equal(422);
    expect(reply.text).to.contain(t('vi', 'invite_no_email'));
    expect(await accountOf(noEmail._id)).to.equal(null);

    const outside = await buildOfficer({ unitId: elsewhere._id, email: 'ngoai.pham.vi@sonha.example' });
    expect((await invite(coordinator, outside._id)).status).to.equal(403);
    expect(await accountOf(outside._id)).to.equal(null);
  });

  it('an officer or a manager cannot invite (403)', async () => {
    const target = await buildOfficer({ unitId: department._id, email: 'muc.tieu@sonha.example' });
    const self = await buildOfficer({ unitId: department._id });
    await createAccount(tp.platform.services.db, { username: 'can.bo', displayName: 'Cán bộ', role: 'officer', unitId: department._id, officerId: self._id, officerCode: self.code, password: PASSWORD }, 4);
    await createAccount(tp.platform.services.db, { username: 'thu.truong', displayName: 'Thủ trưởng', role: 'manager', unitId: department._id, password: PASSWORD }, 4);
    for (const login of ['can.bo', 'thu.truong']) {
      const client = tp.client();
      await client.signIn(login, PASSWORD);
      expect((await invite(client, target._id)).status, login).to.equal(403);
      expect((await inviteAll(client, department._id)).status, login).to.equal(403);
    }
  });

  it('inviting again reuses the pending account and only the newest link works; an active account is 409', async () => {
    const officer = await buildOfficer({ unitId: department._id, email: 'le.cuong@sonha.example' });
    await invite(coordinator, officer._id);
    const first = await tokenFor('le.cuong@sonha.example');
    const mark = smtp.messages.length;
    // the e-mail was corrected in the HR record before the second invitation
    await updateOfficer(tp.platform.services.db, officer._id, { email: 'cuong.le@sonha.example' });
    expect((await invite(coordinator, officer._id)).status).to.equal(200);
    const second = await tokenFor('cuong.le@sonha.example', mark);
    expect(await userModel(tp.platform.services.db).countDocuments({ officerId: officer._id })).to.equal(1);
    expect((await accountOf(officer._id))!.email).to.equal('cuong.le@sonha.example');

    expect((await tp.client().get(`/password/reset?token=${first}`)).status).to.equal(410);
    expect((await tp.client().submit('/password/reset', { token: second, newPassword: FIRST, confirmPassword: FIRST }, '/password/forgot')).status).to.equal(303);
    expect((await invite(coordinator, officer._id)).status).to.equal(409);
  });

  it('invite-all invites the subtree\'s serving officers with an e-mail and no account, and counts the rest', async () => {
    const unit = await buildUnit({ parentId: department._id, name: 'Phòng mời' });
    const below = await buildUnit({ parentId: unit._id, name: 'Tổ mời' });
    await buildOfficer({ unitId: unit._id, email: 'moi.mot@sonha.example' });
    await buildOfficer({ unitId: below._id, email: 'moi.hai@sonha.example' });
    await buildOfficer({ unitId: below._id });
    await buildOfficer({ unitId: unit._id, email: 'da.nghi@sonha.example', status: 'retired' });
    const withAccount = await buildOfficer({ unitId: unit._id, email: 'co.roi@sonha.example' });
    await createAccount(tp.platform.services.db, { email: 'co.roi@sonha.example', displayName: withAccount.fullName, role: 'officer', officerId: withAccount._id, officerCode: withAccount.code, password: PASSWORD }, 4);

    const reply = await inviteAll(coordinator, unit._id);
    expect(reply.status, /<main[\s\S]*<\/main>/.exec(reply.text)?.[0]).to.equal(200);
    expect(counts(reply.text)).to.deep.equal({ sent: 2, 'no-email': 1, 'has-account': 1 });
    await smtp.waitFor((m) => m.to.includes('moi.mot@sonha.example'));
    await smtp.waitFor((m) => m.to.includes('moi.hai@sonha.example'));
    expect(smtp.messages.some((m) => m.to.includes('da.nghi@sonha.example'))).to.equal(false);

    const again = await inviteAll(coordinator, unit._id);
    expect(counts(again.text)).to.deep.equal({ sent: 0, 'no-email': 1, 'has-account': 3 });
    const summary = await auditModel(tp.platform.services.db).find({ action: 'account.invited_unit', subjectId: unit._id.toHexString() }).lean();
    expect(summary).to.have.length(2);
  });

  it('invite-all runs in the background: the page follows its progress, another user cannot see it, one run at a time', async () => {
    const unit = await buildUnit({ parentId: department._id, name: 'Phòng đông người' });
    for (let i = 0; i < 40; i++) await buildOfficer({ unitId: unit._id, email: `dong.${i}@sonha.example` });
    smtp.delayMs = 100; // each delivery takes a while, as a real mail server's does (long enough to watch the job run on a loaded machine)
    try {
      const started = await coordinator.submit(`/units/${String(unit._id)}/invite-all`, {}, '/password/change');
      expect(started.status).to.equal(303);
      const page = await coordinator.request('GET', started.location!);
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('id="job-progress"').and.contain('data-status="running"');
      // the job is stored, then claimed by an instance, which counts the officers first
      let first = (await coordinator.request('GET', `${started.location}/status`)).json().job;
      while (first.status === 'running' && first.officers === 0) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        first = (await coordinator.request('GET', `${started.location}/status`)).json().job;
      }
      expect(first).to.include({ status: 'running', officers: 40 });
      expect(first.percent).to.be.within(0, 99);

      const again = await coordinator.submit(`/units/${String(unit._id)}/invite-all`, {}, '/password/change');
      expect(again.status, 'a second run while the first goes on').to.equal(429);

      const other = tp.client();
      await createAccount(tp.platform.services.db, { username: 'dieu.phoi.khac', displayName: 'Điều phối khác', role: 'coordinator', unitId: department._id, password: PASSWORD }, 4);
      await other.signIn('dieu.phoi.khac', PASSWORD);
      expect((await other.request('GET', started.location!)).status, "another coordinator's view of the job").to.equal(404);
      expect((await other.request('GET', `${started.location}/status`)).status).to.equal(404);

      let job = first;
      while (job.status === 'running') {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const next = (await coordinator.request('GET', `${started.location}/status`)).json().job;
        expect(next.handled, 'progress never goes back').to.be.at.least(job.handled);
        job = next;
      }
      expect(job).to.include({ status: 'done', percent: 100, handled: 40 });
      expect(job.result).to.deep.equal({ sent: 40, skippedNoEmail: 0, alreadyHaveAccount: 0, failed: 0 });
      const done = await coordinator.request('GET', started.location!);
      expect(counts(done.text)).to.deep.equal({ sent: 40, 'no-email': 0, 'has-account': 0 });
      expect(done.text).to.contain('data-status="done"');

      // a script asking for JSON gets 202 and where to follow the job
      const csrf = await coordinator.csrf('/password/change');
      const api = await coordinator.request('POST', `/units/${String(unit._id)}/invite-all`, { form: { _csrf: csrf }, headers: { accept: 'application/json' } });
      expect(api.status).to.equal(202);
      expect(api.json().url).to.match(/^\/invitations\/jobs\/[0-9a-f]{24}$/);
      expect(api.json().job).to.include({ status: 'running' });
    } finally {
      smtp.delayMs = 0;
    }
  });

  it('invite-all on a unit outside the coordinator\'s subtree is 403', async () => {
    expect((await inviteAll(coordinator, elsewhere._id)).status).to.equal(403);
  });
});
