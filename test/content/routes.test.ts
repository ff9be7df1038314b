/**
 * The bundle pages and API over HTTP: a coordinator downloads a module of their unit as a
 * zip and imports a bundle through the form (redirect to the editor) or the API (201);
 * a refused bundle re-renders the form with the reason in Vietnamese, nothing written.
 */
import { expect } from 'chai';
import type { Types } from 'mongoose';
import { startTestPlatform, type TestPlatform, type Client } from '../http';
import { moduleModel, type LearningModule } from '../../server/modules/model';
import { publishModule } from '../../server/modules/versions';
import { createAccount } from '../../server/users/service';
import { buildUnit } from '../factories';
import { bundleJson, makeZip, readZip } from './helpers';

describe('content: bundle routes', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let coordinator: Client;
  let unitId: Types.ObjectId;
  let otherUnitId: Types.ObjectId;

  before(async () => {
    tp = await startTestPlatform('bundle-routes');
    const province = await buildUnit({ name: 'Tỉnh' });
    unitId = (await buildUnit({ parentId: province._id, name: 'Sở Nội vụ', kind: 'department' }))._id;
    otherUnitId = (await buildUnit({ parentId: province._id, name: 'Sở khác', kind: 'department' }))._id;
    await createAccount(tp.platform.services.db, { username: 'dieu.phoi', displayName: 'Điều phối', role: 'coordinator', password: 'mật khẩu điều phối', unitId }, 4);
    coordinator = tp.client();
    await coordinator.signIn('dieu.phoi', 'mật khẩu điều phối');
  });
  after(() => tp.close());

  async function upload(path: string, zip: Buffer, fields: Record<string, string> = {}, withCsrf = true) {
    const body = new FormData();
    if (withCsrf) body.set('_csrf', await coordinator.csrf('/authoring/bundles/import'));
    for (const [name, value] of Object.entries(fields)) body.set(name, value);
    body.set('file', new Blob([new Uint8Array(zip)]), 'goi.zip');
    return coordinator.request('POST', path, { body });
  }

  async function moduleOf(owner: Types.ObjectId, code: string, publish: boolean): Promise<LearningModule> {
    const created = await moduleModel(tp.platform.services.db).create({ code, ownerUnitId: owner, draft: { title: 'Học phần của sở', topic: 'dao-duc', description: '', estimatedMinutes: 5, items: [{ kind: 'lesson', key: 'bai-1', title: 'Bài 1', body: '<p>Đạo đức</p>', attachments: [] }] } });
    if (publish) await publishModule(tp.platform.services.db, created._id, null);
    return created.toObject() as LearningModule;
  }

  it('the import page: a form with the file and new-code fields', async () => {
    const page = await coordinator.get('/authoring/bundles/import');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Nhập gói học phần').and.contain('name="file"').and.contain('name="code"').and.contain('enctype="multipart/form-data"');
  });

  it('imports through the form: a draft owned by the coordinator’s unit, then the editor page', async () => {
    const reply = await upload('/authoring/bundles/import', await makeZip([['bundle.json', bundleJson('GOI-FORM')]]));
    expect(reply.status, reply.text.slice(0, 300)).to.equal(303);
    const module = await moduleModel(tp.platform.services.db).findOne({ code: 'GOI-FORM' }).lean();
    expect(reply.location).to.equal(`/authoring/modules/${module!._id.toHexString()}?done=imported`);
    expect(module!.ownerUnitId?.equals(unitId)).to.equal(true);
    expect(module!.publishedVersion).to.equal(0);
  });

  it('a taken code re-renders the form (409) saying so; a new code in the form imports it', async () => {
    const zip = await makeZip([['bundle.json', bundleJson('GOI-FORM')]]);
    const refused = await upload('/authoring/bundles/import', zip);
    expect(refused.status).to.equal(409);
    expect(refused.text).to.contain('Mã học phần GOI-FORM đã có trên nền tảng').and.contain('name="file"');
    const bad = await upload('/authoring/bundles/import', zip, { code: 'mã có dấu' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Mã chỉ gồm chữ cái không dấu');
    const renamed = await upload('/authoring/bundles/import', zip, { code: 'goi-form-2' });
    expect(renamed.status).to.equal(303);
    expect(await moduleModel(tp.platform.services.db).countDocuments({ code: 'GOI-FORM-2' })).to.equal(1);
  });

  it('a file that is not a bundle: the form again with the reason, nothing written; no file: asked for one', async () => {
    const before = await moduleModel(tp.platform.services.db).countDocuments();
    const reply = await upload('/authoring/bundles/import', Buffer.from('không phải zip'));
    expect(reply.status).to.equal(422);
    expect(reply.text).to.contain('Tệp không phải gói học phần .zip hợp lệ');
    const body = new FormData();
    body.set('_csrf', await coordinator.csrf('/authoring/bundles/import'));
    const empty = await coordinator.request('POST', '/authoring/bundles/import', { body });
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('Chưa chọn tệp gói học phần');
    expect(await moduleModel(tp.platform.services.db).countDocuments()).to.equal(before);
  });

  it('without the form’s CSRF token the upload is refused', async () => {
    const reply = await upload('/authoring/bundles/import', await makeZip([['bundle.json', bundleJson('GOI-CSRF')]]), {}, false);
    expect(reply.status).to.equal(403);
    expect(await moduleModel(tp.platform.services.db).countDocuments({ code: 'GOI-CSRF' })).to.equal(0);
  });

  it('the API: 201 {id, code}; a broken bundle 422 {error: {id, message}}', async () => {
    const api = tp.client();
    const login = await api.request('POST', '/api/v1/auth/login', { json: { login: 'dieu.phoi', password: 'mật khẩu điều phối' } });
    api.bearer = login.json<{ token: string }>().token;
    const form = (zip: Buffer) => {
      const body = new FormData();
      body.set('file', new Blob([new Uint8Array(zip)]), 'goi.zip');
      return body;
    };
    const created = await api.request('POST', '/api/v1/bundles', { body: form(await makeZip([['bundle.json', bundleJson('GOI-API')]])) });
    expect(created.status, created.text).to.equal(201);
    const { id, code } = created.json<{ id: string; code: string }>();
    expect(code).to.equal('GOI-API');
    expect(String((await moduleModel(tp.platform.services.db).findOne({ code: 'GOI-API' }).lean())!._id)).to.equal(id);
    const refused = await api.request('POST', '/api/v1/bundles', { body: form(await makeZip([['bundle.json', bundleJson('GOI-API-2')], ['ghi-chu.txt', Buffer.from('x')]])) });
    expect(refused.status).to.equal(422);
    expect(refused.json().error).to.include({ id: 'bundle_entry_name_invalid' });
    expect(refused.json().error.message).to.contain('ghi-chu.txt');
  });

  it('downloads a module of the coordinator’s unit as a zip (published version, or the draft on request)', async () => {
    const module = await moduleOf(unitId, 'TAI-VE', true);
    const reply = await fetch(`${tp.base}/authoring/modules/${module._id.toHexString()}/bundle`, { headers: { cookie: [...coordinator.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    expect(reply.status).to.equal(200);
    expect(reply.headers.get('content-type')).to.equal('application/zip');
    expect(reply.headers.get('content-disposition')).to.contain('tai-ve.zip');
    const entries = await readZip(Buffer.from(await reply.arrayBuffer()));
    expect(JSON.parse(entries.get('bundle.json')!.toString('utf8')).module).to.include({ code: 'TAI-VE', title: 'Học phần của sở' });

    const draftOnly = await moduleOf(unitId, 'TAI-VE-NHAP', false);
    expect((await coordinator.get(`/authoring/modules/${draftOnly._id.toHexString()}/bundle`)).status).to.equal(409);
    expect((await coordinator.get(`/authoring/modules/${draftOnly._id.toHexString()}/bundle?draft=1`)).status).to.equal(200);
  });

  it("another unit's module: 403; an unknown module: 404", async () => {
    const theirs = await moduleOf(otherUnitId, 'CUA-SO-KHAC', true);
    expect((await coordinator.get(`/authoring/modules/${theirs._id.toHexString()}/bundle`)).status).to.equal(403);
    expect((await coordinator.get('/authoring/modules/0123456789abcdef01234567/bundle')).status).to.equal(404);
    expect((await coordinator.get('/authoring/modules/khong-phai-id/bundle')).status).to.equal(404);
  });
});
