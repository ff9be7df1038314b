/**
 * The pages in a real browser: a headless Chromium signs in through the real form as each
 * demo account, on a phone and a desktop screen, in Vietnamese. Every page must pass axe
 * (WCAG 2.1 AA: no serious or critical violation), log no console error, break no CSP rule,
 * and leave a screenshot in test-artifacts/screenshots for people to look at.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { t, type MessageId } from '../../server/i18n';
import { userModel, type User } from '../../server/users/model';
import { unitModel, type Unit } from '../../server/units/model';
import { officerModel, type Officer } from '../../server/officers/model';
import type { TestPlatform } from '../http';
import { assertAccessible, DESKTOP, expectErrorStatus, gotoExpectingError, launchWithPlatform, newPage, pageProblems, PHONE, screenshot, startOver } from './browser';

const vi = (id: MessageId, params?: Record<string, unknown>) => t('vi', id, params);

type DemoLogin = 'demo.admin' | 'demo.coordinator' | 'demo.manager' | 'demo.officer';
type Screen = 'phone' | 'desktop';
const SCREENS: Record<Screen, { width: number; height: number }> = { phone: PHONE, desktop: DESKTOP };

/**
 * Pages behind the home page, each opened by the demo account that uses it, checked on a
 * phone and a desktop screen. Add a page here once its route exists.
 */
const MORE_PAGES: { path: string; as: DemoLogin; name: string; heading: MessageId }[] = [
  { path: '/units', as: 'demo.coordinator', name: 'units', heading: 'units_title' },
  { path: '/officers', as: 'demo.manager', name: 'officers', heading: 'officers_title' },
  { path: '/admin/outbox', as: 'demo.admin', name: 'admin-outbox', heading: 'outbox_title' },
  { path: '/admin/audit', as: 'demo.admin', name: 'admin-audit', heading: 'audit_title' },
  { path: '/authoring/bundles/import', as: 'demo.coordinator', name: 'bundle-import', heading: 'bundle_import_title' },
  // /officers/import has its own test below: it uploads a file and follows the job's progress page
];

describe('pages in a real browser (Chromium)', function () {
  // one browser, one platform and one page for the whole file: each test starts over with no cookies
  this.timeout(60_000);
  let browser: Browser;
  let tp: TestPlatform;
  let page: Page;
  let password: string;

  before(async () => {
    // both take seconds: start them together, and close whichever started if the other failed
    ({ browser, tp } = await launchWithPlatform('browser', { DEMO_DATA: 'on' }));
    password = tp.platform.services.config.DEMO_PASSWORD;
    page = await newPage(browser, { viewport: PHONE });
    expect(tp.platform.demo.logins, 'demo accounts loaded').to.have.members(['demo.admin', 'demo.coordinator', 'demo.manager', 'demo.officer', 'demo.ward.coordinator', 'demo.ward.manager']);
  });

  after(async () => {
    await browser?.close();
    await tp?.close();
  });

  /**
   * A test on the shared page, which starts signed out on a phone and must log no console
   * error, throw no uncaught exception and break no CSP rule. Checked inside the test rather
   * than in an afterEach hook: a failing hook would make mocha skip every test after it.
   */
  function pageTest(title: string, body: () => Promise<void>): void {
    it(title, async () => {
      await startOver(page);
      await page.setViewportSize(PHONE);
      let failure: unknown = null;
      await body().catch((error: unknown) => (failure = error));
      const problems = [...pageProblems(page)];
      if (failure) {
        // the test's own failure comes first; what the page logged may explain it
        if (failure instanceof Error && problems.length) failure.message += `\n  the page also logged:\n    ${problems.join('\n    ')}`;
        throw failure;
      }
      expect(problems, 'console errors, uncaught exceptions or CSP violations').to.deep.equal([]);
    });
  }

  /**
   * Types the login and the password into the sign-in form and presses the button, like a
   * person; resolves with the status the form post answered (303 on success).
   */
  async function signIn(login: DemoLogin, secret = password): Promise<number> {
    await page.goto(`${tp.base}/login`);
    await page.getByLabel(vi('sign_in_login')).fill(login);
    await page.getByLabel(vi('sign_in_password'), { exact: true }).fill(secret);
    const posted = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login');
    await page.getByRole('button', { name: vi('sign_in_submit') }).click();
    const status = (await posted).status();
    if (status === 303) await page.waitForURL((url) => url.pathname !== '/login');
    else await page.getByRole('alert').waitFor();
    return status;
  }

  /**
   * Checks the page as it is on each screen size (the same page, resized: layouts differ, so
   * axe runs again) and saves a screenshot named `<name>-<screen>`.
   */
  async function checkScreens(name: string, screens: readonly Screen[]): Promise<void> {
    for (const screen of screens) {
      await page.setViewportSize(SCREENS[screen]);
      await assertAccessible(page, `${name}-${screen}`);
      await screenshot(page, `${name}-${screen}`);
    }
  }

  async function account(login: DemoLogin): Promise<User> {
    const found = await userModel(tp.platform.services.db).findOne({ username: login }).lean<User>();
    if (!found) throw new Error(`demo account ${login} is missing`);
    return found;
  }

  async function unitName(id: unknown): Promise<string> {
    const unit = await unitModel(tp.platform.services.db).findById(id).lean<Unit>();
    return unit!.name;
  }

  describe('sign-in page', () => {
    pageTest('is in Vietnamese on a phone and passes axe', async () => {
      const response = await page.goto(`${tp.base}/login`);
      expect(response?.status()).to.equal(200);
      expect(await page.locator('html').getAttribute('lang')).to.equal('vi');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Đăng nhập');
      expect(await page.title()).to.match(/^Đăng nhập — /);
      await assertAccessible(page, 'login-phone');
      await screenshot(page, 'login-phone');
    });

    pageTest('shows the failure in an alert after a wrong password, keeping the login typed', async () => {
      expectErrorStatus(page, `${tp.base}/login`);
      expect(await signIn('demo.officer', 'not the password')).to.equal(401);
      const alert = page.getByRole('alert');
      expect(await alert.textContent()).to.contain(vi('sign_in_failed'));
      expect(await page.getByLabel(vi('sign_in_login')).inputValue()).to.equal('demo.officer');
      expect(await page.getByLabel(vi('sign_in_password'), { exact: true }).inputValue(), 'the password is never sent back').to.equal('');
      await assertAccessible(page, 'login-failed-phone');
      await screenshot(page, 'login-failed-phone');
    });

    pageTest('keyboard: the first Tab reaches the skip link, which moves focus to the main content', async () => {
      await page.goto(`${tp.base}/login`);
      await page.keyboard.press('Tab');
      const focused = () => page.evaluate(() => {
        const el = (globalThis as any).document.activeElement;
        return { tag: el?.tagName as string, id: el?.id as string, text: (el?.textContent ?? '').trim() as string, className: el?.className as string };
      });
      expect(await focused()).to.include({ tag: 'A', text: vi('skip_to_content') });
      const box = await page.locator('.skip-link').boundingBox();
      expect(box, 'the focused skip link is on screen').to.not.equal(null);
      expect(box!.x).to.be.at.least(0);
      expect(box!.y).to.be.at.least(0);
      await screenshot(page, 'login-skip-link-focused-phone');
      await page.keyboard.press('Enter');
      expect(await focused()).to.include({ tag: 'MAIN', id: 'main' });
      // the next Tab continues inside main, not back at the top of the page
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => Boolean((globalThis as any).document.activeElement?.closest('main')))).to.equal(true);
    });

    pageTest('switches to English and back', async () => {
      await page.goto(`${tp.base}/login`);
      await page.getByRole('button', { name: 'English' }).click();
      await page.waitForURL(`${tp.base}/login`);
      expect(await page.locator('html').getAttribute('lang')).to.equal('en');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal(t('en', 'sign_in_title'));
      await assertAccessible(page, 'login-english-phone');
      await screenshot(page, 'login-english-phone');
      await page.getByRole('button', { name: 'Tiếng Việt' }).click();
      await page.waitForURL(`${tp.base}/login`);
      expect(await page.locator('html').getAttribute('lang')).to.equal('vi');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Đăng nhập');
    });
  });

  describe('each demo account signs in through the form and lands on its home page', () => {
    /** What shows that the page is this role's home page, beyond the greeting and the role in the header. */
    const roleHomes: { login: DemoLogin; name: string; screens: readonly Screen[]; expectHome: (page: Page, user: User) => Promise<void> }[] = [
      {
        login: 'demo.admin',
        name: 'home-admin',
        screens: ['phone', 'desktop'],
        expectHome: async (page) => {
          expect(await page.getByRole('heading', { level: 2, name: vi('home_recent_activity') }).count()).to.equal(1);
          expect(await page.getByText(vi('home_accounts_count')).count()).to.equal(1);
          // the sign-in just made is in the recent activity
          expect(await page.locator('table tbody tr').count()).to.be.greaterThan(0);
        },
      },
      {
        login: 'demo.coordinator',
        name: 'home-coordinator',
        screens: ['phone'],
        expectHome: async (page, user) => {
          const name = vi('home_unit_overview', { unit: await unitName(user.unitId) });
          expect(name).to.contain('Ủy ban nhân dân tỉnh');
          expect(await page.getByRole('heading', { level: 2, name }).count()).to.equal(1);
          expect(await page.getByRole('table').getByRole('columnheader', { name: vi('officer_field_category') }).count()).to.equal(1);
        },
      },
      {
        login: 'demo.manager',
        name: 'home-manager',
        screens: ['phone'],
        expectHome: async (page, user) => {
          const name = vi('home_unit_overview', { unit: await unitName(user.unitId) });
          expect(name).to.contain('Sở Nội vụ');
          expect(await page.getByRole('heading', { level: 2, name }).count()).to.equal(1);
        },
      },
      {
        login: 'demo.officer',
        name: 'home-officer',
        screens: ['phone', 'desktop'],
        expectHome: async (page, user) => {
          expect(await page.getByRole('heading', { level: 2, name: vi('home_my_modules') }).count()).to.equal(1);
          const officer = await officerModel(tp.platform.services.db).findById(user.officerId).lean<Officer>();
          expect(await page.locator('dl.facts').textContent()).to.contain(officer!.code);
          // an officer sees no unit-wide navigation
          expect(await page.getByRole('navigation').getByRole('link', { name: vi('nav_officers') }).count()).to.equal(0);
        },
      },
    ];

    for (const home of roleHomes) {
      pageTest(`${home.login}: home page with its role, passing axe (${home.screens.join(' + ')})`, async () => {
        const user = await account(home.login);
          expect(await signIn(home.login)).to.equal(303);
        expect(page.url(), 'lands on the home page').to.equal(`${tp.base}/`);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal(vi('home_greeting', { name: user.displayName }));
        expect(await page.getByRole('navigation', { name: vi('nav_main') }).textContent()).to.contain(vi(`role_${user.role}` as MessageId));
        await home.expectHome(page, user);
        await checkScreens(home.name, home.screens);
      });
    }
  });

  describe('error pages', () => {
    pageTest('GET /no-such-page: 404 in Vietnamese, passing axe', async () => {
      const response = await gotoExpectingError(page, `${tp.base}/no-such-page`);
      expect(response?.status()).to.equal(404);
      expect(await page.locator('html').getAttribute('lang')).to.equal('vi');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Lỗi 404');
      expect(await page.locator('main').textContent()).to.contain('Không tìm thấy trang bạn yêu cầu');
      expect(await page.getByRole('link', { name: vi('error_back_home') }).count()).to.equal(1);
      await assertAccessible(page, 'error-404-phone');
      await screenshot(page, 'error-404-phone');
    });
  });

  describe('pages behind the home page', () => {
    for (const login of [...new Set(MORE_PAGES.map((p) => p.as))]) {
      const pages = MORE_PAGES.filter((p) => p.as === login);
      pageTest(`as ${login}: ${pages.map((p) => p.path).join(', ')} pass axe`, async () => {
          expect(await signIn(login)).to.equal(303);
        for (const more of pages) {
          await page.setViewportSize(PHONE);
          const response = await page.goto(`${tp.base}${more.path}`);
          expect(response?.status(), more.path).to.equal(200);
          expect(await page.getByRole('heading', { level: 1 }).textContent(), more.path).to.equal(vi(more.heading));
          await checkScreens(more.name, ['phone', 'desktop']);
        }
      });
    }

    pageTest('as demo.coordinator: /officers/import uploads the template through the form and shows the job with its progress bar', async () => {
      expect(await signIn('demo.coordinator')).to.equal(303);
      await page.goto(`${tp.base}/officers/import`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal(vi('import_page_title'));
      await checkScreens('officers-import', ['phone', 'desktop']);

      // the CSV template holds one example officer of the demo province: a clean dry run
      await page.setViewportSize(PHONE);
      const template = await page.request.get(`${tp.base}/officers/import/template.csv`);
      expect(template.status()).to.equal(200);
      await page.getByLabel(vi('import_file_label', { max: tp.platform.services.config.UPLOAD_MAX_MB })).setInputFiles({ name: 'danh-sách.csv', mimeType: 'text/csv', buffer: await template.body() });
      await page.getByRole('button', { name: vi('import_submit') }).click();
      await page.waitForURL(/\/officers\/import\/jobs\/[0-9a-f]{24}$/);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal(vi('import_job_title', { filename: 'danh-sách.csv' }));
      const bar = page.getByRole('progressbar', { name: vi('import_progress_label'), exact: false });
      expect(await bar.count(), 'a labelled progress bar').to.equal(1);
      // the page polls until the job ends, then reloads with the report
      await page.locator('#import-summary').waitFor({ timeout: 20_000 });
      expect(await bar.getAttribute('value')).to.equal('100');
      expect(await page.getByRole('button', { name: /^Nhập chính thức/ }).count(), 'the dry run offers the real import').to.equal(1);
      await checkScreens('officers-import-job', ['phone', 'desktop']);
    });
  });
});
