/**
 * The public certificate verification page in a real browser (headless Chromium) on a
 * phone (390×844), no sign-in: a valid certificate, a revoked one and an unknown code.
 * Each passes axe (WCAG 2.1 AA), logs no console error or CSP violation, and leaves a
 * screenshot in test-artifacts/screenshots.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { certificateModel, type Certificate } from '../../server/certificates/model';
import { revokeCertificate } from '../../server/certificates/service';
import type { TestPlatform } from '../http';
import { buildCertificateWorld, completeModule } from '../certificates/world';
import { assertAccessible, gotoExpectingError, launchWithPlatform, newPage, pageProblems, PHONE, screenshot, startOver } from './browser';

describe('certificate verification page in a real browser (Chromium, phone)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let tp: TestPlatform;
  let page: Page;
  let valid: Certificate;
  let revoked: Certificate;

  before(async () => {
    ({ browser, tp } = await launchWithPlatform('certificates-browser'));
    const db = tp.platform.services.db;
    const world = await buildCertificateWorld(db);
    await world.plan(world.units.A, world.modules);
    const first = await world.officer(world.units.A1, { fullName: 'Nguyễn Thị Thu Hường' });
    const second = await world.officer(world.units.A2, { fullName: 'Phạm Đức Trọng' });
    for (const officer of [first, second]) for (const moduleId of world.modules) await completeModule(db, officer, moduleId);
    valid = (await certificateModel(db).findOne({ officerId: first._id }).lean<Certificate>())!;
    const toRevoke = (await certificateModel(db).findOne({ officerId: second._id }).lean<Certificate>())!;
    revoked = await revokeCertificate(db, toRevoke, 'Lý do nội bộ không công khai', null, new Date());
    page = await newPage(browser, { viewport: PHONE });
  });
  after(async () => {
    await browser?.close();
    await tp?.close();
  });

  async function verify(code: string, name: string): Promise<string> {
    await startOver(page);
    await page.setViewportSize(PHONE);
    // an unknown code answers 404 (the page is the answer): not a problem for the recorder
    await gotoExpectingError(page, `${tp.base}/verify/${code}`);
    await assertAccessible(page, `verify-${name}-phone`);
    await screenshot(page, `verify-${name}-phone`);
    // nothing wider than the phone: no sideways scrolling
    expect(await page.evaluate('document.documentElement.scrollWidth')).to.be.at.most(PHONE.width);
    expect([...pageProblems(page)], 'console errors, uncaught exceptions or CSP violations').to.deep.equal([]);
    return (await page.locator('#verify-result').getAttribute('data-status')) ?? '';
  }

  it('shows a valid certificate with the name, unit and what was completed', async () => {
    expect(await verify(valid.code, 'valid')).to.equal('valid');
    expect(await page.locator('#verify-name').textContent()).to.equal('Nguyễn Thị Thu Hường');
    const text = await page.locator('#verify-result').innerText();
    expect(text).to.include('Giấy chứng nhận hợp lệ').and.to.include('Phòng Tổ chức – Biên chế').and.to.include(valid.registerNumber);
  });

  it('shows a revoked certificate with its date, not its reason', async () => {
    expect(await verify(revoked.code, 'revoked')).to.equal('revoked');
    const text = await page.locator('#verify-result').innerText();
    expect(text).to.include('Giấy chứng nhận đã bị thu hồi').and.not.to.include('Lý do nội bộ');
  });

  it('says plainly that an unknown code is unknown', async () => {
    expect(await verify('zzzzzzzzzzzzzzzzzzzz', 'unknown')).to.equal('unknown');
    expect(await page.locator('#verify-result').innerText()).to.include('Không tìm thấy giấy chứng nhận');
  });
});
