/**
 * The officer's own plan (home page) in a real browser (headless Chromium) on a phone
 * (390×844) and a desktop: the plan, the notices a reminder left and past years pass axe
 * (WCAG 2.1 AA), log no console error or CSP violation, and leave screenshots in
 * test-artifacts/screenshots.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { t, type MessageId } from '../../server/i18n';
import type { TestPlatform } from '../http';
import { buildCampaignWorld, PASSWORD, YEAR } from '../campaigns/world';
import { buildOfficerPlan } from '../reminders/fixtures';
import { assertAccessible, DESKTOP, launchWithPlatform, newPage, pageProblems, PHONE, screenshot } from './browser';

const vi = (id: MessageId, params?: Record<string, unknown>) => t('vi', id, params);

describe('the officer’s own plan in a real browser (Chromium)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let tp: TestPlatform;
  let page: Page;

  before(async () => {
    ({ browser, tp } = await launchWithPlatform('officer-plan-browser'));
    await buildOfficerPlan(tp, await buildCampaignWorld(tp), 'cb.lan.trinhduyet');
    page = await newPage(browser, { viewport: PHONE });
  });
  after(async () => {
    await browser?.close();
    await tp?.close();
  });

  it('shows the plan, the notices and past years, accessible on a phone and a desktop', async () => {
    await page.goto(`${tp.base}/login`);
    await page.getByLabel(vi('sign_in_login')).fill('cb.lan.trinhduyet');
    await page.getByLabel(vi('sign_in_password'), { exact: true }).fill(PASSWORD);
    await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.getByRole('button', { name: vi('sign_in_submit') }).click()]);
    await page.getByRole('heading', { name: vi('home_plan_title', { year: YEAR }) }).waitFor();
    const plan = page.locator('section[aria-labelledby="my-plan"]');
    expect(await plan.getByText('quá hạn 5 ngày').isVisible()).to.equal(true);
    expect(await plan.getByText(vi('home_plan_exempt')).isVisible()).to.equal(true);
    expect(await page.getByRole('heading', { name: vi('home_notices_title') }).isVisible()).to.equal(true);
    expect(await page.getByRole('heading', { name: vi('home_history_year', { year: YEAR - 1 }) }).isVisible()).to.equal(true);
    // on a phone nothing is wider than the screen
    expect(await page.evaluate('document.documentElement.scrollWidth')).to.be.at.most(PHONE.width);
    for (const [screen, size] of Object.entries({ phone: PHONE, desktop: DESKTOP })) {
      await page.setViewportSize(size);
      await assertAccessible(page, `officer-plan-${screen}`);
      await screenshot(page, `officer-plan-${screen}`);
    }
    expect([...pageProblems(page)], 'console errors, uncaught exceptions or CSP violations').to.deep.equal([]);
  });
});
