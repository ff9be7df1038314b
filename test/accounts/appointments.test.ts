/**
 * Appointments and role changes over HTTP (pages and /api/v1/accounts): a coordinator
 * appoints only inside their subtree and never a role at or above their own level, never
 * acts on an admin or on themselves; admins may do everything but change themselves.
 * Every change is audited.
 */
import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../http';
import { startTestSmtp, type TestSmtp } from '../support/smtp';
import { t } from '../../server/i18n';
import { userModel, type User } from '../../server/users/model';
import { api, buildAccountsWorld, PASSWORD, type AccountsWorld } from './world';

describe('accounts: appointments and roles (HTTP)', function () {
  this.timeout(60_000);
  let smtp: TestSmtp;
  let tp: TestPlatform;
  let w: AccountsWorld;

  before(async () => {
    smtp = await startTestSmtp();
    tp = await startTestPlatform('appointments', { SMTP_URL: smtp.url, PUBLIC_URL: 'http://localhost:3000' });
    w = await buildAccountsWorld(tp);
  });
  after(async () => {
    await tp?.close();
    await smtp?.close();
  });

  describe('appointing from an officer record', () => {
    it('creates the account of an officer without one, as manager of a unit in the subtree, and invites them by e-mail', async () => {
      const officer = await w.officer(w.units.A1);
      const reply = await api(w.asCoordinator, 'POST', '/api/v1/accounts', { source: 'officer', officerCode: officer.code.toLowerCase(), role: 'manager', unitId: String(w.units.A1._id) });
      expect(reply.status, reply.text).to.equal(201);
      const body = reply.json();
      expect(body).to.include({ created: true, invitation: 'sent' });
      expect(body.account).to.include({ role: 'manager', unitId: String(w.units.A1._id), officerCode: officer.code, pending: true, state: 'pending', unitName: 'Phòng A1' });
      expect(body.account).not.to.have.any.keys('passwordHash', 'tokenVersion', 'revokedSessions');
      const mail = await smtp.waitFor((m) => m.to.includes(officer.email!));
      expect(mail.subject).to.equal(t('vi', 'mail_invite_subject'));
      expect(mail.text).to.contain(officer.code);

      const [audit] = await w.auditOf(body.account.id);
      expect(audit).to.deep.include({ action: 'account.appointed', actorName: 'Lê Thị Điều Phối' });
      expect(audit!.unitId!.equals(w.units.A1._id)).to.equal(true);
      expect(audit!.details).to.deep.include({ role: 'manager', previousRole: null, created: true, invitation: 'sent', source: 'officer' });
    });

    it('promotes the existing account of an officer (same account, same password) and records the previous role', async () => {
      const existing = await w.account('officer', w.units.A2);
      const reply = await api(w.asCoordinator, 'POST', '/api/v1/accounts', { source: 'officer', officerId: String(existing.officerId), role: 'coordinator', unitId: String(w.units.A2._id) });
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.json()).to.deep.include({ created: false, invitation: 'not_needed' });
      const after = await w.reload(existing._id);
      expect(after).to.include({ role: 'coordinator', passwordHash: existing.passwordHash });
      expect(after.unitId!.equals(w.units.A2._id)).to.equal(true);
      const audit = (await w.auditOf(existing._id)).at(-1)!;
      expect(audit.details).to.deep.include({ role: 'coordinator', previousRole: 'officer', previousUnitId: String(w.units.A2._id), created: false });
      // the new coordinator acts on A2 at once: their session sees the accounts list
      const client = tp.client();
      await client.signIn(existing.officerCode!, PASSWORD);
      expect((await client.get('/accounts')).status).to.equal(200);
    });

    it('an officer without e-mail gets an account without invitation (the activation sheet gets them in)', async () => {
      const officer = await w.officer(w.units.A1, { email: null });
      const reply = await api(w.asAdmin, 'POST', '/api/v1/accounts', { source: 'officer', officerCode: officer.code, role: 'manager', unitId: String(w.units.A1._id) });
      expect(reply.status, reply.text).to.equal(201);
      expect(reply.json()).to.deep.include({ invitation: 'no_email' });
    });

    it('refuses, naming nothing, what is outside the coordinator’s subtree: an officer of B1 or a unit of B', async () => {
      const theirs = await w.officer(w.units.B1);
      const ours = await w.officer(w.units.A1);
      for (const body of [
        { source: 'officer', officerCode: theirs.code, role: 'manager', unitId: String(w.units.A1._id) },
        { source: 'officer', officerCode: ours.code, role: 'manager', unitId: String(w.units.B1._id) },
        { source: 'officer', officerCode: ours.code, role: 'manager', unitId: String(w.units.P._id) },
      ]) {
        const reply = await api(w.asCoordinator, 'POST', '/api/v1/accounts', body);
        expect(reply.status, JSON.stringify(body)).to.equal(403);
        expect(reply.json().error.id).to.equal('forbidden');
      }
      expect(await userModel(tp.platform.services.db).exists({ officerId: theirs._id })).to.equal(null);
      expect(await userModel(tp.platform.services.db).exists({ officerId: ours._id })).to.equal(null);
    });

    it('a coordinator may appoint a coordinator only below their unit: a peer of A or one above is refused, A1 is allowed', async () => {
      const officer = await w.officer(w.units.A);
      const peer = await api(w.asCoordinator, 'POST', '/api/v1/accounts', { source: 'officer', officerCode: officer.code, role: 'coordinator', unitId: String(w.units.A._id) });
      expect(peer.status, peer.text).to.equal(403);
      const above = await api(w.asCoordinator, 'POST', '/api/v1/accounts', { source: 'officer', officerCode: officer.code, role: 'coordinator', unitId: String(w.units.P._id) });
      expect(above.status).to.equal(403);
      const below = await api(w.asCoordinator, 'POST', '/api/v1/accounts', { source: 'officer', officerCode: officer.code, role: 'coordinator', unitId: String(w.units.A1._id) });
      expect(below.status, below.text).to.equal(201);
      // a manager of their own unit is below a coordinator's rank: allowed
      const head = await w.officer(w.units.A);
      expect((await api(w.asCoordinator, 'POST', '/api/v1/accounts', { source: 'officer', officerCode: head.code, role: 'manager', unitId: String(w.units.A._id) })).status).to.equal(201);
    });

    it('never an admin role (422: not a role an appointment gives), never the admin’s account, never their own', async () => {
      const officer = await w.officer(w.units.A1);
      const admin = await api(w.asCoordinator, 'POST', '/api/v1/accounts', { source: 'officer', officerCode: officer.code, role: 'admin', unitId: String(w.units.A1._id) });
      expect(admin.status).to.equal(422);
      expect(admin.json().error.details[0]).to.include({ field: 'role', id: 'field_invalid_choice' });
      const own = await api(w.asCoordinator, 'POST', '/api/v1/accounts', { source: 'officer', officerId: String(w.coordinator.officerId), role: 'manager', unitId: String(w.units.A1._id) });
      expect(own.status).to.equal(403);
      expect((await w.reload(w.coordinator._id)).role).to.equal('coordinator');
    });

    it('refuses an officer who has left, and an inactive unit, with a clear error', async () => {
      const gone = await w.officer(w.units.A1);
      await api(w.asAdmin, 'PATCH', `/api/v1/officers/${gone._id}`, { status: 'retired' });
      const left = await api(w.asCoordinator, 'POST', '/api/v1/accounts', { source: 'officer', officerCode: gone.code, role: 'manager', unitId: String(w.units.A1._id) });
      expect([left.status, left.json().error.id]).to.deep.equal([409, 'officer_not_employed']);
      const missing = await api(w.asCoordinator, 'POST', '/api/v1/accounts', { source: 'officer', officerCode: 'KHONG-CO', role: 'manager', unitId: String(w.units.A1._id) });
      expect([missing.status, missing.json().error.id]).to.deep.equal([404, 'officer_not_found']);
    });
  });

  describe('appointing a new account without an officer record', () => {
    it('creates it with a pending password and invites it; its login is the e-mail', async () => {
      const reply = await api(w.asCoordinator, 'POST', '/api/v1/accounts', { source: 'new', displayName: '  Phạm Thu Hà  ', email: 'Pham.Ha@Example.VN', role: 'manager', unitId: String(w.units.A2._id) });
      expect(reply.status, reply.text).to.equal(201);
      expect(reply.json().account).to.include({ displayName: 'Phạm Thu Hà', email: 'pham.ha@example.vn', login: 'pham.ha@example.vn', officerId: null, role: 'manager' });
      expect(reply.json().invitation).to.equal('sent');
      const mail = await smtp.waitFor((m) => m.to.includes('pham.ha@example.vn'));
      expect(mail.text).to.contain('pham.ha@example.vn');
      const duplicate = await api(w.asCoordinator, 'POST', '/api/v1/accounts', { source: 'new', displayName: 'Người khác', email: 'pham.ha@example.vn', role: 'manager', unitId: String(w.units.A2._id) });
      expect([duplicate.status, duplicate.json().error.id]).to.deep.equal([409, 'account_login_taken']);
    });

    it('refuses a coordinator appointing one outside the subtree, and bad input field by field', async () => {
      const outside = await api(w.asCoordinator, 'POST', '/api/v1/accounts', { source: 'new', displayName: 'Ngoài phạm vi', email: 'ngoai@example.vn', role: 'manager', unitId: String(w.units.B1._id) });
      expect(outside.status).to.equal(403);
      const bad = await api(w.asCoordinator, 'POST', '/api/v1/accounts', { source: 'new', displayName: '', email: 'không phải email', role: 'manager', unitId: String(w.units.A1._id), extra: 1 });
      expect(bad.status).to.equal(422);
      expect(bad.json().error.details.map((d: { field: string }) => d.field).sort()).to.deep.equal(['displayName', 'email', 'extra']);
      expect(await userModel(tp.platform.services.db).exists({ email: 'ngoai@example.vn' })).to.equal(null);
    });
  });

  describe('changing a role or unit (and unappointing)', () => {
    it('unappoints a coordinator below: back to officer, in the unit of their record; audited with before and after', async () => {
      const record = await w.officer(w.units.A1);
      const appointed = await w.account('coordinator', w.units.A1, { officer: record });
      const reply = await api(w.asCoordinator, 'PATCH', `/api/v1/accounts/${appointed._id}`, { role: 'officer' });
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.json().account).to.include({ role: 'officer', unitId: String(w.units.A1._id) });
      const audit = (await w.auditOf(appointed._id)).at(-1)!;
      expect(audit).to.deep.include({ action: 'account.role_changed', actorName: 'Lê Thị Điều Phối' });
      expect(audit.details).to.deep.equal({ fromRole: 'coordinator', fromUnitId: String(w.units.A1._id), toRole: 'officer', toUnitId: String(w.units.A1._id) });
    });

    it('refuses to unappoint or move accounts outside the subtree, peers, admins and oneself', async () => {
      const theirs = await w.account('coordinator', w.units.B1, { officer: await w.officer(w.units.B1) });
      const peer = await w.account('coordinator', w.units.A, { officer: await w.officer(w.units.A) });
      const manager = await w.account('manager', w.units.A1, { officer: await w.officer(w.units.A1) });
      const cases: Array<[string, unknown]> = [
        [`/api/v1/accounts/${theirs._id}`, { role: 'officer' }],
        [`/api/v1/accounts/${peer._id}`, { role: 'officer' }],
        [`/api/v1/accounts/${w.admin._id}`, { role: 'manager', unitId: String(w.units.A1._id) }],
        [`/api/v1/accounts/${w.coordinator._id}`, { unitId: String(w.units.A1._id) }],
        // a manager below may be moved inside the subtree, but not out of it nor raised to admin
        [`/api/v1/accounts/${manager._id}`, { unitId: String(w.units.B1._id) }],
        [`/api/v1/accounts/${manager._id}`, { role: 'admin' }],
        [`/api/v1/accounts/${manager._id}`, { role: 'coordinator', unitId: String(w.units.A._id) }],
      ];
      for (const [url, body] of cases) {
        const reply = await api(w.asCoordinator, 'PATCH', url, body);
        expect(reply.status, `${url} ${JSON.stringify(body)}: ${reply.text}`).to.equal(403);
      }
      expect((await w.reload(theirs._id)).role).to.equal('coordinator');
      expect((await w.reload(manager._id)).unitId!.equals(w.units.A1._id)).to.equal(true);
      const moved = await api(w.asCoordinator, 'PATCH', `/api/v1/accounts/${manager._id}`, { unitId: String(w.units.A2._id) });
      expect(moved.status, moved.text).to.equal(200);
    });

    it('an admin may do it all but change their own account; a role needing a record or an unchanged role is refused', async () => {
      const coordinatorOfB = await w.account('coordinator', w.units.B, { officer: await w.officer(w.units.B) });
      const raised = await api(w.asAdmin, 'PATCH', `/api/v1/accounts/${coordinatorOfB._id}`, { role: 'admin' });
      expect(raised.status, raised.text).to.equal(200);
      expect(raised.json().account).to.include({ role: 'admin', unitId: null });
      const self = await api(w.asAdmin, 'PATCH', `/api/v1/accounts/${w.admin._id}`, { role: 'coordinator', unitId: String(w.units.P._id) });
      expect([self.status, self.json().error.id]).to.deep.equal([409, 'account_self']);
      const noRecord = await w.account('manager', w.units.A1);
      const needs = await api(w.asAdmin, 'PATCH', `/api/v1/accounts/${noRecord._id}`, { role: 'officer' });
      expect([needs.status, needs.json().error.id]).to.deep.equal([409, 'account_role_needs_officer']);
      const same = await api(w.asAdmin, 'PATCH', `/api/v1/accounts/${noRecord._id}`, { role: 'manager', unitId: String(w.units.A1._id) });
      expect([same.status, same.json().error.id]).to.deep.equal([409, 'account_role_unchanged']);
    });

    it('on the page: a refused appointment shows the rule and keeps what was typed; an allowed one lands on the account', async () => {
      const officer = await w.officer(w.units.A1);
      // the way in: the officer's record
      const record = await w.asCoordinator.get(`/officers/${officer._id}`);
      expect(record.text).to.contain(`href="/accounts/appoint?officerCode=${officer.code}"`);
      const form = await w.asCoordinator.get(`/accounts/appoint?officerCode=${officer.code}`);
      expect(form.text).to.contain(`value="${officer.code}"`);
      const refused = await w.asCoordinator.submit('/accounts/appoint', { source: 'officer', officerCode: officer.code, role: 'coordinator', unitId: String(w.units.A._id) }, '/accounts/appoint');
      expect(refused.status).to.equal(403);
      expect(refused.text).to.contain(t('vi', 'account_appoint_forbidden')).and.contain(`value="${officer.code}"`);
      const invalid = await w.asCoordinator.submit('/accounts/appoint', { source: 'new', displayName: 'Vũ Văn Mới', email: '', role: 'manager', unitId: String(w.units.A1._id) }, '/accounts/appoint');
      expect(invalid.status).to.equal(422);
      expect(invalid.text).to.contain('value="Vũ Văn Mới"').and.contain(t('vi', 'form_has_errors'));
      const done = await w.asCoordinator.submit('/accounts/appoint', { source: 'officer', officerCode: officer.code, role: 'coordinator', unitId: String(w.units.A1._id) }, '/accounts/appoint');
      expect(done.status, done.text.slice(0, 300)).to.equal(303);
      expect(done.location, 'the officer has an e-mail: invited').to.match(/^\/accounts\/[0-9a-f]{24}\?done=appointed_invited$/);
      const page = await w.asCoordinator.get(done.location!);
      expect(page.status).to.equal(200);
      expect(page.text).to.contain(t('vi', 'account_done_appointed_invited')).and.contain(officer.fullName).and.contain(t('vi', 'audit_action_account_appointed'));

      const accountId = /\/accounts\/([0-9a-f]{24})/.exec(done.location!)![1]!;
      // the officer's record links to the account now
      expect((await w.asCoordinator.get(`/officers/${officer._id}`)).text).to.contain(`href="/accounts/${accountId}"`);
      const unappointed = await w.asCoordinator.submit(`/accounts/${accountId}/role`, { role: 'officer', unitId: '' }, done.location!);
      expect(unappointed.status).to.equal(303);
      expect((await w.reload(accountId)).role).to.equal('officer');
    });
  });

  describe('the list', () => {
    let names: User[];
    before(async () => {
      // names chosen so that Vietnamese order (by given name, then family name) differs from code-point order
      names = [];
      for (const fullName of ['Đỗ Văn Ánh', 'Nguyễn Thị Ba', 'Âu Minh Ánh', 'Trần Ân']) names.push(await w.account('officer', w.units.A2, { officer: await w.officer(w.units.A2, { fullName }) }));
    });

    it('lists the subtree’s accounts by given name in Vietnamese order, paged; a coordinator never sees admins or other subtrees', async () => {
      const reply = await api(w.asCoordinator, 'GET', `/api/v1/accounts?unitId=${w.units.A2._id}&role=officer&pageSize=3`);
      expect(reply.status, reply.text).to.equal(200);
      const first = reply.json();
      expect(first.total).to.equal(4);
      expect(first.items.map((a: { displayName: string }) => a.displayName)).to.deep.equal(['Âu Minh Ánh', 'Đỗ Văn Ánh', 'Trần Ân']);
      const second = (await api(w.asCoordinator, 'GET', `/api/v1/accounts?unitId=${w.units.A2._id}&role=officer&pageSize=3&page=2`)).json();
      expect(second.items.map((a: { displayName: string }) => a.displayName)).to.deep.equal(['Nguyễn Thị Ba']);

      const all = (await api(w.asCoordinator, 'GET', '/api/v1/accounts?pageSize=100')).json();
      expect(all.items.map((a: { role: string }) => a.role)).not.to.include('admin');
      expect(all.items.every((a: { unitName: string }) => ['Sở A', 'Phòng A1', 'Phòng A2'].includes(a.unitName)), JSON.stringify(all.items.map((a: { unitName: string }) => a.unitName))).to.equal(true);
      expect((await api(w.asCoordinator, 'GET', `/api/v1/accounts?unitId=${w.units.B._id}`)).status).to.equal(403);
      const everything = (await api(w.asAdmin, 'GET', '/api/v1/accounts?pageSize=100')).json();
      expect(everything.items.map((a: { role: string }) => a.role)).to.include('admin');
      expect(everything.total).to.be.greaterThan(all.total);
    });

    it('searches names without diacritics and logins by part; filters by state and first sign-in', async () => {
      const byName = (await api(w.asCoordinator, 'GET', '/api/v1/accounts?q=do%20van%20anh')).json();
      expect(byName.items.map((a: { displayName: string }) => a.displayName)).to.deep.equal(['Đỗ Văn Ánh']);
      const byCode = (await api(w.asCoordinator, 'GET', `/api/v1/accounts?q=${names[1]!.officerCode!.toLowerCase()}`)).json();
      expect(byCode.items.map((a: { id: string }) => a.id)).to.include(String(names[1]!._id));

      const never = (await api(w.asCoordinator, 'GET', `/api/v1/accounts?unitId=${w.units.A2._id}&role=officer&neverSignedIn=true`)).json();
      expect(never.total).to.equal(4);
      await tp.client().signIn(names[0]!.officerCode!, PASSWORD);
      const stillNever = (await api(w.asCoordinator, 'GET', `/api/v1/accounts?unitId=${w.units.A2._id}&role=officer&neverSignedIn=true`)).json();
      expect(stillNever.items.map((a: { id: string }) => a.id)).not.to.include(String(names[0]!._id));
      expect(stillNever.total).to.equal(3);
      const signedIn = (await api(w.asCoordinator, 'GET', `/api/v1/accounts?unitId=${w.units.A2._id}&role=officer&neverSignedIn=false`)).json();
      expect(signedIn.items.map((a: { id: string }) => a.id)).to.deep.equal([String(names[0]!._id)]);

      const page = await w.asCoordinator.get(`/accounts?unitId=${w.units.A2._id}&role=officer&never=1`);
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('Nguyễn Thị Ba').and.contain(t('vi', 'accounts_total', { count: 3 }));
      expect(page.text).not.to.contain('Đỗ Văn Ánh');
    });
  });
});
