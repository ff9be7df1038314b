/**
 * The import pages over HTTP, as a coordinator uses them: template, dry run, report,
 * "import for real", re-import, problems by line and column, unit scope, size limit.
 */
import { expect } from 'chai';
import { startTestPlatform, type Client, type Reply, type TestPlatform } from '../http';
import { buildUnit } from '../factories';
import { createAccount } from '../../server/users/service';
import { officerModel } from '../../server/officers/model';
import type { Unit } from '../../server/units/model';
import { HEADER, csv, officerRow } from './helpers';

describe('imports: the officer import pages', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let own: Unit;
  let other: Unit;
  let coordinator: Client;

  before(async () => {
    tp = await startTestPlatform('import-routes', { UPLOAD_MAX_MB: '2' });
    const root = await buildUnit({ code: 'TINH', name: 'Tỉnh thử' });
    own = await buildUnit({ code: 'SO-A', parentId: root._id, name: 'Sở A', kind: 'department' });
    other = await buildUnit({ code: 'SO-B', parentId: root._id, name: 'Sở B', kind: 'department' });
    const db = tp.platform.services.db;
    await createAccount(db, { username: 'coord.a', displayName: 'Điều phối A', role: 'coordinator', unitId: own._id, password: 'mật khẩu thử' }, 4);
    await createAccount(db, { username: 'coord.b', displayName: 'Điều phối B', role: 'coordinator', unitId: other._id, password: 'mật khẩu thử' }, 4);
    await createAccount(db, { username: 'manager.a', displayName: 'Thủ trưởng A', role: 'manager', unitId: own._id, password: 'mật khẩu thử' }, 4);
    coordinator = tp.client();
    await coordinator.signIn('coord.a', 'mật khẩu thử');
  });
  after(() => tp.close());

  async function upload(client: Client, file: Buffer, filename: string, mode: 'dry-run' | 'import'): Promise<Reply> {
    const form = new FormData();
    form.set('_csrf', await client.csrf('/officers/import'));
    form.set('mode', mode);
    form.set('file', new Blob([new Uint8Array(file)]), filename);
    return client.request('POST', '/officers/import', { body: form });
  }

  /** Polls the job's status endpoint until it finishes; returns the finished job page. */
  async function finished(client: Client, jobUrl: string): Promise<{ page: Reply; job: any; seen: number[] }> {
    const seen: number[] = [];
    for (let i = 0; i < 400; i++) {
      const { job } = (await client.get(`${jobUrl}/status`)).json();
      seen.push(job.percent);
      if (job.status !== 'running') return { page: await client.get(jobUrl), job, seen };
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('import did not finish');
  }

  const count = () => officerModel(tp.platform.services.db).countDocuments({});

  it('shows the page with both templates; the templates download', async () => {
    const page = await coordinator.get('/officers/import');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Nhập danh sách cán bộ').and.contain('enctype="multipart/form-data"');
    const xlsx = await coordinator.get('/officers/import/template.xlsx');
    expect(xlsx.status).to.equal(200);
    expect(xlsx.headers.get('content-type')).to.contain('spreadsheetml');
    const csvTemplate = await coordinator.get('/officers/import/template.csv');
    expect(csvTemplate.headers.get('content-type')).to.contain('text/csv');
    expect(csvTemplate.text).to.contain('Mã cán bộ');
  });

  it('dry run → report, nothing written → import for real → re-import changes nothing', async () => {
    const file = csv([HEADER, officerRow({ code: 'IMP-1', unitCode: 'SO-A', fullName: 'Trần Thị Bích Ngọc' }), officerRow({ code: 'IMP-2', unitCode: 'SO-A' })], { bom: true });
    const before = await count();
    const started = await upload(coordinator, file, 'Danh sách cán bộ.csv', 'dry-run');
    expect(started.status, started.text.slice(0, 300)).to.equal(303);
    const dry = await finished(coordinator, started.location!);
    expect(dry.job).to.include({ status: 'done', dryRun: true, canCommit: true, problemCount: 0, percent: 100 });
    expect(dry.page.text).to.contain('Chạy thử, chưa ghi gì').and.contain('Danh sách cán bộ.csv').and.contain('Nhập chính thức 2 dòng');
    expect(await count()).to.equal(before);

    const commit = await coordinator.submit(`${started.location}/commit`, {}, started.location!);
    expect(commit.status).to.equal(303);
    const real = await finished(coordinator, commit.location!);
    expect(real.page.text).to.contain('thêm mới 2 cán bộ');
    expect(await count()).to.equal(before + 2);
    const stored = await officerModel(tp.platform.services.db).findOne({ code: 'IMP-1' }).lean();
    expect(stored!.fullName).to.equal('Trần Thị Bích Ngọc');
    // the dry run's file was used once
    expect((await coordinator.submit(`${started.location}/commit`, {}, started.location!)).status).to.equal(410);

    const again = await finished(coordinator, (await upload(coordinator, file, 'lại.csv', 'import')).location!);
    expect(again.page.text).to.contain('thêm mới 0 cán bộ, cập nhật 0, giữ nguyên 2');
    expect(await count()).to.equal(before + 2);
  });

  it('a file with problems lists each by line and column and writes nothing', async () => {
    const file = csv([
      HEADER,
      officerRow({ code: 'BAD-1', unitCode: 'SO-A' }),
      officerRow({ code: 'BAD-1', unitCode: 'SO-A' }),
      officerRow({ code: 'BAD-3', unitCode: 'KHONG-CO' }),
      officerRow({ code: 'BAD-4', unitCode: 'SO-A', category: 'Giám đốc' }),
    ]);
    const before = await count();
    const { job, page } = await finished(coordinator, (await upload(coordinator, file, 'loi.csv', 'import')).location!);
    expect(job.problemCount).to.equal(3);
    expect(job.problems.map((p: any) => [p.line, p.column])).to.deep.equal([
      [3, 'Mã cán bộ'],
      [4, 'Mã đơn vị'],
      [5, 'Đối tượng'],
    ]);
    expect(page.text).to.contain('Tệp có 3 lỗi nên chưa ghi gì');
    expect(await count()).to.equal(before);
  });

  it('a coordinator cannot import into, or pull officers from, another unit', async () => {
    const coordB = tp.client();
    await coordB.signIn('coord.b', 'mật khẩu thử');
    const { job: created } = await finished(coordB, (await upload(coordB, csv([HEADER, officerRow({ code: 'B-1', unitCode: 'SO-B' })]), 'b.csv', 'import')).location!);
    expect(created.problemCount).to.equal(0);
    const before = await count();
    const file = csv([HEADER, officerRow({ code: 'OUT-1', unitCode: 'SO-B' }), officerRow({ code: 'B-1', unitCode: 'SO-A' })]);
    const { job } = await finished(coordinator, (await upload(coordinator, file, 'ngoai.csv', 'import')).location!);
    expect(job.problems.map((p: any) => [p.line, p.column, p.message])).to.deep.equal([
      [2, 'Mã đơn vị', 'Đơn vị SO-B không thuộc phạm vi bạn được quản lý'],
      [3, 'Mã cán bộ', 'Cán bộ B-1 đang công tác ở đơn vị ngoài phạm vi bạn được quản lý'],
    ]);
    expect(await count()).to.equal(before);
    // and one coordinator's job is nobody else's business
    expect((await coordB.get(`/officers/import/jobs/${job.id}`)).status).to.equal(404);
  });

  it('refuses a too-large upload, a missing file and a broken XLSX clearly, and keeps serving', async () => {
    const before = await count();
    const big = await upload(coordinator, Buffer.alloc(3 * 1024 * 1024, 'a'), 'lon.csv', 'import');
    expect(big.status).to.equal(413);
    expect(big.text).to.contain('Tệp lớn hơn 2 MB');
    const none = await coordinator.request('POST', '/officers/import', { body: (() => { const f = new FormData(); return f; })(), headers: {} });
    expect(none.status, 'no CSRF token, no file').to.equal(403);
    const form = new FormData();
    form.set('_csrf', await coordinator.csrf('/officers/import'));
    form.set('mode', 'import');
    const empty = await coordinator.request('POST', '/officers/import', { body: form });
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('Vui lòng chọn tệp danh sách');
    const { job } = await finished(coordinator, (await upload(coordinator, Buffer.from('PK\u0003\u0004 không phải excel'), 'hong.xlsx', 'import')).location!);
    expect(job.problems[0].message).to.contain('Không đọc được tệp Excel');
    expect(await count()).to.equal(before);
    expect((await tp.client().get('/healthz')).status).to.equal(200);
  });

  it('the JSON answer for scripts (the page\'s own uploader) and 403 for a manager', async () => {
    const form = new FormData();
    form.set('_csrf', await coordinator.csrf('/officers/import'));
    form.set('file', new Blob([new Uint8Array(csv([HEADER, officerRow({ code: 'JS-1', unitCode: 'SO-A' })]))]), 'js.csv');
    const reply = await coordinator.request('POST', '/officers/import', { body: form, headers: { accept: 'application/json' } });
    expect(reply.status).to.equal(202);
    expect(reply.json().url).to.match(/^\/officers\/import\/jobs\/[0-9a-f]{24}$/);
    expect(reply.json().job.dryRun, 'dry run is the default').to.equal(true);
    const manager = tp.client();
    await manager.signIn('manager.a', 'mật khẩu thử');
    expect((await manager.get('/officers/import')).status).to.equal(403);
  });
});
