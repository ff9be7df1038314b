/**
 * Certificates (issue #13): PDFs rendered per second (target ≥ 50/s, one core, with seal
 * and signature images), and one unit's 2,000 certificates packed as a ZIP into a file
 * (as the job does), streamed, with the process's peak RSS sampled every 50 ms (target ≤ 300 MB).
 * Self-contained: it makes its own unit and certificates (written straight to the
 * collection: issuing is measured by the tests' concurrency case, not here).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Types } from 'mongoose';
import { PNG } from 'pngjs';
import { certificateModel, type Certificate } from '../../../server/certificates/model';
import { loadArt } from '../../../server/certificates/art';
import { newVerificationCode, registerNumberOf } from '../../../server/certificates/issue';
import { renderCertificatePdf } from '../../../server/certificates/pdf';
import { writeCertificatesZip } from '../../../server/certificates/zip';
import { trainingYear } from '../../../server/progress/year';
import { buildUnit, useFactoryConnection } from '../../factories';
import { int, requireDefined, verdict, type Context, type Section } from './common';

const ZIP_COUNT = 2_000;
const PDF_SAMPLE = 200;
const TARGET_PDF_PER_S = 50;
const TARGET_RSS_MB = 300;

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
    const art = { ...(await loadArt(db, platform.services.config)), seal: sealImage() };

    // PDFs per second, one after another (one core): the sample's rate
    const sample = await certificateModel(db).find({ unitId: unit._id }).limit(PDF_SAMPLE).lean<Certificate[]>();
    await renderCertificatePdf(sample[0]!, art); // fonts parsed, caches warm
    let t = performance.now();
    let bytes = 0;
    for (const certificate of sample) bytes += (await renderCertificatePdf(certificate, art)).length;
    const perSecond = sample.length / ((performance.now() - t) / 1000);
    ctx.log(`rendered ${sample.length} PDFs at ${perSecond.toFixed(1)}/s (${int(bytes / sample.length / 1024)} KB each)`);

    // the ZIP of 2,000 into a job file, peak RSS sampled
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    t = performance.now();
    const file = path.join(ctx.dataDir, 'bench-certificates.zip');
    const count = await writeCertificatesZip(db, unit._id, year, art, fs.createWriteStream(file));
    fs.rmSync(file, { force: true });
    const zipS = (performance.now() - t) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const mb = (v: number) => v / 1024 / 1024;
    ctx.log(`zipped ${int(count)} certificates in ${zipS.toFixed(1)} s; RSS ${mb(before).toFixed(0)} → peak ${mb(peak).toFixed(0)} MB`);

    const rows = ctx.report.rows;
    rows.push(['Certificates', 'PDF rendering, one core, per s', `${perSecond.toFixed(1)} (${int(bytes / sample.length / 1024)} KB each, seal included)`]);
    rows.push(['Certificates', `ZIP of ${int(count)} certificates into a file, s`, `${zipS.toFixed(1)} (${(count / zipS).toFixed(1)}/s)`]);
    rows.push(['Certificates', 'Process RSS during the ZIP, MB', `${mb(before).toFixed(0)} before, ${mb(peak).toFixed(0)} peak`]);
    ctx.report.targets.push([`Certificate PDFs ≥ ${TARGET_PDF_PER_S}/s`, `${perSecond.toFixed(1)}/s`, verdict(perSecond >= TARGET_PDF_PER_S)]);
    ctx.report.targets.push([`ZIP of ${int(ZIP_COUNT)} certificates ≤ ${TARGET_RSS_MB} MB RSS`, `${mb(peak).toFixed(0)} MB`, verdict(count === ZIP_COUNT && mb(peak) <= TARGET_RSS_MB)]);
  },
};
