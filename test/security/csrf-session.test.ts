/**
 * Finding 2 of issue #10, over HTTP (the browser test, test/security/cookie-tossing.test.ts,
 * replays the whole attack in Chromium):
 *  - a CSRF token is bound to the session: an attacker's own seed cookie, tossed into the
 *    victim's browser with the token GET /login gave them, is refused with the victim's session;
 *  - every content-origin response carries a strict CSP (404s, /player/*, errors);
 *  - production refuses a CONTENT_ORIGIN on the same registrable domain as PUBLIC_URL, with a
 *    start-up message that says why.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { buildUnit } from '../factories';
import { createAccount } from '../../server/users/service';
import { unitModel, type Unit } from '../../server/units/model';
import { parseEnv } from '../../server/env';
import { CSRF_COOKIE } from '../../server/http/csrf';

describe('security #10.2: CSRF bound to the session, strict CSP on the content origin, no same-site content origin', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let victim: Client;
  let unit: Unit;

  before(async () => {
    tp = await startTestPlatform('csrf-session');
    const province = await buildUnit({ code: 'TINH-CSRF', name: 'Tỉnh thử CSRF' });
    unit = await buildUnit({ code: 'SO-CSRF', name: 'Sở thử CSRF', parentId: province._id });
    await createAccount(tp.platform.services.db, { username: 'quan.tri.csrf', displayName: 'Quản trị', role: 'admin', password: 'mật khẩu thử' }, 4);
    await createAccount(tp.platform.services.db, { username: 'ke.tan.cong', displayName: 'Kẻ tấn công', role: 'officer', password: 'mật khẩu thử' }, 4);
    victim = tp.client();
    await victim.signIn('quan.tri.csrf', 'mật khẩu thử');
  });
  after(() => tp?.close());

  const unitName = async () => (await unitModel(tp.platform.services.db).findById(unit._id).lean<Unit>())!.name;

  /** Posts the rename form with the victim's session but the given seed cookie and token. */
  async function renameWith(seed: string, token: string) {
    const forged = tp.client();
    for (const [name, value] of victim.cookies) forged.cookies.set(name, value);
    forged.cookies.set(CSRF_COOKIE, seed);
    return forged.request('POST', `/units/${unit._id.toHexString()}/rename`, { form: { _csrf: token, name: 'Đã bị đổi tên' } });
  }

  it('refuses a tossed seed cookie with the anonymous token the attacker got from GET /login', async () => {
    const attacker = tp.client();
    const token = await attacker.csrf('/login');
    const reply = await renameWith(attacker.cookies.get(CSRF_COOKIE)!, token);
    expect(reply.status).to.equal(403);
    expect(reply.text).to.contain('Phiên làm việc của biểu mẫu đã hết hạn');
    expect(await unitName()).to.equal('Sở thử CSRF');
  });

  it('refuses the token of the attacker’s own signed-in session, too', async () => {
    const attacker = tp.client();
    await attacker.signIn('ke.tan.cong', 'mật khẩu thử');
    const token = await attacker.csrf('/');
    const reply = await renameWith(attacker.cookies.get(CSRF_COOKIE)!, token);
    expect(reply.status).to.equal(403);
    expect(await unitName()).to.equal('Sở thử CSRF');
  });

  it('accepts the victim’s own form (the token of their page, in their session)', async () => {
    const token = await victim.csrf(`/units/${unit._id.toHexString()}`);
    const reply = await victim.request('POST', `/units/${unit._id.toHexString()}/rename`, { form: { _csrf: token, name: 'Sở thử CSRF mới' } });
    expect(reply.status, reply.text.slice(0, 300)).to.equal(303);
    expect(await unitName()).to.equal('Sở thử CSRF mới');
  });

  it('sends the strict CSP on every content-origin response: 404, /player/*, errors', async () => {
    const replies = [
      await fetch(`${tp.contentBase}/khong-co-trang-nay`),
      await fetch(`${tp.contentBase}/player/scorm-again/scorm12.min.js`),
      await fetch(`${tp.contentBase}/player/khong-co.html`),
      await fetch(`${tp.contentBase}/commit/khong-hop-le`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"hỏng' }),
      await fetch(`${tp.contentBase}/p/khong-hop-le/index.html`),
    ];
    for (const reply of replies) {
      const policy = reply.headers.get('content-security-policy') ?? '';
      expect(policy, `${reply.url} (${reply.status})`).to.contain("default-src 'none'").and.contain("form-action 'none'").and.contain('sandbox').and.match(/frame-ancestors [^;]+;/);
    }
  });

  it('refuses in production a CONTENT_ORIGIN on the same registrable domain as PUBLIC_URL', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(40) };
    expect(() => parseEnv({ ...production, PUBLIC_URL: 'https://daotao.tinh.gov.vn', CONTENT_ORIGIN: 'https://noidung.tinh.gov.vn' })).to.throw(/CONTENT_ORIGIN: must be on another registrable domain .*tinh\.gov\.vn/);
    expect(() => parseEnv({ ...production, PUBLIC_URL: 'http://daotao.tinh.test', CONTENT_ORIGIN: 'http://noidung.tinh.test' })).to.throw(/registrable domain/);
    // gov.vn is a public suffix: two provinces' domains are two sites
    expect(parseEnv({ ...production, PUBLIC_URL: 'https://daotao.tinh.gov.vn', CONTENT_ORIGIN: 'https://noidung-tinh.edu.vn' }).CONTENT_ORIGIN).to.equal('https://noidung-tinh.edu.vn');
    expect(parseEnv({ ...production, PUBLIC_URL: 'https://daotao.tinh.gov.vn', CONTENT_ORIGIN: 'https://noidung.sonha.gov.vn' }).CONTENT_ORIGIN).to.equal('https://noidung.sonha.gov.vn');
  });

  it('npm start stops with a readable message on such a setting', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vhcv-samesite-'));
    try {
      const child = spawn(process.execPath, [path.resolve(__dirname, '../../server/main.js')], {
        env: { PATH: process.env.PATH, NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(40), DATA_DIR: dataDir, PUBLIC_URL: 'https://daotao.tinh.gov.vn', CONTENT_ORIGIN: 'https://noidung.tinh.gov.vn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).to.equal(1);
      expect(output).to.contain('Cấu hình không hợp lệ').and.contain('CONTENT_ORIGIN: must be on another registrable domain than PUBLIC_URL');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
