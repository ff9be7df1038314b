/**
 * The officer pages over HTTP: the filtered, paginated list of the caller's scope, the
 * officer page with membership history, and the create / edit / transfer forms (with
 * CSRF), including who gets 403 / 404.
 */
import { expect } from 'chai';
import { trusted, type Types } from 'mongoose';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { buildOfficer, buildUnit } from '../factories';
import { auditModel, type AuditEvent } from '../../server/audit/model';
import { officerModel, type Officer } from '../../server/officers/model';
import type { Unit } from '../../server/units/model';
import { createAccount } from '../../server/users/service';
import type { Role } from '../../server/users/model';

const PASSWORD = 'mật khẩu cán bộ thử';
const MISSING = '0123456789abcdef01234567';

describe('officers: pages and forms', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let deptA: Unit;
  let divA1: Unit;
  let divA2: Unit;
  let deptB: Unit;
  let coordinator: Client;
  let manager: Client;

  const db = () => tp.platform.services.db;
  const officer = async (id: Types.ObjectId) => (await officerModel(db()).findById(id).lean<Officer>())!;
  const lastAudit = async (action: string) => (await auditModel(db()).findOne({ action }).sort({ at: -1 }).lean<AuditEvent>())!;
  const rows = (html: string) => [...html.matchAll(/<th scope="row"><a href="\/officers\/[0-9a-f]{24}">([^<]+)<\/a><\/th>/g)].map((m) => m[1]);

  async function signedIn(role: Role, login: string, unitId: Types.ObjectId | null, self?: Officer): Promise<Client> {
    const extra = { ...(unitId ? { unitId } : {}), ...(self ? { officerId: self._id, officerCode: self.code } : {}) };
    await createAccount(db(), { username: login, displayName: `Tài khoản ${login}`, role, password: PASSWORD, ...extra }, 4);
    const client = tp.client();
    await client.signIn(login, PASSWORD);
    return client;
  }

  before(async () => {
    tp = await startTestPlatform('officers-routes');
    const province = await buildUnit({ name: 'UBND tỉnh Thử' });
    deptA = await buildUnit({ parentId: province._id, name: 'Sở A', kind: 'department' });
    divA1 = await buildUnit({ parentId: deptA._id, name: 'Phòng A1' });
    divA2 = await buildUnit({ parentId: deptA._id, name: 'Phòng A2' });
    deptB = await buildUnit({ parentId: province._id, name: 'Sở B', kind: 'department' });
    await buildOfficer({ unitId: divA1._id, fullName: 'Nguyễn Thị Ánh', category: 'vien-chuc' });
    await buildOfficer({ unitId: divA2._id, fullName: 'Trần Văn Bình', status: 'on-leave' });
    await buildOfficer({ unitId: deptB._id, fullName: 'Lê Văn Ngoài' });
    coordinator = await signedIn('coordinator', 'dieu.phoi.a', deptA._id);
    manager = await signedIn('manager', 'thu.truong.a', deptA._id);
  });
  after(async () => tp?.close());

  it('GET /officers lists the officers of the scope only, in a table with headers, in Vietnamese', async () => {
    const reply = await coordinator.get('/officers');
    expect(reply.status).to.equal(200);
    expect(reply.text).to.contain('<h1>Cán bộ</h1>');
    expect(reply.text).to.contain('<th scope="col">Họ và tên</th>');
    expect(rows(reply.text)).to.deep.equal(['Nguyễn Thị Ánh', 'Trần Văn Bình']);
    expect(reply.text).to.contain('Tìm thấy 2 cán bộ');
    expect(reply.text).to.not.contain('Lê Văn Ngoài');
    expect(reply.text, 'units outside the scope are not offered').to.not.contain(`value="${deptB._id.toHexString()}"`);
  });

  it('filters by search text (without diacritics), unit subtree, category and status', async () => {
    expect(rows((await coordinator.get('/officers?q=nguyen')).text)).to.deep.equal(['Nguyễn Thị Ánh']);
    expect(rows((await coordinator.get(`/officers?unitId=${divA2._id.toHexString()}`)).text)).to.deep.equal(['Trần Văn Bình']);
    expect(rows((await coordinator.get(`/officers?unitId=${deptA._id.toHexString()}`)).text)).to.have.length(2);
    expect(rows((await coordinator.get('/officers?category=vien-chuc')).text)).to.deep.equal(['Nguyễn Thị Ánh']);
    const onLeave = await coordinator.get('/officers?status=on-leave');
    expect(rows(onLeave.text)).to.deep.equal(['Trần Văn Bình']);
    expect(onLeave.text).to.contain('<option value="on-leave" selected>Tạm nghỉ</option>');
    expect((await coordinator.get(`/officers?unitId=${deptB._id.toHexString()}`)).status, 'a unit outside the scope').to.equal(403);
    expect((await coordinator.get(`/officers?unitId=${MISSING}`)).status).to.equal(404);
  });

  it('paginates 25 a page with labelled page links and aria-current', async () => {
    const big = await buildUnit({ parentId: deptA._id, name: 'Phòng Đông Người' });
    for (let i = 0; i < 27; i++) await buildOfficer({ unitId: big._id, fullName: `Phạm Văn Số ${String(i).padStart(2, '0')}` });
    const first = await coordinator.get(`/officers?unitId=${big._id.toHexString()}`);
    expect(rows(first.text)).to.have.length(25);
    expect(first.text).to.contain('<nav class="pagination" aria-label="Phân trang">');
    expect(first.text).to.match(/aria-current="page" aria-label="Trang 1">1<\/a>/);
    const next = `/officers?unitId=${big._id.toHexString()}&amp;page=2`;
    expect(first.text).to.contain(`<a href="${next}" rel="next">Trang sau</a>`);
    const second = await coordinator.get(next.replace('&amp;', '&'));
    expect(rows(second.text)).to.deep.equal(['Phạm Văn Số 25', 'Phạm Văn Số 26']);
    expect(second.text).to.match(/aria-current="page" aria-label="Trang 2">2<\/a>/);
  });

  it('the officer page shows the details and the membership history with dd/mm/yyyy dates', async () => {
    const moved = await buildOfficer({ unitId: divA1._id, fullName: 'Đỗ Thị Lịch Sử', position: 'Chuyên viên', effectiveDate: '2024-03-01' });
    const transfer = await coordinator.submit(`/officers/${moved._id.toHexString()}/transfer`, { unitId: divA2._id.toHexString(), effectiveDate: '2025-07-01' }, '/');
    expect(transfer.status, transfer.text.slice(0, 300)).to.equal(303);
    const page = await coordinator.get(transfer.location!);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Đã điều chuyển cán bộ sang đơn vị mới.');
    expect(page.text).to.contain('<h1>Đỗ Thị Lịch Sử</h1>');
    expect(page.text).to.contain('<dd>Chuyên viên</dd>');
    expect(page.text).to.match(/Phòng A2<\/a><\/th>\s*<td>01\/07\/2025<\/td>\s*<td>Hiện nay<\/td>/);
    expect(page.text).to.match(/Phòng A1<\/a><\/th>\s*<td>01\/03\/2024<\/td>\s*<td>01\/07\/2025<\/td>/);
    const entry = await lastAudit('officer.transfer');
    expect(entry.details).to.include({ fromUnitId: divA1._id.toHexString(), toUnitId: divA2._id.toHexString() });
  });

  it('a coordinator creates an officer through the form; invalid input comes back with field errors', async () => {
    const form = await coordinator.get(`/officers/new?unitId=${divA1._id.toHexString()}`);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain(`<option value="${divA1._id.toHexString()}" selected>`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
    const fields = { _csrf: csrf, code: 'cb-moi-01', fullName: 'Hoàng Thị Mới', unitId: divA1._id.toHexString(), category: 'cong-chuc', position: 'Chuyên viên', rank: '', email: '', phone: '', effectiveDate: '2025-08-01', isLeader: 'on' };
    const created = await coordinator.request('POST', '/officers', { form: fields });
    expect(created.status, created.text.slice(0, 300)).to.equal(303);
    const stored = (await officerModel(db()).findOne({ code: 'CB-MOI-01' }).lean<Officer>())!;
    expect(stored).to.include({ fullName: 'Hoàng Thị Mới', isLeader: true, position: 'Chuyên viên' });
    expect(created.location).to.equal(`/officers/${stored._id.toHexString()}?done=created`);
    expect((await coordinator.get(created.location!)).text).to.contain('Đã thêm cán bộ.');
    expect((await lastAudit('officer.create')).subjectId).to.equal(stored._id.toHexString());

    const before = await officerModel(db()).countDocuments();
    const bad = await coordinator.request('POST', '/officers', { form: { ...fields, code: 'CB MOI', fullName: '', unitId: '', category: '', email: 'khong-phai-email' } });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('<p class="field-error" id="fullName-error">Bắt buộc nhập</p>');
    expect(bad.text).to.contain('<p class="field-error" id="unitId-error">Bắt buộc nhập</p>');
    expect(bad.text).to.contain('<p class="field-error" id="category-error">Bắt buộc nhập</p>');
    expect(bad.text).to.contain('<p class="field-error" id="code-error">Mã chỉ gồm chữ cái không dấu, chữ số và các dấu . _ -, bắt đầu bằng chữ cái hoặc chữ số</p>');
    expect(bad.text).to.contain('<p class="field-error" id="email-error">Địa chỉ email không hợp lệ</p>');
    expect(bad.text).to.contain('value="khong-phai-email"');
    const taken = await coordinator.request('POST', '/officers', { form: fields });
    expect(taken.status).to.equal(409);
    expect(taken.text).to.contain('Mã cán bộ CB-MOI-01 đã được sử dụng');
    const outside = await coordinator.request('POST', '/officers', { form: { ...fields, code: 'CB-NGOAI', unitId: deptB._id.toHexString() } });
    expect(outside.status).to.equal(403);
    expect(await officerModel(db()).countDocuments()).to.equal(before);
  });

  it('a coordinator edits an officer; the audit entry names the changed fields', async () => {
    const target = await buildOfficer({ unitId: divA1._id, fullName: 'Vũ Văn Sửa', effectiveDate: '2024-01-01' });
    const edit = await coordinator.get(`/officers/${target._id.toHexString()}/edit`);
    expect(edit.status).to.equal(200);
    expect(edit.text).to.contain('value="Vũ Văn Sửa"');
    const reply = await coordinator.submit(`/officers/${target._id.toHexString()}`, { code: target.code, fullName: 'Vũ Văn Sửa', category: 'vien-chuc', status: 'retired', position: 'Trưởng phòng', rank: '', email: '', phone: '', effectiveDate: '2025-12-31' }, '/');
    expect(reply.status, reply.text.slice(0, 300)).to.equal(303);
    const stored = await officer(target._id);
    expect(stored).to.include({ category: 'vien-chuc', status: 'retired', position: 'Trưởng phòng' });
    expect(stored.memberships[0]!.to?.toISOString().slice(0, 10)).to.equal('2025-12-31');
    expect((await lastAudit('officer.update')).details).to.deep.equal({ fields: ['position', 'category', 'status', 'memberships'] });
    const invalid = await coordinator.submit(`/officers/${target._id.toHexString()}`, { code: target.code, fullName: '', category: 'vien-chuc', status: 'retired' }, '/');
    expect(invalid.status).to.equal(422);
    expect(invalid.text).to.contain('<p class="field-error" id="fullName-error">Bắt buộc nhập</p>');
  });

  it("transfers are refused out of scope; B's officers are out of reach of A's coordinator", async () => {
    const target = await buildOfficer({ unitId: divA1._id, effectiveDate: '2024-01-01' });
    const outsider = await buildOfficer({ unitId: deptB._id });
    const out = await coordinator.submit(`/officers/${target._id.toHexString()}/transfer`, { unitId: deptB._id.toHexString(), effectiveDate: '2025-07-01' }, '/');
    expect(out.status).to.equal(403);
    expect((await officer(target._id)).unitId.equals(divA1._id)).to.equal(true);
    const invalid = await coordinator.submit(`/officers/${target._id.toHexString()}/transfer`, { unitId: '', effectiveDate: '' }, '/');
    expect(invalid.status).to.equal(422);
    expect(invalid.text).to.contain('<p class="field-error" id="transfer-date-error">Bắt buộc nhập</p>');
    expect((await coordinator.get(`/officers/${outsider._id.toHexString()}`)).status).to.equal(403);
    expect((await coordinator.get(`/officers/${outsider._id.toHexString()}/edit`)).status).to.equal(403);
    expect((await coordinator.submit(`/officers/${outsider._id.toHexString()}`, { fullName: 'Đổi trộm', status: 'active' }, '/')).status).to.equal(403);
    expect((await officer(outsider._id)).fullName).to.not.equal('Đổi trộm');
  });

  it('a manager views the list and officers but cannot create, edit or transfer', async () => {
    expect((await manager.get('/officers')).status).to.equal(200);
    const one = (await officerModel(db()).findOne({ unitId: divA1._id }).lean<Officer>())!;
    const page = await manager.get(`/officers/${one._id.toHexString()}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.not.contain('Sửa thông tin');
    expect(page.text).to.not.contain('Điều chuyển sang đơn vị khác');
    expect((await manager.get('/officers/new')).status).to.equal(403);
    expect((await manager.get(`/officers/${one._id.toHexString()}/edit`)).status).to.equal(403);
    expect((await manager.submit(`/officers/${one._id.toHexString()}/transfer`, { unitId: divA2._id.toHexString(), effectiveDate: '2025-07-01' }, '/')).status).to.equal(403);
  });

  it('an officer gets 403 on the list and on others, and sees their own record', async () => {
    const self = await buildOfficer({ unitId: divA1._id, fullName: 'Chính Mình' });
    const client = await signedIn('officer', 'can.bo.a1', divA1._id, self);
    expect((await client.get('/officers')).status).to.equal(403);
    expect((await client.get(`/officers/${self._id.toHexString()}`)).status).to.equal(200);
    const colleague = (await officerModel(db()).findOne({ unitId: divA1._id, _id: trusted({ $ne: self._id }) }).lean<Officer>())!;
    expect((await client.get(`/officers/${colleague._id.toHexString()}`)).status).to.equal(403);
  });

  it('a missing officer is a 404', async () => {
    expect((await coordinator.get(`/officers/${MISSING}`)).status).to.equal(404);
    expect((await coordinator.get(`/officers/${MISSING}/edit`)).status).to.equal(404);
  });
});
