/**
 * The unit and officer JSON API over HTTP: bearer tokens and cookie + X-CSRF-Token,
 * scope, pagination and filters, 201 / 422 with details, operator and prototype
 * injection rejected without a write, and the audit log.
 */
import { expect } from 'chai';
import type { Types } from 'mongoose';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { buildOfficer, buildUnit } from '../factories';
import { auditModel, type AuditEvent } from '../../server/audit/model';
import { officerModel, type Officer } from '../../server/officers/model';
import { unitModel, type Unit } from '../../server/units/model';
import { createAccount } from '../../server/users/service';
import { userModel, type Role } from '../../server/users/model';

const PASSWORD = 'mật khẩu api thử';
const MISSING = '0123456789abcdef01234567';

describe('api: /api/v1/units and /api/v1/officers', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let province: Unit;
  let deptA: Unit;
  let divA1: Unit;
  let divA2: Unit;
  let deptB: Unit;
  let coordinator: Client;
  let manager: Client;
  let admin: Client;

  const db = () => tp.platform.services.db;
  const lastAudit = async (action: string) => (await auditModel(db()).findOne({ action }).sort({ at: -1 }).lean<AuditEvent>())!;
  const counts = async () => ({ units: await unitModel(db()).countDocuments(), officers: await officerModel(db()).countDocuments(), audit: await auditModel(db()).countDocuments(), admins: await userModel(db()).countDocuments({ role: 'admin' }) });

  /** A client holding a bearer token from POST /api/v1/auth/login. */
  async function apiClient(role: Role, login: string, unitId: Types.ObjectId | null, self?: Officer): Promise<Client> {
    const extra = { ...(unitId ? { unitId } : {}), ...(self ? { officerId: self._id, officerCode: self.code } : {}) };
    await createAccount(db(), { username: login, displayName: `API ${login}`, role, password: PASSWORD, ...extra }, 4);
    const client = tp.client();
    const reply = await client.request('POST', '/api/v1/auth/login', { json: { login, password: PASSWORD } });
    expect(reply.status, reply.text).to.equal(200);
    client.bearer = reply.json<{ token: string }>().token;
    return client;
  }

  before(async () => {
    tp = await startTestPlatform('api-directory');
    province = await buildUnit({ name: 'UBND tỉnh Thử' });
    deptA = await buildUnit({ parentId: province._id, name: 'Sở A', kind: 'department' });
    divA1 = await buildUnit({ parentId: deptA._id, name: 'Phòng A1' });
    divA2 = await buildUnit({ parentId: deptA._id, name: 'Phòng A2' });
    deptB = await buildUnit({ parentId: province._id, name: 'Sở B', kind: 'department' });
    coordinator = await apiClient('coordinator', 'api.dieu.phoi', deptA._id);
    manager = await apiClient('manager', 'api.thu.truong', deptA._id);
    admin = await apiClient('admin', 'api.quan.tri', null);
  });
  after(async () => tp?.close());

  describe('units', () => {
    it('GET /api/v1/units is the scope as a flat list, parents first, presented', async () => {
      const reply = await coordinator.get('/api/v1/units');
      expect(reply.status).to.equal(200);
      const { items } = reply.json<{ items: Array<Record<string, unknown>> }>();
      expect(items.map((u) => u['name'])).to.deep.equal(['Sở A', 'Phòng A1', 'Phòng A2']);
      expect(Object.keys(items[0]!).sort()).to.deep.equal(['active', 'ancestorIds', 'code', 'createdAt', 'depth', 'id', 'kind', 'mergedInto', 'name', 'parentId', 'updatedAt']);
      expect(items[1]).to.include({ parentId: deptA._id.toHexString(), depth: 2 });
      const all = (await admin.get('/api/v1/units')).json<{ items: Array<{ name: string }> }>().items.map((u) => u.name);
      expect(all).to.include.members(['UBND tỉnh Thử', 'Sở A', 'Sở B']);
      expect((await coordinator.get('/api/v1/units?foo=1')).json().error.id).to.equal('validation_failed');
    });

    it('GET /api/v1/units/:id: 200 in scope, 403 outside, 404 when missing', async () => {
      const reply = await coordinator.get(`/api/v1/units/${divA1._id.toHexString()}`);
      expect(reply.status).to.equal(200);
      expect(reply.json().unit).to.include({ id: divA1._id.toHexString(), name: 'Phòng A1', kind: 'division' });
      const outside = await coordinator.get(`/api/v1/units/${deptB._id.toHexString()}`);
      expect(outside.status).to.equal(403);
      expect(outside.json().error.id).to.equal('forbidden');
      const missing = await coordinator.get(`/api/v1/units/${MISSING}`);
      expect({ status: missing.status, id: missing.json().error.id }).to.deep.equal({ status: 404, id: 'unit_not_found' });
    });

    it('POST /api/v1/units creates under parentId (201, audited); invalid input is 422 with details', async () => {
      const reply = await coordinator.request('POST', '/api/v1/units', { json: { code: 'a.p3', name: 'Phòng A3', kind: 'division', parentId: deptA._id.toHexString() } });
      expect(reply.status, reply.text).to.equal(201);
      const unit = reply.json().unit;
      expect(unit).to.include({ code: 'A.P3', name: 'Phòng A3', parentId: deptA._id.toHexString() });
      expect((await lastAudit('unit.create')).subjectId).to.equal(unit.id);

      const invalid = await coordinator.request('POST', '/api/v1/units', { json: { code: 'mã sai', name: '', kind: 'ministry', parentId: deptA._id.toHexString(), extra: 1 } });
      expect(invalid.status).to.equal(422);
      const error = invalid.json().error;
      expect(error.id).to.equal('validation_failed');
      expect(error.details.map((d: { field: string; id: string }) => `${d.field}:${d.id}`)).to.have.members(['code:code_invalid', 'name:field_required', 'kind:field_invalid_choice', 'extra:field_unknown']);
      expect(error.details[0].message).to.be.a('string').and.not.equal('');
    });

    it('POST /api/v1/units outside the scope or as a root is 403; a manager cannot create', async () => {
      const before = await counts();
      expect((await coordinator.request('POST', '/api/v1/units', { json: { code: 'B.X', name: 'Lén', kind: 'division', parentId: deptB._id.toHexString() } })).status).to.equal(403);
      expect((await coordinator.request('POST', '/api/v1/units', { json: { code: 'ROOT2', name: 'Tỉnh khác', kind: 'province' } })).status).to.equal(403);
      expect((await manager.request('POST', '/api/v1/units', { json: { code: 'M.X', name: 'Thủ trưởng', kind: 'division', parentId: deptA._id.toHexString() } })).status).to.equal(403);
      expect(await counts()).to.deep.equal(before);
      expect((await admin.request('POST', '/api/v1/units', { json: { code: 'ROOT2', name: 'Tỉnh khác', kind: 'province' } })).status).to.equal(201);
    });

    it('PATCH /api/v1/units/:id renames and moves; an empty patch is 422', async () => {
      const unit = await buildUnit({ parentId: divA1._id, name: 'Tổ cũ' });
      const reply = await coordinator.request('PATCH', `/api/v1/units/${unit._id.toHexString()}`, { json: { name: 'Tổ mới', parentId: divA2._id.toHexString() } });
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.json().unit).to.include({ name: 'Tổ mới', parentId: divA2._id.toHexString() });
      expect((await lastAudit('unit.rename')).details).to.deep.equal({ from: 'Tổ cũ', to: 'Tổ mới' });
      expect((await lastAudit('unit.move')).details).to.deep.equal({ fromParentId: divA1._id.toHexString(), toParentId: divA2._id.toHexString() });
      const empty = await coordinator.request('PATCH', `/api/v1/units/${unit._id.toHexString()}`, { json: {} });
      expect({ status: empty.status, detail: empty.json().error.details[0].id }).to.deep.equal({ status: 422, detail: 'patch_empty' });
      const outside = await coordinator.request('PATCH', `/api/v1/units/${unit._id.toHexString()}`, { json: { parentId: deptB._id.toHexString() } });
      expect(outside.status).to.equal(403);
      const cycle = await coordinator.request('PATCH', `/api/v1/units/${divA2._id.toHexString()}`, { json: { parentId: unit._id.toHexString() } });
      expect({ status: cycle.status, id: cycle.json().error.id }).to.deep.equal({ status: 409, id: 'unit_move_cycle' });
    });
  });

  describe('officers', () => {
    before(async () => {
      for (let i = 0; i < 12; i++) await buildOfficer({ unitId: i % 2 ? divA1._id : divA2._id, fullName: `Nguyễn Văn Thứ ${String(i).padStart(2, '0')}`, category: i < 3 ? 'vien-chuc' : 'cong-chuc' });
      await buildOfficer({ unitId: divA1._id, fullName: 'Trần Thị Nghỉ', status: 'retired' });
      await buildOfficer({ unitId: deptB._id, fullName: 'Lê Văn Ngoài' });
    });

    it('GET /api/v1/officers pages through the scope: {items, total, page, pageSize}', async () => {
      const first = (await coordinator.get('/api/v1/officers?pageSize=5')).json();
      expect({ total: first.total, page: first.page, pageSize: first.pageSize, n: first.items.length }).to.deep.equal({ total: 13, page: 1, pageSize: 5, n: 5 });
      expect(first.items[0]).to.not.have.any.keys('sortName', 'searchText', '_id');
      const last = (await coordinator.get('/api/v1/officers?pageSize=5&page=3')).json();
      expect(last.items.map((o: { fullName: string }) => o.fullName)).to.deep.equal(['Nguyễn Văn Thứ 10', 'Nguyễn Văn Thứ 11', 'Trần Thị Nghỉ']);
    });

    it('filters by q, unitId (subtree), category and status; a foreign unit is 403; bad query 422', async () => {
      const list = async (query: string) => (await coordinator.get(`/api/v1/officers?${query}`)).json();
      expect((await list('q=thu 0')).total).to.equal(10);
      expect((await list(`unitId=${divA2._id.toHexString()}`)).total).to.equal(6);
      expect((await list(`unitId=${deptA._id.toHexString()}`)).total).to.equal(13);
      expect((await list('category=vien-chuc')).total).to.equal(3);
      expect((await list('status=retired')).items.map((o: { fullName: string }) => o.fullName)).to.deep.equal(['Trần Thị Nghỉ']);
      expect((await coordinator.get(`/api/v1/officers?unitId=${deptB._id.toHexString()}`)).status).to.equal(403);
      const bad = await coordinator.get('/api/v1/officers?pageSize=1000&colour=red');
      expect(bad.status).to.equal(422);
      expect(bad.json().error.details.map((d: { field: string }) => d.field)).to.have.members(['pageSize', 'colour']);
    });

    it('POST /api/v1/officers creates (201, audited); invalid is 422 with details', async () => {
      const reply = await coordinator.request('POST', '/api/v1/officers', { json: { code: 'api-01', fullName: 'Đặng Thị Api', unitId: divA1._id.toHexString(), category: 'vien-chuc', isLeader: true, effectiveDate: '2025-07-01' } });
      expect(reply.status, reply.text).to.equal(201);
      const created = reply.json().officer;
      expect(created).to.include({ code: 'API-01', fullName: 'Đặng Thị Api', isLeader: true, status: 'active', unitId: divA1._id.toHexString() });
      expect(created.memberships).to.deep.equal([{ unitId: divA1._id.toHexString(), from: '2025-07-01T00:00:00.000Z', to: null }]);
      expect((await lastAudit('officer.create')).subjectId).to.equal(created.id);
      const invalid = await coordinator.request('POST', '/api/v1/officers', { json: { code: '', fullName: 'X', unitId: 'nope', category: 'x', isLeader: 'yes' } });
      expect(invalid.status).to.equal(422);
      expect([...new Set(invalid.json().error.details.map((d: { field: string }) => d.field))]).to.have.members(['code', 'unitId', 'category', 'isLeader']);
      expect((await coordinator.request('POST', '/api/v1/officers', { json: { code: 'api-02', fullName: 'Ngoài', unitId: deptB._id.toHexString(), category: 'vien-chuc' } })).status).to.equal(403);
      expect((await manager.request('POST', '/api/v1/officers', { json: { code: 'api-03', fullName: 'Thủ trưởng', unitId: divA1._id.toHexString(), category: 'vien-chuc' } })).status).to.equal(403);
    });

    it('GET, PATCH and transfer one officer, within scope only', async () => {
      const officer = await buildOfficer({ unitId: divA1._id, effectiveDate: '2024-01-01' });
      const id = officer._id.toHexString();
      expect((await manager.get(`/api/v1/officers/${id}`)).json().officer).to.include({ id, code: officer.code });
      expect((await manager.request('PATCH', `/api/v1/officers/${id}`, { json: { position: 'Không được' } })).status).to.equal(403);
      const patched = await coordinator.request('PATCH', `/api/v1/officers/${id}`, { json: { position: 'Phó Trưởng phòng', isLeader: true } });
      expect(patched.status, patched.text).to.equal(200);
      expect(patched.json().officer).to.include({ position: 'Phó Trưởng phòng', isLeader: true });
      expect((await lastAudit('officer.update')).details).to.deep.equal({ fields: ['position', 'isLeader'] });
      const moved = await coordinator.request('POST', `/api/v1/officers/${id}/transfer`, { json: { unitId: divA2._id.toHexString(), effectiveDate: '2025-07-01' } });
      expect(moved.status, moved.text).to.equal(200);
      expect(moved.json().officer.unitId).to.equal(divA2._id.toHexString());
      expect((await coordinator.request('POST', `/api/v1/officers/${id}/transfer`, { json: { unitId: deptB._id.toHexString(), effectiveDate: '2025-08-01' } })).status).to.equal(403);
      const outsider = (await officerModel(db()).findOne({ unitId: deptB._id }).lean<Officer>())!;
      expect((await coordinator.get(`/api/v1/officers/${outsider._id.toHexString()}`)).status).to.equal(403);
      expect((await coordinator.get(`/api/v1/officers/${MISSING}`)).json().error.id).to.equal('officer_not_found');
      expect((await coordinator.request('PATCH', `/api/v1/officers/${id}`, { json: {} })).status).to.equal(422);
    });
  });

  describe('hostile bodies and other credentials', () => {
    it('operator objects ({"$gt": ""}) are 422 and write nothing', async () => {
      const before = await counts();
      const unit = await coordinator.request('POST', '/api/v1/units', { json: { code: { $gt: '' }, name: 'Tiêm', kind: 'division', parentId: deptA._id.toHexString() } });
      expect({ status: unit.status, id: unit.json().error.id, field: unit.json().error.details[0].field }).to.deep.equal({ status: 422, id: 'validation_failed', field: 'code' });
      const officer = await coordinator.request('POST', '/api/v1/officers', { json: { code: { $gt: '' }, fullName: 'Tiêm', unitId: { $ne: null }, category: 'vien-chuc' } });
      expect(officer.status).to.equal(422);
      const patch = await coordinator.request('PATCH', `/api/v1/units/${divA1._id.toHexString()}`, { json: { name: { $set: { name: 'x' } } } });
      expect(patch.status).to.equal(422);
      expect(await counts()).to.deep.equal(before);
    });

    it('a "__proto__" key is 422 and writes nothing (and grants nothing)', async () => {
      const before = await counts();
      const raw = (path: string, method: string, body: string) => coordinator.request(method, path, { body, headers: { 'content-type': 'application/json' } });
      const unit = await raw('/api/v1/units', 'POST', `{"code":"PROTO","name":"Proto","kind":"division","parentId":"${deptA._id.toHexString()}","__proto__":{"role":"admin"}}`);
      expect(unit.status).to.equal(422);
      expect(unit.json().error.details).to.deep.include({ field: '__proto__', id: 'field_unknown', message: 'Trường này không được hỗ trợ' });
      expect((await raw('/api/v1/officers', 'POST', '{"__proto__":{"role":"admin"}}')).status).to.equal(422);
      expect((await raw(`/api/v1/officers/${MISSING}`, 'PATCH', '{"__proto__":{"role":"admin"}}')).status).to.be.within(400, 499);
      expect((await raw(`/api/v1/units/${deptA._id.toHexString()}`, 'PATCH', '{"name":"Sở A","__proto__":{"isAdmin":true}}')).status).to.equal(422);
      expect(await counts()).to.deep.equal(before);
      expect(await unitModel(db()).exists({ code: 'PROTO' })).to.equal(null);
      expect(({} as Record<string, unknown>)['role']).to.equal(undefined);
    });

    it('a cookie session needs the X-CSRF-Token header to write', async () => {
      await createAccount(db(), { username: 'cookie.dieu.phoi', displayName: 'Cookie', role: 'coordinator', unitId: deptA._id, password: PASSWORD }, 4);
      const browser = tp.client();
      await browser.signIn('cookie.dieu.phoi', PASSWORD);
      const body = { json: { code: 'COOKIE1', name: 'Qua cookie', kind: 'division', parentId: deptA._id.toHexString() } };
      const refused = await browser.request('POST', '/api/v1/units', body);
      expect({ status: refused.status, id: refused.json().error.id }).to.deep.equal({ status: 403, id: 'csrf_invalid' });
      const token = await browser.csrf('/');
      const created = await browser.request('POST', '/api/v1/units', { ...body, headers: { 'x-csrf-token': token } });
      expect(created.status, created.text).to.equal(201);
    });

    it('an officer gets 403 on the lists but may read their own record; no token is 401', async () => {
      const self = await buildOfficer({ unitId: divA1._id });
      const officer = await apiClient('officer', 'api.can.bo', divA1._id, self);
      expect((await officer.get('/api/v1/units')).status).to.equal(403);
      expect((await officer.get('/api/v1/officers')).status).to.equal(403);
      expect((await officer.get(`/api/v1/officers/${self._id.toHexString()}`)).status).to.equal(200);
      const anonymous = await tp.client().get('/api/v1/officers');
      expect({ status: anonymous.status, id: anonymous.json().error.id }).to.deep.equal({ status: 401, id: 'unauthenticated' });
    });
  });
});
