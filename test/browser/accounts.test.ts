/**
 * The accounts pages and the activation sheet in a real browser (headless Chromium), as a
 * person uses them with the demo data: the province coordinator lists and filters accounts
 * and appoints the head of a phường office, on a phone and a desktop screen; the phường's
 * coordinator prints an activation sheet (screen and print media, and an A4 PDF) and an
 * officer activates their account with a code from it. Every page passes axe (WCAG 2.1
 * AA), logs no console error or CSP violation, and leaves screenshots in
 * test-artifacts/screenshots.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { t, type MessageId } from '../../server/i18n';
import { unitModel, type Unit } from '../../server/units/model';
import { officerModel, type Officer } from '../../server/officers/model';
import { userModel, type User } from '../../server/users/model';
import { DEMO_WARD_CODE } from '../../server/demo/accounts';
import type { TestPlatform } from '../http';
import { assertAccessible, checkScreens, DESKTOP, launchWithPlatform, newPage, pageProblems, PHONE, screenshot, SCREENSHOT_DIR, signInAs, startOver } from './browser';

const vi = (id: MessageId, params?: Record<string, unknown>) => t('vi', id, params);

describe('accounts pages and activation sheets in a real browser (Chromium)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let tp: TestPlatform;
  let page: Page;
  let ward: Unit;

  before(async () => {
    ({ browser, tp } = await launchWithPlatform('accounts-browser', { DEMO_DATA: 'on' }));
    page = await newPage(browser, { viewport: PHONE });
    ward = (await unitModel(tp.platform.services.db).findOne({ code: DEMO_WARD_CODE }).lean<Unit>())!;
  });
  after(async () => {
    await browser?.close();
    await tp?.close();
  });

  /** A test on the shared page: starts signed out on a phone, must end without console errors or CSP violations. */
  function pageTest(title: string, body: () => Promise<void>): void {
    it(title, async () => {
      await startOver(page);
      await page.emulateMedia({ media: 'screen' });
      await page.setViewportSize(PHONE);
      await body();
      expect([...pageProblems(page)], 'console errors, uncaught exceptions or CSP violations').to.deep.equal([]);
    });
  }

  const signIn = (login: string, password = tp.platform.services.config.DEMO_PASSWORD) => signInAs(page, tp.base, login, password);
  pageTest('the coordinator finds the accounts page in the menu, filters it, and sees the phường’s appointments', async () => {
    await signIn('demo.coordinator');
    await page.getByRole('navigation').getByRole('link', { name: vi('nav_accounts') }).click();
    await page.waitForURL((url) => url.pathname === '/accounts');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal(vi('accounts_title'));
    const table = page.getByRole('table');
    const wardManager = (await userModel(tp.platform.services.db).findOne({ username: 'demo.ward.manager' }).lean<User>())!;
    expect(await table.innerText()).to.contain(wardManager.displayName).and.contain(ward.name);
    expect(await table.innerText(), 'a coordinator never sees the admin').not.to.contain('Quản trị hệ thống (demo)');
    await checkScreens(page, 'accounts-list');

    await page.getByLabel(vi('account_field_role')).selectOption('coordinator');
    await Promise.all([page.waitForURL((url) => url.searchParams.get('role') === 'coordinator'), page.getByRole('button', { name: vi('accounts_filter_submit') }).click()]);
    const rows = await page.getByRole('table').locator('tbody tr').count();
    expect(rows).to.equal(2);
    expect(await page.getByRole('table').innerText()).not.to.contain(wardManager.displayName);
    await assertAccessible(page, 'accounts-list-filtered-phone');
  });

  pageTest('the coordinator appoints the head of a phường office from the officer record, on a phone, then checks the account on a desktop', async () => {
    const db = tp.platform.services.db;
    const office = (await unitModel(db).findOne({ parentId: ward._id, name: 'Văn phòng HĐND và UBND' }).lean<Unit>())!;
    const head = (await officerModel(db).findOne({ unitId: office._id, isLeader: true }).lean<Officer>())!;
    await signIn('demo.coordinator');
    await page.goto(`${tp.base}/accounts`);
    await page.getByRole('link', { name: vi('accounts_appoint_button') }).click();
    await page.waitForURL((url) => url.pathname === '/accounts/appoint');
    await checkScreens(page, 'accounts-appoint');

    const form = page.locator('form', { has: page.locator('input[name="source"][value="officer"]') });
    await form.getByLabel(vi('appoint_field_officer_code')).fill(head.code.toLowerCase());
    await form.getByLabel(vi('appoint_field_role')).selectOption('manager');
    await form.getByLabel(vi('appoint_field_unit')).selectOption(office._id.toHexString());
    await Promise.all([page.waitForURL((url) => /^\/accounts\/[0-9a-f]{24}$/.test(url.pathname)), form.getByRole('button', { name: vi('appoint_submit') }).click()]);
    expect(await page.getByRole('status').innerText()).to.contain(vi(head.email ? 'account_done_appointed_invited' : 'account_done_appointed_no_email'));
    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal(head.fullName);
    expect(await page.locator('.facts').innerText()).to.contain(vi('role_manager')).and.contain(office.name);
    expect(await page.locator('.history-list').innerText()).to.contain(vi('audit_action_account_appointed'));
    await checkScreens(page, 'accounts-appointed');

    const account = (await userModel(db).findOne({ officerId: head._id }).lean<User>())!;
    expect(account).to.include({ role: 'manager', passwordHash: null });
    expect(account.unitId!.equals(office._id)).to.equal(true);
  });

  pageTest('the phường coordinator prints an activation sheet (A4, print media) and an officer activates with a code from it', async () => {
    const db = tp.platform.services.db;
    const office = (await unitModel(db).findOne({ parentId: ward._id, name: 'Phòng Kinh tế, Hạ tầng và Đô thị' }).lean<Unit>())!;
    await signIn('demo.ward.coordinator');
    await page.goto(`${tp.base}/units/${office._id.toHexString()}`);
    await page.getByRole('link', { name: vi('unit_activation_sheet_link') }).click();
    await page.waitForURL((url) => url.pathname.endsWith('/activation-sheet'));
    await checkScreens(page, 'activation-sheet-new');

    await Promise.all([page.waitForURL((url) => url.pathname.endsWith('/activation-sheet')), page.getByRole('button', { name: vi('activation_sheet_generate') }).click()]);
    await page.getByRole('button', { name: vi('activation_sheet_print') }).waitFor();
    const slips = page.locator('.slip');
    const count = await slips.count();
    expect(count).to.equal(await officerModel(db).countDocuments({ unitId: office._id }));
    await checkScreens(page, 'activation-sheet');

    await page.setViewportSize(DESKTOP);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible(), 'no site header on paper').to.equal(false);
    expect(await page.getByRole('button', { name: vi('activation_sheet_print') }).isVisible(), 'no buttons on paper').to.equal(false);
    expect(await slips.first().isVisible()).to.equal(true);
    await screenshot(page, 'activation-sheet-print');
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const pdfFile = path.join(SCREENSHOT_DIR, 'activation-sheet.pdf');
    await page.pdf({ path: pdfFile, format: 'A4', preferCSSPageSize: true, printBackground: true });
    const pdf = fs.readFileSync(pdfFile, 'latin1');
    expect(pdf.startsWith('%PDF')).to.equal(true);
    const boxes = [...pdf.matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)].map((m) => [Math.round(Number(m[1])), Math.round(Number(m[2]))]);
    expect(boxes.length, 'at least one page').to.be.at.least(1);
    for (const box of boxes) expect(box, 'A4 in points').to.deep.equal([595, 842]);
    await page.emulateMedia({ media: 'screen' });

    const login = (await slips.first().locator('.slip-login').innerText()).trim();
    const code = (await slips.first().locator('.slip-code').innerText()).trim();
    await startOver(page);
    await page.goto(`${tp.base}/login`);
    await page.getByRole('link', { name: vi('activate_link') }).click();
    await page.waitForURL((url) => url.pathname === '/activate');
    await checkScreens(page, 'activate');
    await page.getByLabel(vi('activate_field_login')).fill(login);
    await page.getByLabel(vi('activate_field_code')).fill(code.toLowerCase());
    await page.getByLabel(vi('password_new'), { exact: true }).fill('Mật khẩu của tôi 2026');
    await page.getByLabel(vi('password_confirm')).fill('Mật khẩu của tôi 2026');
    await Promise.all([page.waitForURL((url) => url.pathname === '/login'), page.getByRole('button', { name: vi('activate_submit') }).click()]);
    expect(await page.getByRole('status').innerText()).to.contain(vi('account_activated'));
    await signIn(login, 'Mật khẩu của tôi 2026');
    expect(new URL(page.url()).pathname).to.equal('/');
  });
});
