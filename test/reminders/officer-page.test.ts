/**
 * The officer's own page (home): this year's plan — "còn N ngày", "quá hạn N ngày",
 * "Đã hoàn thành dd/mm/yyyy", exempt — the notices a reminder left, and past years with
 * dates and scores; nothing of another officer's.
 */
import { expect } from 'chai';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { buildCampaignWorld, PASSWORD, YEAR, type CampaignWorld } from '../campaigns/world';
import { buildOfficerPlan } from './fixtures';

describe('reminders: the officer’s own plan on the home page', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  let w: CampaignWorld;
  let officer: Client;
  let fixture: Awaited<ReturnType<typeof buildOfficerPlan>>;

  before(async () => {
    tp = await startTestPlatform('reminders-officer-page');
    w = await buildCampaignWorld(tp);
    fixture = await buildOfficerPlan(tp, w, 'cb.lan');
    officer = tp.client();
    await officer.signIn('cb.lan', PASSWORD);
  });
  after(async () => tp?.close());

  it('shows this year’s modules with due dates and where each stands', async () => {
    const home = await officer.get('/');
    expect(home.status).to.equal(200);
    const all = home.text.normalize('NFC');
    // the plan's section only ("Học phần của tôi" above lists the same modules)
    const text = all.slice(all.indexOf('id="my-plan"'), all.indexOf('id="my-notices"'));
    expect(text).to.contain(`Kế hoạch học tập năm ${YEAR}`);
    const line = (title: string) => text.slice(text.indexOf(title), text.indexOf('</li>', text.indexOf(title)));
    expect(line('Học phần kế hoạch 1')).to.contain(`Hạn ${fixture.late}`).and.contain('quá hạn 5 ngày');
    expect(text).to.contain(`<a href="/learn/modules/${w.modules[0]!.toHexString()}">Học phần kế hoạch 1</a>`);
    expect(line('Học phần kế hoạch 2')).to.contain(`Đã hoàn thành ${fixture.completedOn}`);
    expect(line('Học phần kế hoạch 3')).to.contain('Được miễn');
  });

  it('lists the notices a reminder left, and past years with dates and scores', async () => {
    const text = (await officer.get('/')).text.normalize('NFC');
    expect(text).to.contain('Thông báo');
    expect(text).to.contain(`Nhắc nhở: học phần «Học phần kế hoạch 1» (Kế hoạch bồi dưỡng ${YEAR}) đã quá hạn 5 ngày (hạn ${fixture.late}).`);
    expect(text).to.contain('Các năm trước').and.contain(`Năm ${YEAR - 1}`);
    expect(text).to.contain(`«Học phần kế hoạch 1»: hoàn thành 15/06/${YEAR - 1} · điểm 85`);
    expect(text, 'nothing of another officer').not.to.contain('Người Khác Hẳn');
  });
});
