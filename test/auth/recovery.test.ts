/**
 * Password recovery end to end, through a real SMTP server: the forgot-password page, the
 * e-mailed single-use link, the new password, and everything that must stop working
 * afterwards (the old password, the link itself, old sessions, expired links).
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { trusted } from 'mongoose';
import { startTestPlatform, type TestPlatform } from '../http';
import { startTestSmtp, type ReceivedMail, type TestSmtp } from '../support/smtp';
import { auditModel, type AuditEvent } from '../../server/audit/model';
import { consumeToken, issueToken, peekToken, singleUseTokenModel } from '../../server/auth/single-use-tokens';
import { MAX_FAILURES } from '../../server/auth/throttle';
import { t } from '../../server/i18n';
import { createAccount } from '../../server/users/service';
import type { User } from '../../server/users/model';

const OLD = 'mật khẩu cũ của tôi';
const NEW = 'Mật khẩu mới: đoàn kết, kỷ cương';
const LINK = /http:\/\/localhost:3000\/password\/reset\?token=([A-Za-z0-9_-]{43})/;

/** The token of the reset link in `mail`. */
function tokenIn(mail: ReceivedMail): string {
  const match = LINK.exec(mail.text);
  if (!match) throw new Error(`no reset link in: ${mail.text}`);
  return match[1]!;
}

/** Polls `probe` until it returns something (background work finishes after the response). */
async function eventually<T>(probe: () => Promise<T | null | undefined>, ms = 5_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('auth: password recovery by e-mail (real SMTP)', function () {
  let smtp: TestSmtp;
  let tp: TestPlatform;
  let seq = 0;

  before(async () => {
    smtp = await startTestSmtp();
    tp = await startTestPlatform('recovery', { SMTP_URL: smtp.url, PUBLIC_URL: 'http://localhost:3000' });
  });
  after(async () => {
    await tp?.close();
    await smtp?.close();
  });

  /** A fresh account with an e-mail (each test its own: a reset e-mail per account per minute). */
  async function account(overrides: { email?: string | null } = {}): Promise<User> {
    const n = ++seq;
    const email = overrides.email === null ? {} : { email: overrides.email ?? `nguoi.dung${n}@sonha.example` };
    return createAccount(tp.platform.services.db, { username: `nguoi.dung${n}`, displayName: `Người dùng ${n}`, role: 'officer', password: OLD, ...email }, 4);
  }

  async function requestReset(login: string) {
    return tp.client().submit('/password/forgot', { login }, '/password/forgot');
  }

  async function resetMailFor(address: string): Promise<string> {
    return tokenIn(await smtp.waitFor((m) => m.to.includes(address)));
  }

  async function submitNewPassword(token: string, password = NEW, confirm = password) {
    return tp.client().submit('/password/reset', { token, newPassword: password, confirmPassword: confirm }, '/password/forgot');
  }

  it('resets a password end to end: link by e-mail, form, new password works, old one and old sessions do not', async () => {
    const user = await account();
    const old = tp.client();
    await old.signIn(user.username!, OLD);
    expect((await old.get('/api/v1/me')).status).to.equal(200);

    const asked = await requestReset(user.username!);
    expect(asked.status).to.equal(200);
    expect(asked.text).to.contain(t('vi', 'forgot_sent', { minutes: 30 }));

    const mail = await smtp.waitFor((m) => m.to.includes(user.email!));
    expect(mail.subject).to.equal(t('vi', 'mail_reset_subject'));
    const token = tokenIn(mail);

    const form = await tp.client().get(`/password/reset?token=${token}`);
    expect(form.status).to.equal(200);
    expect(form.headers.get('cache-control')).to.equal('no-store');
    expect(form.text).to.contain(t('vi', 'reset_title')).and.contain(`name="token" value="${token}"`).and.contain('name="newPassword"');

    // a password that breaks the rules is refused without using the link up
    const short = await submitNewPassword(token, 'ngắn');
    expect(short.status).to.equal(422);
    expect(short.text).to.contain('aria-invalid="true"').and.contain(t('vi', 'password_too_short'));
    const mismatch = await submitNewPassword(token, NEW, `${NEW}!`);
    expect(mismatch.status).to.equal(422);
    expect(mismatch.text).to.contain(t('vi', 'password_mismatch'));

    const done = await submitNewPassword(token);
    expect(done.status).to.equal(303);
    expect(done.location).to.equal('/login?reset=1');
    expect((await tp.client().get('/login?reset=1')).text).to.contain(t('vi', 'password_reset_done'));

    await tp.client().signIn(user.username!, NEW);
    expect((await tp.client().submit('/login', { login: user.username!, password: OLD })).status).to.equal(401);
    expect((await old.get('/api/v1/me')).status, 'the session from before the reset has ended').to.equal(401);

    const again = await submitNewPassword(token, 'một mật khẩu khác nữa');
    expect(again.status).to.equal(410);
    expect(again.text).to.contain(t('vi', 'reset_link_invalid')).and.contain('href="/password/forgot"');
    expect((await tp.client().get(`/password/reset?token=${token}`)).status).to.equal(410);

    const actions = (await auditModel(tp.platform.services.db).find({ subjectId: user._id.toHexString() }).lean<AuditEvent[]>()).map((e) => e.action);
    expect(actions).to.include.members(['auth.reset_requested', 'auth.password_reset']);
  });

  it('stores only a SHA-256 of the token, never the token itself', async () => {
    const user = await account();
    await requestReset(user.email!);
    const token = await resetMailFor(user.email!);
    const stored = await singleUseTokenModel(tp.platform.services.db).find({ accountId: user._id }).lean();
    expect(stored).to.have.length(1);
    expect(stored[0]!.tokenHash).to.equal(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(stored)).not.to.contain(token);
    expect(stored[0]!.expiresAt.getTime() - stored[0]!.createdAt.getTime()).to.equal(30 * 60_000);
  });

  it('an expired link is refused on the page and on submit, and the password stays', async () => {
    const user = await account();
    await requestReset(user.username!);
    const token = await resetMailFor(user.email!);
    await singleUseTokenModel(tp.platform.services.db).updateOne({ accountId: user._id }, { $set: { expiresAt: new Date(Date.now() - 1_000) } });
    const page = await tp.client().get(`/password/reset?token=${token}`);
    expect(page.status).to.equal(410);
    expect(page.text).to.contain(t('vi', 'reset_link_invalid_title'));
    expect((await submitNewPassword(token)).status).to.equal(410);
    await tp.client().signIn(user.username!, OLD);
  });

  it('a malformed or unknown token gets the same "expired or used" page', async () => {
    for (const url of ['/password/reset', '/password/reset?token=abc', `/password/reset?token=${'A'.repeat(43)}`]) {
      const reply = await tp.client().get(url);
      expect(reply.status, url).to.equal(410);
      expect(reply.text).to.contain(t('vi', 'reset_link_invalid'));
    }
  });

  it('two parallel submits of one link: exactly one sets the password', async () => {
    const user = await account();
    await requestReset(user.username!);
    const token = await resetMailFor(user.email!);
    const replies = await Promise.all([submitNewPassword(token, `${NEW} một`), submitNewPassword(token, `${NEW} hai`)]);
    expect(replies.map((r) => r.status).sort()).to.deep.equal([303, 410]);
  });

  it('consumeToken is atomic and a newer token replaces an older unused one', async () => {
    const db = tp.platform.services.db;
    const user = await account();
    const first = await issueToken(db, user._id, 'reset');
    const second = await issueToken(db, user._id, 'reset');
    expect(await peekToken(db, first.token)).to.equal(null);
    expect(await peekToken(db, second.token)).not.to.equal(null);
    const results = await Promise.all(Array.from({ length: 8 }, () => consumeToken(db, second.token)));
    expect(results.filter(Boolean)).to.have.length(1);
    expect(await peekToken(db, second.token)).to.equal(null);
  });

  it('an unknown login, or an account without e-mail, gets the same page and status, and nothing is sent', async () => {
    const known = await account();
    const withoutEmail = await account({ email: null });
    const before = smtp.messages.length;
    const replies = [await requestReset('khong.ai.ca@sonha.example'), await requestReset(withoutEmail.username!), await requestReset(known.username!)];
    const body = (html: string) => /<section[\s\S]*<\/section>/.exec(html)?.[0];
    expect(replies.map((r) => r.status)).to.deep.equal([200, 200, 200]);
    expect(body(replies[0]!.text)).to.equal(body(replies[2]!.text)).and.to.equal(body(replies[1]!.text));
    await smtp.waitFor((m) => m.to.includes(known.email!));
    // the requests are audited once their background work is done: then nothing more can be sent
    const db = tp.platform.services.db;
    const outcomes = await eventually(async () => {
      const events = await auditModel(db).find({ action: 'auth.reset_requested', 'details.login': trusted({ $in: ['khong.ai.ca@sonha.example', withoutEmail.username] }) }).lean<AuditEvent[]>();
      return events.length === 2 ? events.map((e) => e.details['outcome']).sort() : null;
    });
    expect(outcomes).to.deep.equal(['no_account', 'no_email']);
    expect(smtp.messages.length).to.equal(before + 1);
  });

  it('a second request within a minute sends no second e-mail (mailbox flooding)', async () => {
    const user = await account();
    await requestReset(user.username!);
    await resetMailFor(user.email!);
    expect((await requestReset(user.email!)).status).to.equal(200);
    const db = tp.platform.services.db;
    await eventually(async () => (await auditModel(db).countDocuments({ action: 'auth.reset_requested', subjectId: user._id.toHexString() })) === 2);
    expect(smtp.messages.filter((m) => m.to.includes(user.email!))).to.have.length(1);
  });

  it('the reset lifts the sign-in lockout of the account', async () => {
    const user = await account();
    for (let i = 0; i < MAX_FAILURES; i++) await tp.client().submit('/login', { login: user.username!, password: 'sai mật khẩu' });
    expect((await tp.client().submit('/login', { login: user.username!, password: OLD })).status).to.equal(429);
    await requestReset(user.username!);
    expect((await submitNewPassword(await resetMailFor(user.email!))).status).to.equal(303);
    await tp.client().signIn(user.username!, NEW);
  });

  it('an empty login is a form error, not a "sent" page', async () => {
    const reply = await requestReset('   ');
    expect(reply.status).to.equal(422);
    expect(reply.text).to.contain('aria-invalid="true"').and.contain('aria-describedby="forgot-intro login-error"');
  });
});
