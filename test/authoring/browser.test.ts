/**
 * The authoring pages in a real browser (headless Chromium), signed in as the demo
 * coordinator: each page passes axe (WCAG 2.1 AA, no serious or critical violation), logs
 * no console error or CSP violation, and leaves phone and desktop screenshots in
 * test-artifacts/screenshots.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { t } from '../../server/i18n';
import { userModel, type User } from '../../server/users/model';
import { startTestPlatform, type TestPlatform } from '../http';
import { assertAccessible, DESKTOP, launchBrowser, newPage, pageProblems, PHONE, screenshot } from '../browser/browser';
import { buildModule, buildQuestion } from './helpers';
import { moduleModel, type LearningModule, type LessonItem } from '../../server/modules/model';

/** Clipboard HTML as Word puts it there: mso styles, <o:p>, list paragraphs, a table and an inline PNG. */
const WORD_CLIPBOARD = fs.readFileSync(path.resolve(__dirname, '../../../test/authoring/fixtures/word-clipboard.html'), 'utf8');

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

  it('the WYSIWYG editor keeps a Word paste (headings, nested lists, table, image) through save, the image stored as lesson media', async () => {
    await page.goto(`${tp.base}/authoring/modules/${moduleId}/items/tiep-cong-dan`);
    await page.locator('#i-body[data-editor-ready]').waitFor({ state: 'attached' });
    expect(await page.locator('#i-body').isHidden()).to.equal(true);
    const editor = page.getByRole('textbox', { name: t('vi', 'lesson_field_body') });
    expect(await editor.locator('h2').first().innerText()).to.equal('Quy tắc "4 xin"');
    // the coordinator replaces the old text with the document
    await editor.click();
    await page.keyboard.press('Control+A');
    // what Chromium hands a page when a Word selection is pasted: a paste event carrying text/html
    await page.evaluate((html) => {
      const g = globalThis as any;
      const data = new g.DataTransfer();
      data.setData('text/html', html);
      g.document.getElementById('i-body-editor').dispatchEvent(new g.ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, WORD_CLIPBOARD);
    await editor.locator('table').waitFor();
    await assertAccessible(page, 'authoring-editor-word-paste');
    await screenshot(page, 'authoring-editor-word-paste-phone');
    await Promise.all([page.waitForURL(/done=saved/), page.getByRole('button', { name: t('vi', 'authoring_save') }).click()]);

    const saved = (await moduleModel(tp.platform.services.db).findById(moduleId).lean<LearningModule>())!.draft.items[0] as LessonItem;
    const body = saved.body;
    expect(body, body).to.include("<h2>Chuẩn mực giao tiếp tại bộ phận một cửa</h2>");
    expect(body).to.match(/<(b|strong)>“4 xin”<\/(b|strong)>/);
    expect(body).to.match(/<(i|em)>“4 luôn”<\/(i|em)>/);
    expect(body.replace(/\s+/g, ' ')).to.match(/<ul><li>(<div>)?Xin chào(<\/div>)?<ul><li>Chào trước khi công dân chào<\/li><\/ul><\/li><li>Xin lỗi<\/li><li>Xin cảm ơn<\/li><\/ul>/);
    expect(body).to.match(/<ol><li>Tiếp nhận hồ sơ<\/li><li>Trả kết quả đúng hẹn<\/li><\/ol>/);
    expect(body).to.match(/<table>[\s\S]*Công dân nóng giận[\s\S]*Lắng nghe, giải thích ôn tồn[\s\S]*<\/table>/);
    expect(body).not.to.match(/mso-|MsoList|<o:p|·/);
    const image = /<img [^>]*src="\/media\/([0-9a-f]{64})"/.exec(body);
    expect(image, body).to.not.equal(null);
    expect(saved.attachments.map((a) => [a.sha256, a.mime])).to.deep.include([image![1], 'image/png']);
    // the saved page shows the image from the media store
    expect(await page.locator(`.lesson-body img[src="/media/${image![1]}"]`).first().evaluate((img) => (img as any).naturalWidth)).to.equal(4);
    await screenshot(page, 'authoring-editor-saved-phone');
    expect([...pageProblems(page)]).to.deep.equal([]);
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
