/**
 * Finding 3 of issue #10: a 780,000-row XLSX under UPLOAD_MAX_MB was parsed whole on the
 * event loop before the 100,000-row limit was checked: /healthz stopped answering and RSS
 * reached 4 GB. Now workbooks are streamed in a worker thread, stopped at the row limit,
 * bounded once unpacked, one per user at a time. The bomb is refused with a Vietnamese
 * message while /healthz keeps answering, and the process grows by less than 300 MB.
 */
import { expect } from 'chai';
import yazl from 'yazl';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { buildUnit } from '../factories';
import { createAccount } from '../../server/users/service';
import { officerModel } from '../../server/officers/model';
import { readXlsx } from '../../server/imports/xlsx';

const BOMB_ROWS = 780_000;

/** A minimal workbook (workbook, relationships, one sheet) whose sheet is `sheetXml`. */
function workbook(sheetXml: Buffer | string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const part = (name: string, text: Buffer | string) => zip.addBuffer(Buffer.isBuffer(text) ? text : Buffer.from(text), name);
  part('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>');
  part('_rels/.rels', '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>');
  part('xl/workbook.xml', '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>');
  part('xl/_rels/workbook.xml.rels', '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>');
  part('xl/worksheets/sheet1.xml', sheetXml);
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
}

/** The officer template's header, then `rows` officers, as inline strings. */
function bombSheet(rows: number): string {
  const cell = (ref: string, value: string) => `<c r="${ref}" t="inlineStr"><is><t>${value}</t></is></c>`;
  const header = `<row r="1">${cell('A1', 'Mã cán bộ')}${cell('B1', 'Họ và tên')}${cell('C1', 'Mã đơn vị')}${cell('D1', 'Đối tượng')}</row>`;
  const body: string[] = [];
  for (let r = 2; r <= rows + 1; r++) body.push(`<row r="${r}">${cell(`A${r}`, `BOM${r}`)}${cell(`B${r}`, 'Nguyễn Văn Bom')}${cell(`C${r}`, 'SO-BOM')}${cell(`D${r}`, 'Công chức')}</row>`);
  return `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${header}${body.join('')}</sheetData></worksheet>`;
}

describe('security #10.3: an XLSX bomb is refused while the platform keeps serving', function () {
  this.timeout(300_000);
  let tp: TestPlatform;
  let client: Client;
  let bomb: Buffer;

  before(async () => {
    tp = await startTestPlatform('xlsx-bomb');
    const unit = await buildUnit({ code: 'SO-BOM', name: 'Sở thử tệp bom', kind: 'department' });
    await createAccount(tp.platform.services.db, { username: 'dieu.phoi.bom', displayName: 'Điều phối', role: 'coordinator', unitId: unit._id, password: 'mật khẩu thử' }, 4);
    client = tp.client();
    await client.signIn('dieu.phoi.bom', 'mật khẩu thử');
    bomb = await workbook(bombSheet(BOMB_ROWS));
  });
  after(() => tp?.close());

  /** Runs `work` while polling /healthz and sampling RSS; every probe must be answered. */
  async function whileWatching<T>(work: () => Promise<T>): Promise<{ result: T; answered: number; growthMb: number }> {
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let done = false;
    let answered = 0;
    const probes = (async () => {
      while (!done) {
        const reply = await fetch(`${tp.base}/healthz`);
        expect(reply.status).to.equal(200);
        answered++;
        peak = Math.max(peak, process.memoryUsage().rss);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    try {
      const result = await work();
      return { result, answered, growthMb: (peak - baseline) / 1024 / 1024 };
    } finally {
      done = true;
      await probes;
    }
  }

  it('the officer import refuses 780,000 rows with a Vietnamese message; /healthz answers throughout; RSS grows < 300 MB', async () => {
    expect(bomb.length).to.be.below(tp.platform.services.config.UPLOAD_MAX_MB * 1024 * 1024);
    const { result: job, answered, growthMb } = await whileWatching(async () => {
      const form = new FormData();
      form.set('_csrf', await client.csrf('/officers/import'));
      form.set('mode', 'import');
      form.set('file', new Blob([new Uint8Array(bomb)]), 'bom.xlsx');
      const reply = await client.request('POST', '/officers/import', { body: form, headers: { accept: 'application/json' } });
      expect(reply.status, reply.text.slice(0, 300)).to.equal(202);
      for (;;) {
        const { job } = (await client.get(`${reply.json().url}/status`)).json();
        if (job.status !== 'running') return job;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    expect(job.status, JSON.stringify(job).slice(0, 500)).to.equal('done');
    expect(job.problems.map((p: { message: string }) => p.message).join(' | ')).to.match(/Tệp có hơn 100\.?000 dòng dữ liệu/);
    expect(answered, '/healthz probes answered while the bomb was read').to.be.at.least(1);
    expect(growthMb, 'RSS growth in MB').to.be.below(300);
    expect(await officerModel(tp.platform.services.db).countDocuments({ code: /^BOM/ })).to.equal(0);
  });

  it('the question import refuses it too, on the form, in Vietnamese', async () => {
    const { result: reply, answered } = await whileWatching(async () => {
      const form = new FormData();
      form.set('_csrf', await client.csrf('/authoring/questions/import'));
      form.set('file', new Blob([new Uint8Array(bomb)]), 'cau-hoi.xlsx');
      return client.request('POST', '/authoring/questions/import', { body: form });
    });
    expect(reply.status).to.equal(422);
    expect(reply.text).to.match(/Tệp có hơn 100\.?000 dòng dữ liệu/);
    expect(answered).to.be.at.least(1);
  });

  it('a workbook that unpacks past the bound is refused before it is parsed', async () => {
    const padding = Buffer.alloc(210 * 1024 * 1024, 0x20);
    const huge = await workbook(Buffer.concat([Buffer.from('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'), padding, Buffer.from('</sheetData></worksheet>')]));
    const form = new FormData();
    form.set('_csrf', await client.csrf('/authoring/questions/import'));
    form.set('file', new Blob([new Uint8Array(huge)]), 'phinh-to.xlsx');
    const reply = await client.request('POST', '/authoring/questions/import', { body: form });
    expect(reply.status).to.equal(422);
    expect(reply.text).to.contain('Tệp Excel khi giải nén vượt quá 200 MB');
  });

  it('one workbook per user at a time: a second read for the same owner is refused at once', async () => {
    const first = readXlsx(bomb, undefined, 'mot-nguoi');
    const firstRow = first.next();
    const second = readXlsx(bomb, undefined, 'mot-nguoi').next();
    const refused = await second.then(() => null, (error: { problem?: { id: string } }) => error.problem?.id);
    expect(refused).to.equal('import_xlsx_busy');
    await firstRow.catch(() => undefined);
    // the first one finished: the owner may read again (a damaged file, refused quickly)
    const damaged = Buffer.concat([bomb.subarray(0, 4), Buffer.alloc(1000, 7)]);
    const again = await readXlsx(damaged, undefined, 'mot-nguoi').next().then(() => 'read', (error: { problem?: { id: string } }) => error.problem?.id);
    expect(again).to.equal('import_file_corrupt');
  });
});
