/**
 * Enrolments kept current over HTTP as officers join, move and leave (the officer API),
 * before and after the cut-off — the counting rule of docs/campaigns.md: before the
 * cut-off an officer counts at their current unit while serving; after it, at the unit
 * they belonged to at the end of the cut-off day, and joiners after it are exempt.
 */
import { expect } from 'chai';
import type { Types } from 'mongoose';
import { dueInstant, vietnamDay } from '../../server/campaigns/dates';
import { enrolmentModel, type Enrolment } from '../../server/campaigns/model';
import { progressModel } from '../../server/progress/model';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { buildCampaignWorld, LAST_YEAR, YEAR, type CampaignWorld } from './world';

const DAY_MS = 86_400_000;

describe('campaigns: enrolments follow officers joining, moving and leaving', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let w: CampaignWorld;
  const db = () => tp.platform.services.db;
  const post = (c: Client, path: string, json: unknown) => c.request('POST', path, { json });

  async function openCampaign(body: Record<string, unknown>): Promise<string> {
    const reply = await post(w.clients.coordinator, '/api/v1/campaigns', { year: YEAR, modules: [{ moduleId: String(w.modules[0]), dueDate: `31/12/${YEAR}` }], audience: { unitIds: [String(w.units.A._id)] }, ...body });
    expect(reply.status, reply.text).to.equal(201);
    const id = reply.json<{ campaign: { id: string } }>().campaign.id;
    expect((await post(w.clients.coordinator, `/api/v1/campaigns/${id}/status`, { status: 'open' })).status).to.equal(200);
    return id;
  }
  const enrolment = async (campaignId: string, officerId: Types.ObjectId | string) => enrolmentModel(db()).findOne({ campaignId, officerId }).lean<Enrolment>();
  async function transfer(officerId: Types.ObjectId | string, unitId: Types.ObjectId, effectiveDate = new Date()) {
    const reply = await post(w.clients.admin, `/api/v1/officers/${officerId}/transfer`, { unitId: String(unitId), effectiveDate: effectiveDate.toISOString() });
    expect(reply.status, reply.text).to.equal(200);
  }
  async function retire(officerId: Types.ObjectId | string, effectiveDate = new Date()) {
    const reply = await w.clients.admin.request('PATCH', `/api/v1/officers/${officerId}`, { json: { status: 'retired', effectiveDate: effectiveDate.toISOString() } });
    expect(reply.status, reply.text).to.equal(200);
  }
  async function join(unitId: Types.ObjectId, effectiveDate: Date): Promise<string> {
    const reply = await post(w.clients.coordinator, '/api/v1/officers', { code: `KH${Date.now()}${Math.floor(Math.random() * 1000)}`, fullName: 'Trần Thị Mới Đến', category: 'cong-chuc', unitId: String(unitId), effectiveDate: effectiveDate.toISOString() });
    expect(reply.status, reply.text).to.equal(201);
    return reply.json<{ officer: { id: string } }>().officer.id;
  }

  before(async () => {
    tp = await startTestPlatform('campaign-enrolments');
    w = await buildCampaignWorld(tp);
  });
  after(async () => tp?.close());

  describe('before the cut-off', () => {
    let campaignId: string;
    before(async () => {
      campaignId = await openCampaign({ name: 'Trước ngày chốt', cutoffDate: `31/12/${YEAR}`, lateJoinerDays: 300 });
    });

    it('a late joiner is enrolled, due at the end of the day the set number of days after joining', async () => {
      const joined = new Date(`${YEAR}-06-01T00:00:00+07:00`);
      const id = await join(w.units.A1._id, joined);
      const e = await enrolment(campaignId, id);
      expect(e).to.include({ state: 'enrolled', lateJoiner: true });
      expect(e!.unitId.toHexString()).to.equal(w.units.A1._id.toHexString());
      expect(e!.dueDate.toISOString()).to.equal(dueInstant(vietnamDay(new Date(joined.getTime() + 300 * DAY_MS))).toISOString());
      // joined later the same day: the same due day (and so one bucket of the dashboards' counters)
      const later = await join(w.units.A1._id, new Date(joined.getTime() + 5 * 3600_000 + 1_234));
      expect((await enrolment(campaignId, later))!.dueDate.toISOString()).to.equal(e!.dueDate.toISOString());
    });

    it('a transfer inside the audience moves the enrolment and keeps the completion', async () => {
      const officer = await w.officer(w.units.A1);
      await progressModel(db()).create({ officerId: officer._id, moduleId: w.modules[0], year: YEAR, version: 1, unitId: officer.unitId, itemCount: 1, status: 'completed', percent: 100, doneItems: ['bai-1'], startedAt: new Date(), completedAt: new Date() });
      const before = await enrolment(campaignId, officer._id);
      expect(before).to.include({ state: 'enrolled', lateJoiner: false });
      await transfer(officer._id, w.units.A2._id);
      const after = await enrolment(campaignId, officer._id);
      expect(after!._id.toHexString()).to.equal(before!._id.toHexString());
      expect(after!.unitId.toHexString()).to.equal(w.units.A2._id.toHexString());
      const figures = (await w.clients.coordinator.request('GET', `/api/v1/campaigns/${campaignId}`)).json<{ campaign: { modules: { completed: number }[] } }>();
      expect(figures.campaign.modules[0]!.completed).to.equal(1);
    });

    it('leaving the audience (moved out, retired) marks the enrolment left; coming back enrols again', async () => {
      const mover = await w.officer(w.units.A1);
      const retiring = await w.officer(w.units.A2);
      expect((await enrolment(campaignId, mover._id))!.state).to.equal('enrolled');
      await transfer(mover._id, w.units.B1._id);
      expect((await enrolment(campaignId, mover._id))!.state).to.equal('left');
      await transfer(mover._id, w.units.A2._id);
      expect((await enrolment(campaignId, mover._id))).to.include({ state: 'enrolled' });
      await retire(retiring._id);
      expect((await enrolment(campaignId, retiring._id))!.state).to.equal('left');
    });
  });

  describe('after the cut-off', () => {
    let campaignId: string;
    let stayed: Types.ObjectId;
    let moved: Types.ObjectId;
    let retired: Types.ObjectId;
    let leftBefore: Types.ObjectId;
    before(async () => {
      stayed = (await w.officer(w.units.A1))._id;
      moved = (await w.officer(w.units.A1))._id;
      retired = (await w.officer(w.units.A1))._id;
      leftBefore = (await w.officer(w.units.A1))._id;
      await retire(leftBefore, new Date(`${YEAR}-01-01T12:00:00+07:00`));
      campaignId = await openCampaign({ name: 'Sau ngày chốt', cutoffDate: `02/01/${YEAR}` });
    });

    it('counts officers serving at the cut-off, not those who had left before it', async () => {
      expect((await enrolment(campaignId, stayed))!.state).to.equal('enrolled');
      expect(await enrolment(campaignId, leftBefore)).to.equal(null);
    });

    it('a transfer after the cut-off keeps the officer counted at their unit of the cut-off day', async () => {
      await transfer(moved, w.units.A2._id);
      const e = await enrolment(campaignId, moved);
      expect(e).to.include({ state: 'enrolled' });
      expect(e!.unitId.toHexString()).to.equal(w.units.A1._id.toHexString());
    });

    it('leaving after the cut-off keeps the officer counted', async () => {
      await retire(retired);
      expect((await enrolment(campaignId, retired))!.state).to.equal('enrolled');
    });

    it('a joiner after the cut-off is exempt, never missing', async () => {
      const id = await join(w.units.A1._id, new Date());
      expect(await enrolment(campaignId, id)).to.include({ state: 'exempt', exemptReason: 'late-joiner', lateJoiner: true });
      const figures = (await w.clients.coordinator.request('GET', `/api/v1/campaigns/${campaignId}`)).json<{ campaign: { modules: { enrolled: number; exempt: number }[] } }>();
      expect(figures.campaign.modules[0]!.exempt).to.be.at.least(1);
    });
  });

  it('LAST_YEAR officers are not late joiners (the fixture’s premise)', () => {
    expect(LAST_YEAR.getTime()).to.be.below(new Date(`${YEAR}-01-01T00:00:00+07:00`).getTime());
  });
});
