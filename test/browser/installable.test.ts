/**
 * The installable web app (issue #15) in headless Chromium on a 390 px phone: the page
 * names a manifest whose icons load; the service worker keeps the shell and the lesson
 * pages the officer opened, so a lesson opens again with no connection; a quiz page is
 * never kept (offline it is a Vietnamese notice, not a stale copy and not the browser's
 * error page); nothing from the API or attempts is ever in its caches.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { t } from '../../server/i18n';
import { moduleModel, type LearningModule } from '../../server/modules/model';
import { startTestPlatform, type TestPlatform } from '../http';
import { assertAccessible, launchBrowser, newPage, pageProblems, PHONE, screenshot } from './browser';

const vi = (id: Parameters<typeof t>[1]) => t('vi', id);

describe('installable app: manifest, service worker, offline lessons (Chromium)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let tp: TestPlatform;
  let page: Page;
  let moduleId: string;

  before(async () => {
    [browser, tp] = await Promise.all([launchBrowser(), startTestPlatform('browser-installable', { DEMO_DATA: 'on', STARTER_CONTENT: 'on' })]);
    const starter = (await moduleModel(tp.platform.services.db).findOne({ code: 'VHCV-GIAO-TIEP' }).lean<LearningModule>())!;
    moduleId = starter._id.toHexString();
    page = await newPage(browser, { viewport: PHONE, serviceWorkers: 'allow' });
  });
  after(async () => {
    await browser?.close();
    await tp?.close();
  });

  /** The URLs in the service worker's caches. */
  const cachedUrls = () =>
    page.evaluate(async () => {
      const caches = (globalThis as any).caches;
      const urls: string[] = [];
      for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) urls.push(`${name} ${new URL(request.url).pathname}`);
      return urls;
    });

  it('manifest and icons; a lesson read online opens offline, a quiz page is never kept', async () => {
    await page.goto(`${tp.base}/login`);
    const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(manifestHref).to.match(/^\/static\/h\/[0-9a-f]{12}\/manifest\.webmanifest$/);
    const manifest = await (await page.request.get(`${tp.base}${manifestHref}`)).json();
    expect([manifest.name, manifest.lang, manifest.display, manifest.start_url]).to.deep.equal(['Bồi dưỡng Văn hóa công vụ', 'vi', 'standalone', '/']);
    for (const icon of manifest.icons as { src: string; sizes: string }[]) {
      const reply = await page.request.get(`${tp.base}${icon.src}`);
      expect([icon.src, reply.status(), reply.headers()['content-type']]).to.deep.equal([icon.src, 200, 'image/png']);
    }

    await page.getByLabel(vi('sign_in_login')).fill('demo.officer');
    await page.getByLabel(vi('sign_in_password'), { exact: true }).fill(tp.platform.services.config.DEMO_PASSWORD);
    await Promise.all([page.waitForURL(`${tp.base}/`), page.getByRole('button', { name: vi('sign_in_submit') }).click()]);
    expect(await page.evaluate(() => (globalThis as any).navigator.serviceWorker.ready.then(() => true))).to.equal(true);

    // the officer starts the module and reads its first lesson, then looks at the quiz page
    await page.goto(`${tp.base}/learn/modules/${moduleId}`);
    await Promise.all([page.waitForURL(/\/items\/bai-1$/), page.getByRole('button', { name: vi('learn_start') }).click()]);
    const lessonTitle = await page.locator('h1').innerText();
    const lessonUrl = `${tp.base}/learn/modules/${moduleId}/items/bai-1`;
    const quizUrl = `${tp.base}/learn/modules/${moduleId}/items/kiem-tra`;
    await page.goto(quizUrl);
    expect(await page.locator('h1').innerText()).to.equal('Bài kiểm tra');
    await page.goto(lessonUrl);

    const cached = await cachedUrls();
    expect(cached.some((entry) => entry.endsWith(`/learn/modules/${moduleId}/items/bai-1`)), cached.join('\n')).to.equal(true);
    expect(cached.some((entry) => /\/static\/h\/[0-9a-f]{12}\/css\/app\.css$/.test(entry)), cached.join('\n')).to.equal(true);
    expect(cached.filter((entry) => /kiem-tra|\/api\/|\/attempts/.test(entry))).to.deep.equal([]);

    await page.context().setOffline(true);
    try {
      await page.goto(lessonUrl);
      expect(await page.locator('h1').innerText()).to.equal(lessonTitle);
      await screenshot(page, 'installable-offline-lesson-phone');
      await page.goto(quizUrl);
      expect(await page.locator('h1').innerText()).to.equal(vi('offline_page_title'));
      await assertAccessible(page, 'installable-offline-notice');
      await screenshot(page, 'installable-offline-notice-phone');
    } finally {
      await page.context().setOffline(false);
    }
    expect([...pageProblems(page)]).to.deep.equal([]);
  });

  it('signing out empties the kept lesson pages', async () => {
    await page.goto(`${tp.base}/`);
    await Promise.all([page.waitForURL(/\/login/), page.getByRole('button', { name: vi('sign_out') }).click()]);
    const cached = await cachedUrls();
    expect(cached.filter((entry) => entry.includes('/learn/')), cached.join('\n')).to.deep.equal([]);
  });
});
