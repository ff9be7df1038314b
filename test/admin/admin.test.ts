/**
 * The admin's outbox and audit pages, in outbox mode (no SMTP_URL): what the platform
 * "sends" is stored and readable by the admin only; mail HTML never becomes page markup.
 */
import { expect } from 'chai';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { buildOfficer } from '../factories';
import { auditModel } from '../../server/audit/model';
import { recordAudit } from '../../server/audit/service';
import { unitModel } from '../../server/units/model';
import { t } from '../../server/i18n';
import { listOutbox, outboxDir } from '../../server/mail';
import { createAccount } from '../../server/users/service';

const PASSWORD = 'mật khẩu quản trị thử';

describe('admin: outbox and audit pages', function () {
  let tp: TestPlatform;
  let admin: Client;

  before(async () => {
    tp = await startTestPlatform('admin', { PUBLIC_URL: 'http://localhost:3000' });
    const db = tp.platform.services.db;
    const officer = await buildOfficer({ email: 'thu.ha@sonha.example' });
    await createAccount(db, { username: 'quan.tri', displayName: 'Quản trị viên', role: 'admin', password: PASSWORD }, 4);
    await createAccount(db, { username: 'dieu.phoi', displayName: 'Điều phối', role: 'coordinator', unitId: officer.unitId, password: PASSWORD }, 4);
    await createAccount(db, { email: 'thu.ha@sonha.example', displayName: 'Thu Hà', role: 'officer', unitId: officer.unitId, officerId: officer._id, officerCode: officer.code, password: PASSWORD }, 4);
    admin = tp.client();
    await admin.signIn('quan.tri', PASSWORD);
  });
  after(() => tp?.close());

  const outbox = () => listOutbox(outboxDir(tp.platform.services.config), { limit: 1_000 });

  async function waitForOutbox(predicate: (subject: string, to: string) => boolean) {
    for (let i = 0; i < 200; i++) {
      const found = (await outbox()).items.find((m) => predicate(m.subject, m.to));
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('no such message in the outbox');
  }

  it('a reset e-mail lands in the outbox; the admin lists it and reads its text with the link', async () => {
    expect((await tp.client().submit('/password/forgot', { login: 'thu.ha@sonha.example' }, '/password/forgot')).status).to.equal(200);
    const stored = await waitForOutbox((_subject, to) => to === 'thu.ha@sonha.example');

    const list = await admin.get('/admin/outbox');
    expect(list.status).to.equal(200);
    expect(list.headers.get('cache-control')).to.equal('no-store');
    expect(list.text).to.contain(t('vi', 'outbox_title')).and.contain(`href="/admin/outbox/${stored.id}"`).and.contain('thu.ha@sonha.example');
    expect(list.text).to.match(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);

    const page = await admin.get(`/admin/outbox/${stored.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(t('vi', 'mail_reset_subject')).and.match(/http:\/\/localhost:3000\/password\/reset\?token=[A-Za-z0-9_-]{43}/);
    // the mail's HTML is there only as escaped source
    expect(page.text).to.contain('&lt;p style=').and.not.contain('<p style="margin:0 0 16px">');
  });

  it('never renders mail HTML: script and markup in a message come out as text', async () => {
    const { id } = await tp.platform.services.mailer.send({
      to: 'x@sonha.example',
      subject: '<script>alert("tiêu đề")</script>',
      text: 'Nội dung <b>in đậm</b>',
      html: '<img src=x onerror="alert(1)"><script>alert(2)</script>',
    });
    const page = await admin.get(`/admin/outbox/${id}`);
    expect(page.status).to.equal(200);
    expect(page.text).not.to.contain('<script>alert').and.not.to.contain('<img src=x').and.not.to.contain('<b>in đậm</b>');
    expect(page.text).to.contain('&lt;script&gt;alert(2)&lt;/script&gt;').and.contain('&lt;b&gt;in đậm&lt;/b&gt;');
  });

  it('an unknown or malformed message id is 404, never a file read', async () => {
    for (const id of ['20260101T000000000Z-000000000000', '..%2F..%2Fsecrets%2Fjwt-secret', 'khong-co']) {
      expect((await admin.get(`/admin/outbox/${id}`)).status, id).to.equal(404);
    }
  });

  it('pages the outbox, newest first', async () => {
    const before = (await outbox()).total;
    for (let i = 1; i <= 55; i++) await tp.platform.services.mailer.send({ to: `so${i}@sonha.example`, subject: `Thư thứ ${i}`, text: `${i}` });
    const total = before + 55;
    const first = await admin.get('/admin/outbox');
    expect(first.text.match(/href="\/admin\/outbox\/\d{8}T/g)).to.have.length(50);
    expect(first.text.indexOf('Thư thứ 55')).to.be.greaterThan(-1).and.lessThan(first.text.indexOf('Thư thứ 54'));
    expect(first.text).to.contain('href="/admin/outbox?page=2"').and.contain(t('vi', 'pager_status', { page: 1, pages: Math.ceil(total / 50), total }));
    const second = await admin.get('/admin/outbox?page=2');
    expect(second.text.match(/href="\/admin\/outbox\/\d{8}T/g)).to.have.length(total - 50);
    expect(second.text).to.contain('href="/admin/outbox"');
  });

  it('the audit page lists sign-ins with time, label, actor and IP, and filters by action prefix', async () => {
    const page = await admin.get('/admin/audit');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(t('vi', 'audit_title')).and.contain(t('vi', 'audit_action_auth_sign_in')).and.contain('auth.sign_in').and.contain('Quản trị viên').and.contain('127.0.0.1');
    expect(page.text).to.match(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);

    const accounts = await admin.get('/admin/audit?action=account.');
    expect(accounts.status).to.equal(200);
    expect(accounts.text).not.to.contain('<code class="muted">auth.sign_in</code>');
    expect(accounts.text).to.contain('<option value="account." selected');

    const resets = await admin.get('/admin/audit?action=auth.reset');
    expect(resets.text).to.contain('auth.reset_requested').and.not.contain('<code class="muted">auth.sign_in</code>');
    // a malformed filter falls back to everything instead of failing
    expect((await admin.get('/admin/audit?action=%24where')).status).to.equal(200);
  });

  it('names each subject as it is called today (an officer by name and code, a unit by name), never by its id alone', async () => {
    const db = tp.platform.services.db;
    const officer = await buildOfficer({ fullName: 'Nguyễn Thu Hằng' });
    const goneId = '6b16147b0000000000000000';
    await recordAudit(db, { action: 'officer.update', subject: { type: 'officer', id: officer._id } });
    await recordAudit(db, { action: 'unit.rename', subject: { type: 'unit', id: officer.unitId } });
    await recordAudit(db, { action: 'officer.transfer', subject: { type: 'officer', id: goneId } });
    const unit = (await unitModel(db).findById(officer.unitId).lean())!;

    const page = await admin.get('/admin/audit?action=');
    expect(page.text).to.contain(`${t('vi', 'audit_subject_officer')}: Nguyễn Thu Hằng (${officer.code})`);
    expect(page.text).to.contain(`${t('vi', 'audit_subject_unit')}: ${unit.name} (${unit.code})`);
    expect(page.text).to.contain(t('vi', 'audit_subject_gone', { id: '6b16147b' })).and.not.contain(goneId);
    expect(page.text).not.to.contain(String(officer._id));
    // a labelled action shows its label; its code is only a tooltip
    expect(page.text).to.contain(`<span title="officer.update">${t('vi', 'audit_action_officer_update')}</span>`);
  });

  it('offers a filter for every area that records events (modules, packages, questions too)', async () => {
    const page = await admin.get('/admin/audit');
    for (const prefix of ['auth.', 'account.', 'unit.', 'officer.', 'import.', 'module.', 'package.', 'question.']) expect(page.text).to.contain(`<option value="${prefix}"`);
  });

  it('pages the audit log', async () => {
    const db = tp.platform.services.db;
    await auditModel(db).insertMany(Array.from({ length: 60 }, (_, i) => ({ at: new Date(Date.UTC(2025, 0, 1, 0, i)), action: 'test.bulk', details: {} })));
    const first = await admin.get('/admin/audit?action=test.');
    expect(first.text.match(/<code class="muted">test\.bulk<\/code>/g)).to.have.length(50);
    expect(first.text).to.contain('href="/admin/audit?action=test.&amp;page=2"');
    // 01/01/2025 07:59 in Asia/Ho_Chi_Minh is the newest of them (00:59 UTC)
    expect(first.text.indexOf('01/01/2025 07:59')).to.be.lessThan(first.text.indexOf('01/01/2025 07:58'));
    const second = await admin.get('/admin/audit?action=test.&page=2');
    expect(second.text.match(/<code class="muted">test\.bulk<\/code>/g)).to.have.length(10);
  });

  it('a coordinator and an officer get 403 on every admin page; anonymous is sent to sign in', async () => {
    const id = (await outbox()).items[0]!.id;
    for (const login of ['dieu.phoi', 'thu.ha@sonha.example']) {
      const client = tp.client();
      await client.signIn(login, PASSWORD);
      for (const path of ['/admin/outbox', `/admin/outbox/${id}`, '/admin/audit']) expect((await client.get(path)).status, `${login} ${path}`).to.equal(403);
    }
    const anonymous = await tp.client().get('/admin/audit');
    expect(anonymous.status).to.equal(303);
    expect(anonymous.location).to.match(/^\/login\?next=/);
  });
});
