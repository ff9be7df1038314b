/**
 * One unit's certificates of a year as one ZIP, written to a stream: PDFs are rendered one
 * at a time and added only while the ZIP's consumer keeps up (at most MAX_BUFFERED bytes
 * in flight), and dropped once written, so a unit of thousands of officers never sits in memory. The job (./jobs.ts)
 * streams it into a job file; the CLI into a file on disk.
 */
import { PassThrough, Transform, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Connection, Types } from 'mongoose';
import { ZipFile } from 'yazl';
import { certificateModel, type Certificate } from './model';
import { renderCertificatePdf, type CertificateArt } from './pdf';

const MAX_BUFFERED = 8 * 1024 * 1024;

/** "0012_Nguyen_Thi_Thu_Huong.pdf": ASCII names open everywhere (old unzip tools mangle UTF-8 names). */
export function entryName(certificate: Pick<Certificate, 'unitCode' | 'serial' | 'officerName' | 'kind' | 'moduleId'>): string {
  const ascii = certificate.officerName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
  return `${certificate.unitCode}/${String(certificate.serial).padStart(4, '0')}_${ascii || 'can_bo'}.pdf`;
}

/** The valid certificates of `unitId`'s subtree for `year`, in register order. */
const validOf = (db: Connection, unitId: Types.ObjectId, year: number) => ({ filter: { unitAncestors: unitId, year, status: 'valid' as const }, model: certificateModel(db) });

/** How many certificates the ZIP of `unitId` and `year` holds. */
export async function zipCount(db: Connection, unitId: Types.ObjectId, year: number): Promise<number> {
  const { filter, model } = validOf(db, unitId, year);
  return model.countDocuments(filter);
}

/** Writes the ZIP to `out` (ended when done); `progress(done, total)` after each certificate. Returns how many it holds. */
export async function writeCertificatesZip(db: Connection, unitId: Types.ObjectId, year: number, art: CertificateArt, out: Writable, progress: (done: number, total: number) => void = () => undefined): Promise<number> {
  const { filter, model } = validOf(db, unitId, year);
  const total = await model.countDocuments(filter);
  const zip = new ZipFile();
  let added = 0;
  let passed = 0;
  let wake: (() => void) | null = null;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      passed += chunk.length;
      wake?.();
      done(null, chunk);
    },
  });
  zip.outputStream.pipe(counter).pipe(out);
  let failure: unknown = null;
  out.on('error', (error) => {
    failure = error;
    wake?.();
  });
  let done = 0;
  for await (const certificate of model.find(filter).sort({ unitCode: 1, serial: 1 }).lean<Certificate>().cursor()) {
    const pdf = await renderCertificatePdf(certificate, art);
    // PDFs are compressed already: stored, not deflated again (half the CPU, same size).
    // Not addBuffer: yazl keeps each entry's pump function, and what it holds, until the ZIP
    // ends — every PDF of the unit (2,000 × ~70 KB measured). The lazy stream gives the bytes
    // up when they are written.
    let pending: Buffer | null = pdf;
    zip.addReadStreamLazy(entryName(certificate), { compress: false, mtime: certificate.issuedAt, size: pdf.length }, (ready) => {
      const stream = new PassThrough();
      stream.end(pending);
      pending = null;
      ready(null, stream);
    });
    added += pdf.length;
    progress(++done, total);
    while (!failure && added - passed > MAX_BUFFERED) {
      await new Promise<void>((resolve) => {
        wake = () => {
          wake = null;
          resolve();
        };
      });
    }
    if (failure) throw failure;
  }
  zip.end();
  await finished(out);
  return done;
}
