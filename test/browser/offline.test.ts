/**
 * The quiz on a phone that loses its network (issue #15 defect 4): answers chosen offline
 * are kept on the device under a Vietnamese banner at the top of the screen, a submit is
 * refused in the page with an explanation (not the browser's error page), and on
 * reconnect the kept answers reach the server in one request, after which the submit
 * works. Real Chromium, 390×844, playwright's setOffline; axe on each state; screenshots.
 */
import { expect } from 'chai';
import type { Browser, Page, Request } from 'playwright-core';
import type { Types } from 'mongoose';
import { t, type MessageId } from '../../server/i18n';
import { attemptModel, type Attempt } from '../../server/quizzes/model';
import type { TestPlatform } from '../http';
import { buildOfficer, buildUnit } from '../factories';
import { assign, buildPublishedModule, buildQuestions, learnerAccount, quiz, rightAnswers } from '../learning/fixtures';
import { assertAccessible, launchWithPlatform, newPage, pageProblems, PHONE, screenshot } from './browser';

const vi = (id: MessageId, params?: Record<string, unknown>) => t('vi', id, params);
const PASSWORD = 'Mat-khau-thu-2026';
/** Answers with each question's keys sorted (the page lists them in its shuffled option order). */
const sorted = (answers: Record<string, string[]>) => Object.fromEntries(Object.entries(answers).map(([id, keys]) => [id, [...keys].sort()]));

describe('the quiz offline in a real browser (Chromium, phone)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let tp: TestPlatform;
  let page: Page;
  let moduleId: Types.ObjectId;
  let weakModuleId: Types.ObjectId;
  let timedModuleId: Types.ObjectId;

  before(async () => {
    ({ browser, tp } = await launchWithPlatform('browser-offline'));
    const db = tp.platform.services.db;
    const unit = await buildUnit({ name: 'Xã Mạng Yếu' });
    const officer = await buildOfficer({ unitId: unit._id });
    const username = (await learnerAccount(db, officer, PASSWORD)).username!;
    await buildQuestions(db, 'thai-do', 4, ['single', 'multiple']);
    moduleId = (await buildPublishedModule(db, { title: 'Thái độ khi mất mạng', items: [quiz('kiem-tra', { timeLimitMinutes: 20 })] })).moduleId;
    weakModuleId = (await buildPublishedModule(db, { title: 'Thái độ khi mạng chập chờn', items: [quiz('kiem-tra')] })).moduleId;
    await assign(db, { moduleId, unitId: unit._id });
    timedModuleId = (await buildPublishedModule(db, { title: 'Thái độ khi hết giờ', items: [quiz('kiem-tra', { timeLimitMinutes: 20 })] })).moduleId;
    await assign(db, { moduleId: weakModuleId, unitId: unit._id });
    await assign(db, { moduleId: timedModuleId, unitId: unit._id });
    page = await newPage(browser, { viewport: PHONE });
    await page.goto(`${tp.base}/login`);
    await page.getByLabel(vi('sign_in_login')).fill(username);
    await page.getByLabel(vi('sign_in_password'), { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: vi('sign_in_submit') }).click();
    await page.waitForURL(`${tp.base}/`);
  });

  after(async () => {
    await browser?.close();
    await tp?.close();
  });

  async function look(name: string): Promise<void> {
    await assertAccessible(page, `offline-${name}`);
    await screenshot(page, `offline-${name}`);
  }

  const attemptNow = async (id: Types.ObjectId) => (await attemptModel(tp.platform.services.db).findById(id).lean<Attempt>())!;

  /** The banner is shown inside the screen; once the page is scrolled down it stays stuck to the screen's top edge. */
  async function bannerOnScreen(scrolled: boolean): Promise<void> {
    const banner = page.locator('#quiz-offline');
    await banner.waitFor({ state: 'visible' });
    expect(await banner.textContent()).to.equal(vi('learn_offline_banner'));
    expect(await banner.getAttribute('role')).to.equal('status');
    const box = (await banner.boundingBox())!;
    expect(box.y, 'banner top').to.be.at.least(0);
    expect(box.y + box.height, 'banner bottom').to.be.at.most(PHONE.height);
    if (scrolled) expect(box.y, 'banner stuck to the top').to.be.below(1);
  }

  /** Opens `module`'s quiz and starts an attempt; returns the attempt as stored. */
  async function startQuiz(module: Types.ObjectId): Promise<Attempt> {
    await page.goto(`${tp.base}/learn/modules/${module.toHexString()}`);
    await page.getByRole('button', { name: vi('learn_start') }).click();
    await page.waitForURL(/\/items\/kiem-tra$/);
    await page.getByRole('button', { name: vi('learn_start_attempt') }).click();
    await page.waitForURL(/\/learn\/attempts\/[0-9a-f]{24}$/);
    const attemptId = /\/learn\/attempts\/([0-9a-f]{24})$/.exec(page.url())![1]!;
    return (await attemptModel(tp.platform.services.db).findOne({ _id: attemptId, status: 'open' }).lean<Attempt>())!;
  }

  it('keeps answers chosen offline, refuses the submit with an explanation, sends them once on reconnect, then submits', async () => {
    const attempt = await startQuiz(moduleId);
    const attemptId = attempt._id.toHexString();
    const autosaveUrl = `${tp.base}/api/v1/me/attempts/${attemptId}/answers`;
    const right = sorted(rightAnswers(attempt));
    const [firstId, ...offlineIds] = Object.keys(right);

    // online: the first answer is saved as before
    const saved = page.waitForResponse((r) => r.url() === autosaveUrl);
    for (const key of right[firstId!]!) await page.locator(`#q-${firstId}-${key}`).check();
    expect((await saved).status()).to.equal(200);
    expect(await page.locator('#quiz-offline').isVisible()).to.equal(false);

    // every autosave from now on, with what it carried
    const sent: Array<Record<string, string[]>> = [];
    page.on('request', (request: Request) => {
      if (request.url() === autosaveUrl && request.method() === 'POST') sent.push(request.postDataJSON().answers);
    });

    // the network goes: a Vietnamese banner at the top, the answers stay on the phone
    await page.context().setOffline(true);
    await bannerOnScreen(false);
    for (const id of offlineIds) for (const key of right[id]!) await page.locator(`#q-${id}-${key}`).check();
    const status = page.locator('#quiz-save-status');
    expect(await status.textContent()).to.equal(vi('learn_kept_on_device'));
    expect(await status.textContent()).not.to.match(/offline/i);
    expect(sent, 'no request while offline').to.deep.equal([]);
    const kept = await page.evaluate((key) => (globalThis as any).localStorage.getItem(key), `quiz-answers:${attemptId}`);
    expect(sorted(JSON.parse(kept))).to.deep.equal(Object.fromEntries(offlineIds.map((id) => [id, right[id]])));
    await look('1-answers-kept');

    // a submit offline stays on the page and says why
    await page.getByRole('button', { name: vi('learn_submit') }).click();
    const refusal = page.getByRole('alert').filter({ hasText: vi('learn_submit_offline') });
    await refusal.waitFor();
    expect(page.url()).to.equal(`${tp.base}/learn/attempts/${attemptId}`);
    await bannerOnScreen(true);
    expect((await attemptNow(attempt._id)).status).to.equal('open');
    await look('2-submit-refused');

    // the network returns: the kept answers go in one request and the banner leaves
    const resent = page.waitForResponse((r) => r.url() === autosaveUrl);
    await page.context().setOffline(false);
    expect((await resent).status()).to.equal(200);
    await page.locator('#quiz-offline').waitFor({ state: 'hidden' });
    await status.filter({ hasText: vi('learn_saved') }).waitFor();
    expect(await refusal.count()).to.equal(0);
    expect(sorted((await attemptNow(attempt._id)).answers)).to.deep.equal(sorted(right));
    // nothing more follows (a retry would carry the same answers again)
    await page.waitForTimeout(1500);
    expect(sent.map(sorted)).to.deep.equal([Object.fromEntries(offlineIds.map((id) => [id, right[id]]))]);
    expect(await page.evaluate((key) => (globalThis as any).localStorage.getItem(key), `quiz-answers:${attemptId}`)).to.equal(null);
    await look('3-back-online');

    // and the submit works
    await page.getByRole('button', { name: vi('learn_submit') }).click();
    await page.getByRole('heading', { level: 2, name: vi('learn_result_passed') }).waitFor();
    const done = await attemptNow(attempt._id);
    expect(done).to.include({ status: 'submitted', score: 100, passed: true });
    await look('4-submitted');

    expect(pageProblems(page), 'console errors, uncaught exceptions or CSP violations').to.deep.equal([]);
  });

  it('on a connection that drops requests while the phone thinks it is online: refuses the submit, keeps the answers over a reload, retries through a 502 until they are saved', async () => {
    const attempt = await startQuiz(weakModuleId);
    const attemptId = attempt._id.toHexString();
    const autosaveUrl = `${tp.base}/api/v1/me/attempts/${attemptId}/answers`;
    const right = sorted(rightAnswers(attempt));
    const [firstId] = Object.keys(right);
    // the autosave cannot get through, though navigator.onLine stays true
    await page.route(autosaveUrl, (route) => route.abort('connectionfailed'));
    const failed = page.waitForEvent('requestfailed', (r) => r.url() === autosaveUrl);
    for (const key of right[firstId!]!) await page.locator(`#q-${firstId}-${key}`).check();
    await failed;
    const status = page.locator('#quiz-save-status');
    await status.filter({ hasText: vi('learn_save_retry') }).waitFor();

    // the submit first tries to reach the server; it cannot, so the page explains and stays
    await page.getByRole('button', { name: vi('learn_submit') }).click();
    await page.getByRole('alert').filter({ hasText: vi('learn_submit_offline') }).waitFor();
    expect(page.url()).to.equal(`${tp.base}/learn/attempts/${attemptId}`);
    expect((await attemptNow(attempt._id)).status).to.equal('open');

    // a reload shows the answer kept on the device, though the server has none yet
    await page.reload();
    expect((await attemptNow(attempt._id)).answers).to.deep.equal({});
    for (const key of right[firstId!]!) expect(await page.locator(`#q-${firstId}-${key}`).isChecked(), `${firstId} ${key}`).to.equal(true);
    await look('5-kept-over-reload');

    // a gateway answers 502 once (no word from the platform: the answer stays kept), then a retry gets through
    const gateway = page.waitForResponse((r) => r.url() === autosaveUrl && r.status() === 502);
    const delivered = page.waitForResponse((r) => r.url() === autosaveUrl && r.status() === 200);
    let calls = 0;
    await page.unroute(autosaveUrl);
    await page.route(autosaveUrl, (route) => (calls++ === 0 ? route.fulfill({ status: 502, contentType: 'text/html', body: 'Bad Gateway' }) : route.continue()));
    await gateway;
    expect((await attemptNow(attempt._id)).answers).to.deep.equal({});
    expect(await page.evaluate((key) => (globalThis as any).localStorage.getItem(key), `quiz-answers:${attemptId}`)).not.to.equal(null);
    await delivered;
    await page.unroute(autosaveUrl);
    expect(sorted((await attemptNow(attempt._id)).answers)).to.deep.equal({ [firstId!]: right[firstId!] });
    await page.getByRole('button', { name: vi('learn_submit') }).click();
    await page.getByRole('heading', { level: 2, name: vi('learn_result_failed') }).waitFor();
    expect((await attemptNow(attempt._id)).status).to.equal('submitted');

    // Chromium logs each dropped request and the 502; nothing else may go wrong
    const unexpected = pageProblems(page).filter((p) => !/net::ERR_CONNECTION_FAILED|status of 502/.test(p));
    expect(unexpected, 'console errors, uncaught exceptions or CSP violations').to.deep.equal([]);
  });

  it('a countdown that ends offline does not leave the page: the attempt is submitted when the connection returns', async () => {
    // the page's clock only (the server's stays real, so the submit arrives in time there)
    await page.clock.install();
    const attempt = await startQuiz(timedModuleId);
    const right = sorted(rightAnswers(attempt));
    const [firstId] = Object.keys(right);
    const saved = page.waitForResponse((r) => r.url().endsWith(`/api/v1/me/attempts/${attempt._id.toHexString()}/answers`));
    for (const key of right[firstId!]!) await page.locator(`#q-${firstId}-${key}`).check();
    expect((await saved).status()).to.equal(200);

    await page.context().setOffline(true);
    await bannerOnScreen(false);
    await page.clock.fastForward('20:01');
    await page.locator('#quiz-timer').filter({ hasText: vi('learn_time_over_offline') }).waitFor();
    expect(page.url()).to.equal(`${tp.base}/learn/attempts/${attempt._id.toHexString()}`);
    expect((await attemptNow(attempt._id)).status).to.equal('open');
    await look('6-time-over-offline');

    await page.context().setOffline(false);
    await page.getByRole('heading', { level: 2, name: vi('learn_result_failed') }).waitFor();
    expect(await attemptNow(attempt._id)).to.include({ status: 'submitted', correctCount: 1 });
  });
});
