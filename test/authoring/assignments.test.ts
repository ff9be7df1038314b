/**
 * Assigning modules over HTTP: to a unit subtree or named officers within the caller's
 * scope, only published modules, due today or later; deactivating; and
 * GET /api/v1/modules as officer, coordinator and admin.
 */
import { expect } from 'chai';
import { assignmentModel, type Assignment } from '../../server/assignments/model';
import { dueDay, parseDay } from '../../server/assignments/service';
import { auditModel } from '../../server/audit/model';
import { t } from '../../server/i18n';
import { moduleModel, type LearningModule } from '../../server/modules/model';
import { publishModule } from '../../server/modules/versions';
import { todayInVietnam } from '../../server/units/forms';
import { buildModule } from './helpers';
import { buildAuthoringWorld, expectMessage, type AuthoringWorld } from './world';

const inDays = (days: number) => todayInVietnam(new Date(Date.now() + days * 86_400_000));

describe('authoring: assignments and GET /api/v1/modules', function () {
  this.timeout(60_000);
  let w: AuthoringWorld;
  const db = () => w.tp.platform.services.db;
  const assignments = (m: LearningModule) => assignmentModel(db()).find({ moduleId: m._id }).lean<Assignment[]>();
  const assign = (client = w.as.coordA, m: LearningModule, form: Record<string, string>) => w.post(client, `/authoring/modules/${m._id.toHexString()}/assignments`, { target: 'unit', unitId: '', officerCodes: '', dueDate: inDays(30), year: '', ...form });

  before(async () => {
    w = await buildAuthoringWorld('authoring-assignments');
  });
  after(() => w.tp.close());

  it('reads due dates as dd/mm/yyyy or yyyy-mm-dd, and refuses days before today (Vietnam)', () => {
    expect(parseDay('05/09/2027')).to.equal('2027-09-05');
    expect(parseDay('2027-09-05')).to.equal('2027-09-05');
    expect(parseDay('31/02/2027')).to.equal(null);
    expect(parseDay('hôm nay')).to.equal(null);
    const now = new Date('2026-12-01T18:00:00Z'); // already 2 December in Hà Nội
    expect(dueDay('02/12/2026', now)).to.equal('2026-12-02');
    expect(() => dueDay('01/12/2026', now)).to.throw('validation_failed');
  });

  it('refuses a due date outside the assignment\'s year (issue #15 defect 2: due 28/12 of this year with year 2031)', async () => {
    const m = await buildModule(db(), w.units.A._id, { published: true });
    const reply = await assign(w.as.coordA, m, { unitId: w.units.A1._id.toHexString(), dueDate: `28/12/${todayInVietnam().slice(0, 4)}`, year: '2031' });
    expect(reply.status).to.equal(422);
    expectMessage(reply, t('vi', 'assignment_year_mismatch'));
    expect(await assignments(m)).to.have.length(0);
  });

  it('assigns the published module to a unit subtree in scope, due at the end of the day, this year by default (audited)', async () => {
    const module = await buildModule(db(), w.units.A1._id, { published: true });
    const due = inDays(10);
    const reply = await assign(w.as.coordA, module, { unitId: w.units.A1._id.toHexString(), dueDate: due.split('-').reverse().join('/') });
    expect(reply.status, reply.text.slice(0, 300)).to.equal(303);
    const [made] = await assignments(module);
    expect(made!.unitId!.equals(w.units.A1._id)).to.equal(true);
    expect(made!.year).to.equal(Number(todayInVietnam().slice(0, 4)));
    expect(made!.dueDate.toISOString()).to.equal(new Date(`${due}T23:59:59.999+07:00`).toISOString());
    expect(await auditModel(db()).countDocuments({ action: 'assignment.create', subjectId: made!._id.toHexString() })).to.equal(1);
    const page = await w.as.coordA.get(`/authoring/modules/${module._id.toHexString()}`);
    expect(page.text).to.include(t('vi', 'assignment_to_unit', { unit: 'Phòng A1' }));
    expect((await w.post(w.as.coordA, `/authoring/modules/${module._id.toHexString()}/assignments/${made!._id.toHexString()}/deactivate`, {})).status).to.equal(303);
    expect((await assignments(module))[0]!.active).to.equal(false);
  });

  it('refuses a unit outside the scope, an unpublished or archived module, a past due date', async () => {
    const module = await buildModule(db(), w.units.A1._id, { published: true });
    expect((await assign(w.as.coordA, module, { unitId: w.units.B1._id.toHexString() })).status).to.equal(403);
    const past = await assign(w.as.coordA, module, { unitId: w.units.A1._id.toHexString(), dueDate: inDays(-1) });
    expect(past.status).to.equal(422);
    expectMessage(past, t('vi', 'assignment_due_past'));
    const draft = await buildModule(db(), w.units.A1._id);
    const unpublished = await assign(w.as.coordA, draft, { unitId: w.units.A1._id.toHexString() });
    expect(unpublished.status).to.equal(409);
    expectMessage(unpublished, t('vi', 'assignment_module_unpublished'));
    await moduleModel(db()).updateOne({ _id: module._id }, { $set: { archived: true } });
    expect((await assign(w.as.coordA, module, { unitId: w.units.A1._id.toHexString() })).status).to.equal(409);
    expect(await assignments(module)).to.deep.equal([]);
    expect(await assignments(draft)).to.deep.equal([]);
    expect((await assign(w.as.manager, draft, { unitId: w.units.A1._id.toHexString() })).status).to.equal(403);
  });

  it('assigns to named officers in scope; unknown codes and officers outside the scope are listed, nothing written', async () => {
    const module = await buildModule(db(), w.units.A1._id, { published: true });
    const unknown = await assign(w.as.coordA, module, { target: 'officers', officerCodes: `${w.officers.A1.code}\nKHONG-CO-1, KHONG-CO-2` });
    expect(unknown.status).to.equal(422);
    expectMessage(unknown, t('vi', 'assignment_officers_unknown', { codes: 'KHONG-CO-1, KHONG-CO-2' }));
    // issue #15 defect 1: the form names the wrong codes, never the literal "{codes}"
    expect(unknown.text).to.contain('<p class="field-error" id="a-codes-error">Không tìm thấy cán bộ có mã: KHONG-CO-1, KHONG-CO-2</p>').and.not.contain('{codes}');
    const outside = await assign(w.as.coordA, module, { target: 'officers', officerCodes: `${w.officers.A1.code}, ${w.officers.B1.code}` });
    expect(outside.status).to.equal(422);
    expectMessage(outside, t('vi', 'assignment_officers_outside', { codes: w.officers.B1.code }));
    expect(await assignments(module)).to.deep.equal([]);
    expect((await assign(w.as.coordA, module, { target: 'officers', officerCodes: w.officers.A1.code.toLowerCase() })).status).to.equal(303);
    expect((await assignments(module))[0]!.officerIds.map(String)).to.deep.equal([String(w.officers.A1._id)]);
  });

  it("a province-wide module may be assigned by any coordinator within their own scope; another subtree's module may not", async () => {
    const province = await buildModule(db(), null, { published: true });
    expect((await w.as.coordB.get('/authoring')).text).to.include(province.code);
    expect((await w.as.coordB.get(`/authoring/modules/${province._id.toHexString()}`)).status).to.equal(200);
    expect((await assign(w.as.coordB, province, { unitId: w.units.B1._id.toHexString() })).status).to.equal(303);
    expect((await assign(w.as.coordB, province, { unitId: w.units.A1._id.toHexString() })).status).to.equal(403);
    const ofA = await buildModule(db(), w.units.A._id, { published: true });
    expect((await assign(w.as.coordB, ofA, { unitId: w.units.B1._id.toHexString() })).status).to.equal(403);
    expect(await assignments(ofA)).to.deep.equal([]);
  });

  describe('GET /api/v1/modules', () => {
    let modules: Record<string, LearningModule>;
    const codes = async (client = w.as.officer) => {
      const reply = await client.get('/api/v1/modules');
      expect(reply.status).to.equal(200);
      return reply.json<{ items: { code: string }[] }>().items.map((i) => i.code).filter((c) => Object.values(modules).some((m) => m.code === c)).sort();
    };

    before(async () => {
      const build = (owner: LearningModule['ownerUnitId'], published = true) => buildModule(db(), owner, { published });
      modules = {
        province: await build(null),
        ofA: await build(w.units.A._id),
        ofA1: await build(w.units.A1._id),
        ofB: await build(w.units.B._id),
        draft: await build(null, false),
        archived: await build(null),
      };
      await moduleModel(db()).updateOne({ _id: modules['archived']!._id }, { $set: { archived: true } });
    });
    const expected = (...names: string[]) => names.map((n) => modules[n]!.code).sort();

    it('an officer sees published modules that apply to their unit: province-wide, their unit and its ancestors', async () => {
      expect(await codes(w.as.officer)).to.deep.equal(expected('province', 'ofA', 'ofA1'));
    });

    it("a coordinator also sees modules owned in their subtree, not another subtree's; an admin sees all published", async () => {
      expect(await codes(w.as.coordA)).to.deep.equal(expected('province', 'ofA', 'ofA1'));
      expect(await codes(w.as.coordB)).to.deep.equal(expected('province', 'ofB'));
      expect(await codes(w.as.admin)).to.deep.equal(expected('province', 'ofA', 'ofA1', 'ofB'));
    });

    it("lists the published version's title and number, not the draft's", async () => {
      const module = modules['ofA1']!;
      await moduleModel(db()).updateOne({ _id: module._id }, { $set: { 'draft.title': 'Bản nháp chưa xuất bản', draftDirty: true } });
      let item = (await w.as.officer.get('/api/v1/modules')).json<{ items: Record<string, unknown>[] }>().items.find((i) => i['code'] === module.code)!;
      expect(item).to.deep.equal({ id: module._id.toHexString(), code: module.code, title: module.draft.title, topic: 'thai-do', version: 1 });
      await publishModule(db(), module._id, null);
      item = (await w.as.officer.get('/api/v1/modules')).json<{ items: Record<string, unknown>[] }>().items.find((i) => i['code'] === module.code)!;
      expect(item).to.include({ title: 'Bản nháp chưa xuất bản', version: 2 });
      expect((await w.tp.client().get('/api/v1/modules')).status).to.equal(401);
    });
  });
});
