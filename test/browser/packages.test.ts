/**
 * Exporter-shaped packages in a real Chromium (issue #14), each played by an officer as a
 * module item, the platform page (127.0.0.1) framing the player on the content origin:
 * - an Adapt-shaped SCORM 1.2 course finished with exit "" reopens with entry "resume"
 *   and its suspend data;
 * - a minimum-calls multi-SCO package (LMSInitialize / LMSFinish only) completes the item
 *   once every SCO has been visited;
 * - the manifest's mastery score reaches the SCO and decides passed / failed;
 * - a Storyline-shaped SCO that launches its course in a popup reaches the API;
 * - H5P state survives leaving through a platform link;
 * - an unscored H5P item (Accordion) is completed by its rule (viewed, the default);
 * - finishing a SCORM item updates its page without a reload, and reopening it reviews
 *   the completed attempt instead of starting another (issue #15 defect 6).
 */
import { expect } from 'chai';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { t } from '../../server/i18n';
import { attemptModel, type PackageAttempt } from '../../server/playback/model';
import { progressModel, type ModuleProgress } from '../../server/progress/model';
import type { ContentPackage } from '../../server/packages/model';
import type { TestPlatform } from '../http';
import { buildPeople, IN_HOUSE_H5P, IN_HOUSE_SCORM12, PASSWORD, storeBytes, storeFolder, type People } from '../playback/support';
import { zipOf } from '../packages/fixtures/build';
import { adapt, h5pContent, h5pInScorm, minimumCalls, storyline } from '../packages/fixtures/exporters';
import { closePage, DESKTOP, launchWithPlatform, newPage, screenshot } from './browser';

/** A tiny Accordion stand-in: renders a heading, reports nothing (like the real one). */
const ACCORDION = `H5P.Accordion = (function (EventDispatcher) {
  function Accordion() { EventDispatcher.call(this); }
  Accordion.prototype = Object.create(EventDispatcher.prototype);
  Accordion.prototype.constructor = Accordion;
  Accordion.prototype.attach = function ($container) { $container.get(0).innerHTML = '<h2>Quy tắc ứng xử</h2><p>Nội dung gấp mở</p>'; };
  return Accordion;
})(H5P.EventDispatcher);`;

describe('exporter-shaped packages in a real browser (Chromium)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let tp: TestPlatform;
  let people: People;

  before(async () => {
    ({ browser, tp } = await launchWithPlatform('packages-browser'));
    people = await buildPeople(tp);
  });
  after(async () => {
    await browser?.close();
    await tp?.close();
  });

  async function signedInPage(login: string): Promise<Page> {
    const page = await newPage(browser, { viewport: DESKTOP });
    await page.goto(`${tp.base}/login`);
    await page.getByLabel(t('vi', 'sign_in_login')).fill(login);
    await page.getByLabel(t('vi', 'sign_in_password'), { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: t('vi', 'sign_in_submit') }).click();
    await page.waitForURL((url) => url.pathname !== '/login');
    return page;
  }
  const sco = (page: Page): FrameLocator => page.frameLocator('#package-player').frameLocator('#sco');
  const play = (page: Page, record: ContentPackage, query = '') => page.goto(`${tp.base}/packages/${record._id.toHexString()}/play${query}`);

  async function latestAttempt(record: ContentPackage, login: string, check: (a: PackageAttempt) => boolean, what: string, sco?: string): Promise<PackageAttempt> {
    const account = await tp.platform.services.db.collection('users').findOne({ username: login });
    let last: PackageAttempt | null = null;
    for (let i = 0; i < 150; i++) {
      last = await attemptModel(tp.platform.services.db).findOne({ accountId: account!['_id'], packageId: record._id, ...(sco ? { scoIdentifier: sco } : {}) }).sort({ number: -1 }).lean<PackageAttempt>();
      if (last && check(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${what}: the attempt is ${JSON.stringify(last && { ...last, cmi: undefined })}`);
  }
  async function doneItems(attempt: PackageAttempt): Promise<string[]> {
    for (let i = 0; i < 50; i++) {
      const progress = await progressModel(tp.platform.services.db).findOne({ officerId: attempt.officerId, moduleId: attempt.context!.moduleId }).lean<ModuleProgress>();
      if (progress!.doneItems.length > 0 || i === 49) return progress!.doneItems;
      await new Promise((r) => setTimeout(r, 100));
    }
    return [];
  }

  it('an Adapt-shaped SCORM 1.2 course finished with exit "" resumes with its suspend data', async () => {
    const record = await storeBytes(tp, people, await zipOf(adapt()), 'adapt.zip');
    let page = await signedInPage('officer.a');
    await play(page, record);
    await sco(page).getByText('entry: ab-initio').waitFor();
    await sco(page).getByRole('button', { name: 'Lưu' }).click();
    await sco(page).getByRole('button', { name: 'Đã lưu' }).waitFor();
    const saved = await latestAttempt(record, 'officer.a', (a) => a.suspendData === 'c:1,b:2,q:[1,0,1]' && a.lastCommitSeq >= 2, 'LMSFinish with exit ""');
    expect(saved).to.include({ status: 'active', exit: '', completion: 'incomplete', location: 'co-05' });
    await closePage(page);
    page = await signedInPage('officer.a');
    await play(page, record);
    await sco(page).getByText('entry: resume; saved: c:1,b:2,q:[1,0,1]').waitFor();
    await screenshot(page, 'packages-adapt-resumed');
    expect(await latestAttempt(record, 'officer.a', () => true, 'any')).to.include({ number: 1, session: 2 });
    await closePage(page);
  });

  it('a minimum-calls multi-SCO package completes once every SCO has been visited', async () => {
    const record = await storeBytes(tp, people, await zipOf(minimumCalls(3)), 'minimum-calls.zip');
    const page = await signedInPage('officer.b');
    await play(page, record);
    await sco(page).getByRole('heading', { name: 'Phần 1' }).waitFor();
    for (const n of [2, 3]) {
      // the platform page's list of SCOs: leaving a SCO finishes it (LMSFinish on pagehide)
      await page.locator(`a[href$="?sco=item_${n}"]`).click();
      await sco(page).getByRole('heading', { name: `Phần ${n}` }).waitFor();
      await latestAttempt(record, 'officer.b', (a) => a.completion === 'completed', `SCO ${n - 1} completed`, `item_${n - 1}`);
    }
    await page.goto(`${tp.base}/`);
    const last = await latestAttempt(record, 'officer.b', (a) => a.completion === 'completed', 'SCO 3 completed', 'item_3');
    expect(last).to.include({ lessonStatus: 'completed', status: 'finished' });
    expect(await doneItems(last)).to.deep.equal(['goi']);
    await closePage(page);
  });

  it("the manifest's mastery score reaches the SCO and decides passed / failed", async () => {
    const record = await storeBytes(tp, people, await zipOf(h5pInScorm({ masteryScore: 80 })), 'h5p-scorm.zip');
    for (const [login, score, expected] of [['officer.a', '60', 'failed'], ['officer.b', '85', 'passed']] as const) {
      const page = await signedInPage(login);
      await play(page, record);
      await sco(page).getByText('mastery: 80').waitFor();
      await sco(page).getByLabel('Điểm').fill(score);
      await sco(page).getByRole('button', { name: 'Nộp bài' }).click();
      const attempt = await latestAttempt(record, login, (a) => a.success !== 'unknown', `${login} judged`);
      expect(attempt).to.include({ lessonStatus: expected, success: expected, scoreRaw: Number(score) });
      await screenshot(page, `packages-mastery-${expected}`);
      await closePage(page);
    }
  });

  it('a Storyline-shaped SCO that launches its course in a popup reaches the API', async () => {
    const record = await storeBytes(tp, people, await zipOf(storyline({ popup: true })), 'storyline-popup.zip');
    const page = await signedInPage('officer.a');
    await play(page, record);
    const [popup] = await Promise.all([page.context().waitForEvent('page'), sco(page).getByRole('button', { name: 'Mở khóa học' }).click()]);
    await popup.locator('#api').filter({ hasText: 'API: Nguyễn Văn An' }).waitFor({ timeout: 15_000 });
    const attempt = await latestAttempt(record, 'officer.a', (a) => a.lessonStatus === 'completed', 'completed from the popup');
    expect(attempt).to.include({ completion: 'completed' });
    await popup.close();
    await closePage(page);
  });

  it('H5P state is kept when the officer leaves through a platform link', async () => {
    const record = await storeFolder(tp, people, IN_HOUSE_H5P);
    const page = await signedInPage('officer.b');
    await play(page, record);
    const player = page.frameLocator('#package-player').frameLocator('iframe');
    await player.getByLabel('Chủ động chào hỏi').check();
    // Leaving through a link of the platform page, where the content's frame is taken down
    // before the player page's pagehide runs (the order reported in issue #14; this
    // Chromium tears frames down the other way round, so the test takes the frame away first)
    await page.frameLocator('#package-player').locator('#h5p-container iframe').evaluate((frame: unknown) => (frame as { remove(): void }).remove());
    await page.locator('a[href="/"]').first().click();
    await page.waitForURL((url) => url.pathname === '/');
    const attempt = await latestAttempt(record, 'officer.b', (a) => a.suspendData.includes('"answers":{"0":0}'), 'the state saved on leaving');
    expect(attempt.status).to.equal('active');
    await closePage(page);
  });

  it('issue #15 defect 6: finishing a SCORM item updates its page without a reload; reopening reviews the attempt', async () => {
    const record = await storeFolder(tp, people, IN_HOUSE_SCORM12);
    const page = await signedInPage('officer.b');
    await play(page, record);
    await page.waitForURL(/\/learn\/modules\/[0-9a-f]{24}\/items\/goi$/);
    const url = page.url();
    const notice = page.locator('#package-item-done');
    const bar = page.locator('.learn-progress progress');
    expect(await notice.isVisible()).to.equal(false);
    expect(await bar.getAttribute('value')).to.equal('0');
    await sco(page).getByRole('button', { name: 'Tiếp' }).click();
    await sco(page).getByRole('button', { name: 'Tiếp' }).click();
    await sco(page).getByLabel('Xin chào, xin lỗi, xin cảm ơn, xin phép').check();
    await sco(page).getByLabel('Luôn vội vàng').check();
    await sco(page).getByLabel(/Nhẹ nhàng xin lỗi/).check();
    await sco(page).getByRole('button', { name: 'Nộp bài' }).click();
    await sco(page).getByText('Đạt: 3/3 câu đúng (100 điểm).').waitFor();
    // no reload: the player told this page, which asked the platform for the item's state
    await notice.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.locator('.learn-progress .learn-percent').textContent()).to.equal('100%');
    expect(await bar.getAttribute('value')).to.equal('100');
    expect(page.url()).to.equal(url);
    await screenshot(page, 'packages-scorm-done-live');
    const finished = await latestAttempt(record, 'officer.b', (a) => a.status === 'finished', 'passed and finished');
    // reopened: the completed attempt again, shown as it ended, and no attempt 2
    await page.reload();
    await sco(page).getByText('Đạt: 3/3 câu đúng (100 điểm).').or(sco(page).getByRole('heading', { name: /4 xin/ })).first().waitFor();
    await notice.waitFor({ state: 'visible' });
    const latest = await latestAttempt(record, 'officer.b', () => true, 'any');
    expect(String(latest._id)).to.equal(String(finished._id));
    expect(latest).to.include({ number: 1, status: 'finished', completion: 'completed' });
    await page.locator('#package-review').waitFor();
    await screenshot(page, 'packages-scorm-review');
    // asked for explicitly, a new attempt starts from the first page
    await page.getByRole('button', { name: t('vi', 'playback_new_attempt') }).click();
    await page.waitForURL(url);
    await sco(page).getByRole('heading', { name: /4 xin/ }).waitFor();
    expect(await page.locator('#package-review').count()).to.equal(0);
    expect(await latestAttempt(record, 'officer.b', (a) => a.number === 2, 'attempt 2')).to.include({ status: 'active' });
    await closePage(page);
  });

  it('an unscored H5P item (Accordion) is completed by its rule: opened', async () => {
    const files = h5pContent('Accordion', { script: ACCORDION });
    const record = await storeBytes(tp, people, await zipOf(files), 'accordion.h5p');
    const page = await signedInPage('officer.a');
    await play(page, record);
    await page.frameLocator('#package-player').frameLocator('iframe').getByRole('heading', { name: 'Quy tắc ứng xử' }).waitFor();
    const attempt = await latestAttempt(record, 'officer.a', () => true, 'opened');
    expect(await doneItems(attempt)).to.deep.equal(['goi']);
    await page.reload();
    await page.getByText(t('vi', 'playback_item_done')).waitFor();
    await screenshot(page, 'packages-accordion-done');
    await closePage(page);
  });
});
