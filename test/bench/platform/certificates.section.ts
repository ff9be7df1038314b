/**
 * Certificates (issue #13): PDFs rendered per second (target ≥ 50/s, one core, with a seal
 * image), and one unit's 2,000 certificates packed as a ZIP into a file (target ≤ 300 MB RSS)
 * by the process that builds it: the CLI `npm run certificates -- --unit CODE --year YYYY
 * --out FILE.zip` (the same streamed `writeCertificatesZip` as the job) started as a child
 * process on this benchmark's database (through the running platform's engine socket, as the
 * CLI does beside a running platform); its peak RSS is the kernel's high-water mark of its
 * own memory map (VmHWM) written at exit by ./peak-rss.preload.ts — not getrusage's
 * ru_maxrss, which carries this benchmark's RSS over the exec into the child (the preload's
 * comment). The benchmark process itself holds the platform and its engine, so its own RSS
 * would not say what the ZIP costs.
 * Self-contained: it makes its own unit and certificates (written straight to the
 * collection: issuing is measured by the tests' concurrency case, not here), and saves the
 * seal in the template so that the CLI's PDFs carry it too.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Types } from 'mongoose';
import { PNG } from 'pngjs';
import { certificateModel, type Certificate } from '../../../server/certificates/model';
import { loadArt } from '../../../server/certificates/art';
import { newVerificationCode, registerNumberOf } from '../../../server/certificates/issue';
import { checkEmbeddable, renderCertificatePdf } from '../../../server/certificates/pdf';
import { saveSettings, storeTemplateImage } from '../../../server/certificates/settings';
import { trainingYear } from '../../../server/progress/year';
import { buildUnit, useFactoryConnection } from '../../factories';
import { int, requireDefined, scriptNodeFlags, verdict, type Context, type Section } from './common';

// BENCH_ZIP_COUNT: a larger unit, to show that the peak does not grow with it (the target is for 2,000)
const ZIP_COUNT = Number(process.env.BENCH_ZIP_COUNT ?? 2_000);
const PDF_SAMPLE = 200;
const TARGET_PDF_PER_S = 50;
const TARGET_RSS_MB = 300;

/** How many entries the ZIP at `file` holds: its end-of-central-directory record's total (no ZIP comment: yazl writes none). */
async function zipEntries(file: string): Promise<number> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const tail = Buffer.alloc(22);
    await handle.read(tail, 0, 22, size - 22);
    if (tail.readUInt32LE(0) !== 0x06054b50) throw new Error('not a ZIP (no end of central directory)');
    return tail.readUInt16LE(10);
  } finally {
    await handle.close();
  }
}

/**
 * The node options `npm run certificates` starts the CLI with (package.json's script, e.g. a
 * heap ceiling), so that the benchmark measures the process as it is run.
 */
function cliNodeFlags(): string[] {
  if (process.env.BENCH_ZIP_NODE_FLAGS !== undefined) return process.env.BENCH_ZIP_NODE_FLAGS.split(' ').filter(Boolean);
  return scriptNodeFlags('certificates');
}

/** A 400×400 translucent round seal: an image pdfkit must decode and split (alpha) in every PDF. */
function sealImage(): Buffer {
  const size = 400;
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - size / 2, y - size / 2);
      const i = (y * size + x) * 4;
      png.data[i] = 190;
      png.data[i + 1] = 20;
      png.data[i + 2] = 30;
      png.data[i + 3] = (d > 170 && d < 195) || (d > 140 && d < 148) ? 210 : 0;
    }
  }
  return PNG.sync.write(png);
}

export const certificatesSection: Section = {
  title: 'Certificates',
  async prepare(ctx: Context) {
    const platform = requireDefined(ctx.platform, 'platform');
    const db = platform.services.db;
    useFactoryConnection(db);
    const year = trainingYear();
    const unit = await buildUnit({ code: `BENCH-CN-${Date.now() % 100000}`, name: 'Sở Nội vụ (đo)' });
    const modules = ['Thái độ, tác phong của cán bộ, công chức', 'Giao tiếp, ứng xử với người dân', 'Đạo đức công vụ', 'Văn hóa công sở'].map((title) => ({ moduleId: new Types.ObjectId(), title }));
    const now = new Date();
    const docs: Omit<Certificate, '_id'>[] = Array.from({ length: ZIP_COUNT }, (_, i) => ({
      code: newVerificationCode(),
      kind: 'plan',
      year,
      moduleId: null,
      officerId: new Types.ObjectId(),
      officerName: `Nguyễn Thị Thu Hường ${i + 1}`,
      officerCode: `BCN${i + 1}`,
      unitId: unit._id,
      unitAncestors: [unit._id],
      unitCode: unit.code,
      unitName: unit.name,
      serial: i + 1,
      registerNumber: registerNumberOf(i + 1, year, unit.code),
      modules,
      issuedAt: now,
      status: 'valid',
      revokedAt: null,
      revokedReason: null,
      revokedBy: null,
      replaces: null,
      activeKey: null,
    }));
    for (let i = 0; i < docs.length; i += 500) await certificateModel(db).insertMany(docs.slice(i, i + 500));
    // the seal saved in the template (as an admin uploads it), so the CLI's PDFs carry it as well
    await saveSettings(db, { sealSha256: await storeTemplateImage(platform.services.config.DATA_DIR, sealImage(), checkEmbeddable) });
    const art = await loadArt(db, platform.services.config);

    // PDFs per second, one after another (one core): the sample's rate
    const sample = await certificateModel(db).find({ unitId: unit._id }).limit(PDF_SAMPLE).lean<Certificate[]>();
    await renderCertificatePdf(sample[0]!, art); // fonts parsed, caches warm
    let t = performance.now();
    const cpu = process.cpuUsage();
    let bytes = 0;
    for (const certificate of sample) bytes += (await renderCertificatePdf(certificate, art)).length;
    const perSecond = sample.length / ((performance.now() - t) / 1000);
    const { user, system } = process.cpuUsage(cpu);
    const cpuMs = (user + system) / 1000 / sample.length;
    ctx.log(`rendered ${sample.length} PDFs at ${perSecond.toFixed(1)}/s, ${cpuMs.toFixed(1)} ms of CPU each (${int(bytes / sample.length / 1024)} KB each)`);

    // the ZIP of 2,000 by the CLI in its own process, its peak RSS from the kernel
    const file = path.join(ctx.dataDir, 'bench-certificates.zip');
    const peakFile = path.join(ctx.dataDir, 'bench-certificates.maxrss');
    const dist = path.join(__dirname, '..', '..', '..');
    t = performance.now();
    const { stdout } = await promisify(execFile)(process.execPath, [...cliNodeFlags(), '-r', path.join(__dirname, 'peak-rss.preload.js'), path.join(dist, 'scripts', 'certificates.js'), '--unit', unit.code, '--year', String(year), '--out', file], {
      env: { ...process.env, ...ctx.env, BENCH_PEAK_RSS_FILE: peakFile },
      maxBuffer: 1024 * 1024,
    });
    const zipS = (performance.now() - t) / 1000;
    const zipBytes = fs.statSync(file).size;
    const count = await zipEntries(file);
    fs.rmSync(file, { force: true });
    const peak = JSON.parse(fs.readFileSync(peakFile, 'utf8')) as { hwmKb: number | null; maxRssKb: number };
    const peakMb = requireDefined(peak.hwmKb, 'VmHWM (/proc/self/status: Linux only)') / 1024;
    ctx.log(`the CLI zipped ${int(count)} certificates (${int(zipBytes / 1024 / 1024)} MB) in ${zipS.toFixed(1)} s; its peak RSS ${peakMb.toFixed(0)} MB (VmHWM; getrusage maxrss ${(peak.maxRssKb / 1024).toFixed(0)} MB with this benchmark's RSS carried over the exec) (${stdout.trim()})`);

    const rows = ctx.report.rows;
    rows.push(['Certificates', 'PDF rendering, one core, per s', `${perSecond.toFixed(1)} (${cpuMs.toFixed(1)} ms of CPU and ${int(bytes / sample.length / 1024)} KB each, seal included)`]);
    rows.push(['Certificates', `ZIP of ${int(count)} certificates into a file by the CLI (its own process, start-up included), s`, `${zipS.toFixed(1)} (${(count / zipS).toFixed(1)}/s, ${int(zipBytes / 1024 / 1024)} MB)`]);
    rows.push(['Certificates', 'Peak RSS of the process building the ZIP (VmHWM of its own memory map), MB', peakMb.toFixed(0)]);
    ctx.report.targets.push([`Certificate PDFs ≥ ${TARGET_PDF_PER_S}/s`, `${perSecond.toFixed(1)}/s`, verdict(perSecond >= TARGET_PDF_PER_S)]);
    ctx.report.targets.push([`ZIP of ${int(ZIP_COUNT)} certificates ≤ ${TARGET_RSS_MB} MB RSS`, `${peakMb.toFixed(0)} MB`, verdict(count === ZIP_COUNT && peakMb <= TARGET_RSS_MB)]);
  },
};
