/**
 * The demo province's yearly plan: the starter modules' assignment becomes this year's
 * open campaign (five modules) and phường Bình Minh has two exemptions, one approved and
 * one waiting, and an officer who used up the three attempts of the "Kỷ luật" test —
 * seen over the API and pages by the province coordinator, who unlocks them.
 */
import { expect } from 'chai';
import { moduleModel, type LearningModule } from '../../server/modules/model';
import { attemptModel } from '../../server/quizzes/model';
import { trainingYear } from '../../server/progress/year';
import { startTestPlatform, type TestPlatform } from '../http';

describe('campaigns: the demo plan', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  before(async () => {
    tp = await startTestPlatform('campaign-demo', { DEMO_DATA: 'on', STARTER_CONTENT: 'on', DEMO_PASSWORD: 'mật khẩu demo kế hoạch' });
  });
  after(async () => tp?.close());

  it('has this year’s open campaign with the five starter modules and two exemptions', async () => {
    const client = tp.client();
    const login = await client.request('POST', '/api/v1/auth/login', { json: { login: 'demo.coordinator', password: 'mật khẩu demo kế hoạch' } });
    expect(login.status, login.text).to.equal(200);
    client.bearer = login.json<{ token: string }>().token;
    const campaigns = (await client.request('GET', `/api/v1/campaigns?year=${trainingYear()}`)).json<{ items: { id: string; status: string; modules: unknown[] }[] }>().items;
    expect(campaigns).to.have.length(1);
    expect(campaigns[0]).to.include({ status: 'open' });
    expect(campaigns[0]!.modules).to.have.length(5);
    const figures = (await client.request('GET', `/api/v1/campaigns/${campaigns[0]!.id}`)).json<{ campaign: { modules: { enrolled: number; exempt: number }[] } }>().campaign.modules[0]!;
    expect(figures.enrolled).to.be.above(100);
    expect(figures.exempt).to.equal(1);
    const exemptions = (await client.request('GET', '/api/v1/exemptions')).json<{ items: { status: string; kind: string }[] }>().items;
    expect(exemptions.map((e) => `${e.kind}:${e.status}`).sort()).to.deep.equal(['om-dai-ngay:proposed', 'thai-san:approved']);
  });

  it('has an officer locked out of the Kỷ luật test, whom the coordinator unlocks with an extra attempt', async () => {
    const db = tp.platform.services.db;
    const module = (await moduleModel(db).findOne({ code: 'VHCV-KY-LUAT' }).lean<LearningModule>())!;
    const attempts = await attemptModel(db).find({ moduleId: module._id, year: trainingYear() }).lean();
    expect(attempts).to.have.length(3);
    expect(attempts.every((a) => a.status === 'submitted' && a.passed === false)).to.equal(true);
    const officerId = attempts[0]!.officerId.toHexString();
    const client = tp.client();
    await client.signIn('demo.coordinator', 'mật khẩu demo kế hoạch');
    const page = await client.get(`/officers/${officerId}/plan`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('Kỷ luật, kỷ cương hành chính').and.include(`action="/officers/${officerId}/overrides"`);
    const granted = await client.submit(`/officers/${officerId}/overrides`, { year: String(trainingYear()), moduleId: module._id.toHexString(), kind: 'extra-attempt', reason: 'Mất kết nối khi làm bài' }, `/officers/${officerId}/plan`);
    expect(granted.status, granted.text.slice(0, 300)).to.equal(303);
  });
});
