/**
 * One unit's certificates of a year as one ZIP, written to a stream: PDFs are rendered one
 * at a time (in a worker thread, ./renderer.ts), each only once the ZIP has taken the one before, and dropped once written, so
 * a unit of thousands of officers never sits in memory. The job (./jobs.ts)
 * streams it into a job file; the CLI into a file on disk.
 */
import { PassThrough, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Connection, Types } from 'mongoose';
import { ZipFile } from 'yazl';
import { certificateModel, type Certificate } from './model';
import type { CertificateArt } from './pdf';
import { startRenderer, type Renderer } from './renderer';

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

/**
 * Writes the ZIP to `out` (ended when done); `progress(done, total)` after each certificate. Returns how many it holds.
 *
 * Three PDFs at most: the one being written, and the next two rendering or rendered (in the
 * worker); the one after is asked for only once the ZIP has taken the previous one's bytes
 * (yazl asks for an entry's data when the entry before it is written).
 * A backlog of rendered PDFs (it was up to 8 MB, ~120 of them) most likely outlived the
 * young generation's collections, so their buffers waited for full collections: the CLI's
 * peak RSS for 2,000 certificates went from 272 to 209 MB with this (docs/certificates.md).
 * The PDFs are rendered in a worker thread with a capped heap (./renderer.ts), started for
 * this ZIP and ended with it; a failed render fails the ZIP.
 */
export async function writeCertificatesZip(db: Connection, unitId: Types.ObjectId, year: number, art: CertificateArt, out: Writable, progress: (done: number, total: number) => void = () => undefined): Promise<number> {
  const { filter, model } = validOf(db, unitId, year);
  const total = await model.countDocuments(filter);
  const renderer = startRenderer(art);
  try {
    return await writeZip(model.find(filter).sort({ unitCode: 1, serial: 1 }).lean<Certificate>().cursor(), total, renderer.render, out, progress);
  } catch (error) {
    // nothing more will be written: the file's handle is let go (the job then deletes the file)
    out.destroy();
    throw error;
  } finally {
    // the worker ends with the ZIP, written or failed
    await renderer.close();
  }
}

async function writeZip(certificates: AsyncIterable<Certificate>, total: number, render: Renderer['render'], out: Writable, progress: (done: number, total: number) => void): Promise<number> {
  const zip = new ZipFile();
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const fail = (error: unknown) => {
    failure ??= error;
    wake?.();
  };
  out.on('error', fail);
  zip.on('error', fail);
  zip.outputStream.pipe(out);
  let done = 0;
  /** Adds one PDF to the ZIP, resolved once yazl has taken its bytes. */
  const addPdf = async (certificate: Certificate, pdf: Buffer): Promise<void> => {
    let taken = false;
    // PDFs are compressed already: stored, not deflated again (half the CPU, same size).
    // Not addBuffer: yazl keeps each entry's pump function, and what it holds, until the ZIP
    // ends — every PDF of the unit (2,000 × ~70 KB measured). The lazy stream is asked for
    // when the entries before it are written, and gives the bytes up.
    let pending: Buffer | null = pdf;
    zip.addReadStreamLazy(entryName(certificate), { compress: false, mtime: certificate.issuedAt, size: pdf.length }, (ready) => {
      const stream = new PassThrough().end(pending);
      pending = null;
      taken = true;
      wake?.();
      ready(null, stream);
    });
    progress(++done, total);
    while (!failure && !taken) {
      await new Promise<void>((resolve) => {
        wake = () => {
          wake = null;
          resolve();
        };
      });
    }
    if (failure) throw failure;
  };
  const cursor = certificates[Symbol.asyncIterator]();
  // the worker always has the next PDF to render while this thread fetches certificates and
  // writes the ZIP: taking turns, the two threads made the ZIP twice as long on a loaded machine
  const renderNext = async (): Promise<{ certificate: Certificate; pdf: Promise<Buffer> } | null> => {
    const next = await cursor.next();
    if (next.done) return null;
    const pdf = render(next.value);
    pdf.catch(() => undefined); // awaited below; not an unhandled rejection while the previous PDF is written
    return { certificate: next.value, pdf };
  };
  try {
    for (let current = await renderNext(); current; ) {
      const following = await renderNext(); // queued in the worker behind `current`
      await addPdf(current.certificate, await current.pdf);
      current = following;
    }
  } finally {
    await cursor.return?.();
  }
  zip.end();
  await finished(out);
  return done;
}
