/**
 * The yearly plan over HTTP: creating a campaign (duplicate modules and due dates outside
 * its year refused — issue #15 defect 2), opening it (enrolments materialised for the
 * audience rules), moving a due date (audited, officers told), stopping a module with
 * confirmation and undo, cloning into next year, and the migration of old assignments.
 */
import { expect } from 'chai';
import type { Types } from 'mongoose';
import { auditModel, type AuditEvent } from '../../server/audit/model';
import { startCampaigns } from '../../server/campaigns';
import { campaignModel, enrolmentModel, type Enrolment } from '../../server/campaigns/model';
import { moduleModel } from '../../server/modules/model';
import { progressModel } from '../../server/progress/model';
import { assign } from '../learning/fixtures';
import { buildModule } from '../authoring/helpers';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { buildCampaignWorld, YEAR, type CampaignWorld } from './world';

interface CampaignJson {
  id: string;
  name: string;
  year: number;
  status: string;
  cutoffDate: string;
  opensOn: string;
  modules: { moduleId: string; dueDate: string; stopped: boolean; enrolled?: number; completed?: number; exempt?: number; rate?: number | null }[];
}

describe('campaigns: the yearly plan over HTTP', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let w: CampaignWorld;
  const db = () => tp.platform.services.db;
  const due = `31/12/${YEAR}`;

  const post = (c: Client, path: string, json: unknown) => c.request('POST', path, { json });
  async function created(c: Client, body: Record<string, unknown>): Promise<CampaignJson> {
    const reply = await post(c, '/api/v1/campaigns', body);
    expect(reply.status, reply.text).to.equal(201);
    return reply.json<{ campaign: CampaignJson }>().campaign;
  }
  async function opened(c: Client, body: Record<string, unknown>): Promise<CampaignJson> {
    const campaign = await created(c, body);
    const reply = await post(c, `/api/v1/campaigns/${campaign.id}/status`, { status: 'open' });
    expect(reply.status, reply.text).to.equal(200);
    return reply.json<{ campaign: CampaignJson }>().campaign;
  }
  const enrolmentsOf = (campaignId: string, officerId?: Types.ObjectId) =>
    enrolmentModel(db()).find({ campaignId, ...(officerId ? { officerId } : {}) }).lean<Enrolment[]>();
  const problems = (reply: { json<T>(): T }) => reply.json<{ error: { details: { field: string; id: string }[] } }>().error.details.map(({ field, id }) => ({ field, id }));
  const lastAudit = async (action: string) => (await auditModel(db()).findOne({ action }).sort({ at: -1 }).lean<AuditEvent>())!;

  before(async () => {
    tp = await startTestPlatform('campaigns');
    w = await buildCampaignWorld(tp);
  });
  after(async () => tp?.close());

  describe('creating (issue #15 defect 2 among the rules)', () => {
    it('refuses a due date outside the campaign year (due 28/12 with year 2031)', async () => {
      const reply = await post(w.clients.coordinator, '/api/v1/campaigns', { name: 'Sai năm', year: 2031, modules: [{ moduleId: String(w.modules[0]), dueDate: `28/12/${YEAR}` }] });
      expect(reply.status).to.equal(422);
      expect(problems(reply)).to.deep.include({ field: 'modules.0.dueDate', id: 'campaign_date_outside_year' });
      expect(await campaignModel(db()).countDocuments({ name: 'Sai năm' })).to.equal(0);
    });

    it('refuses the same module twice in one campaign, on creation and when adding', async () => {
      const twice = [{ moduleId: String(w.modules[0]), dueDate: due }, { moduleId: String(w.modules[0]), dueDate: `30/12/${YEAR}` }];
      const reply = await post(w.clients.coordinator, '/api/v1/campaigns', { name: 'Trùng', year: YEAR, modules: twice });
      expect(reply.status).to.equal(422);
      expect(problems(reply)).to.deep.include({ field: 'modules.1.moduleId', id: 'campaign_module_duplicate' });
      const campaign = await created(w.clients.coordinator, { name: 'Một lần', year: YEAR, modules: [twice[0]] });
      const again = await post(w.clients.coordinator, `/api/v1/campaigns/${campaign.id}/modules`, twice[1]);
      expect(again.status).to.equal(409);
      expect(again.json<{ error: { id: string } }>().error.id).to.equal('campaign_module_duplicate');
    });

    it('defaults the cut-off to 31/10 and the owner to the coordinator’s unit; refuses units outside it and owners outside the scope', async () => {
      const campaign = await created(w.clients.coordinator, { name: `Kế hoạch ${YEAR}`, year: YEAR, modules: [{ moduleId: String(w.modules[0]), dueDate: due }] });
      expect(campaign.cutoffDate).to.equal(`31/10/${YEAR}`);
      expect(campaign.opensOn).to.equal(`01/01/${YEAR}`);
      expect(campaign.status).to.equal('draft');
      const outside = await post(w.clients.coordinator, '/api/v1/campaigns', { name: 'Ngoài', year: YEAR, audience: { unitIds: [String(w.units.B1._id)] } });
      expect(outside.status).to.equal(422);
      const foreign = await post(w.clients.coordinator, '/api/v1/campaigns', { name: 'Của B', year: YEAR, ownerUnitId: String(w.units.B._id) });
      expect(foreign.status).to.equal(403);
      const manager = await post(w.clients.manager, '/api/v1/campaigns', { name: 'Thủ trưởng', year: YEAR });
      expect(manager.status).to.equal(403);
    });

    it('refuses an unpublished module and a day that does not exist', async () => {
      const draft = await buildModule(db(), w.units.A._id, { published: false });
      const bad = await post(w.clients.coordinator, '/api/v1/campaigns', { name: 'Ngày sai', year: YEAR, modules: [{ moduleId: String(w.modules[0]), dueDate: `31/02/${YEAR}` }] });
      expect(bad.status).to.equal(422);
      expect(bad.json<{ error: { details: { id: string }[] } }>().error.details[0]!.id).to.equal('field_invalid_date');
      const unpublished = await post(w.clients.coordinator, '/api/v1/campaigns', { name: 'Chưa xuất bản', year: YEAR, modules: [{ moduleId: String(draft._id), dueDate: due }] });
      expect(unpublished.status).to.equal(422);
      expect(unpublished.json<{ error: { details: { id: string }[] } }>().error.details[0]!.id).to.equal('campaign_module_unpublished');
    });
  });

  describe('opening: enrolments per officer × module', () => {
    it('enrols the audience: subtrees narrowed by category and leaders, named officers, exclusions', async () => {
      const inA1 = await w.officer(w.units.A1);
      const leader = await w.officer(w.units.A1, { isLeader: true });
      const worker = await w.officer(w.units.A2, { category: 'nguoi-lao-dong', isLeader: true });
      const excluded = await w.officer(w.units.A2, { isLeader: true });
      const named = await w.officer(w.units.A2);
      const campaign = await opened(w.clients.coordinator, {
        name: 'Lãnh đạo công chức',
        year: YEAR,
        modules: [{ moduleId: String(w.modules[0]), dueDate: due }, { moduleId: String(w.modules[1]), dueDate: `30/12/${YEAR}` }],
        audience: { unitIds: [String(w.units.A._id)], categories: ['cong-chuc'], leadersOnly: true, officerIds: [String(named._id)], excludedOfficerIds: [String(excluded._id)] },
      });
      const enrolments = await enrolmentsOf(campaign.id);
      const who = new Set(enrolments.map((e) => String(e.officerId)));
      expect([...who].sort()).to.deep.equal([String(leader._id), String(named._id)].sort());
      expect(enrolments).to.have.length(4);
      expect(enrolments.every((e) => e.state === 'enrolled' && !e.lateJoiner)).to.equal(true);
      for (const o of [inA1, worker, excluded]) expect(who.has(String(o._id))).to.equal(false);
      expect((await lastAudit('campaign.status')).subjectId).to.equal(campaign.id);
    });

    it('moves a due date: enrolments follow, the change is audited and each officer is told in the app', async () => {
      const officer = await w.officer(w.units.A1);
      const campaign = await opened(w.clients.coordinator, { name: 'Đổi hạn', year: YEAR, modules: [{ moduleId: String(w.modules[0]), dueDate: `30/12/${YEAR}` }], audience: { officerIds: [String(officer._id)] } });
      const outside = await post(w.clients.coordinator, `/api/v1/campaigns/${campaign.id}/modules/${w.modules[0]}/due-date`, { dueDate: `15/01/${YEAR + 1}` });
      expect(outside.status).to.equal(422);
      const reply = await post(w.clients.coordinator, `/api/v1/campaigns/${campaign.id}/modules/${w.modules[0]}/due-date`, { dueDate: due });
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.json<{ informed: number }>().informed).to.equal(1);
      const [enrolment] = await enrolmentsOf(campaign.id, officer._id);
      expect(enrolment!.dueDate.toISOString()).to.equal(new Date(`${YEAR}-12-31T23:59:59.999+07:00`).toISOString());
      const audit = await lastAudit('campaign.due_change');
      expect(audit.subjectId).to.equal(campaign.id);
      const own = await w.client('officer', w.units.A1._id, officer);
      const notices = (await own.request('GET', '/api/v1/me/notices')).json<{ items: { message: string; text: string }[] }>().items;
      expect(notices[0]!.message).to.equal('notice_due_changed');
      expect(notices[0]!.text).to.contain(`30/12/${YEAR}`).and.contain(`31/12/${YEAR}`);
    });

    it('stops a module only when confirmed, and the undo brings the enrolments back', async () => {
      const officer = await w.officer(w.units.A2);
      const campaign = await opened(w.clients.coordinator, { name: 'Ngừng giao', year: YEAR, modules: [{ moduleId: String(w.modules[2]), dueDate: due }], audience: { unitIds: [String(w.units.A2._id)] } });
      const path = `/api/v1/campaigns/${campaign.id}/modules/${w.modules[2]}`;
      const unconfirmed = await post(w.clients.coordinator, `${path}/stop`, {});
      expect(unconfirmed.status).to.equal(422);
      expect((await enrolmentsOf(campaign.id, officer._id))[0]!.state).to.equal('enrolled');
      expect((await post(w.clients.coordinator, `${path}/stop`, { confirm: true })).status).to.equal(200);
      expect((await enrolmentsOf(campaign.id, officer._id))[0]!.state).to.equal('stopped');
      expect((await post(w.clients.coordinator, `${path}/stop`, { confirm: true })).status).to.equal(409);
      expect((await post(w.clients.coordinator, `${path}/restart`, {})).status).to.equal(200);
      expect((await enrolmentsOf(campaign.id, officer._id))[0]!.state).to.equal('enrolled');
      expect((await lastAudit('campaign.module_restart')).subjectId).to.equal(campaign.id);
    });

    it('moves only draft → open → closed, and a closed campaign no longer changes', async () => {
      const campaign = await opened(w.clients.coordinator, { name: 'Trạng thái', year: YEAR, modules: [{ moduleId: String(w.modules[0]), dueDate: due }] });
      expect((await post(w.clients.coordinator, `/api/v1/campaigns/${campaign.id}/status`, { status: 'open' })).status).to.equal(409);
      expect((await post(w.clients.coordinator, `/api/v1/campaigns/${campaign.id}/status`, { status: 'closed' })).status).to.equal(200);
      const late = await post(w.clients.coordinator, `/api/v1/campaigns/${campaign.id}/modules`, { moduleId: String(w.modules[1]), dueDate: due });
      expect(late.status).to.equal(409);
      expect(late.json<{ error: { id: string } }>().error.id).to.equal('campaign_closed');
    });

    it('shows each module’s figures: completion rate over the enrolled', async () => {
      const [done, pending] = [await w.officer(w.units.A1), await w.officer(w.units.A1)];
      const campaign = await opened(w.clients.coordinator, { name: 'Tỷ lệ', year: YEAR, modules: [{ moduleId: String(w.modules[1]), dueDate: due }], audience: { officerIds: [String(done._id), String(pending._id)] } });
      await progressModel(db()).create({ officerId: done._id, moduleId: w.modules[1], year: YEAR, version: 1, unitId: done.unitId, itemCount: 1, status: 'completed', percent: 100, doneItems: ['bai-1'], startedAt: new Date(), completedAt: new Date() });
      const reply = await w.clients.manager.request('GET', `/api/v1/campaigns/${campaign.id}`);
      expect(reply.status, reply.text).to.equal(200);
      const line = reply.json<{ campaign: CampaignJson }>().campaign.modules[0]!;
      expect({ enrolled: line.enrolled, completed: line.completed, exempt: line.exempt, rate: line.rate }).to.deep.equal({ enrolled: 2, completed: 1, exempt: 0, rate: 0.5 });
    });
  });

  describe('cloning and migrating', () => {
    it('clones last year’s campaign in one step: a draft of next year, same days, archived modules left out', async () => {
      const archived = w.modules[2]!;
      const source = await created(w.clients.coordinator, { name: `Kế hoạch bồi dưỡng năm ${YEAR}`, year: YEAR, cutoffDate: `15/10/${YEAR}`, modules: [{ moduleId: String(w.modules[0]), dueDate: `20/12/${YEAR}` }, { moduleId: String(archived), dueDate: due }] });
      await moduleModel(db()).updateOne({ _id: archived }, { $set: { archived: true } });
      try {
        const reply = await post(w.clients.coordinator, `/api/v1/campaigns/${source.id}/clone`, { year: YEAR + 1 });
        expect(reply.status, reply.text).to.equal(201);
        const copy = reply.json<{ campaign: CampaignJson }>().campaign;
        expect(copy).to.include({ name: `Kế hoạch bồi dưỡng năm ${YEAR + 1}`, year: YEAR + 1, status: 'draft', cutoffDate: `15/10/${YEAR + 1}` });
        expect(copy.modules.map((m) => [m.moduleId, m.dueDate])).to.deep.equal([[String(w.modules[0]), `20/12/${YEAR + 1}`]]);
        expect((await post(w.clients.coordinator, `/api/v1/campaigns/${source.id}/clone`, { year: YEAR + 1 })).status).to.equal(409);
      } finally {
        await moduleModel(db()).updateOne({ _id: archived }, { $set: { archived: false } });
      }
    });

    it('migrates the old assignments into campaigns once, however often it runs', async () => {
      const officer = await w.officer(w.units.B1);
      const before = await campaignModel(db()).countDocuments();
      const dueDate = new Date(`${YEAR}-12-20T23:59:59.999+07:00`);
      await assign(db(), { moduleId: w.modules[0]!, unitId: w.units.B._id, year: YEAR, dueDate });
      await assign(db(), { moduleId: w.modules[1]!, unitId: w.units.B._id, year: YEAR, dueDate, active: false });
      await assign(db(), { moduleId: w.modules[1]!, officerIds: [officer._id], year: YEAR, dueDate });
      expect(await startCampaigns(db())).to.deep.include({ campaigns: 2 });
      expect(await startCampaigns(db())).to.deep.equal({ campaigns: 0, modules: 0 });
      expect(await campaignModel(db()).countDocuments()).to.equal(before + 2);
      const states = (await enrolmentModel(db()).find({ officerId: officer._id }).lean<Enrolment[]>()).map((e) => `${String(e.moduleId)}:${e.state}`).sort();
      expect(states).to.deep.equal([`${String(w.modules[0])}:enrolled`, `${String(w.modules[1])}:enrolled`, `${String(w.modules[1])}:stopped`].sort());
      // the coordinator of B sees the unit's migrated campaign
      const coordinatorB = await w.client('coordinator', w.units.B._id);
      const list = (await coordinatorB.request('GET', `/api/v1/campaigns?year=${YEAR}`)).json<{ items: CampaignJson[] }>().items;
      expect(list.map((c) => c.name)).to.deep.equal([`Kế hoạch bồi dưỡng năm ${YEAR} — Sở B`]);
    });
  });
});
