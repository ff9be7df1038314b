/**
 * The dashboards in a real browser (headless Chromium), on the hand-computed fixture of
 * test/dashboards/world.ts: a unit manager's home page, a coordinator's home page and the
 * drill-down to a sub-unit's page. Each page passes axe (WCAG 2.1 AA) on a phone (390×844)
 * and a desktop, does not scroll sideways on the phone, logs no console error or CSP
 * violation, and leaves screenshots in test-artifacts/screenshots.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { t, type MessageId } from '../../server/i18n';
import { createAccount } from '../../server/users/service';
import type { TestPlatform } from '../http';
import { buildDashboardWorld, PASSWORD, type DashboardWorld } from '../dashboards/world';
import { checkScreens, launchWithPlatform, newPage, pageProblems, PHONE, signInAs, startOver } from './browser';

const vi = (id: MessageId, params?: Record<string, unknown>) => t('vi', id, params);

describe('dashboards in a real browser (Chromium)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let tp: TestPlatform;
  let page: Page;
  let w: DashboardWorld;

  before(async () => {
    ({ browser, tp } = await launchWithPlatform('dashboards-browser'));
    w = await buildDashboardWorld(tp);
    const db = tp.platform.services.db;
    await createAccount(db, { username: 'bsl.dieuphoi', displayName: 'Trần Điều Phối', role: 'coordinator', password: PASSWORD, unitId: w.units.A._id }, 4);
    await createAccount(db, { username: 'bsl.totruong', displayName: 'Lê Tổ Trưởng', role: 'manager', password: PASSWORD, unitId: w.units.A11._id }, 4);
    page = await newPage(browser, { viewport: PHONE });
  });
  after(async () => {
    await browser?.close();
    await tp?.close();
  });

  function pageTest(title: string, body: () => Promise<void>): void {
    it(title, async () => {
      await startOver(page);
      await page.setViewportSize(PHONE);
      await body();
      expect([...pageProblems(page)], 'console errors, uncaught exceptions or CSP violations').to.deep.equal([]);
    });
  }

  const signIn = (login: string) => signInAs(page, tp.base, login, PASSWORD);
  const figure = (name: string) => page.locator(`[data-figure="${name}"]`).first().textContent();

  pageTest("the manager's home page shows their subtree's dashboard", async () => {
    await signIn('bsl.totruong');
    expect(await figure('enrolled')).to.equal('8');
    expect(await figure('rate')).to.equal('25%');
    expect(await page.getByRole('img', { name: vi('dashboard_by_unit_chart') }).count()).to.equal(1);
    expect(await page.getByRole('img', { name: vi('dashboard_trend_chart') }).count()).to.equal(1);
    expect(await page.locator('input[name="officerIds"]').count()).to.equal(3);
    await checkScreens(page, 'dashboard-home-manager', { noSidewaysScroll: true });
  });

  pageTest("the coordinator drills down from the home page to a sub-unit's officers", async () => {
    await signIn('bsl.dieuphoi');
    expect(await figure('enrolled')).to.equal('10');
    expect(await figure('overdue')).to.equal('4');
    await checkScreens(page, 'dashboard-home-coordinator', { noSidewaysScroll: true });
    await Promise.all([page.waitForURL((url) => url.pathname.startsWith('/dashboards/units/')), page.getByRole('link', { name: 'Phòng Công chức' }).first().click()]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal(vi('dashboard_unit_title', { unit: 'Phòng Công chức' }));
    expect(await figure('enrolled')).to.equal('8');
    await Promise.all([page.waitForURL((url) => url.pathname.endsWith(String(w.units.A11._id))), page.getByRole('link', { name: 'Tổ Đào tạo' }).first().click()]);
    const officers = page.locator('#dash-officers-table');
    expect(await officers.getByRole('rowheader').allTextContents()).to.deep.equal(['Trần Thị Bình', 'Vũ Thị Giang']);
    await checkScreens(page, 'dashboard-unit', { noSidewaysScroll: true });
  });
});
