/**
 * The report's files, downloaded over HTTP: the DOCX unzipped and its XML read (page
 * size, margins, fonts and sizes, header blocks, "Kính gửi", "Nơi nhận"); the PDF's text
 * extracted with pdftotext (exact diacritics), its fonts listed with pdffonts (Tinos
 * embedded), its pages rendered to PNG in test-artifacts/reports for people to look at.
 * And the CLI writing both files.
 */
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yauzl from 'yauzl';
import { ROOT_DIR } from '../../server/app';
import { startTestPlatform, type TestPlatform } from '../http';
import { buildReportWorld, YEAR, type ReportWorld } from './world';

const ARTIFACTS = path.join(ROOT_DIR, 'test-artifacts', 'reports');

/** The named entries of a zip, as text. */
function unzip(buffer: Buffer, names: string[]): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('no zip'));
      const out: Record<string, string> = {};
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!names.includes(entry.fileName)) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out[entry.fileName] = Buffer.concat(chunks).toString('utf8');
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.readEntry();
    });
  });
}

describe('reports: DOCX and PDF per Nghị định 30/2020/NĐ-CP', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  let w: ReportWorld;
  let base: string;

  before(async () => {
    tp = await startTestPlatform('report-documents');
    w = await buildReportWorld(tp);
    base = `/api/v1/reports/${w.units.A._id.toHexString()}/${YEAR}`;
    const saved = await w.clients.manager.request('PUT', base, { json: { number: '25/BC-SA', place: 'Kiên Giang', signerTitle: 'Giám đốc', signerName: 'Nguyễn Văn Quyết', recipients: ['Sở Nội vụ', 'Giám đốc, các Phó Giám đốc', 'Lưu: VT, TCCB'] } });
    expect(saved.status, saved.text).to.equal(200);
    expect((await w.clients.manager.request('POST', `${base}/freeze`, { json: {} })).status).to.equal(200);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => tp?.close());

  async function download(format: 'docx' | 'pdf'): Promise<Buffer> {
    const reply = await fetch(`${tp.base}${base}/${format}`, { headers: { authorization: `Bearer ${w.clients.manager.bearer}` } });
    expect(reply.status).to.equal(200);
    expect(reply.headers.get('content-disposition')).to.match(new RegExp(`attachment; filename="bao-cao-bdvhcv-${YEAR}-[a-z0-9-]+\\.${format}"`));
    return Buffer.from(await reply.arrayBuffer());
  }

  it('DOCX: A4, margins, Times New Roman, sizes, header blocks, Kính gửi, Nơi nhận', async () => {
    const docx = await download('docx');
    fs.writeFileSync(path.join(ARTIFACTS, 'bao-cao.docx'), docx);
    const xml = await unzip(docx, ['word/document.xml', 'word/styles.xml']);
    const doc = xml['word/document.xml']!;
    expect(doc).to.match(/<w:pgSz w:w="11906" w:h="16838"/);
    const margin = /<w:pgMar ([^>]*)\/>/.exec(doc)![1]!;
    const twips = (name: string) => Number(new RegExp(`w:${name}="(\\d+)"`).exec(margin)![1]) / 56.7;
    expect(twips('top')).to.be.within(20, 25);
    expect(twips('bottom')).to.be.within(20, 25);
    expect(twips('left')).to.be.within(30, 35);
    expect(twips('right')).to.be.within(15, 20);
    expect(xml['word/styles.xml']).to.contain('w:ascii="Times New Roman"');
    const fonts = new Set([...doc.matchAll(/w:ascii="([^"]+)"/g)].map((m) => m[1]));
    expect([...fonts]).to.deep.equal(['Times New Roman']);
    const text = [...doc.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('\n');
    // the runs, with their size (half-points) and boldness, in order
    const runs = [...doc.matchAll(/<w:r>(.*?)<\/w:r>/g)].map((m) => ({ bold: /<w:b\/>|<w:b w:val="true"\/>/.test(m[1]!), italic: /<w:i\/>|<w:i w:val="true"\/>/.test(m[1]!), size: Number(/<w:sz w:val="(\d+)"/.exec(m[1]!)?.[1] ?? 0) / 2, text: /<w:t(?: [^>]*)?>([^<]*)</.exec(m[1]!)?.[1] ?? '' }));
    const find = (t: string) => runs.find((r) => r.text === t);
    expect(find('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')).to.include({ bold: true, size: 12 });
    expect(find('Độc lập - Tự do - Hạnh phúc')).to.include({ bold: true, size: 13 });
    expect(find('TỈNH KẾ HOẠCH')).to.include({ bold: false });
    expect(find('SỞ A')).to.include({ bold: true });
    expect(find('Số: 25/BC-SA')).to.be.an('object');
    expect(runs.find((r) => /^Kiên Giang, ngày \d{2} tháng \d{2} năm \d{4}$/.test(r.text))).to.include({ italic: true });
    expect(find('BÁO CÁO')).to.include({ bold: true, size: 14 });
    expect(find(`Kết quả bồi dưỡng văn hóa công vụ năm ${YEAR}`)).to.include({ bold: true });
    expect(find('Kính gửi: Sở Nội vụ')).to.be.an('object');
    expect(find('Nơi nhận:')).to.include({ bold: true, italic: true });
    expect(find('GIÁM ĐỐC')).to.include({ bold: true });
    expect(text).to.contain('- Lưu: VT, TCCB.').and.contain('Nguyễn Văn Quyết');
    // body: 14 pt, justified, 1.27 cm first-line indent
    expect(runs.find((r) => r.text.startsWith(`Năm ${YEAR}, Sở A có 8 cán bộ`))).to.include({ size: 14 });
    expect(doc).to.match(/<w:jc w:val="both"\/>/);
    expect(doc).to.match(/<w:ind w:firstLine="720"\/>/);
    expect(text).to.contain('Nguyễn Thị Ánh').and.contain('Học phần kế hoạch 1').and.contain('83,3%');
  });

  it('PDF: exact diacritics, Tinos embedded, pages rendered to PNG', async () => {
    const pdf = await download('pdf');
    const file = path.join(ARTIFACTS, 'bao-cao.pdf');
    fs.writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).normalize('NFC');
    for (const expected of ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'SỞ A', 'Số: 25/BC-SA', 'BÁO CÁO', `Kết quả bồi dưỡng văn hóa công vụ năm ${YEAR}`, 'Kính gửi: Sở Nội vụ', 'Nơi nhận:', 'GIÁM ĐỐC', 'Nguyễn Văn Quyết', 'Nguyễn Thị Ánh', 'Phạm Văn Dũng', 'Học phần kế hoạch 1']) {
      expect(text, expected).to.contain(expected);
    }
    expect(text).to.match(/Kiên Giang, ngày \d{2} tháng \d{2} năm \d{4}/);
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
    expect(fonts.length).to.be.greaterThan(1);
    for (const line of fonts) {
      expect(line).to.match(/Tinos/);
      expect(line).to.match(/\byes\s+yes\s+(yes|no)\s+\d+\s+\d+\s*$/); // emb sub uni
    }
    for (const old of fs.readdirSync(ARTIFACTS).filter((f) => f.startsWith('bao-cao-trang'))) fs.rmSync(path.join(ARTIFACTS, old));
    execFileSync('pdftoppm', ['-png', '-r', '60', file, path.join(ARTIFACTS, 'bao-cao-trang')]);
    expect(fs.readdirSync(ARTIFACTS).filter((f) => f.startsWith('bao-cao-trang') && f.endsWith('.png')).length).to.be.at.least(1);
  });

  it('a draft is marked DỰ THẢO', async () => {
    const draft = await fetch(`${tp.base}/api/v1/reports/${w.units.A1._id.toHexString()}/${YEAR}/pdf`, { headers: { authorization: `Bearer ${w.clients.manager.bearer}` } });
    const file = path.join(os.tmpdir(), `bao-cao-nhap-${process.pid}.pdf`);
    fs.writeFileSync(file, Buffer.from(await draft.arrayBuffer()));
    expect(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).normalize('NFC')).to.contain('(DỰ THẢO)');
    fs.rmSync(file);
  });

  it('CLI: npm run report writes both files; an unknown unit fails with a Vietnamese message', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'report-cli-'));
    // the platform under test holds the data directory; the CLI reaches its engine through the socket
    const envs = { ...process.env, DATA_DIR: tp.dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent' };
    const cli = path.join(ROOT_DIR, 'dist', 'scripts', 'report.js');
    const ok = spawnSync(process.execPath, [cli, '--unit', w.units.A.code, '--year', String(YEAR), '--out', out], { env: envs, encoding: 'utf8' });
    expect(ok.status, ok.stderr).to.equal(0);
    const files = ok.stdout.trim().split('\n');
    expect(files.map((f) => path.extname(f))).to.deep.equal(['.docx', '.pdf']);
    expect(execFileSync('pdftotext', [files[1]!, '-'], { encoding: 'utf8' }).normalize('NFC')).to.contain('Số: 25/BC-SA');
    const missing = spawnSync(process.execPath, [cli, '--unit', 'KHONG-CO', '--year', String(YEAR), '--out', out], { env: envs, encoding: 'utf8' });
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.contain('Không tìm thấy đơn vị có mã «KHONG-CO»');
    const usage = spawnSync(process.execPath, [cli, '--year', String(YEAR)], { env: envs, encoding: 'utf8' });
    expect(usage.status).to.equal(2);
    fs.rmSync(out, { recursive: true, force: true });
  });
});
