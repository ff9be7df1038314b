/**
 * The unit pages over HTTP: the tree and unit page in Vietnamese, the coordinator's forms
 * (with CSRF) and what they change, field errors and refusals shown on the form, and who
 * gets 403 / 404.
 */
import { expect } from 'chai';
import type { Types } from 'mongoose';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { buildOfficer, buildUnit } from '../factories';
import { auditModel, type AuditEvent } from '../../server/audit/model';
import { officerModel, type Officer } from '../../server/officers/model';
import { unitModel, type Unit } from '../../server/units/model';
import { createAccount } from '../../server/users/service';
import type { Role } from '../../server/users/model';

const PASSWORD = 'mật khẩu đơn vị thử';
const MISSING = '0123456789abcdef01234567';

describe('units: pages and forms', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let province: Unit;
  let deptA: Unit;
  let deptB: Unit;
  let divA1: Unit;
  let coordinator: Client;
  let manager: Client;

  const db = () => tp.platform.services.db;
  const unit = async (id: Types.ObjectId) => (await unitModel(db()).findById(id).lean<Unit>())!;
  const lastAudit = async (action: string) => (await auditModel(db()).findOne({ action }).sort({ at: -1 }).lean<AuditEvent>())!;
  const post = (client: Client, path: string, form: Record<string, string>) => client.submit(path, form, '/');

  async function signedIn(role: Role, login: string, unitId: Types.ObjectId | null, officer?: Officer): Promise<Client> {
    const extra = { ...(unitId ? { unitId } : {}), ...(officer ? { officerId: officer._id, officerCode: officer.code } : {}) };
    await createAccount(db(), { username: login, displayName: `Tài khoản ${login}`, role, password: PASSWORD, ...extra }, 4);
    const client = tp.client();
    await client.signIn(login, PASSWORD);
    return client;
  }

  before(async () => {
    tp = await startTestPlatform('units-routes');
    province = await buildUnit({ name: 'UBND tỉnh Thử' });
    deptA = await buildUnit({ parentId: province._id, name: 'Sở Nội vụ Thử', kind: 'department' });
    deptB = await buildUnit({ parentId: province._id, name: 'Sở Tài chính Thử', kind: 'department' });
    divA1 = await buildUnit({ parentId: deptA._id, name: 'Phòng Công chức' });
    coordinator = await signedIn('coordinator', 'dieu.phoi.a', deptA._id);
    manager = await signedIn('manager', 'thu.truong.a', deptA._id);
  });
  after(async () => tp?.close());

  it('GET /units shows the coordinator their subtree as nested lists, in Vietnamese', async () => {
    const reply = await coordinator.get('/units');
    expect(reply.status).to.equal(200);
    expect(reply.text).to.contain('<html lang="vi">');
    expect(reply.text).to.contain('<h1>Đơn vị</h1>');
    expect(reply.text).to.match(/<ul class="unit-tree">\s*<li>\s*<a href="\/units\/[0-9a-f]{24}">Sở Nội vụ Thử<\/a>/);
    expect(reply.text).to.contain(`href="/units/${divA1._id.toHexString()}"`);
    expect(reply.text).to.not.contain('Sở Tài chính Thử');
    expect(reply.text).to.not.contain('UBND tỉnh Thử');
    expect(reply.text, 'the nav marks the page').to.match(/href="\/units" aria-current="page"/);
  });

  it('GET /units shows an admin every tree', async () => {
    const admin = await signedIn('admin', 'quan.tri', null);
    const reply = await admin.get('/units');
    expect(reply.status).to.equal(200);
    for (const name of ['UBND tỉnh Thử', 'Sở Nội vụ Thử', 'Sở Tài chính Thử']) expect(reply.text).to.contain(name);
  });

  it('GET /units/:id shows code, kind, parent, sub-units, officer count and the officers link', async () => {
    await buildOfficer({ unitId: deptA._id });
    await buildOfficer({ unitId: divA1._id });
    const reply = await coordinator.get(`/units/${deptA._id.toHexString()}`);
    expect(reply.status).to.equal(200);
    expect(reply.text).to.contain('<h1>Sở Nội vụ Thử</h1>');
    expect(reply.text).to.contain(`<dd>${deptA.code}</dd>`);
    expect(reply.text).to.contain('Sở, ban, ngành');
    // the province is above the coordinator's scope: named, not linked
    expect(reply.text).to.match(/<dt>Đơn vị cấp trên<\/dt>\s*<dd>UBND tỉnh Thử<\/dd>/);
    expect(reply.text).to.contain(`<a href="/units/${divA1._id.toHexString()}">Phòng Công chức</a>`);
    expect(reply.text).to.match(/<span class="stat-value">1<\/span><span class="stat-label">Cán bộ đang công tác tại đơn vị/);
    expect(reply.text).to.match(/<span class="stat-value">2<\/span><span class="stat-label">Cán bộ đang công tác, kể cả/);
    expect(reply.text).to.contain(`href="/officers?unitId=${deptA._id.toHexString()}"`);
    // a coordinator never manages their own root, but may add to it
    expect(reply.text).to.contain('Thêm đơn vị cấp dưới');
    expect(reply.text).to.not.contain('Đổi tên đơn vị');
  });

  it('a coordinator adds a sub-unit through the form; it appears on the page and in the audit log', async () => {
    const reply = await post(coordinator, `/units/${deptA._id.toHexString()}/children`, { code: 'snv.p9', name: 'Phòng Thanh tra  ', kind: 'division' });
    expect(reply.status, reply.text.slice(0, 300)).to.equal(303);
    expect(reply.location).to.equal(`/units/${deptA._id.toHexString()}?done=created`);
    const page = await coordinator.get(reply.location!);
    expect(page.text).to.contain('Đã thêm đơn vị cấp dưới.');
    expect(page.text).to.contain('Phòng Thanh tra</a>');
    const created = (await unitModel(db()).findOne({ code: 'SNV.P9' }).lean<Unit>())!;
    expect(created.parentId?.equals(deptA._id)).to.equal(true);
    const entry = await lastAudit('unit.create');
    expect(entry).to.include({ subjectType: 'unit', subjectId: created._id.toHexString(), actorName: 'Tài khoản dieu.phoi.a' });
    expect(entry.details).to.include({ code: 'SNV.P9', name: 'Phòng Thanh tra', kind: 'division' });
  });

  it('an invalid form comes back with Vietnamese field errors and the typed values; nothing is written', async () => {
    const before = await unitModel(db()).countDocuments();
    const reply = await post(coordinator, `/units/${deptA._id.toHexString()}/children`, { code: 'mã sai', name: '   ', kind: 'division' });
    expect(reply.status).to.equal(422);
    expect(reply.text).to.contain('Vui lòng sửa các mục được đánh dấu bên dưới.');
    expect(reply.text).to.match(/id="child-code" name="code" type="text" value="mã sai"[^>]*aria-invalid="true"/);
    expect(reply.text).to.contain('<p class="field-error" id="child-code-error">Mã chỉ gồm chữ cái không dấu, chữ số và các dấu . _ -, bắt đầu bằng chữ cái hoặc chữ số</p>');
    expect(reply.text).to.contain('<p class="field-error" id="child-name-error">Bắt buộc nhập</p>');
    expect(await unitModel(db()).countDocuments()).to.equal(before);
  });

  it('a refusal from the command (a taken code) shows as an alert on the page', async () => {
    const reply = await post(coordinator, `/units/${deptA._id.toHexString()}/children`, { code: divA1.code, name: 'Trùng mã', kind: 'division' });
    expect(reply.status).to.equal(409);
    expect(reply.text).to.contain(`<div class="alert alert-error" role="alert">Mã đơn vị ${divA1.code} đã được sử dụng</div>`);
  });

  it('a coordinator renames a unit below their own; the audit entry records old and new name', async () => {
    const target = await buildUnit({ parentId: deptA._id, name: 'Phòng Cũ' });
    const reply = await post(coordinator, `/units/${target._id.toHexString()}/rename`, { name: 'Phòng Mới' });
    expect(reply.status).to.equal(303);
    expect((await coordinator.get(reply.location!)).text).to.contain('<h1>Phòng Mới</h1>');
    const entry = await lastAudit('unit.rename');
    expect(entry.subjectId).to.equal(target._id.toHexString());
    expect(entry.unitId?.equals(target._id)).to.equal(true);
    expect(entry.details).to.deep.equal({ from: 'Phòng Cũ', to: 'Phòng Mới' });
  });

  it('a coordinator moves a unit; a move into its own subtree or out of scope is refused', async () => {
    const moving = await buildUnit({ parentId: deptA._id, name: 'Tổ di chuyển' });
    const below = await buildUnit({ parentId: moving._id, name: 'Nhóm con' });
    const page = await coordinator.get(`/units/${moving._id.toHexString()}`);
    expect(page.text).to.contain(`<option value="${divA1._id.toHexString()}">— Phòng Công chức</option>`);
    expect(page.text, 'its own subtree is not offered').to.not.contain(`<option value="${below._id.toHexString()}"`);
    const moved = await post(coordinator, `/units/${moving._id.toHexString()}/move`, { parentId: divA1._id.toHexString() });
    expect(moved.status).to.equal(303);
    expect((await unit(below._id)).ancestors.map(String)).to.deep.equal([province._id, deptA._id, divA1._id, moving._id].map(String));
    expect((await lastAudit('unit.move')).details).to.deep.equal({ fromParentId: deptA._id.toHexString(), toParentId: divA1._id.toHexString() });

    const cycle = await post(coordinator, `/units/${moving._id.toHexString()}/move`, { parentId: below._id.toHexString() });
    expect(cycle.status).to.equal(409);
    expect(cycle.text).to.contain('Không thể chuyển đơn vị vào chính nó hoặc vào đơn vị cấp dưới của nó');
    const outside = await post(coordinator, `/units/${moving._id.toHexString()}/move`, { parentId: deptB._id.toHexString() });
    expect(outside.status).to.equal(403);
    const missing = await post(coordinator, `/units/${moving._id.toHexString()}/move`, { parentId: '' });
    expect(missing.status).to.equal(422);
    expect(missing.text).to.contain('<p class="field-error" id="move-parent-error">Bắt buộc nhập</p>');
    expect((await unit(moving._id)).parentId?.equals(divA1._id)).to.equal(true);
  });

  it('a coordinator merges a unit into another: officers and sub-units move, the source closes', async () => {
    const source = await buildUnit({ parentId: deptA._id, name: 'Phòng Sáp nhập' });
    const target = await buildUnit({ parentId: deptA._id, name: 'Phòng Nhận' });
    const sub = await buildUnit({ parentId: source._id, name: 'Tổ thuộc phòng sáp nhập' });
    const officer = await buildOfficer({ unitId: source._id, effectiveDate: '2024-01-01' });
    const reply = await post(coordinator, `/units/${source._id.toHexString()}/merge`, { targetId: target._id.toHexString(), effectiveDate: '2025-07-01' });
    expect(reply.status, reply.text.slice(0, 300)).to.equal(303);
    expect(reply.location).to.equal(`/units/${target._id.toHexString()}?done=merged`);
    const page = await coordinator.get(reply.location!);
    expect(page.text).to.contain('Đã sáp nhập.');
    expect(page.text).to.contain('Tổ thuộc phòng sáp nhập');
    const closed = await unit(source._id);
    expect({ active: closed.active, mergedInto: String(closed.mergedInto) }).to.deep.equal({ active: false, mergedInto: String(target._id) });
    expect((await unit(sub._id)).parentId?.equals(target._id)).to.equal(true);
    expect((await officerModel(db()).findById(officer._id).lean<Officer>())!.unitId.equals(target._id)).to.equal(true);
    expect((await lastAudit('unit.merge')).details).to.include({ targetId: target._id.toHexString(), officersMoved: 1, subUnitsMoved: 1 });
    const sourcePage = await coordinator.get(`/units/${source._id.toHexString()}`);
    expect(sourcePage.text).to.contain('Đã ngừng hoạt động');
    expect(sourcePage.text).to.contain(`<a href="/units/${target._id.toHexString()}">Phòng Nhận</a>`);
  });

  it('deactivation works on an empty unit and is refused, on the page, while officers serve', async () => {
    const empty = await buildUnit({ parentId: deptA._id, name: 'Phòng Trống' });
    const staffed = await buildUnit({ parentId: deptA._id, name: 'Phòng Có Người' });
    await buildOfficer({ unitId: staffed._id });
    expect((await post(coordinator, `/units/${empty._id.toHexString()}/deactivate`, {})).status).to.equal(303);
    expect((await unit(empty._id)).active).to.equal(false);
    const refused = await post(coordinator, `/units/${staffed._id.toHexString()}/deactivate`, {});
    expect(refused.status).to.equal(409);
    expect(refused.text).to.contain('Đơn vị còn 1 cán bộ đang công tác');
    expect((await unit(staffed._id)).active).to.equal(true);
    expect((await lastAudit('unit.deactivate')).subjectId).to.equal(empty._id.toHexString());
  });

  it("a coordinator of A gets 403 on B's page and forms, and on their own root's management", async () => {
    expect((await coordinator.get(`/units/${deptB._id.toHexString()}`)).status).to.equal(403);
    expect((await post(coordinator, `/units/${deptB._id.toHexString()}/rename`, { name: 'Đổi trộm' })).status).to.equal(403);
    expect((await post(coordinator, `/units/${deptB._id.toHexString()}/rename`, { name: '' })).status, 'even with invalid input').to.equal(403);
    expect((await post(coordinator, `/units/${deptB._id.toHexString()}/children`, { code: 'LEN', name: 'Lén', kind: 'division' })).status).to.equal(403);
    expect((await post(coordinator, `/units/${deptA._id.toHexString()}/rename`, { name: 'Tự đổi' })).status).to.equal(403);
    expect((await unit(deptB._id)).name).to.equal('Sở Tài chính Thử');
    expect((await unit(deptA._id)).name).to.equal('Sở Nội vụ Thử');
  });

  it('a manager views the unit pages without any form and cannot change anything', async () => {
    const tree = await manager.get('/units');
    expect(tree.status).to.equal(200);
    const page = await manager.get(`/units/${divA1._id.toHexString()}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.not.contain('Quản lý đơn vị');
    expect(page.text).to.not.contain('<form method="post" action="/units/');
    expect((await post(manager, `/units/${divA1._id.toHexString()}/rename`, { name: 'Thủ trưởng đổi' })).status).to.equal(403);
    expect((await post(manager, `/units/${divA1._id.toHexString()}/children`, { code: 'TT1', name: 'Thủ trưởng thêm', kind: 'division' })).status).to.equal(403);
    expect((await unit(divA1._id)).name).to.equal('Phòng Công chức');
  });

  it('an officer gets 403 on the unit tree', async () => {
    const self = await buildOfficer({ unitId: divA1._id });
    const officer = await signedIn('officer', 'can.bo.a1', divA1._id, self);
    expect((await officer.get('/units')).status).to.equal(403);
    expect((await officer.get(`/units/${deptB._id.toHexString()}`)).status).to.equal(403);
  });

  it('a missing or malformed id is a 404; a form without the CSRF token is refused', async () => {
    expect((await coordinator.get(`/units/${MISSING}`)).status).to.equal(404);
    expect((await coordinator.get('/units/not-an-id')).status).to.equal(404);
    expect((await post(coordinator, `/units/${MISSING}/rename`, { name: 'X' })).status).to.equal(404);
    const forged = await coordinator.request('POST', `/units/${divA1._id.toHexString()}/children`, { form: { code: 'CSRF', name: 'Giả mạo', kind: 'division' } });
    expect(forged.status).to.equal(403);
    expect(await unitModel(db()).exists({ code: 'CSRF' })).to.equal(null);
  });
});
