/**
 * The authoring pages in a real browser (headless Chromium), signed in as the demo
 * coordinator: each page passes axe (WCAG 2.1 AA, no serious or critical violation), logs
 * no console error or CSP violation, and leaves phone and desktop screenshots in
 * test-artifacts/screenshots.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { t } from '../../server/i18n';
import { userModel, type User } from '../../server/users/model';
import { startTestPlatform, type TestPlatform } from '../http';
import { assertAccessible, DESKTOP, launchBrowser, newPage, pageProblems, PHONE, screenshot } from '../browser/browser';
import { buildModule, buildQuestion } from './helpers';

describe('authoring pages in a real browser (Chromium)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let tp: TestPlatform;
  let page: Page;
  let moduleId: string;
  let questionId: string;

  before(async () => {
    [browser, tp] = await Promise.all([launchBrowser(), startTestPlatform('authoring-browser', { DEMO_DATA: 'on' })]);
    page = await newPage(browser, { viewport: PHONE });
    const db = tp.platform.services.db;
    const coordinator = (await userModel(db).findOne({ username: 'demo.coordinator' }).lean<User>())!;
    for (let i = 0; i < 3; i++) await buildQuestion(db, coordinator.unitId, 'giao-tiep');
    const question = await buildQuestion(db, coordinator.unitId, 'giao-tiep');
    questionId = question._id.toHexString();
    const module = await buildModule(db, coordinator.unitId, {
      topic: 'giao-tiep',
      items: [
        { kind: 'lesson', key: 'tiep-cong-dan', title: 'Tiếp công dân tại bộ phận một cửa', body: '<h2>Quy tắc "4 xin"</h2><p>Xin chào, xin lỗi, xin cảm ơn, xin phép.</p><ul><li>Chủ động chào hỏi</li><li>Lắng nghe</li></ul>', attachments: [] },
        { kind: 'quiz', key: 'kiem-tra', title: 'Kiểm tra giao tiếp', draw: [{ topic: 'giao-tiep', count: 3 }], passPercent: 80, attemptLimit: 3, cooldownMinutes: 30, timeLimitMinutes: 15, review: 'after-submit', shuffleOptions: true },
      ],
    });
    moduleId = module._id.toHexString();
    await page.goto(`${tp.base}/login`);
    await page.getByLabel(t('vi', 'sign_in_login')).fill('demo.coordinator');
    await page.getByLabel(t('vi', 'sign_in_password')).fill(tp.platform.services.config.DEMO_PASSWORD);
    await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.getByRole('button', { name: t('vi', 'sign_in_submit') }).click()]);
  });

  after(async () => {
    await browser?.close();
    await tp?.close();
  });

  const PAGES: [string, () => string, string][] = [
    ['authoring-modules', () => '/authoring', t('vi', 'authoring_title')],
    ['authoring-module-editor', () => `/authoring/modules/${moduleId}`, 'Học phần thử'],
    ['authoring-lesson', () => `/authoring/modules/${moduleId}/items/tiep-cong-dan`, 'Tiếp công dân tại bộ phận một cửa'],
    ['authoring-quiz', () => `/authoring/modules/${moduleId}/items/kiem-tra`, 'Kiểm tra giao tiếp'],
    ['authoring-preview', () => `/authoring/modules/${moduleId}/preview`, 'Học phần thử'],
    ['authoring-questions', () => '/authoring/questions?topic=giao-tiep', t('vi', 'question_bank_title')],
    ['authoring-question', () => `/authoring/questions/${questionId}`, t('vi', 'question_edit_title')],
    ['authoring-questions-import', () => '/authoring/questions/import', t('vi', 'question_import_title')],
  ];

  it('the lesson toolbar wraps the selected text in a tag', async () => {
    await page.goto(`${tp.base}/authoring/modules/${moduleId}/items/tiep-cong-dan`);
    const area = page.locator('#i-body');
    await area.fill('Xin chào');
    await area.selectText();
    await page.getByRole('toolbar').getByRole('button', { name: t('vi', 'toolbar_bold') }).click();
    expect(await area.inputValue()).to.equal('<strong>Xin chào</strong>');
    await assertAccessible(page, 'authoring-toolbar');
  });

  for (const [name, url, heading] of PAGES) {
    it(`${name}: accessible, no console errors, screenshots`, async () => {
      const response = await page.goto(`${tp.base}${url()}`);
      expect(response?.status()).to.equal(200);
      expect(await page.locator('h1').innerText()).to.include(heading);
      for (const [screen, size] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
        await page.setViewportSize(size);
        await assertAccessible(page, `${name}-${screen}`);
        await screenshot(page, `${name}-${screen}`);
      }
      await page.setViewportSize(PHONE);
      expect([...pageProblems(page)]).to.deep.equal([]);
    });
  }
});
