/**
 * The yearly plan's pages in a real browser (headless Chromium): a coordinator plans a
 * campaign from the form, opens it and moves a module's due date; a unit manager requests
 * an exemption with a PDF as evidence; the coordinator approves it. Each page passes axe
 * (WCAG 2.1 AA) on a phone (390×844) and a desktop, logs no console error or CSP
 * violation, and leaves screenshots in test-artifacts/screenshots.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { campaignModel, type Campaign } from '../../server/campaigns/model';
import { exemptionModel } from '../../server/campaigns/exemptions';
import { t, type MessageId } from '../../server/i18n';
import type { Officer } from '../../server/officers/model';
import { createAccount } from '../../server/users/service';
import type { TestPlatform } from '../http';
import { buildCampaignWorld, PASSWORD, YEAR, type CampaignWorld } from '../campaigns/world';
import { checkScreens, expectErrorStatus, launchWithPlatform, newPage, pageProblems, PHONE, signInAs, startOver } from './browser';

const vi = (id: MessageId, params?: Record<string, unknown>) => t('vi', id, params);

describe('campaign and exemption pages in a real browser (Chromium)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let tp: TestPlatform;
  let page: Page;
  let w: CampaignWorld;
  let officer: Officer;

  before(async () => {
    ({ browser, tp } = await launchWithPlatform('campaigns-browser'));
    w = await buildCampaignWorld(tp);
    const db = tp.platform.services.db;
    await createAccount(db, { username: 'kh.dieuphoi', displayName: 'Trần Điều Phối', role: 'coordinator', password: PASSWORD, unitId: w.units.A._id }, 4);
    await createAccount(db, { username: 'kh.truongphong', displayName: 'Lê Trưởng Phòng', role: 'manager', password: PASSWORD, unitId: w.units.A1._id }, 4);
    officer = await w.officer(w.units.A1, { fullName: 'Nguyễn Thị Miễn' });
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
  pageTest('the coordinator creates a campaign, opens it and changes a due date', async () => {
    await signIn('kh.dieuphoi');
    await page.getByRole('navigation').getByRole('link', { name: vi('nav_campaigns') }).click();
    await page.waitForURL((url) => url.pathname === '/campaigns');
    await checkScreens(page, 'campaigns-list-empty');
    await page.getByRole('link', { name: vi('campaigns_new_button') }).click();
    await page.waitForURL((url) => url.pathname === '/campaigns/new');
    await checkScreens(page, 'campaign-new');
    await page.getByLabel(vi('campaign_field_name')).fill(`Kế hoạch bồi dưỡng năm ${YEAR}`);
    await page.locator('#module-1').selectOption(String(w.modules[0]));
    await page.locator('#due-1').fill(`31/12/${YEAR + 1}`);
    await page.locator('#campaign-units').selectOption(String(w.units.A1._id));
    // a date outside the year comes back on its field, in Vietnamese (answered with 422)
    expectErrorStatus(page, `${tp.base}/campaigns`);
    await page.getByRole('button', { name: vi('campaign_create_submit') }).click();
    await page.getByText(vi('campaign_date_outside_year', { year: YEAR })).waitFor();
    await checkScreens(page, 'campaign-new-error');
    await page.locator('#due-1').fill(`31/12/${YEAR}`);
    await Promise.all([page.waitForURL((url) => /^\/campaigns\/[0-9a-f]{24}$/.test(url.pathname)), page.getByRole('button', { name: vi('campaign_create_submit') }).click()]);
    await page.getByText(vi('campaign_done_created')).waitFor();
    await page.getByRole('button', { name: vi('campaign_open_button') }).click();
    await page.getByText(vi('campaign_done_opened')).waitFor();
    // the module's own due-date field (the "add a module" form has one too)
    await page.locator(`#due-${w.modules[0]}`).fill(`30/12/${YEAR}`);
    await page.getByRole('button', { name: vi('campaign_due_submit') }).click();
    await page.getByText(vi('campaign_done_due_changed')).waitFor();
    await checkScreens(page, 'campaign-open');
    // the reminder schedule: 10 and 2 days before, not on the due day, every 5 days while late
    await page.getByText(vi('campaign_schedule_edit_title')).click();
    await page.getByLabel(vi('campaign_schedule_days_before')).fill('10, 2');
    await page.getByLabel(vi('campaign_schedule_on_due_field')).uncheck();
    await page.getByLabel(vi('campaign_schedule_every_days')).fill('5');
    await page.getByRole('button', { name: vi('campaign_schedule_submit') }).click();
    await page.getByText(vi('campaign_done_schedule_changed')).waitFor();
    await checkScreens(page, 'campaign-schedule');
    const campaign = (await campaignModel(tp.platform.services.db).findOne({ name: `Kế hoạch bồi dưỡng năm ${YEAR}` }).lean<Campaign>())!;
    expect(campaign.status).to.equal('open');
    expect(campaign.modules[0]!.dueDate.toISOString().slice(0, 10)).to.equal(`${YEAR}-12-30`);
    expect(campaign.reminders).to.deep.include({ daysBefore: [10, 2], onDueDate: false, overdueEveryDays: 5 });
  });

  pageTest('the unit manager requests an exemption with a PDF as evidence', async () => {
    await signIn('kh.truongphong');
    await page.getByRole('navigation').getByRole('link', { name: vi('nav_exemptions') }).click();
    await page.waitForURL((url) => url.pathname === '/exemptions');
    await checkScreens(page, 'exemptions-empty');
    await page.getByLabel(vi('exemption_field_officer_code')).fill(officer.code);
    await page.getByLabel(vi('exemption_field_kind')).selectOption('thai-san');
    await page.getByLabel(vi('exemption_field_reason')).fill('Nghỉ thai sản từ tháng 3 đến tháng 9');
    const pdf = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mien-')), 'quyet-dinh.pdf');
    fs.writeFileSync(pdf, '%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    await page.getByLabel(vi('exemption_field_evidence')).setInputFiles(pdf);
    await page.getByRole('button', { name: vi('exemption_request_submit') }).click();
    await page.getByText(vi('exemption_done_proposed')).waitFor();
    await checkScreens(page, 'exemptions-proposed');
    const exemption = await exemptionModel(tp.platform.services.db).findOne({ officerId: officer._id }).lean();
    expect(exemption?.status).to.equal('proposed');
    expect(exemption?.evidence?.mime).to.equal('application/pdf');
  });

  pageTest('the coordinator above approves it', async () => {
    await signIn('kh.dieuphoi');
    await page.goto(`${tp.base}/exemptions?status=proposed`);
    const officerLabel = `${officer.fullName} (${officer.code})`;
    await page.getByRole('button', { name: vi('exemption_approve_label', { officer: officerLabel }) }).click();
    await page.getByText(vi('exemption_done_approved')).waitFor();
    await checkScreens(page, 'exemptions-approved');
    expect((await exemptionModel(tp.platform.services.db).findOne({ officerId: officer._id }).lean())?.status).to.equal('approved');
  });
});
