/**
 * Finding 2 of issue #10, replayed in a real browser (headless Chromium): the platform at
 * daotao.tinh.test and the content origin at noidung.tinh.test — sibling subdomains of one
 * site, as a province may deploy them — both mapped to 127.0.0.1.
 *
 * The attack as it was reproduced: code served under the shared site (a package on the
 * content origin, or any other sibling such as evil.tinh.test here) sets ("tosses") a
 * `vhcv_csrf` cookie for `domain=tinh.test` holding a seed of the attacker's, whose token
 * the attacker read from GET /login, then submits a form to the platform. The browser
 * treats sibling subdomains as same-site, so the administrator's SameSite=Lax session goes
 * along. Now the token is bound to the session, and the form is refused (403) with the root
 * unit unchanged. The content origin's own error pages are no help to the attacker either:
 * they are sandboxed (no script of the package can touch them) and allow no form.
 */
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from '../http';
import { buildUnit } from '../factories';
import { createAccount } from '../../server/users/service';
import { unitModel, type Unit } from '../../server/units/model';
import { CSRF_COOKIE } from '../../server/http/csrf';
import { CHROMIUM_PATH } from '../browser/browser';

describe('security #10.2: cookie tossing from a sibling subdomain fails (Chromium)', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  let browser: Browser;
  let page: Page;
  let evil: Server;
  let root: Unit;
  const ports = { port: 0, contentPort: 0 };
  const platformUrl = () => `http://daotao.tinh.test:${ports.port}`;
  const contentUrl = () => `http://noidung.tinh.test:${ports.contentPort}`;

  before(async () => {
    tp = await startTestPlatform('cookie-tossing', (given) => {
      Object.assign(ports, given);
      return { PUBLIC_URL: platformUrl(), CONTENT_ORIGIN: contentUrl() };
    });
    root = await buildUnit({ code: 'TINH-GOC', name: 'Ủy ban nhân dân tỉnh thử' });
    await createAccount(tp.platform.services.db, { username: 'quan.tri.tinh', displayName: 'Quản trị tỉnh', role: 'admin', password: 'mật khẩu thử' }, 4);
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      // the three sibling names resolve to this machine, as DNS would point them at one server
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--host-resolver-rules=MAP *.tinh.test 127.0.0.1'],
    });
    page = await (await browser.newContext({ locale: 'vi-VN' })).newPage();
    // the administrator signs in, as on any working day
    await page.goto(`${platformUrl()}/login`);
    await page.locator('input[name="login"]').fill('quan.tri.tinh');
    await page.locator('input[name="password"]').fill('mật khẩu thử');
    await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.locator('form[action="/login"] button[type="submit"]').click()]);
  });
  after(async () => {
    await browser?.close();
    await new Promise((resolve) => (evil ? evil.close(resolve) : resolve(undefined)));
    await tp?.close();
  });

  const rootName = async () => (await unitModel(tp.platform.services.db).findById(root._id).lean<Unit>())!.name;

  it('a form from evil.tinh.test with a tossed seed cookie and its /login token is refused (403), nothing renamed', async () => {
    // the attacker's own seed and its token, from the sign-in page, as anyone can get them
    const attacker = tp.client();
    const token = await attacker.csrf('/login');
    const seed = attacker.cookies.get(CSRF_COOKIE)!;
    const target = `${platformUrl()}/units/${root._id.toHexString()}/rename`;
    const html = `<!doctype html><meta charset="utf-8"><body><script>
      // a longer path than the victim's own cookie: the browser sends the tossed one first
      document.cookie = '${CSRF_COOKIE}=${seed}; domain=tinh.test; path=/units';
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = ${JSON.stringify(target)};
      for (const [name, value] of [['_csrf', ${JSON.stringify(token)}], ['name', 'Tỉnh đã bị chiếm']]) {
        const input = document.createElement('input');
        input.name = name;
        input.value = value;
        form.appendChild(input);
      }
      document.body.appendChild(form);
      form.submit();
    </script></body>`;
    evil = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const evilUrl = `http://evil.tinh.test:${(evil.address() as AddressInfo).port}/`;

    const submitted = page.waitForResponse((response) => response.url() === target && response.request().method() === 'POST');
    await page.goto(evilUrl);
    const response = await submitted;
    // the browser did carry the session: the tossed cookie reached the platform beside it
    const sentCookies = (await response.request().allHeaders())['cookie'] ?? '';
    expect(sentCookies).to.contain(`${CSRF_COOKIE}=${seed}`).and.contain('vhcv_session=');
    expect(response.status()).to.equal(403);
    expect(await response.text()).to.contain('Phiên làm việc của biểu mẫu đã hết hạn');
    expect(await rootName()).to.equal('Ủy ban nhân dân tỉnh thử');
  });

  it('the content origin’s 404 page is sandboxed: no cookie can be tossed from it, no form leaves it', async () => {
    const missing = `${contentUrl()}/khong-co-trang-nay`;
    const response = await page.goto(missing);
    expect(response!.status()).to.equal(404);
    expect(response!.headers()['content-security-policy']).to.contain('sandbox').and.contain("form-action 'none'");
    const tossed = await page.evaluate(`(() => { try { document.cookie = '${CSRF_COOKIE}=x; domain=tinh.test; path=/units'; return 'set'; } catch (e) { return e.name; } })()`);
    expect(tossed).to.equal('SecurityError');
    // a form written into the page is not submitted: no request reaches the platform
    const reached: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(platformUrl())) reached.push(request.url());
    });
    await page.evaluate(`(() => {
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = ${JSON.stringify(`${platformUrl()}/units/${root._id.toHexString()}/rename`)};
      document.body.appendChild(form);
      form.submit();
    })()`);
    // a page loaded after the attempt proves the browser went on and sent nothing meanwhile
    await page.goto(`${contentUrl()}/van-khong-co`);
    expect(reached).to.deep.equal([]);
    expect(await rootName()).to.equal('Ủy ban nhân dân tỉnh thử');
  });
});
