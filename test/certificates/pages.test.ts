/**
 * Certificates over HTTP (issue #13): an officer's list and PDF (text with exact
 * diacritics, fonts embedded, the QR decoded from the rendered page), the public
 * verification page (valid / revoked / unknown, no revocation reason), revocation and
 * re-issue by a coordinator, the unit's ZIP as a background job, and the CLI.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import yauzl from 'yauzl';
import type { Connection, Types } from 'mongoose';
import { createAccount } from '../../server/users/service';
import type { Role } from '../../server/users/model';
import type { Officer } from '../../server/officers/model';
import { certificateModel, type Certificate } from '../../server/certificates/model';
import { zipPath } from '../../server/certificates/jobs';
import { liveRenderers, startRenderer } from '../../server/certificates/renderer';
import { checkEmbeddable } from '../../server/certificates/pdf';
import { saveSettings, storeTemplateImage } from '../../server/certificates/settings';
import { mediaPath } from '../../server/media/store';
import { cleanupJobKind } from '../../server/jobs/cleanup';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { buildCertificateWorld, completeModule, YEAR, type CertificateWorld } from './world';

const PASSWORD = 'mật khẩu chứng nhận';
const JSON_ACCEPT = { accept: 'application/json' };
const ARTIFACTS = path.resolve(__dirname, '../../../test-artifacts/certificates');
let accountSerial = 0;

/** The text of a PDF (pdftotext), NFC. */
function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).normalize('NFC');
}

/** The QR code of the PDF's first page, rendered at 150 dpi and decoded. */
function qrOf(file: string): string | null {
  const prefix = file.replace(/\.pdf$/, '');
  execFileSync('pdftoppm', ['-r', '150', '-png', '-singlefile', file, prefix]);
  const png = PNG.sync.read(fs.readFileSync(`${prefix}.png`));
  return jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)?.data ?? null;
}

/** The entries of a ZIP: names and first bytes. */
function zipEntries(data: Buffer): Promise<{ name: string; head: string }[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const entries: { name: string; head: string }[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.push({ name: entry.fileName, head: Buffer.concat(chunks).subarray(0, 5).toString('latin1') });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.readEntry();
    });
  });
}

describe('certificates: pages, PDF, verification, ZIP', function () {
  this.timeout(180_000);
  let tp: TestPlatform;
  let db: Connection;
  let world: CertificateWorld;
  let officer: Officer;
  let officerClient: Client;
  let coordinator: Client;
  let certificate: Certificate;

  async function clientAs(role: Role, unitId: Types.ObjectId | null, own?: Officer): Promise<Client> {
    const username = `cn.${role}.${++accountSerial}`;
    await createAccount(db, { username, displayName: username, role, password: PASSWORD, ...(unitId ? { unitId } : {}), ...(own ? { officerId: own._id, officerCode: own.code } : {}) }, 4);
    const client = tp.client();
    const reply = await client.request('POST', '/api/v1/auth/login', { json: { login: username, password: PASSWORD } });
    expect(reply.status, reply.text).to.equal(200);
    client.bearer = reply.json<{ token: string }>().token;
    return client;
  }

  async function download(client: Client, url: string, name: string): Promise<string> {
    const res = await fetch(tp.base + url, { headers: { authorization: `Bearer ${client.bearer}` } });
    expect(res.status, url).to.equal(200);
    const file = path.join(ARTIFACTS, name);
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    return file;
  }

  /** The job's state once it has ended (done or failed). */
  async function jobEnd(url: string): Promise<{ status: string; errorId: string | null }> {
    let job = { status: 'running', errorId: null as string | null };
    for (let i = 0; i < 240 && job.status !== 'done' && job.status !== 'failed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      job = (await coordinator.get(`${url}/status`)).json<{ job: typeof job }>().job;
    }
    return job;
  }

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    tp = await startTestPlatform('certificates-pages');
    db = tp.platform.services.db;
    world = await buildCertificateWorld(db);
    officer = await world.officer(world.units.A1, { fullName: 'Nguyễn Thị Thu Hường' });
    await world.plan(world.units.A, world.modules);
    for (const moduleId of world.modules) await completeModule(db, officer, moduleId);
    certificate = (await certificateModel(db).findOne({ officerId: officer._id }).lean<Certificate>())!;
    officerClient = await clientAs('officer', world.units.A1._id, officer);
    coordinator = await clientAs('coordinator', world.units.A._id);
  });
  after(() => tp.close());

  it("lists the officer's own certificate with its download", async () => {
    const page = await officerClient.get('/certificates');
    expect(page.status).to.equal(200);
    expect(page.text).to.include(certificate.registerNumber).and.to.include(`/certificates/${certificate._id.toHexString()}/pdf`);
  });

  it('renders a PDF with exact Vietnamese text, embedded Tinos fonts and a QR code of the verify URL', async () => {
    const file = await download(officerClient, `/certificates/${certificate._id.toHexString()}/pdf`, 'certificate.pdf');
    const text = pdfText(file);
    for (const expected of ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'GIẤY CHỨNG NHẬN', 'Nguyễn Thị Thu Hường', 'Phòng Tổ chức – Biên chế', `Đã hoàn thành chương trình bồi dưỡng văn hóa công vụ năm ${YEAR}`, 'Thái độ, tác phong của cán bộ, công chức', certificate.registerNumber, certificate.code]) {
      expect(text, expected).to.include(expected);
    }
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
    expect(fonts.length).to.be.at.least(2);
    for (const line of fonts) {
      expect(line).to.match(/Tinos/);
      // columns: name type encoding emb sub uni …: every font embedded
      expect(line.split(/\s+/).slice(-5, -2)[0]).to.equal('yes');
    }
    expect(qrOf(file)).to.equal(`${tp.base}/verify/${certificate.code}`);
  });

  it('lets no one else download it: another officer gets 403', async () => {
    const other = await world.officer(world.units.A1);
    const client = await clientAs('officer', world.units.A1._id, other);
    expect((await client.get(`/certificates/${certificate._id.toHexString()}/pdf`)).status).to.equal(403);
  });

  it('verifies a valid certificate publicly with minimal data, then a revoked one without its reason, and an unknown code', async () => {
    const anonymous = tp.client();
    const valid = await anonymous.get(`/verify/${certificate.code}`);
    expect(valid.status).to.equal(200);
    expect(valid.text).to.include('data-status="valid"').and.to.include('Nguyễn Thị Thu Hường').and.to.include('Phòng Tổ chức – Biên chế');
    expect(valid.text).not.to.include(officer.code);
    const json = await anonymous.get(`/api/v1/verify/${certificate.code}`);
    expect(json.json()).to.include({ status: 'valid', officerName: 'Nguyễn Thị Thu Hường', year: YEAR });

    const reason = 'Lý do kỷ luật nội bộ';
    const revoked = await coordinator.request('POST', `/certificates/${certificate._id.toHexString()}/revoke`, { json: { reason }, headers: JSON_ACCEPT });
    expect(revoked.status, revoked.text).to.equal(200);
    const after = await anonymous.get(`/verify/${certificate.code}`);
    expect(after.text).to.include('data-status="revoked"');
    expect(after.text).not.to.include(reason);

    const unknown = await anonymous.get('/verify/aaaaaaaaaaaaaaaaaaaa');
    expect(unknown.status).to.equal(404);
    expect(unknown.text).to.include('data-status="unknown"');
    expect((await anonymous.get('/verify/khong-dung-dinh-dang')).text).to.include('data-status="unknown"');

    // a revoked certificate may be re-issued (revoked by mistake): a new number and code, the old code stays revoked
    const reissue = () => coordinator.request('POST', `/certificates/${certificate._id.toHexString()}/reissue`, { json: { reason: 'Cấp lại sau khi xem xét' }, headers: JSON_ACCEPT });
    const reissued = await reissue();
    expect(reissued.status, reissued.text).to.equal(200);
    expect(reissued.json().certificate.registerNumber).not.to.equal(certificate.registerNumber);
    expect((await anonymous.get(`/verify/${certificate.code}`)).text).to.include('data-status="revoked"');
    // once: the officer has a valid one again
    const again = await reissue();
    expect(again.status).to.equal(409);
    expect(again.text).to.include('đã được cấp lại');
  });

  it('re-issues a valid certificate with the next number; the audit log has both actions', async () => {
    const other = await world.officer(world.units.A2, { fullName: 'Đặng Văn Lâm' });
    for (const moduleId of world.modules) await completeModule(db, other, moduleId);
    const first = (await certificateModel(db).findOne({ officerId: other._id }).lean<Certificate>())!;
    const reply = await coordinator.request('POST', `/certificates/${first._id.toHexString()}/reissue`, { json: { reason: 'Sai ngày cấp' }, headers: JSON_ACCEPT });
    expect(reply.status, reply.text).to.equal(200);
    const made = (await certificateModel(db).findOne({ officerId: other._id, status: 'valid' }).lean<Certificate>())!;
    expect(made.serial).to.equal(first.serial + 1);
    expect((await tp.client().get(`/verify/${first.code}`)).text).to.include('data-status="revoked"');
    expect((await tp.client().get(`/verify/${made.code}`)).text).to.include('data-status="valid"');
    const admin = await clientAs('admin', null);
    const audit = await admin.get('/admin/audit');
    expect(audit.text).to.include('Thu hồi và cấp lại giấy chứng nhận').and.to.include('Thu hồi giấy chứng nhận');
  });

  it("packs a unit's certificates into a ZIP by a background job with progress, downloadable by its starter", async () => {
    const officers = await Promise.all(Array.from({ length: 5 }, () => world.officer(world.units.A2)));
    for (const o of officers) for (const moduleId of world.modules) await completeModule(db, o, moduleId);
    const expected = await certificateModel(db).countDocuments({ unitAncestors: world.units.A._id, year: YEAR, status: 'valid' });
    const start = await coordinator.request('POST', `/certificates/units/${world.units.A._id.toHexString()}/zip`, { json: { year: YEAR }, headers: JSON_ACCEPT });
    expect(start.status, start.text).to.equal(202);
    const { url } = start.json<{ url: string }>();
    expect((await jobEnd(url)).status).to.equal('done');
    expect(liveRenderers(), 'the renderer worker ended with the job').to.equal(0);
    const page = await coordinator.get(url);
    expect(page.text).to.include('<progress').and.to.include('id="zip-download"');
    const file = await download(coordinator, `${url}/download`, 'unit.zip');
    const entries = await zipEntries(fs.readFileSync(file));
    expect(entries).to.have.length(expected);
    expect(entries.every((e) => e.head === '%PDF-' && /^[A-Z0-9._-]+\/\d{4}_[A-Za-z0-9_]+\.pdf$/.test(e.name))).to.equal(true);
    // another coordinator of the same unit does not see this job
    const peer = await clientAs('coordinator', world.units.A._id);
    expect((await peer.get(`${url}/download`)).status).to.equal(404);
    // a day later the hourly clean-up forgets the job and deletes its ZIP with it
    const jobId = url.split('/').pop()!;
    const zipFile = zipPath(tp.platform.services.config.DATA_DIR, jobId);
    expect(fs.existsSync(zipFile), 'the ZIP is on disk while its job is kept').to.equal(true);
    const run = { id: 'cleanup', data: {}, ownerId: null, attempt: 1, now: new Date(Date.now() + 25 * 3600_000), progress: () => undefined };
    const cleaned = await cleanupJobKind.handle(run, tp.platform.services);
    expect(cleaned.jobs).to.be.at.least(1);
    expect(fs.existsSync(zipFile), 'the ZIP is deleted with its job').to.equal(false);
    expect((await coordinator.get(`${url}/download`)).status).to.equal(404);
  });

  it('writes the same ZIP from the command line', async () => {
    const out = path.join(os.tmpdir(), `cn-${process.pid}-${Date.now()}.zip`);
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: tp.dataDir, NODE_ENV: 'test', PUBLIC_URL: tp.base };
    delete env.MONGODB_URI;
    const script = path.resolve(__dirname, '../../scripts/certificates.js');
    const run = (args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => execFile(process.execPath, [script, ...args], { env }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })));
    const result = await run(['--unit', world.units.A.code, '--year', String(YEAR), '--out', out]);
    expect(result.code, result.stderr).to.equal(0);
    const expected = await certificateModel(db).countDocuments({ unitAncestors: world.units.A._id, year: YEAR, status: 'valid' });
    expect(await zipEntries(fs.readFileSync(out))).to.have.length(expected);
    expect(result.stdout.normalize('NFC')).to.include(`Đã ghi ${expected} giấy chứng nhận`);
    fs.rmSync(out, { force: true });
    expect((await run(['--unit', world.units.A.code])).code).to.equal(2);
  });

  it('fails the ZIP job cleanly when a PDF cannot be rendered: no file left, the renderer worker ended', async () => {
    // a seal saved in the template, then its file damaged on disk: every PDF fails to embed it
    const seal = fs.readFileSync(path.resolve(__dirname, '../../../public/icons/icon-192.png'));
    const sealSha256 = await storeTemplateImage(tp.dataDir, seal, checkEmbeddable);
    await saveSettings(db, { sealSha256 });
    fs.writeFileSync(mediaPath(tp.dataDir, sealSha256), 'this is not an image any more');
    try {
      const start = await coordinator.request('POST', `/certificates/units/${world.units.A._id.toHexString()}/zip`, { json: { year: YEAR }, headers: JSON_ACCEPT });
      expect(start.status, start.text).to.equal(202);
      const { url } = start.json<{ url: string }>();
      const job = await jobEnd(url);
      expect(job.status).to.equal('failed');
      expect(job.errorId).to.equal('certificate_zip_failed');
      expect(fs.existsSync(zipPath(tp.dataDir, url.split('/').pop()!)), 'no half-written ZIP is left').to.equal(false);
      expect((await coordinator.get(`${url}/download`)).status).to.equal(409);
      expect(liveRenderers(), 'the renderer worker ended with the failed job').to.equal(0);
    } finally {
      await saveSettings(db, { sealSha256: null });
    }
  });

  it('a renderer that has ended refuses to render rather than hang', async () => {
    const renderer = startRenderer({ settings: { parentAgency: '', issuer: 'Sở Nội vụ', place: '', signerTitle: 'Giám đốc', signerName: 'A' }, seal: null, signature: null, publicUrl: tp.base });
    const printed = { kind: 'plan' as const, year: YEAR, officerName: 'Nguyễn Thị Thu Hường', unitName: 'Sở A', registerNumber: `1/${YEAR}/CN-A`, modules: [{ title: 'Học phần' }], issuedAt: new Date(), code: 'ABCDEFGHIJKLMNOPQRST' };
    expect((await renderer.render(printed)).subarray(0, 5).toString()).to.equal('%PDF-');
    await renderer.close();
    expect(liveRenderers()).to.equal(0);
    const error = await renderer.render(printed).then(() => null, (e: unknown) => e);
    expect(error).to.be.instanceOf(Error);
  });
});
