/**
 * Package playback in a real Chromium: the platform page (127.0.0.1) frames the player
 * on the content origin (content.localhost — another host), which frames the SCO.
 * - the in-house SCORM 1.2 package records score and passed;
 * - closed half-way, it reopens at the saved page (entry = resume);
 * - a SCORM 2004 SCO records completion and success, and the final commit sent by
 *   sendBeacon when the tab closes is recorded;
 * - a hostile SCO cannot read the platform's cookie, cannot use the officer's session,
 *   and cannot write another attempt: the database shows nothing changed.
 * Screenshots go to test-artifacts/screenshots/playback-*.png.
 */
import { expect } from 'chai';
import type { Browser, FrameLocator, Page, Request } from 'playwright-core';
import { t } from '../../server/i18n';
import { attemptModel, attemptSeconds, type PackageAttempt } from '../../server/playback/model';
import { progressModel, type ModuleProgress } from '../../server/progress/model';
import { xapiStatementModel, type XapiStatementRecord } from '../../server/playback/xapi-model';
import { SESSION_COOKIE } from '../../server/auth/session';
import type { ContentPackage } from '../../server/packages/model';
import type { TestPlatform } from '../http';
import { buildPeople, IN_HOUSE_H5P, IN_HOUSE_SCORM12, PASSWORD, storeBytes, storeFolder, type People } from '../playback/support';
import { hostilePackage, scorm2004Package } from '../playback/fixtures';
import { assertAccessible, closePage, DESKTOP, launchWithPlatform, newPage, pageProblems, screenshot } from './browser';

describe('package playback in a real browser (Chromium)', function () {
  this.timeout(90_000);
  let browser: Browser;
  let tp: TestPlatform;
  let people: People;
  let scorm12: ContentPackage;
  let scorm2004: ContentPackage;
  let h5p: ContentPackage;

  before(async () => {
    ({ browser, tp } = await launchWithPlatform('playback-browser'));
    people = await buildPeople(tp);
    scorm12 = await storeFolder(tp, people, IN_HOUSE_SCORM12);
    scorm2004 = await storeBytes(tp, people, await scorm2004Package(), 'dao-duc-2004.zip');
    h5p = await storeFolder(tp, people, IN_HOUSE_H5P);
  });
  after(async () => {
    await browser?.close();
    await tp?.close();
  });

  const attempts = () => attemptModel(tp.platform.services.db);

  async function signedInPage(login: string): Promise<Page> {
    const page = await newPage(browser, { viewport: DESKTOP });
    await signIn(page, login);
    return page;
  }

  async function signIn(page: Page, login: string): Promise<void> {
    await page.goto(`${tp.base}/login`);
    await page.getByLabel(t('vi', 'sign_in_login')).fill(login);
    await page.getByLabel(t('vi', 'sign_in_password'), { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: t('vi', 'sign_in_submit') }).click();
    await page.waitForURL((url) => url.pathname !== '/login');
  }

  /** The SCO's frame inside the player's frame inside the platform page. */
  const sco = (page: Page): FrameLocator => page.frameLocator('#package-player').frameLocator('#sco');

  /** Polls the learner's latest attempt at `pkg` until `check` holds (commits arrive asynchronously). */
  async function attemptWhen(pkg: ContentPackage, login: string, check: (a: PackageAttempt) => boolean, what: string): Promise<PackageAttempt> {
    const account = await tp.platform.services.db.collection('users').findOne({ username: login });
    let last: PackageAttempt | null = null;
    for (let i = 0; i < 100; i++) {
      last = await attempts().findOne({ accountId: account!['_id'], packageId: pkg._id }).sort({ number: -1 }).lean<PackageAttempt>();
      if (last && check(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${what}: the attempt is ${JSON.stringify(last && { ...last, cmi: undefined })}`);
  }

  it('the in-house SCORM 1.2 package records score and passed', async () => {
    const page = await signedInPage('officer.a');
    await page.goto(`${tp.base}/packages/${scorm12._id.toHexString()}/play`);
    const frame = sco(page);
    await frame.getByRole('heading', { name: /4 xin/ }).waitFor();
    await screenshot(page, 'playback-scorm12-start');
    await frame.getByRole('button', { name: 'Tiếp' }).click();
    await frame.getByRole('button', { name: 'Tiếp' }).click();
    await frame.getByLabel('Xin chào, xin lỗi, xin cảm ơn, xin phép').check();
    await frame.getByLabel('Luôn vội vàng').check();
    await frame.getByLabel(/Nhẹ nhàng xin lỗi/).check();
    await frame.getByRole('button', { name: 'Nộp bài' }).click();
    await frame.getByText('Đạt: 3/3 câu đúng (100 điểm).').waitFor();
    await screenshot(page, 'playback-scorm12-passed');
    const attempt = await attemptWhen(scorm12, 'officer.a', (a) => a.status === 'finished', 'passed and finished');
    expect(attempt).to.deep.include({ lessonStatus: 'passed', completion: 'completed', success: 'passed', scoreRaw: 100, scoreScaled: 1, location: 'trang-3', preview: false });
    expect(String(attempt.officerId)).to.equal(String(people.officerId));
    // the package is the item of a module officer A started: the module's progress has it done
    expect(attempt.context).to.include({ itemKey: 'goi' });
    const progress = await progressModel(tp.platform.services.db).findOne({ officerId: people.officerId, moduleId: attempt.context!.moduleId }).lean<ModuleProgress>();
    expect(progress).to.include({ status: 'completed', percent: 100 });
    expect(progress!.doneItems).to.deep.equal(['goi']);
    // the lesson reports its session time, which the attempt keeps
    expect((attempt.cmi as { core: { session_time: string } }).core.session_time).to.match(/^\d{2,4}:\d{2}:\d{2}/);
    expect(pageProblems(page)).to.deep.equal([]);
    await closePage(page);
  });

  it('closed half-way, the SCORM 1.2 package reopens at the saved page with the saved answers', async () => {
    let page = await signedInPage('officer.b');
    await page.goto(`${tp.base}/packages/${scorm12._id.toHexString()}/play`);
    let frame = sco(page);
    await frame.getByRole('button', { name: 'Tiếp' }).click();
    await frame.getByRole('button', { name: 'Tiếp' }).click();
    await frame.getByLabel('Xin chào, xin lỗi, xin cảm ơn, xin phép').check();
    await attemptWhen(scorm12, 'officer.b', (a) => a.location === 'trang-3' && a.suspendData.includes('"q1":"a"'), 'page 3 and the first answer saved');
    const before = await attemptWhen(scorm12, 'officer.b', () => true, 'any');
    await page.close({ runBeforeUnload: true });
    // the final commit (LMSFinish on pagehide, by sendBeacon) keeps exit = suspend: the attempt stays open
    const closed = await attemptWhen(scorm12, 'officer.b', (a) => a.lastCommitSeq > before.lastCommitSeq, 'the final commit after closing');
    expect(closed).to.include({ status: 'active', exit: 'suspend', location: 'trang-3', lessonStatus: 'incomplete' });
    page = await signedInPage('officer.b');
    await page.goto(`${tp.base}/packages/${scorm12._id.toHexString()}/play`);
    frame = sco(page);
    await frame.getByRole('heading', { name: 'Câu hỏi kiểm tra' }).waitFor();
    expect(await frame.getByText('Trang 3/3').isVisible()).to.equal(true);
    expect(await frame.getByLabel('Xin chào, xin lỗi, xin cảm ơn, xin phép').isChecked()).to.equal(true);
    await screenshot(page, 'playback-scorm12-resumed');
    const reopened = await attemptWhen(scorm12, 'officer.b', (a) => a.session === 2, 'second session');
    // the same attempt; the SCO went back to page 3 only because it read cmi.core.entry = "resume"
    expect(reopened.number).to.equal(1);
    expect(pageProblems(page)).to.deep.equal([]);
    await closePage(page);
  });

  it('a SCORM 2004 package records completion and success; the final commit sent when the tab closes is recorded', async () => {
    const page = await signedInPage('officer.a');
    await page.goto(`${tp.base}/packages/${scorm2004._id.toHexString()}/play`);
    await sco(page).getByText('Đã hoàn thành (ab-initio)').waitFor();
    await screenshot(page, 'playback-scorm2004');
    const committed = await attemptWhen(scorm2004, 'officer.a', (a) => a.completion === 'completed', 'completed');
    expect(committed).to.deep.include({ kind: 'scorm2004', scoIdentifier: 'I1', completion: 'completed', success: 'passed', scoreScaled: 0.9, scoreRaw: 9, location: 'p1' });
    expect(pageProblems(page)).to.deep.equal([]);
    // closing the tab: the SCO's pagehide sets a location only the sendBeacon commit carries
    await page.close({ runBeforeUnload: true });
    const closed = await attemptWhen(scorm2004, 'officer.a', (a) => a.location === 'closed-by-tab', 'the beacon commit');
    expect({ ...closed, seconds: attemptSeconds(closed) }).to.deep.include({ completion: 'completed', success: 'passed', exit: 'suspend', seconds: 12 });
  });

  it('the in-house H5P package restores its state and records its score from xAPI', async () => {
    let page = await signedInPage('officer.a');
    await page.goto(`${tp.base}/packages/${h5p._id.toHexString()}/play`);
    let player = page.frameLocator('#package-player').frameLocator('iframe');
    await player.getByLabel('Chủ động chào hỏi').check();
    await screenshot(page, 'playback-h5p-start');
    // leaving: the state goes by sendBeacon; coming back, the answer is there again
    await page.close({ runBeforeUnload: true });
    await attemptWhen(h5p, 'officer.a', (a) => a.suspendData.includes('"answers":{"0":0}'), 'the state saved on leaving');
    page = await signedInPage('officer.a');
    await page.goto(`${tp.base}/packages/${h5p._id.toHexString()}/play`);
    player = page.frameLocator('#package-player').frameLocator('iframe');
    await player.getByLabel('Xin lỗi vì để người dân chờ').waitFor();
    expect(await player.getByLabel('Chủ động chào hỏi').isChecked(), 'the saved answer is restored').to.equal(true);
    await player.getByLabel('Xin lỗi vì để người dân chờ').check();
    await player.getByLabel('luôn nghiêm khắc').check();
    await player.getByRole('button', { name: 'Nộp bài' }).click();
    await player.getByText('Đạt: 2/3 câu đúng.').waitFor();
    await screenshot(page, 'playback-h5p-scored');
    const attempt = await attemptWhen(h5p, 'officer.a', (a) => a.completion === 'completed', 'completed from xAPI');
    expect(attempt).to.deep.include({ kind: 'h5p', scoIdentifier: 'h5p', completion: 'completed', success: 'passed', scoreRaw: 2, session: 2 });
    expect(attempt.scoreScaled).to.be.closeTo(2 / 3, 0.001);
    const statements = await xapiStatementModel(tp.platform.services.db).find({ attemptId: attempt._id }).lean<XapiStatementRecord[]>();
    expect(statements.map((s) => s.verb.split('/').pop())).to.include.members(['answered', 'completed']);
    const answered = JSON.parse(statements.find((s) => s.verb.endsWith('/answered'))!.statement) as { actor: { account: { name: string } }; result: { score: { raw: number } } };
    expect(answered.actor.account.name, 'the actor is the account, not what the browser claimed').to.equal('officer.a');
    expect(answered.result.score.raw).to.equal(2);
    expect(pageProblems(page)).to.deep.equal([]);
    await closePage(page);
  });

  it("the coordinator's results page shows the attempts and passes axe", async () => {
    const page = await signedInPage('coord.play');
    await page.goto(`${tp.base}/authoring/packages/${scorm12._id.toHexString()}/results`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.getByRole('row', { name: /Nguyễn Văn An/ }).first().textContent()).to.contain('Đạt');
    await assertAccessible(page, 'playback-results');
    await screenshot(page, 'playback-results');
    expect(pageProblems(page)).to.deep.equal([]);
    await closePage(page);
  });

  /**
   * Runs the hostile SCO as officer B against officer A's 2004 attempt and returns its
   * report and the platform requests its frames made. With `bypassCSP` the content
   * origin's CSP is switched off in the browser, to show the session stays safe even
   * without that layer.
   */
  async function runHostile(bypassCSP: boolean) {
    const account = await tp.platform.services.db.collection('users').findOne({ username: 'officer.a' });
    const victim = (await attempts().findOne({ accountId: account!['_id'], packageId: scorm2004._id }).lean<PackageAttempt>())!;
    const hostile = await storeBytes(tp, people, await hostilePackage(tp.base, victim._id.toHexString()), `doc-hai-${bypassCSP}.zip`);
    const page = bypassCSP ? await (await browser.newContext({ bypassCSP: true, viewport: DESKTOP, serviceWorkers: 'block' })).newPage() : await newPage(browser, { viewport: DESKTOP });
    await signIn(page, 'officer.b');
    const cookies = await page.context().cookies(tp.base);
    expect(cookies.map((c) => c.name), 'the officer is signed in').to.include(SESSION_COOKIE);
    const platformRequests: Request[] = [];
    page.context().on('request', (request) => {
      if (request.url().startsWith(tp.base) && request.frame() !== page.mainFrame()) platformRequests.push(request);
    });
    await page.goto(`${tp.base}/packages/${hostile._id.toHexString()}/play`);
    const reportText = await sco(page).locator('#report').filter({ hasNotText: 'running' }).textContent({ timeout: 20_000 });
    const report = JSON.parse(reportText!) as Record<string, unknown>;
    await screenshot(page, `playback-hostile${bypassCSP ? '-no-csp' : ''}`);
    await new Promise((r) => setTimeout(r, 300)); // the beacon
    return { page, report, platformRequests, victim };
  }

  async function expectUntouched(victim: PackageAttempt) {
    const after = (await attempts().findById(victim._id).lean<PackageAttempt>())!;
    expect(after.updatedAt.getTime(), 'the victim attempt is untouched').to.equal(victim.updatedAt.getTime());
    expect(after.location).to.equal(victim.location);
    expect(after.lastCommitSeq).to.equal(victim.lastCommitSeq);
  }

  it('a hostile package cannot read the platform cookie, use the session, or write another attempt', async () => {
    const { page, report, victim } = await runHostile(false);
    expect(report['cookie'], 'the content origin has no cookie').to.equal('');
    expect(report['topCookie']).to.match(/^blocked/);
    expect(report['platformFetch'], 'a credentialed read of a platform page fails').to.equal('failed: TypeError');
    expect(report['noCors']).to.equal('failed: TypeError');
    expect(report['forgedCommit']).to.equal(401);
    expect(report['madeUpCommit']).to.equal(401);
    // the content origin's CSP (connect-src 'self') stops the requests to the platform before they leave
    const violations = pageProblems(page).filter((p) => /connect-src/.test(p));
    expect(violations.length, `CSP violations: ${pageProblems(page).join('\n')}`).to.be.greaterThan(0);
    await expectUntouched(victim);
    await closePage(page);
  });

  it('without the content CSP, the hostile requests reach the platform without the session cookie', async () => {
    const { page, report, platformRequests, victim } = await runHostile(true);
    expect(report['cookie']).to.equal('');
    // CORS: the platform sends no Access-Control-Allow-Origin, so the script cannot read the answer
    expect(report['platformFetch']).to.equal('failed: TypeError');
    // a no-cors read: blocked by the platform's Cross-Origin-Resource-Policy (same-origin), or opaque at best
    expect(report['noCors']).to.be.oneOf(['opaque', 'failed: TypeError']);
    expect(report['forgedCommit']).to.equal(401);
    expect(platformRequests.map((r) => new URL(r.url()).pathname)).to.include.members(['/', '/api/v1/packages']);
    // another host and SameSite=Lax: the officer's session cookie does not go with them
    for (const request of platformRequests) {
      const headers = await request.allHeaders();
      expect(headers['cookie'] ?? '', request.url()).to.not.contain(SESSION_COOKIE);
    }
    await expectUntouched(victim);
    await page.context().close();
  });
});
