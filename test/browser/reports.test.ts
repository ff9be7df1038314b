/**
 * The report page in a real browser (headless Chromium): a unit manager reads the
 * figures, edits the narrative, freezes the figures and downloads the PDF; the pages pass
 * axe (WCAG 2.1 AA) on a phone and a desktop, log no console error or CSP violation, and
 * leave screenshots in test-artifacts/screenshots.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { t, type MessageId } from '../../server/i18n';
import { createAccount } from '../../server/users/service';
import type { TestPlatform } from '../http';
import { PASSWORD } from '../campaigns/world';
import { buildReportWorld, YEAR, type ReportWorld } from '../reports/world';
import { checkScreens, launchWithPlatform, newPage, pageProblems, PHONE, startOver } from './browser';

const vi = (id: MessageId, params?: Record<string, unknown>) => t('vi', id, params);

describe('the report page in a real browser (Chromium)', function () {
  this.timeout(180_000);
  let browser: Browser;
  let tp: TestPlatform;
  let page: Page;
  let w: ReportWorld;

  before(async () => {
    ({ browser, tp } = await launchWithPlatform('reports-browser'));
    w = await buildReportWorld(tp);
    await createAccount(tp.platform.services.db, { username: 'bc.thutruong', displayName: 'Lê Thủ Trưởng', role: 'manager', password: PASSWORD, unitId: w.units.A._id }, 4);
    page = await newPage(browser, { viewport: PHONE });
  });
  after(async () => {
    await browser?.close();
    await tp?.close();
  });

  it('the manager edits the narrative, freezes the figures and downloads the PDF', async () => {
    await startOver(page);
    await page.goto(`${tp.base}/login`);
    await page.getByLabel(vi('sign_in_login')).fill('bc.thutruong');
    await page.getByLabel(vi('sign_in_password'), { exact: true }).fill(PASSWORD);
    await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.getByRole('button', { name: vi('sign_in_submit') }).click()]);
    await page.getByRole('navigation').getByRole('link', { name: vi('nav_reports') }).click();
    await page.waitForURL((url) => url.pathname === '/reports');
    await checkScreens(page, 'reports-list');
    await page.getByRole('link', { name: `${vi('reports_open')} Sở A` }).click();
    await page.waitForURL((url) => url.pathname === `/reports/${w.units.A._id.toHexString()}/${YEAR}`);
    await expect(await page.getByRole('table', { name: vi('report_doc_table_modules') }).textContent()).to.contain('83,3%');
    await checkScreens(page, 'report-draft');

    const edited = 'Năm nay Sở A đã triển khai bồi dưỡng trực tuyến cho toàn bộ cán bộ.';
    await page.getByRole('textbox', { name: vi('report_field_results'), exact: true }).fill(edited);
    await page.getByRole('textbox', { name: vi('report_field_signer_name'), exact: true }).fill('Lê Thủ Trưởng');
    await page.getByRole('button', { name: vi('report_save') }).click();
    await page.getByText(vi('report_saved')).waitFor();
    expect(await page.getByRole('textbox', { name: vi('report_field_results'), exact: true }).inputValue()).to.equal(edited);

    await page.getByRole('button', { name: vi('report_freeze') }).click();
    await page.getByText(vi('report_done_frozen')).waitFor();
    expect(await page.getByRole('textbox', { name: vi('report_field_results'), exact: true }).isDisabled()).to.equal(true);
    await checkScreens(page, 'report-frozen');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: vi('report_download_pdf') }).click()]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'report-dl-')), download.suggestedFilename());
    await download.saveAs(file);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).normalize('NFC');
    expect(text).to.contain(edited.slice(0, 40)).and.contain('Lê Thủ Trưởng').and.not.contain('DỰ THẢO');
    expect([...pageProblems(page)], 'console errors, uncaught exceptions or CSP violations').to.deep.equal([]);
  });
});
