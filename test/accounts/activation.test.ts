/**
 * Activation sheets for officers without e-mail, over HTTP: the sheet lists the unit's
 * serving officers without a usable account, each code works once and expires (the clock
 * is moved through the service's `now`), printing again voids the older codes, only a
 * hash is stored, using a code forces a new password, and wrong codes lock the login like
 * wrong passwords.
 */
import { expect } from 'chai';
import { trusted } from 'mongoose';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { t } from '../../server/i18n';
import { MAX_FAILURES } from '../../server/auth/throttle';
import { endOfVietnamDay, generateActivationSheet, type ActivationSheet } from '../../server/accounts/activation';
import { activationCodeModel } from '../../server/accounts/model';
import { auditModel } from '../../server/audit/model';
import { buildUnit } from '../factories';
import { setPassword } from '../../server/users/service';
import type { Unit } from '../../server/units/model';
import { api, buildAccountsWorld, PASSWORD, type AccountsWorld } from './world';

const NEW_PASSWORD = 'Mật khẩu tự chọn năm 2026';
const DAY = 86_400_000;

describe('accounts: activation sheets and codes (HTTP)', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let w: AccountsWorld;

  before(async () => {
    tp = await startTestPlatform('activation', { ACTIVATION_CODE_DAYS: '30' });
    w = await buildAccountsWorld(tp);
  });
  after(async () => tp?.close());

  /** A fresh division of A1's department with `count` serving officers without e-mail. */
  async function unitWithOfficers(count: number): Promise<Unit> {
    const unit = await buildUnit({ parentId: w.units.A._id, name: 'Tổ kích hoạt' });
    for (let i = 0; i < count; i++) await w.officer(unit, { email: null });
    return unit;
  }

  async function sheetOf(client: Client, unit: Unit): Promise<ActivationSheet> {
    const reply = await api(client, 'POST', `/api/v1/units/${unit._id}/activation-codes`);
    expect(reply.status, reply.text).to.equal(201);
    expect(reply.headers.get('cache-control')).to.equal('no-store');
    return reply.json();
  }

  const activate = (login: string, code: string, password = NEW_PASSWORD, confirm = password) =>
    tp.client().submit('/activate', { login, code, newPassword: password, confirmPassword: confirm }, '/activate');

  it('prints a code for each serving officer of the unit without a usable account, and none for the others', async () => {
    const unit = await unitWithOfficers(3);
    const user = await w.account('officer', unit);
    const deactivated = await w.account('officer', unit);
    await api(w.asCoordinator, 'POST', `/api/v1/accounts/${deactivated._id}/deactivate`);
    const preview = await w.asCoordinator.get(`/units/${unit._id}/activation-sheet`);
    expect(preview.status).to.equal(200);
    expect(preview.text).to.contain('data-count="candidates">3<').and.contain('data-count="has-account">1<').and.contain('data-count="inactive">1<');

    const sheet = await sheetOf(w.asCoordinator, unit);
    expect(sheet.entries).to.have.length(3);
    expect(sheet.skipped).to.deep.equal({ hasAccount: 1, inactive: 1, failed: 0 });
    expect(sheet.address).to.equal(`${tp.base}/activate`);
    // valid for 30 days, to the end of that day in Vietnam (the date printed on the slip)
    const expires = new Date(sheet.expiresAt).getTime();
    expect(expires - new Date(sheet.generatedAt).getTime()).to.be.within(30 * DAY, 31 * DAY);
    expect(new Date(expires + 1 + 7 * 3600_000).toISOString()).to.match(/T00:00:00\.000Z$/);
    for (const entry of sheet.entries) expect(entry.code).to.match(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
    expect(sheet.entries.map((e) => e.login)).not.to.include(user.officerCode);
    const audit = await auditModel(tp.platform.services.db).findOne({ action: 'account.activation_sheet', subjectId: String(unit._id) }).lean();
    expect(audit).to.deep.include({ actorName: 'Lê Thị Điều Phối' });
    expect(audit!.details).to.include({ codes: 3, hasAccount: 1, inactive: 1 });
  });

  it('stores only a keyed hash of each code: the codes appear nowhere in the database', async () => {
    const unit = await unitWithOfficers(2);
    const sheet = await sheetOf(w.asCoordinator, unit);
    const stored = JSON.stringify(await activationCodeModel(tp.platform.services.db).find({ unitId: unit._id }).lean());
    for (const { code } of sheet.entries) {
      expect(stored).not.to.contain(code);
      expect(stored).not.to.contain(code.replace(/-/g, ''));
    }
    expect(JSON.parse(stored)).to.have.length(2);
  });

  it('a code works once, in any case and without dashes, and forces choosing a password; the officer then signs in with mã cán bộ', async () => {
    const unit = await unitWithOfficers(1);
    const [entry] = (await sheetOf(w.asCoordinator, unit)).entries;
    const typed = entry!.code.replace(/-/g, ' ').toLowerCase();

    const noPassword = await tp.client().submit('/activate', { login: entry!.login, code: typed, newPassword: '', confirmPassword: '' }, '/activate');
    expect(noPassword.status, 'a password must be chosen').to.equal(422);
    const mismatch = await activate(entry!.login, typed, NEW_PASSWORD, 'khác hẳn');
    expect(mismatch.status).to.equal(422);
    expect(mismatch.text).to.contain(t('vi', 'password_mismatch'));

    const done = await activate(entry!.login.toLowerCase(), typed);
    expect(done.status, done.text.slice(0, 400)).to.equal(303);
    expect(done.location).to.equal('/login?activated=1');
    const signedIn = await tp.client().signIn(entry!.login, NEW_PASSWORD);
    expect(signedIn.location, 'no second forced change: the password was chosen at activation').to.equal('/');

    const again = await activate(entry!.login, typed, 'Mật khẩu của kẻ nhặt được phiếu');
    expect(again.status).to.equal(401);
    expect(again.text).to.contain(t('vi', 'activation_failed'));
    await tp.client().signIn(entry!.login, NEW_PASSWORD);
    const events = await auditModel(tp.platform.services.db).find({ action: trusted({ $in: ['account.activated', 'auth.activation_failed'] }), 'details.login': trusted({ $in: [entry!.login, entry!.login.toLowerCase()] }) }).sort({ at: 1 }).lean();
    expect(events.map((e) => e.action)).to.deep.equal(['account.activated', 'auth.activation_failed']);
  });

  it('a code lasts to the end of its last day in Vietnam', () => {
    expect(endOfVietnamDay(new Date('2026-01-05T10:00:00+07:00')).toISOString()).to.equal('2026-01-05T16:59:59.999Z');
    expect(endOfVietnamDay(new Date('2026-01-05T23:30:00+07:00')).toISOString()).to.equal('2026-01-05T16:59:59.999Z');
    expect(endOfVietnamDay(new Date('2026-01-05T00:10:00+07:00')).toISOString()).to.equal('2026-01-05T16:59:59.999Z');
    expect(endOfVietnamDay(new Date('2026-12-31T20:00:00+07:00')).toISOString()).to.equal('2026-12-31T16:59:59.999Z');
  });

  it('a code expires: printed 31 days ago it is refused, printed 29 days ago it works', async () => {
    const unit = await unitWithOfficers(2);
    const now = Date.now();
    const issuer = { id: w.coordinator._id };
    const old = await generateActivationSheet(tp.platform.services, unit, issuer, new Date(now - 31 * DAY));
    const [stale] = old.entries;
    expect((await activate(stale!.login, stale!.code)).status).to.equal(401);
    const recent = await generateActivationSheet(tp.platform.services, unit, issuer, new Date(now - 29 * DAY));
    const [fresh] = recent.entries.filter((e) => e.login === stale!.login);
    expect((await activate(fresh!.login, fresh!.code)).status).to.equal(303);
  });

  it('printing the sheet again voids the codes of the earlier one', async () => {
    const unit = await unitWithOfficers(1);
    const first = (await sheetOf(w.asCoordinator, unit)).entries[0]!;
    const second = (await sheetOf(w.asAdmin, unit)).entries[0]!;
    expect(second.login).to.equal(first.login);
    expect(second.code).not.to.equal(first.code);
    expect((await activate(first.login, first.code)).status).to.equal(401);
    expect((await activate(second.login, second.code)).status).to.equal(303);
  });

  it('an account that got its password another way (an e-mail invitation) cannot be taken over with a leftover code', async () => {
    const unit = await unitWithOfficers(1);
    const entry = (await sheetOf(w.asCoordinator, unit)).entries[0]!;
    const account = (await api(w.asCoordinator, 'GET', `/api/v1/accounts?q=${entry.login}`)).json().items.find((a: { login: string }) => a.login === entry.login);
    // the password is set by the officer through another route (here straight through the service)
    await setPassword(tp.platform.services.db, account.id, PASSWORD, 4);
    expect((await activate(entry.login, entry.code)).status).to.equal(401);
    await tp.client().signIn(entry.login, PASSWORD);
  });

  it('wrong codes lock the login like wrong passwords: then even the right code is refused (429) until the lockout ends', async () => {
    const unit = await unitWithOfficers(1);
    const entry = (await sheetOf(w.asCoordinator, unit)).entries[0]!;
    for (let i = 0; i < MAX_FAILURES - 1; i++) expect((await activate(entry.login, 'AAAA-BBBB-CCCC')).status).to.equal(401);
    const last = await activate(entry.login, 'AAAA-BBBB-CCCC');
    expect(last.status).to.equal(429);
    expect(last.text).to.contain(t('vi', 'sign_in_locked'));
    expect((await activate(entry.login, entry.code)).status).to.equal(429);
    // the coordinator lifts the lockout from the account page; the code was not used up meanwhile
    const account = (await api(w.asCoordinator, 'GET', `/api/v1/accounts?locked=true`)).json().items.find((a: { login: string }) => a.login === entry.login);
    expect(account, 'listed as locked').to.not.equal(undefined);
    expect((await api(w.asCoordinator, 'POST', `/api/v1/accounts/${account.id}/unlock`)).status).to.equal(200);
    expect((await activate(entry.login, entry.code)).status).to.equal(303);
  });

  it('a malformed code is a field problem (no attempt counted); the sheet is refused outside the subtree', async () => {
    const bad = await activate('CB1', '12');
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain(t('vi', 'activation_code_format'));
    const theirs = await buildUnit({ parentId: w.units.B._id, name: 'Tổ bên ngoài' });
    expect((await api(w.asCoordinator, 'POST', `/api/v1/units/${theirs._id}/activation-codes`)).status).to.equal(403);
    expect((await w.asCoordinator.get(`/units/${theirs._id}/activation-sheet`)).status).to.equal(403);
  });

  it('the printed page shows every slip with name, mã cán bộ, code and address, and is never cached', async () => {
    const unit = await unitWithOfficers(2);
    const page = await w.asCoordinator.submit(`/units/${unit._id}/activation-sheet`, {}, `/units/${unit._id}/activation-sheet`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('cache-control')).to.equal('no-store');
    const codes = [...page.text.matchAll(/data-code>([A-Z0-9-]+)</g)].map((m) => m[1]);
    expect(codes).to.have.length(2);
    expect(page.text).to.contain(`${tp.base}/activate`).and.contain(t('vi', 'activation_slip_login'));
  });
});
