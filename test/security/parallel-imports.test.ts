/**
 * Finding 9 of issue #10: two imports of one file started at the same moment. One used to
 * end "interrupted by a system error" (a duplicate key: both planned to insert the same
 * officers). Now a writing import while another is queued or running is refused at once
 * with a Vietnamese message saying why and what to do; nothing ends as a system error,
 * and every officer is there exactly once.
 */
import { expect } from 'chai';
import { startTestPlatform, type Client, type Reply, type TestPlatform } from '../http';
import { buildUnit } from '../factories';
import { createAccount } from '../../server/users/service';
import { officerModel } from '../../server/officers/model';
import { HEADER, csv, officerRow } from '../imports/helpers';

describe('security #10.9: two parallel imports of one file', function () {
  this.timeout(180_000);
  let tp: TestPlatform;
  const clients: Client[] = [];

  before(async () => {
    tp = await startTestPlatform('parallel-imports');
    const unit = await buildUnit({ code: 'SONG-SONG', name: 'Sở thử nhập song song', kind: 'department' });
    for (const login of ['nhap.mot', 'nhap.hai']) {
      await createAccount(tp.platform.services.db, { username: login, displayName: `Điều phối ${login}`, role: 'coordinator', unitId: unit._id, password: 'mật khẩu thử' }, 4);
      const client = tp.client();
      await client.signIn(login, 'mật khẩu thử');
      clients.push(client);
    }
  });
  after(() => tp?.close());

  async function upload(client: Client, file: Buffer): Promise<Reply> {
    const form = new FormData();
    form.set('_csrf', await client.csrf('/officers/import'));
    form.set('mode', 'import');
    form.set('file', new Blob([new Uint8Array(file)]), 'danh-sach.csv');
    return client.request('POST', '/officers/import', { body: form, headers: { accept: 'application/json' } });
  }

  async function finished(client: Client, url: string): Promise<any> {
    for (;;) {
      const { job } = (await client.get(`${url}/status`)).json();
      if (job.status !== 'running') return job;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('refuses the second with a clear conflict while the first writes; neither ends as a system error', async () => {
    const rows = 4_000;
    const file = csv([HEADER, ...Array.from({ length: rows }, (_, i) => officerRow({ code: `SS-${i}`, unitCode: 'SONG-SONG' }))]);
    const replies = await Promise.all(clients.map((client) => upload(client, file)));
    const outcomes: string[] = [];
    for (const [index, reply] of replies.entries()) {
      if (reply.status === 202) {
        const job = await finished(clients[index]!, reply.json().url);
        outcomes.push(`${job.status}${job.errorMessage ? `: ${job.errorMessage}` : ''}`);
        expect(job.status, `import ${index + 1} ended ${job.status}: ${job.errorMessage}`).to.equal('done');
      } else {
        outcomes.push(`${reply.status}`);
        expect(reply.status, reply.text.slice(0, 300)).to.equal(409);
        expect(reply.json().error.id).to.equal('import_busy');
        expect(reply.json().error.message).to.contain('Đang có một lượt nhập danh sách cán bộ khác');
      }
    }
    expect(outcomes.filter((o) => o === 'done'), outcomes.join(' | ')).to.have.length.at.least(1);
    expect(await officerModel(tp.platform.services.db).countDocuments({ code: /^SS-/ })).to.equal(rows);

    // once the first has finished, the same file imports again without a conflict, changing nothing
    const again = await upload(clients[1]!, file);
    expect(again.status, again.text.slice(0, 300)).to.equal(202);
    const job = await finished(clients[1]!, again.json().url);
    expect(job).to.include({ status: 'done' });
    expect(job.summary).to.contain(`giữ nguyên ${rows}`);
  });

  it('the page form shows the refusal in Vietnamese on the import page, not an error page', async () => {
    const file = csv([HEADER, ...Array.from({ length: 8_000 }, (_, i) => officerRow({ code: `SF-${i}`, unitCode: 'SONG-SONG' }))]);
    const first = await upload(clients[0]!, file);
    expect(first.status).to.equal(202);
    const form = new FormData();
    form.set('_csrf', await clients[1]!.csrf('/officers/import'));
    form.set('mode', 'import');
    form.set('file', new Blob([new Uint8Array(file)]), 'danh-sach.csv');
    const page = await clients[1]!.request('POST', '/officers/import', { body: form });
    const job = await finished(clients[0]!, first.json().url);
    expect(job.status).to.equal('done');
    // the second came while the first was queued or writing: refused on the form itself
    expect(page.status, page.text.slice(0, 300)).to.equal(409);
    expect(page.text).to.contain('Đang có một lượt nhập danh sách cán bộ khác').and.contain('enctype="multipart/form-data"');
  });
});
