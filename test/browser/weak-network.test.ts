/**
 * A phone on a weak network (issue #15): Chromium on a 390×844 viewport with its network
 * throttled to DevTools' "Slow 3G" profile (CDP Network.emulateNetworkConditions). The
 * demo officer's home page and a quiz (an open attempt) each transfer at most 60 KB
 * cold (empty cache) and at most 10 KB warm (loaded again), counted from CDP's
 * Network.loadingFinished encodedDataLength (bytes on the wire, headers included); both
 * pages pass axe and leave screenshots. The service worker is bypassed so the numbers
 * are the network's, not its cache's.
 */
import { expect } from 'chai';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { t } from '../../server/i18n';
import { moduleModel, moduleVersionModel, type LearningModule } from '../../server/modules/model';
import { startTestPlatform, type TestPlatform } from '../http';
import { assertAccessible, launchBrowser, newPage, pageProblems, PHONE, screenshot } from './browser';

const vi = (id: Parameters<typeof t>[1]) => t('vi', id);
const KB = 1024;
/** DevTools' "Slow 3G": 400 ms × 5 round trip, 500 kbit/s × 0.8 each way. */
const SLOW_3G = { offline: false, latency: 2000, downloadThroughput: (500 * 1000 * 0.8) / 8, uploadThroughput: (500 * 1000 * 0.8) / 8 };

describe('a phone on slow 3G: transfer sizes of the home page and a quiz (Chromium)', function () {
  this.timeout(240_000);
  let browser: Browser;
  let tp: TestPlatform;
  let page: Page;
  let cdp: CDPSession;
  let moduleId: string;
  /** bytes per URL of the requests finished since the last reset */
  const transferred = new Map<string, number>();

  before(async () => {
    [browser, tp] = await Promise.all([launchBrowser(), startTestPlatform('browser-weak-network', { DEMO_DATA: 'on', STARTER_CONTENT: 'on' })]);
    const db = tp.platform.services.db;
    const starter = (await moduleModel(db).findOne({ code: 'VHCV-GIAO-TIEP' }).lean<LearningModule>())!;
    moduleId = starter._id.toHexString();
    // the quiz may be taken before the lessons: the test measures the quiz, not the order rule
    await moduleVersionModel(db).updateMany({ moduleId: starter._id }, { $set: { 'content.order': 'free' } });
    page = await newPage(browser, { viewport: PHONE });
    cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setBypassServiceWorker', { bypass: true });
    const urls = new Map<string, string>();
    cdp.on('Network.requestWillBeSent', (event) => urls.set(event.requestId, event.request.url));
    cdp.on('Network.loadingFinished', (event) => {
      const url = urls.get(event.requestId) ?? event.requestId;
      transferred.set(url, (transferred.get(url) ?? 0) + event.encodedDataLength);
    });

    await page.goto(`${tp.base}/login`);
    await page.getByLabel(vi('sign_in_login')).fill('demo.officer');
    await page.getByLabel(vi('sign_in_password'), { exact: true }).fill(tp.platform.services.config.DEMO_PASSWORD);
    await Promise.all([page.waitForURL(`${tp.base}/`), page.getByRole('button', { name: vi('sign_in_submit') }).click()]);
  });
  after(async () => {
    await browser?.close();
    await tp?.close();
  });

  /** Loads `url` (waiting for 'load'); returns the bytes on the wire and, for the message, each request's share. */
  async function measure(url: string): Promise<{ total: number; detail: string }> {
    transferred.clear();
    await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
    // late requests (a favicon, the service worker script) are counted too
    await page.waitForTimeout(2500);
    const total = [...transferred.values()].reduce((a, b) => a + b, 0);
    return { total, detail: [...transferred].map(([u, n]) => `${n} B ${u.replace(tp.base, '')}`).join('\n') };
  }

  async function coldAndWarm(url: string, name: string): Promise<void> {
    await cdp.send('Network.clearBrowserCache');
    await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
    try {
      const cold = await measure(url);
      expect(cold.total, `${name} cold:\n${cold.detail}`).to.be.at.most(60 * KB);
      const warm = await measure(url);
      expect(warm.total, `${name} warm:\n${warm.detail}`).to.be.at.most(10 * KB);
      console.log(`      ${name}: ${(cold.total / KB).toFixed(1)} KB cold, ${(warm.total / KB).toFixed(1)} KB warm on slow 3G`);
    } finally {
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    }
    await assertAccessible(page, `weak-network-${name}`);
    await screenshot(page, `weak-network-${name}-phone`);
  }

  it("the officer's home page: ≤ 60 KB cold, ≤ 10 KB warm, accessible", async () => {
    await coldAndWarm(`${tp.base}/`, 'home');
    expect([...pageProblems(page)]).to.deep.equal([]);
  });

  it('a quiz (an open attempt with its questions): ≤ 60 KB cold, ≤ 10 KB warm, accessible', async () => {
    await page.goto(`${tp.base}/learn/modules/${moduleId}`);
    await Promise.all([page.waitForURL(/\/items\//), page.getByRole('button', { name: vi('learn_start') }).click()]);
    await page.goto(`${tp.base}/learn/modules/${moduleId}/items/kiem-tra`);
    await Promise.all([page.waitForURL(/\/learn\/attempts\/[0-9a-f]{24}$/), page.getByRole('button', { name: vi('learn_start_attempt') }).click()]);
    const attemptUrl = page.url();
    expect(await page.locator('fieldset').count()).to.be.greaterThan(0);
    await coldAndWarm(attemptUrl, 'quiz');
    expect([...pageProblems(page)]).to.deep.equal([]);
  });
});
