/**
 * Sign-in over HTTP: login keys, failures that reveal nothing, lockout, the API token,
 * tokens that must be refused, revocation, CSRF and cookie flags.
 */
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { startTestPlatform, type TestPlatform } from '../http';
import { buildOfficer } from '../factories';
import { createAccount, findAccountByLogin, setAccountActive } from '../../server/users/service';
import type { User } from '../../server/users/model';

const PASSWORD = 'Cần kiệm liêm chính, chí công vô tư';

describe('auth: sign-in, tokens, revocation, CSRF', function () {
  let tp: TestPlatform;
  let officerAccount: User;
  let secret: string;

  before(async () => {
    tp = await startTestPlatform('sign-in');
    secret = tp.platform.services.secret;
    const officer = await buildOfficer({ email: 'ngoc.anh@sonha.example' });
    officerAccount = await createAccount(
      tp.platform.services.db,
      { email: 'ngoc.anh@sonha.example', officerId: officer._id, officerCode: officer.code, displayName: officer.fullName, role: 'officer', unitId: officer.unitId, password: PASSWORD },
      4,
    );
  });
  after(() => tp.close());

  async function apiToken(login = 'ngoc.anh@sonha.example', password = PASSWORD): Promise<string> {
    const reply = await tp.client().request('POST', '/api/v1/auth/login', { json: { login, password } });
    expect(reply.status, reply.text).to.equal(200);
    return reply.json().token as string;
  }

  describe('the login page', () => {
    it('answers 200 in Vietnamese with a CSRF-protected form and strict security headers', async () => {
      const reply = await tp.client().get('/login');
      expect(reply.status).to.equal(200);
      expect(reply.text).to.contain('Đăng nhập').and.contain('name="_csrf"');
      const csp = reply.headers.get('content-security-policy')!;
      expect(csp).to.match(/script-src 'self'/);
      expect(csp).not.to.contain('unsafe-inline');
      expect(reply.headers.get('x-request-id')).to.match(/^[0-9a-f]{16}$/);
    });

    it('signs in by e-mail, by mã cán bộ (any case) — the session cookie is httpOnly and SameSite', async () => {
      for (const login of ['Ngoc.Anh@SONHA.example', officerAccount.officerCode!.toLowerCase()]) {
        const client = tp.client();
        const reply = await client.signIn(login, PASSWORD);
        expect(reply.location).to.equal('/');
        const cookie = reply.headers.getSetCookie().find((c) => c.startsWith('vhcv_session='))!;
        expect(cookie).to.match(/HttpOnly/i).and.match(/SameSite=Lax/i).and.not.match(/Secure/i);
        const home = await client.get('/');
        expect(home.status).to.equal(200);
        expect(home.text).to.contain('Học phần của tôi');
      }
    });

    it('a long Vietnamese passphrase counts in full, beyond bcrypt\'s 72 bytes', async () => {
      const long = 'Tôi là công chức tỉnh Sơn Hà, luôn lắng nghe, luôn tận tình, luôn giúp đỡ, luôn thân thiện với nhân dân';
      expect(Buffer.byteLength(long)).to.be.greaterThan(100);
      await createAccount(tp.platform.services.db, { username: 'long.pass', displayName: 'Thử', role: 'officer', password: long }, 4);
      // same first 72 bytes, different ending: a truncating hash would accept it
      const sameStart = Buffer.from(long).subarray(0, 90).toString() + ' khác';
      expect((await tp.client().submit('/login', { login: 'long.pass', password: sameStart })).status).to.equal(401);
      await tp.client().signIn('long.pass', long);
    });

    it('a wrong password and an unknown login get the same answer', async () => {
      const wrong = await tp.client().submit('/login', { login: 'ngoc.anh@sonha.example', password: 'sai mật khẩu' });
      const unknown = await tp.client().submit('/login', { login: 'khong.co@sonha.example', password: 'sai mật khẩu' });
      expect(wrong.status).to.equal(401);
      expect(unknown.status).to.equal(401);
      const message = (html: string) => /role="alert">([^<]*)</.exec(html)?.[1];
      expect(message(wrong.text)).to.equal('Thông tin đăng nhập không đúng');
      expect(message(unknown.text)).to.equal(message(wrong.text));
    });

    it('locks a login after 5 failures — even with the right password — and locks unknown logins the same way', async () => {
      await createAccount(tp.platform.services.db, { username: 'lock.me', displayName: 'Thử khóa', role: 'officer', password: PASSWORD }, 4);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await tp.client().submit('/login', { login: 'lock.me', password: `sai ${i}` })).status);
      expect(statuses).to.deep.equal([401, 401, 401, 401, 429]);
      const locked = await tp.client().submit('/login', { login: 'lock.me', password: PASSWORD });
      expect(locked.status).to.equal(429);
      const ghost: number[] = [];
      for (let i = 0; i < 6; i++) ghost.push((await tp.client().submit('/login', { login: 'khong.ton.tai', password: `sai ${i}` })).status);
      expect(ghost).to.deep.equal([401, 401, 401, 401, 429, 429]);
      const api = await tp.client().request('POST', '/api/v1/auth/login', { json: { login: 'lock.me', password: PASSWORD } });
      expect(api.status).to.equal(429);
      expect(api.json().error.id).to.equal('sign_in_locked');
    });

    it('an account that must change its password is sent to the change form first', async () => {
      await createAccount(tp.platform.services.db, { username: 'first.time', displayName: 'Lần đầu', role: 'officer', password: PASSWORD, mustChangePassword: true }, 4);
      const reply = await tp.client().signIn('first.time', PASSWORD);
      expect(reply.location).to.equal('/password/change');
    });

    it('never redirects to another site after signing in', async () => {
      const reply = await tp.client().submit('/login', { login: 'ngoc.anh@sonha.example', password: PASSWORD, next: '//evil.example/x' });
      expect(reply.status).to.equal(303);
      expect(reply.location).to.equal('/');
    });
  });

  describe('the JSON API', () => {
    it('POST /api/v1/auth/login → {token, user}; GET /api/v1/me with the Bearer token', async () => {
      const reply = await tp.client().request('POST', '/api/v1/auth/login', { json: { login: officerAccount.officerCode, password: PASSWORD } });
      expect(reply.status).to.equal(200);
      const body = reply.json();
      expect(body.user).to.include({ displayName: officerAccount.displayName, role: 'officer' });
      expect(body.user).to.not.have.any.keys('passwordHash', 'tokenVersion');
      const client = tp.client();
      client.bearer = body.token;
      const me = await client.get('/api/v1/me');
      expect(me.status).to.equal(200);
      expect(me.json().user.id).to.equal(officerAccount._id.toHexString());
    });

    it('401 with no hint of which part was wrong', async () => {
      const wrong = await tp.client().request('POST', '/api/v1/auth/login', { json: { login: 'ngoc.anh@sonha.example', password: 'x' } });
      const unknown = await tp.client().request('POST', '/api/v1/auth/login', { json: { login: 'ai.do@sonha.example', password: 'x' } });
      expect([wrong.status, unknown.status]).to.deep.equal([401, 401]);
      expect(wrong.json().error).to.include({ id: 'sign_in_failed' });
      expect(unknown.json().error.message).to.equal(wrong.json().error.message);
      expect((await tp.client().get('/api/v1/me')).json().error.id).to.equal('unauthenticated');
    });

    it('refuses operator objects and prototype keys in the body, writing nothing', async () => {
      const operator = await tp.client().request('POST', '/api/v1/auth/login', { json: { login: { $gt: '' }, password: { $gt: '' } } });
      expect(operator.status).to.equal(422);
      const proto = await tp.client().request('POST', '/api/v1/auth/login', { body: '{"login":"a","password":"b","__proto__":{"role":"admin"}}', headers: { 'content-type': 'application/json' } });
      expect(proto.status).to.equal(422);
      expect(proto.json().error.details[0]).to.include({ field: '__proto__', id: 'field_unknown' });
      const malformed = await tp.client().request('POST', '/api/v1/auth/login', { body: '{"login":', headers: { 'content-type': 'application/json' } });
      expect(malformed.status).to.equal(400);
      expect(malformed.json().error.id).to.equal('malformed_body');
    });

    it('a body over the size limit is refused with 413 and the server keeps serving', async () => {
      const big = await tp.client().request('POST', '/api/v1/auth/login', { body: JSON.stringify({ login: 'x'.repeat(2_000_000), password: 'y' }), headers: { 'content-type': 'application/json' } });
      expect(big.status).to.equal(413);
      expect(big.json().error.id).to.equal('payload_too_large');
      expect((await tp.client().get('/healthz')).status).to.equal(200);
    });
  });

  describe('tokens that must be refused', () => {
    const me = async (token: string) => {
      const client = tp.client();
      client.bearer = token;
      return (await client.get('/api/v1/me')).status;
    };

    it('tampered, expired, alg:none, wrong-secret and wrong-audience tokens → 401', async () => {
      const good = await apiToken();
      expect(await me(good)).to.equal(200);
      const [header, payload, signature] = good.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      const forged = Buffer.from(JSON.stringify({ ...claims, sub: '0'.repeat(24) })).toString('base64url');
      expect(await me(`${header}.${forged}.${signature}`), 'tampered').to.equal(401);
      const base = { ver: 0, sub: officerAccount._id.toHexString(), jti: 'j1', iss: 'vhcv', aud: 'vhcv-session' };
      expect(await me(jwt.sign({ ...base, exp: Math.floor(Date.now() / 1000) - 10 }, secret, { algorithm: 'HS256' })), 'expired').to.equal(401);
      const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...base, exp: 9_999_999_999 })).toString('base64url')}.`;
      expect(await me(none), 'alg none').to.equal(401);
      expect(await me(jwt.sign({ ...base, exp: 9_999_999_999 }, 'k'.repeat(40), { algorithm: 'HS256' })), 'other secret').to.equal(401);
      expect(await me(jwt.sign({ ...base, aud: 'other', exp: 9_999_999_999 }, secret, { algorithm: 'HS256' })), 'audience').to.equal(401);
      expect(await me(jwt.sign({ ...base, exp: 9_999_999_999 }, secret, { algorithm: 'HS512' })), 'HS512').to.equal(401);
    });

    it('a token accepted before (its verdict held in memory) is refused once it expires, and a tampered copy never is accepted', async () => {
      const exp = Math.floor(Date.now() / 1000) + 2;
      const token = jwt.sign({ ver: 0, sub: officerAccount._id.toHexString(), jti: 'short-lived', iss: 'vhcv', aud: 'vhcv-session', exp }, secret, { algorithm: 'HS256' });
      expect(await me(token), 'fresh').to.equal(200);
      expect(await me(token), 'again, from memory').to.equal(200);
      expect(await me(`${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`), 'other signature').to.equal(401);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, exp * 1000 - Date.now()) + 50));
      expect(await me(token), 'expired since').to.equal(401);
    });

    it('logout revokes that token only; logout everywhere, password change and deactivation revoke all', async () => {
      const db = tp.platform.services.db;
      await createAccount(db, { username: 'revoke.me', displayName: 'Thu hồi', role: 'officer', password: PASSWORD }, 4);
      const [a, b] = [await apiToken('revoke.me'), await apiToken('revoke.me')];
      const client = tp.client();
      client.bearer = a;
      expect((await client.request('POST', '/api/v1/auth/logout')).status).to.equal(204);
      expect([await me(a), await me(b)]).to.deep.equal([401, 200]);

      // password change through the page ends every other session (and the API tokens)
      const page = tp.client();
      await page.signIn('revoke.me', PASSWORD);
      const other = tp.client();
      await other.signIn('revoke.me', PASSWORD);
      const changed = await page.submit('/password/change', { currentPassword: PASSWORD, newPassword: 'Mật khẩu mới rất dài', confirmPassword: 'Mật khẩu mới rất dài' }, '/password/change');
      expect(changed.status).to.equal(303);
      expect(await me(b)).to.equal(401);
      expect((await other.get('/')).status, 'other browser').to.equal(303);
      expect((await page.get('/')).status, 'this browser keeps a fresh session').to.equal(200);

      // log out everywhere
      const c = await apiToken('revoke.me', 'Mật khẩu mới rất dài');
      expect((await page.submit('/logout-everywhere', {}, '/password/change')).status).to.equal(303);
      expect(await me(c)).to.equal(401);

      // deactivation
      const d = await apiToken('revoke.me', 'Mật khẩu mới rất dài');
      await setAccountActive(db, (await findAccountByLogin(db, 'revoke.me'))!._id, false);
      expect(await me(d)).to.equal(401);
      expect((await tp.client().request('POST', '/api/v1/auth/login', { json: { login: 'revoke.me', password: 'Mật khẩu mới rất dài' } })).status).to.equal(401);
    });
  });

  describe('CSRF', () => {
    it('forms without a valid token are refused, before anything is done', async () => {
      const client = tp.client();
      const noToken = await client.request('POST', '/login', { form: { login: 'ngoc.anh@sonha.example', password: PASSWORD } });
      expect(noToken.status).to.equal(403);
      expect(noToken.text).to.contain('Phiên làm việc của biểu mẫu đã hết hạn');
      await client.signIn('ngoc.anh@sonha.example', PASSWORD);
      expect((await client.request('POST', '/logout', { form: {} })).status).to.equal(403);
      expect((await client.request('POST', '/logout', { form: { _csrf: 'x'.repeat(43) } })).status).to.equal(403);
      // a token from another browser does not fit this browser's cookie
      const stranger = await tp.client().csrf();
      expect((await client.request('POST', '/logout', { form: { _csrf: stranger } })).status).to.equal(403);
      expect((await client.get('/')).status, 'still signed in').to.equal(200);
      // cookie-authenticated API writes need the header; Bearer ones do not
      expect((await client.request('POST', '/api/v1/auth/logout')).status).to.equal(403);
      const token = await client.csrf('/');
      expect((await client.request('POST', '/api/v1/auth/logout', { headers: { 'x-csrf-token': token } })).status).to.equal(204);
    });

    it('slows down one address that tries too many sign-ins (SIGN_IN_RATE_PER_MINUTE)', async () => {
      const limited = await startTestPlatform('rate-limit', { SIGN_IN_RATE_PER_MINUTE: '3' });
      try {
        const client = limited.client();
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++) statuses.push((await client.submit('/login', { login: `ai.${i}`, password: 'sai mật khẩu' })).status);
        expect(statuses).to.deep.equal([401, 401, 401, 429]);
        const api = await client.request('POST', '/api/v1/auth/login', { json: { login: 'x', password: 'y' } });
        expect(api.status).to.equal(429);
        expect(api.json().error.id).to.equal('too_many_requests');
        expect((await client.get('/login')).status, 'the page itself still opens').to.equal(200);
      } finally {
        await limited.close();
      }
    });

    it('behind HTTPS the cookies are Secure', async () => {
      const secure = await startTestPlatform('secure-cookie', { PUBLIC_URL: 'https://daotao.sonha.gov.vn' });
      try {
        await createAccount(secure.platform.services.db, { username: 'sec.user', displayName: 'Bảo mật', role: 'officer', password: PASSWORD }, 4);
        const reply = await secure.client().signIn('sec.user', PASSWORD);
        expect(reply.headers.getSetCookie().find((c) => c.startsWith('vhcv_session='))).to.match(/; Secure/i);
        expect(reply.headers.get('strict-transport-security')).to.be.a('string');
      } finally {
        await secure.close();
      }
    });
  });
});
