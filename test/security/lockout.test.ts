/**
 * Finding 5 of issue #10: the lockout was keyed on the login as typed, while the lookup
 * upper-cased officer codes ("ſ".toUpperCase() === "S") and took e-mails and usernames as
 * other keys: every spelling had a fresh counter. Now the lockout counts against the
 * resolved account, logins are normalised once (NFKC + case fold) for lookup and lockout,
 * and an attacker at one address cannot lock an administrator out of every other address.
 */
import { expect } from 'chai';
import { startTestPlatform, type Reply, type TestPlatform } from '../http';
import { buildOfficer } from '../factories';
import { createAccount } from '../../server/users/service';
import { MAX_FAILURES, SUBJECT_MAX_FAILURES } from '../../server/auth/throttle';

const PASSWORD = 'mật khẩu đúng';

describe('security #10.5: sign-in lockout keyed on the resolved account', function () {
  this.timeout(60_000);
  let tp: TestPlatform;

  before(async () => {
    // one proxy in front: X-Forwarded-For gives each request its client address
    tp = await startTestPlatform('lockout', { TRUST_PROXY: '1' });
  });
  after(() => tp?.close());

  function signIn(login: string, password: string, address = '203.0.113.10'): Promise<Reply> {
    return tp.client().request('POST', '/api/v1/auth/login', { json: { login, password }, headers: { 'x-forwarded-for': address } });
  }

  async function failTimes(logins: string[], address = '203.0.113.10'): Promise<void> {
    for (const [i, login] of logins.entries()) expect((await signIn(login, `sai ${i}`, address)).status).to.be.oneOf([401, 429]);
  }

  function expectLocked(reply: Reply): void {
    expect(reply.status, reply.text).to.equal(429);
    expect(reply.json().error.id).to.equal('sign_in_locked');
    expect(reply.json().error.message).to.contain('Đăng nhập tạm thời bị khóa do nhập sai nhiều lần');
  }

  it('"ſ" and full-width spellings of a mã cán bộ share the account’s counter', async () => {
    const officer = await buildOfficer({ code: 'SKHOA01' });
    await createAccount(tp.platform.services.db, { officerId: officer._id, officerCode: 'SKHOA01', displayName: officer.fullName, role: 'officer', password: PASSWORD }, 4);
    expect((await signIn('ſkhoa01', PASSWORD)).status, 'the long s finds the account').to.equal(200);
    await failTimes(['skhoa01', 'ſkhoa01', 'ＳＫＨＯＡ０１', 'Skhoa01', 'ſKHOA01']);
    expectLocked(await signIn('ſkhoa01', PASSWORD));
    expectLocked(await signIn('SKHOA01', PASSWORD));
  });

  it('failures under the username lock the e-mail and the mã cán bộ too', async () => {
    const officer = await buildOfficer({ code: 'BIDANH01' });
    await createAccount(tp.platform.services.db, { username: 'bi.danh', email: 'bi.danh@sonha.example', officerId: officer._id, officerCode: 'BIDANH01', displayName: officer.fullName, role: 'officer', password: PASSWORD }, 4);
    await failTimes(['bi.danh', 'BI.DANH', 'bi.danh ', 'bi.danh@sonha.example', 'Bi.Danh@SonHa.example']);
    expectLocked(await signIn('bi.danh@sonha.example', PASSWORD));
    expectLocked(await signIn('bidanh01', PASSWORD));
  });

  it('an attacker at one address does not lock the administrator out elsewhere; a spray from many addresses does', async () => {
    await createAccount(tp.platform.services.db, { username: 'quan.tri.khoa', displayName: 'Quản trị', role: 'admin', password: PASSWORD }, 4);
    await failTimes(Array.from({ length: MAX_FAILURES }, () => 'quan.tri.khoa'), '198.51.100.66');
    expectLocked(await signIn('quan.tri.khoa', PASSWORD, '198.51.100.66'));
    expect((await signIn('quan.tri.khoa', PASSWORD, '203.0.113.20')).status, 'the administrator’s own office').to.equal(200);

    // a success cleared the counters: a spray now needs SUBJECT_MAX_FAILURES from several addresses
    const addresses = Array.from({ length: Math.ceil(SUBJECT_MAX_FAILURES / (MAX_FAILURES - 1)) }, (_, i) => `198.51.100.${i + 1}`);
    for (const address of addresses) await failTimes(Array.from({ length: MAX_FAILURES - 1 }, () => 'quan.tri.khoa'), address);
    expectLocked(await signIn('quan.tri.khoa', PASSWORD, '203.0.113.21'));
  });

  it('an unknown login is locked the same way (locking tells nothing about existence)', async () => {
    await failTimes(Array.from({ length: MAX_FAILURES }, () => 'khong.ton.tai'));
    expectLocked(await signIn('KHONG.TON.TAI', 'bất kỳ'));
  });
});
