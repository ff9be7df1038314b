/**
 * The campaign and exemption pages over HTTP, signed in with cookies like a person: a
 * coordinator plans, opens, moves a due date, stops (after a confirmation) and undoes,
 * clones; form errors come back in Vietnamese on the field; a manager sees without the
 * buttons, proposes an exemption with a PDF; the coordinator approves it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { trusted, type Types } from 'mongoose';
import { auditModel } from '../../server/audit/model';
import { campaignModel, enrolmentModel, type Campaign } from '../../server/campaigns/model';
import { exemptionModel } from '../../server/campaigns/exemptions';
import { t } from '../../server/i18n';
import type { Role } from '../../server/users/model';
import { createAccount } from '../../server/users/service';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { buildCampaignWorld, PASSWORD, YEAR, type CampaignWorld } from './world';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
/** HTML-escaped as ejs writes it (the messages hold « » and quotes) */
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

describe('campaigns: pages (HTTP)', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let w: CampaignWorld;
  let coordinator: Client;
  let manager: Client;
  let officerClient: Client;
  let serial = 0;
  const db = () => tp.platform.services.db;

  async function pageClient(role: Role, unitId: Types.ObjectId | null): Promise<Client> {
    const login = `trang.${role}.${++serial}`;
    await createAccount(db(), { username: login, displayName: `Trang ${login}`, role, password: PASSWORD, ...(unitId ? { unitId } : {}) }, 4);
    const c = tp.client();
    await c.signIn(login, PASSWORD);
    return c;
  }

  const createForm = (name: string, extra: Record<string, string> = {}) => ({ name, year: String(YEAR), module_1: String(w.modules[0]), due_1: `31/12/${YEAR}`, unitIds: String(w.units.A1._id), ...extra });
  const created = async (name: string): Promise<Campaign> => (await campaignModel(db()).findOne({ name }).lean<Campaign>())!;

  before(async () => {
    tp = await startTestPlatform('campaign-pages');
    w = await buildCampaignWorld(tp);
    coordinator = await pageClient('coordinator', w.units.A._id);
    manager = await pageClient('manager', w.units.A._id);
    officerClient = await pageClient('officer', w.units.A1._id);
  });
  after(async () => tp?.close());

  it('shows the plan pages in the menu only to who may use them', async () => {
    const home = await coordinator.get('/');
    expect(home.text).to.include('href="/campaigns"').and.include('href="/exemptions"');
    expect((await manager.get('/')).text).to.include('href="/campaigns"');
    const officerHome = await officerClient.get('/');
    expect(officerHome.status).to.equal(200);
    expect(officerHome.text).not.to.include('href="/campaigns"');
    expect(officerHome.text).not.to.include('href="/exemptions"');
    expect((await officerClient.get('/campaigns')).status).to.equal(403);
  });

  it('creates a draft from the form (cut-off 31/10 by default), audited, and shows it', async () => {
    const page = await coordinator.get('/campaigns/new');
    expect(page.status).to.equal(200);
    expect(page.text).to.include('name="module_1"').and.include(`31/10/${YEAR}`);
    const reply = await coordinator.submit('/campaigns', createForm('Kế hoạch trang 1'), '/campaigns/new');
    expect(reply.status, reply.text.slice(0, 500)).to.equal(303);
    const campaign = await created('Kế hoạch trang 1');
    expect(reply.location).to.equal(`/campaigns/${campaign._id}?done=created`);
    expect(campaign.status).to.equal('draft');
    expect(campaign.audience.unitIds.map(String)).to.deep.equal([String(w.units.A1._id)]);
    expect(String(campaign.ownerUnitId)).to.equal(String(w.units.A._id));
    expect(await auditModel(db()).countDocuments({ action: 'campaign.create', subjectId: String(campaign._id) })).to.equal(1);
    const shown = await coordinator.get(reply.location!);
    expect(shown.text).to.include(html(t('vi', 'campaign_done_created'))).and.include('Phòng A1').and.include(`31/12/${YEAR}`).and.include(`31/10/${YEAR}`);
    const list = await coordinator.get(`/campaigns?year=${YEAR}`);
    expect(list.text).to.include('Kế hoạch trang 1').and.include(t('vi', 'campaign_status_draft'));
    expect((await coordinator.get(`/campaigns?year=${YEAR}&status=open`)).text).not.to.include('Kế hoạch trang 1');
    expect((await coordinator.get(`/campaigns?year=${YEAR + 3}`)).text).not.to.include('Kế hoạch trang 1');
  });

  it('shows form errors in Vietnamese on their field and saves nothing', async () => {
    const outside = await coordinator.submit('/campaigns', createForm('Kế hoạch sai năm', { due_1: `15/03/${YEAR + 1}` }), '/campaigns/new');
    expect(outside.status).to.equal(422);
    expect(outside.text).to.include(html(t('vi', 'campaign_date_outside_year', { year: YEAR }))).and.include('id="due-1-error"');
    const none = await coordinator.submit('/campaigns', { name: 'Kế hoạch rỗng', year: String(YEAR) }, '/campaigns/new');
    expect(none.status).to.equal(422);
    expect(none.text).to.include(t('vi', 'campaign_form_module_needed'));
    const twice = await coordinator.submit('/campaigns', createForm('Kế hoạch trùng', { module_2: String(w.modules[0]), due_2: `30/12/${YEAR}` }), '/campaigns/new');
    expect(twice.status).to.equal(422);
    expect(twice.text).to.include(html(t('vi', 'campaign_module_duplicate'))).and.include('id="module-2-error"');
    const noName = await coordinator.submit('/campaigns', createForm(''), '/campaigns/new');
    expect(noName.status).to.equal(422);
    expect(noName.text).to.include(t('vi', 'field_required'));
    expect(await campaignModel(db()).countDocuments({ name: trusted({ $in: ['Kế hoạch sai năm', 'Kế hoạch rỗng', 'Kế hoạch trùng'] }) })).to.equal(0);
  });

  it('opens, moves a due date (officers told), stops only after confirmation, undoes, clones', async () => {
    await w.officer(w.units.A1);
    await coordinator.submit('/campaigns', createForm('Kế hoạch trang 2'), '/campaigns/new');
    const campaign = await created('Kế hoạch trang 2');
    const at = `/campaigns/${campaign._id}`;
    const moduleAt = `${at}/modules/${w.modules[0]}`;
    const opened = await coordinator.submit(`${at}/status`, { status: 'open' }, at);
    expect(opened.location, `${opened.status} ${opened.text.slice(0, 600)}`).to.equal(`${at}?done=opened`);
    expect(await enrolmentModel(db()).countDocuments({ campaignId: campaign._id })).to.be.greaterThan(0);
    expect((await coordinator.get(at)).text).to.include(t('vi', 'campaign_figure_enrolled'));

    const moved = await coordinator.submit(`${moduleAt}/due-date`, { dueDate: `30/12/${YEAR}` }, at);
    expect(moved.location).to.equal(`${at}?done=due_changed`);
    expect((await created('Kế hoạch trang 2')).modules[0]!.dueDate.toISOString().slice(0, 10)).to.equal(`${YEAR}-12-30`);
    const bad = await coordinator.submit(`${moduleAt}/due-date`, { dueDate: '31/02/abc' }, at);
    expect(bad.status).to.equal(422);
    expect(bad.text).to.include(t('vi', 'field_invalid_date'));

    const asked = await coordinator.submit(`${moduleAt}/stop`, {}, at);
    expect(asked.status).to.equal(200);
    expect(asked.text).to.include(t('vi', 'campaign_stop_confirm_button')).and.include('name="confirm" value="1"');
    expect((await created('Kế hoạch trang 2')).modules[0]!.stoppedAt).to.equal(null);
    expect((await coordinator.submit(`${moduleAt}/stop`, { confirm: '1' }, at)).location).to.equal(`${at}?done=stopped`);
    expect((await created('Kế hoạch trang 2')).modules[0]!.stoppedAt).to.be.instanceOf(Date);
    expect((await coordinator.get(`${at}?done=stopped`)).text).to.include(t('vi', 'campaign_restart_button'));
    expect((await coordinator.submit(`${moduleAt}/restart`, {}, at)).location).to.equal(`${at}?done=restarted`);
    expect((await created('Kế hoạch trang 2')).modules[0]!.stoppedAt).to.equal(null);

    const same = await coordinator.submit(`${at}/clone`, { year: String(YEAR) }, at);
    expect(same.status).to.equal(422);
    expect(same.text).to.include(t('vi', 'campaign_clone_same_year'));
    const clone = await coordinator.submit(`${at}/clone`, { year: String(YEAR + 1) }, at);
    expect(clone.status).to.equal(303);
    const copy = await campaignModel(db()).findOne({ year: YEAR + 1, name: 'Kế hoạch trang 2 (' + (YEAR + 1) + ')' }).lean<Campaign>();
    expect(copy?.status).to.equal('draft');
    expect(clone.location).to.equal(`/campaigns/${copy!._id}?done=cloned`);
  });

  it('adds a module and edits the audience from the page (named and excluded officers kept), refusals on the form', async () => {
    const named = await w.officer(w.units.B1);
    const reply = await coordinator.request('POST', '/api/v1/campaigns', { json: { name: 'Kế hoạch sửa trang', year: YEAR, modules: [{ moduleId: String(w.modules[0]), dueDate: `31/12/${YEAR}` }], audience: { unitIds: [String(w.units.A1._id)], officerIds: [String(named._id)] } }, headers: { 'x-csrf-token': await coordinator.csrf('/campaigns/new') } });
    expect(reply.status, reply.text).to.equal(201);
    const campaign = await created('Kế hoạch sửa trang');
    const at = `/campaigns/${campaign._id}`;
    const page = await coordinator.get(at);
    expect(page.text).to.include(`action="${at}/modules"`).and.include(`action="${at}/audience"`);
    // the module already planned is not offered again
    const addForm = page.text.split(`action="${at}/modules"`)[1]!.split('</form>')[0]!;
    expect(addForm).to.include(`value="${w.modules[1]}"`);
    expect(addForm).not.to.include(`value="${w.modules[0]}"`);

    const outside = await coordinator.submit(`${at}/modules`, { moduleId: String(w.modules[1]), dueDate: `15/01/${YEAR + 1}` }, at);
    expect(outside.status).to.equal(422);
    expect(outside.text).to.include('id="add-due-error"');
    const added = await coordinator.submit(`${at}/modules`, { moduleId: String(w.modules[1]), dueDate: `30/12/${YEAR}` }, at);
    expect(added.location).to.equal(`${at}?done=module_added`);
    const twice = await coordinator.submit(`${at}/modules`, { moduleId: String(w.modules[1]), dueDate: `30/12/${YEAR}` }, at);
    expect(twice.status).to.equal(409);
    expect(twice.text).to.include(html(t('vi', 'campaign_module_duplicate')));
    expect((await created('Kế hoạch sửa trang')).modules.map((m) => String(m.moduleId))).to.deep.equal([String(w.modules[0]), String(w.modules[1])]);
    expect(await auditModel(db()).countDocuments({ action: 'campaign.module_add', subjectId: String(campaign._id) })).to.equal(1);

    const foreign = await coordinator.submit(`${at}/audience`, { unitIds: String(w.units.B1._id) }, at);
    expect(foreign.status).to.be.oneOf([403, 422]);
    expect((await created('Kế hoạch sửa trang')).audience.unitIds.map(String)).to.deep.equal([String(w.units.A1._id)]);
    // two units: a multiple select sends the field twice
    const form = new URLSearchParams([['_csrf', await coordinator.csrf(at)], ['unitIds', String(w.units.A1._id)], ['unitIds', String(w.units.A2._id)], ['categories', 'cong-chuc'], ['leadersOnly', 'on']]);
    const edited = await coordinator.request('POST', `${at}/audience`, { body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(edited.location, edited.text.slice(0, 400)).to.equal(`${at}?done=audience_changed`);
    const audience = (await created('Kế hoạch sửa trang')).audience;
    expect(audience.unitIds.map(String)).to.deep.equal([String(w.units.A1._id), String(w.units.A2._id)]);
    expect(audience.categories).to.deep.equal(['cong-chuc']);
    expect(audience.leadersOnly).to.equal(true);
    expect(audience.officerIds.map(String)).to.deep.equal([String(named._id)]);
    expect(await auditModel(db()).countDocuments({ action: 'campaign.audience', subjectId: String(campaign._id) })).to.equal(1);
    expect((await manager.submit(`${at}/audience`, { unitIds: String(w.units.A1._id) }, at)).status).to.equal(403);
  });

  it('sets "a certificate for each module" on the create form and changes it on the plan page (audited; a manager may not)', async () => {
    const form = await coordinator.get('/campaigns/new');
    expect(form.text).to.include('name="certificatePerModule"');
    const withOption = await coordinator.submit('/campaigns', createForm('Kế hoạch giấy từng học phần', { certificatePerModule: 'on' }), '/campaigns/new');
    expect(withOption.status, withOption.text.slice(0, 500)).to.equal(303);
    expect((await created('Kế hoạch giấy từng học phần')).certificatePerModule).to.equal(true);
    expect((await coordinator.submit('/campaigns', createForm('Kế hoạch giấy cả chương trình'), '/campaigns/new')).status).to.equal(303);
    const campaign = await created('Kế hoạch giấy cả chương trình');
    expect(campaign.certificatePerModule).to.equal(false);

    const at = `/campaigns/${campaign._id}`;
    const page = await coordinator.get(at);
    expect(page.text).to.include(`action="${at}/certificates"`);
    const on = await coordinator.submit(`${at}/certificates`, { certificatePerModule: 'on' }, at);
    expect(on.location, on.text.slice(0, 400)).to.equal(`${at}?done=certificates_changed`);
    expect((await created('Kế hoạch giấy cả chương trình')).certificatePerModule).to.equal(true);
    const shown = await coordinator.get(on.location!);
    expect(shown.text).to.include(html(t('vi', 'campaign_done_certificates_changed'))).and.match(/id="campaign-certificate-per-module"[^>]*checked/);
    // an unticked box is absent from the form: the option goes off
    expect((await coordinator.submit(`${at}/certificates`, {}, at)).location).to.equal(`${at}?done=certificates_changed`);
    expect((await created('Kế hoạch giấy cả chương trình')).certificatePerModule).to.equal(false);
    expect(await auditModel(db()).countDocuments({ action: 'campaign.certificates', subjectId: String(campaign._id) })).to.equal(2);

    expect((await manager.get(at)).text).not.to.include(`action="${at}/certificates"`);
    expect((await manager.submit(`${at}/certificates`, { certificatePerModule: 'on' }, at)).status).to.equal(403);
    expect((await created('Kế hoạch giấy cả chương trình')).certificatePerModule).to.equal(false);
  });

  it('shows a manager the plan without any button that changes it, and refuses the changes', async () => {
    const campaign = await created('Kế hoạch trang 1');
    const at = `/campaigns/${campaign._id}`;
    const page = await manager.get(at);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('Kế hoạch trang 1').and.not.include(`${at}/status`).and.not.include('/due-date').and.not.include('/clone');
    expect((await manager.get('/campaigns')).text).not.to.include('href="/campaigns/new"');
    expect((await manager.submit(`${at}/status`, { status: 'open' }, at)).status).to.equal(403);
    expect((await manager.get('/campaigns/new')).status).to.equal(403);
  });

  it('lets a manager request an exemption with evidence, and a coordinator above approve it', async () => {
    const officer = await w.officer(w.units.A2);
    await coordinator.submit('/campaigns', createForm('Kế hoạch miễn', { unitIds: String(w.units.A2._id) }), '/campaigns/new');
    const campaign = await created('Kế hoạch miễn');
    await coordinator.submit(`/campaigns/${campaign._id}/status`, { status: 'open' }, `/campaigns/${campaign._id}`);

    const unknown = await manager.submit('/exemptions', { officerCode: 'KHONG-CO', kind: 'thai-san', reason: 'Nghỉ sinh con' }, '/exemptions');
    expect(unknown.status).to.equal(422);
    expect(unknown.text).to.include(html(t('vi', 'exemption_officer_unknown')));

    // a file that only claims to be a PDF is refused on the form, and nothing is written
    const hostile = new FormData();
    hostile.append('_csrf', await manager.csrf('/exemptions'));
    hostile.append('officerCode', officer.code);
    hostile.append('kind', 'thai-san');
    hostile.append('reason', 'Nghỉ thai sản');
    hostile.append('evidence', new Blob(['<script>alert(1)</script>'], { type: 'application/pdf' }), 'minh-chung.pdf');
    const refused = await manager.request('POST', '/exemptions', { body: hostile });
    expect(refused.status).to.equal(415);
    expect(refused.text).to.include(t('vi', 'exemption_evidence_type')).and.include('id="exemption-evidence-error"');
    expect(await exemptionModel(db()).countDocuments({ officerId: officer._id })).to.equal(0);
    const stored = () => (fs.existsSync(path.join(tp.dataDir, 'evidence')) ? fs.readdirSync(path.join(tp.dataDir, 'evidence')).length : 0);
    expect(stored()).to.equal(0);

    const body = new FormData();
    body.append('_csrf', await manager.csrf('/exemptions'));
    body.append('officerCode', officer.code.toLowerCase());
    body.append('kind', 'thai-san');
    body.append('reason', 'Nghỉ thai sản từ tháng 3');
    body.append('evidence', new Blob([PDF], { type: 'application/pdf' }), 'quyết định nghỉ.pdf');
    const proposed = await manager.request('POST', '/exemptions', { body });
    expect(proposed.status, proposed.text.slice(0, 400)).to.equal(303);
    expect(proposed.location).to.equal('/exemptions?done=proposed');
    const exemption = await exemptionModel(db()).findOne({ officerId: officer._id }).lean();
    expect(exemption).to.include({ status: 'proposed', kind: 'thai-san' });
    expect(exemption!.evidence?.name).to.equal('quyết định nghỉ.pdf');
    expect(stored()).to.equal(1);

    const managerList = await manager.get('/exemptions');
    expect(managerList.text).to.include(officer.code).and.include(t('vi', 'exemption_status_proposed')).and.not.include(`/exemptions/${exemption!._id}/decision`);
    expect((await manager.submit(`/exemptions/${exemption!._id}/decision`, { decision: 'approve' }, '/exemptions')).status).to.equal(403);

    const coordinatorList = await coordinator.get('/exemptions?status=proposed');
    expect(coordinatorList.text).to.include(`/exemptions/${exemption!._id}/decision`);
    const approved = await coordinator.submit(`/exemptions/${exemption!._id}/decision`, { decision: 'approve' }, '/exemptions');
    expect(approved.location).to.equal('/exemptions?done=approved');
    expect((await exemptionModel(db()).findById(exemption!._id).lean())?.status).to.equal('approved');
    const states = (await enrolmentModel(db()).find({ officerId: officer._id, year: YEAR }).lean()).map((e) => e.state);
    expect(states).to.have.length.greaterThan(0);
    expect(states.every((s) => s === 'exempt')).to.equal(true);
    const again = await coordinator.submit(`/exemptions/${exemption!._id}/decision`, { decision: 'refuse' }, '/exemptions');
    expect(again.status).to.equal(409);
    expect(again.text).to.include(html(t('vi', 'exemption_decided')));
  });
});
