/**
 * What a coordinator does to accounts below them, over HTTP: deactivate (every session
 * ends at once) and reactivate, lift a sign-in lockout, send an invitation or a reset
 * link; each refused outside the subtree and on oneself, each audited.
 */
import { expect } from 'chai';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { startTestSmtp, type TestSmtp } from '../support/smtp';
import { t } from '../../server/i18n';
import { MAX_FAILURES } from '../../server/auth/throttle';
import { api, buildAccountsWorld, PASSWORD, type AccountsWorld } from './world';

const LINK = /http:\/\/localhost:3000\/password\/reset\?token=([A-Za-z0-9_-]{43})/;

describe('accounts: deactivation, lockouts and links (HTTP)', function () {
  this.timeout(60_000);
  let smtp: TestSmtp;
  let tp: TestPlatform;
  let w: AccountsWorld;

  before(async () => {
    smtp = await startTestSmtp();
    tp = await startTestPlatform('account-lifecycle', { SMTP_URL: smtp.url, PUBLIC_URL: 'http://localhost:3000' });
    w = await buildAccountsWorld(tp);
  });
  after(async () => {
    await tp?.close();
    await smtp?.close();
  });

  /** A bearer token of `login`, from the API's sign-in. */
  async function bearer(login: string): Promise<Client> {
    const client = tp.client();
    const reply = await client.request('POST', '/api/v1/auth/login', { json: { login, password: PASSWORD } });
    expect(reply.status, reply.text).to.equal(200);
    client.bearer = reply.json().token;
    return client;
  }

  it('deactivation ends every session at once (page cookie and API token) and refuses sign-in; reactivation lets them sign in again', async () => {
    const account = await w.account('officer', w.units.A1);
    const login = account.officerCode!;
    const page = tp.client();
    await page.signIn(login, PASSWORD);
    const token = await bearer(login);
    expect((await page.get('/')).status).to.equal(200);
    expect((await token.get('/api/v1/me')).status).to.equal(200);

    const done = await w.asCoordinator.submit(`/accounts/${account._id}/deactivate`, {}, `/accounts/${account._id}`);
    expect(done.status, done.text.slice(0, 300)).to.equal(303);
    expect(done.location).to.equal(`/accounts/${account._id}?done=deactivated`);
    expect((await w.asCoordinator.get(done.location!)).text).to.contain(t('vi', 'account_done_deactivated')).and.contain(t('vi', 'account_state_inactive'));

    expect((await token.get('/api/v1/me')).status, 'the API token is dead').to.equal(401);
    const afterwards = await page.get('/');
    expect(afterwards.status).to.equal(303);
    expect(afterwards.location).to.match(/^\/login/);
    expect((await tp.client().submit('/login', { login, password: PASSWORD })).status).to.equal(401);

    const again = await api(w.asCoordinator, 'POST', `/api/v1/accounts/${account._id}/deactivate`);
    expect([again.status, again.json().error.id]).to.deep.equal([409, 'account_already_inactive']);
    const inactive = (await api(w.asCoordinator, 'GET', `/api/v1/accounts?unitId=${w.units.A1._id}&active=false`)).json();
    expect(inactive.items.map((a: { id: string }) => a.id)).to.include(String(account._id));

    const back = await api(w.asCoordinator, 'POST', `/api/v1/accounts/${account._id}/reactivate`);
    expect(back.status, back.text).to.equal(200);
    expect(back.json().account).to.include({ active: true, state: 'active' });
    expect((await token.get('/api/v1/me')).status, 'an old token stays dead after reactivation').to.equal(401);
    await tp.client().signIn(login, PASSWORD);

    expect((await w.auditOf(account._id)).map((e) => e.action)).to.deep.equal(['account.deactivated', 'account.reactivated']);
  });

  it('refuses to deactivate accounts outside the subtree, a peer, an admin or oneself', async () => {
    const theirs = await w.account('officer', w.units.B1);
    const peer = await w.account('coordinator', w.units.A, { officer: await w.officer(w.units.A) });
    for (const target of [theirs, peer, w.admin, w.coordinator]) {
      const reply = await api(w.asCoordinator, 'POST', `/api/v1/accounts/${target._id}/deactivate`);
      expect(reply.status, `${target.displayName}: ${reply.text}`).to.equal(403);
      expect((await w.reload(target._id)).active).to.equal(true);
    }
    const self = await api(w.asAdmin, 'POST', `/api/v1/accounts/${w.admin._id}/deactivate`);
    expect([self.status, self.json().error.id]).to.deep.equal([409, 'account_self']);
    const page = await w.asCoordinator.submit(`/accounts/${theirs._id}/deactivate`, {}, '/accounts');
    expect(page.status).to.equal(403);
  });

  it('unlock: a login locked by wrong passwords shows as locked, the coordinator lifts it, and the right password works at once', async () => {
    const account = await w.account('officer', w.units.A2);
    const login = account.officerCode!;
    for (let i = 0; i < MAX_FAILURES; i++) await tp.client().submit('/login', { login: login.toLowerCase(), password: 'sai mật khẩu' });
    expect((await tp.client().submit('/login', { login, password: PASSWORD })).status, 'locked').to.equal(429);

    const locked = (await api(w.asCoordinator, 'GET', '/api/v1/accounts?locked=true')).json();
    expect(locked.items.map((a: { id: string }) => a.id)).to.deep.equal([String(account._id)]);
    expect(locked.items[0]).to.include({ locked: true, state: 'locked' });
    const notLocked = (await api(w.asCoordinator, 'GET', `/api/v1/accounts?locked=false&unitId=${w.units.A2._id}`)).json();
    expect(notLocked.items.map((a: { id: string }) => a.id)).not.to.include(String(account._id));
    const page = await w.asCoordinator.get(`/accounts/${account._id}`);
    expect(page.text).to.contain(t('vi', 'account_state_locked')).and.contain(`action="/accounts/${account._id}/unlock"`);

    const theirs = await w.account('officer', w.units.B1);
    expect((await api(w.asCoordinator, 'POST', `/api/v1/accounts/${theirs._id}/unlock`)).status).to.equal(403);

    const unlocked = await w.asCoordinator.submit(`/accounts/${account._id}/unlock`, {}, `/accounts/${account._id}`);
    expect(unlocked.status).to.equal(303);
    expect(unlocked.location).to.equal(`/accounts/${account._id}?done=unlocked`);
    await tp.client().signIn(login, PASSWORD);
    expect((await api(w.asCoordinator, 'GET', '/api/v1/accounts?locked=true')).json().total).to.equal(0);
    const audit = (await w.auditOf(account._id)).at(-1)!;
    expect(audit).to.deep.include({ action: 'account.unlocked', actorName: 'Lê Thị Điều Phối', details: { wasLocked: true } });
  });

  it('send a link: an invitation to an account without a password, a reset link to one with it; no e-mail is a clear 422', async () => {
    const pending = await w.account('officer', w.units.A1, { password: false });
    const invite = await api(w.asCoordinator, 'POST', `/api/v1/accounts/${pending._id}/send-link`);
    expect(invite.status, invite.text).to.equal(200);
    expect(invite.json().kind).to.equal('invite');
    const invitation = await smtp.waitFor((m) => m.to.includes(pending.email!));
    expect(invitation.subject).to.equal(t('vi', 'mail_invite_subject'));
    const token = LINK.exec(invitation.text)![1]!;
    expect((await tp.client().get(`/password/reset?token=${token}`)).text).to.contain(t('vi', 'reset_invite_title'));

    const active = await w.account('manager', w.units.A1);
    const before = smtp.messages.length;
    const reset = await w.asCoordinator.submit(`/accounts/${active._id}/send-link`, {}, `/accounts/${active._id}`);
    expect(reset.location).to.equal(`/accounts/${active._id}?done=reset_sent`);
    const mail = await smtp.waitFor((m) => m.to.includes(active.email!) && smtp.messages.indexOf(m) >= before);
    expect(mail.subject).to.equal(t('vi', 'mail_reset_subject'));
    expect((await w.auditOf(active._id)).at(-1)).to.deep.include({ action: 'account.link_sent', details: { kind: 'reset' } });

    const noEmail = await w.account('officer', w.units.A1, { email: null, password: false });
    const refused = await api(w.asCoordinator, 'POST', `/api/v1/accounts/${noEmail._id}/send-link`);
    expect([refused.status, refused.json().error.id]).to.deep.equal([422, 'account_no_email']);
    const onPage = await w.asCoordinator.submit(`/accounts/${noEmail._id}/send-link`, {}, `/accounts/${noEmail._id}`);
    expect(onPage.status).to.equal(422);
    expect(onPage.text).to.contain(t('vi', 'account_no_email'));
  });

  it('a coordinator may view accounts of the subtree and their own, not an admin’s or another subtree’s', async () => {
    const theirs = await w.account('officer', w.units.B1);
    const ours = await w.account('officer', w.units.A1);
    expect((await w.asCoordinator.get(`/accounts/${ours._id}`)).status).to.equal(200);
    expect((await w.asCoordinator.get(`/accounts/${w.coordinator._id}`)).status).to.equal(200);
    expect((await w.asCoordinator.get(`/accounts/${theirs._id}`)).status).to.equal(403);
    expect((await api(w.asCoordinator, 'GET', `/api/v1/accounts/${w.admin._id}`)).status).to.equal(403);
    const mine = await w.asCoordinator.get(`/accounts/${w.coordinator._id}`);
    expect(mine.text, 'no forms on one’s own account').not.to.contain(`/accounts/${w.coordinator._id}/deactivate`);
    expect((await api(w.asCoordinator, 'GET', '/api/v1/accounts/0123456789abcdef01234567')).status).to.equal(404);
  });
});
