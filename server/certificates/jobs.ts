/**
 * "Tải tất cả (ZIP)": one unit's certificates of a year packed by a background job into a
 * file under DATA_DIR/certificate-zips (streamed, see ./zip.ts), with progress for the
 * job's page. Not in the database's job files: the embedded engine keeps a collection's
 * checkpoint within 48 MiB, and a unit's ZIP is ~37 KB per certificate (74 MB for 2,000).
 * A job cut short is started again from the beginning and overwrites its file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Types } from 'mongoose';
import { AppError } from '../errors';
import { defineJobKind, type Jobs, type JobView } from '../jobs';
import { loadArt } from './art';
import { writeCertificatesZip } from './zip';

export interface ZipJobData {
  unitId: string;
  unitCode: string;
  unitName: string;
  year: number;
}
export interface ZipJobProgress {
  done: number;
  total: number;
}
export interface ZipJobResult {
  fileId: string;
  count: number;
  filename: string;
}

export const certificateZipJob = defineJobKind<ZipJobData, ZipJobProgress, ZipJobResult>({
  name: 'certificate-zip',
  failureId: 'certificate_zip_failed',
  attempts: 2,
  concurrency: 1,
  limits: { perOwner: 3, global: 10, refusal: () => new AppError(429, 'certificate_zip_busy') },
  // the file is kept a day (JOB_FILE_LIFETIME_MS), and so is its page
  retentionMs: 24 * 3600_000,
  // the ZIP goes with its job: nothing else points at it
  async forget(ids, services) {
    await Promise.all(ids.map((id) => fs.promises.rm(zipPath(services.config.DATA_DIR, id), { force: true })));
  },
  async handle(run, services) {
    const { unitId, unitCode, year } = run.data;
    const art = await loadArt(services.db, services.config);
    const file = zipPath(services.config.DATA_DIR, run.id);
    await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    let count: number;
    try {
      count = await writeCertificatesZip(services.db, new Types.ObjectId(unitId), year, art, fs.createWriteStream(file, { mode: 0o600 }), (done, total) => run.progress({ done, total }));
    } catch (error) {
      await fs.promises.rm(file, { force: true });
      throw error;
    }
    return { fileId: run.id, count, filename: `giay-chung-nhan-${unitCode}-${year}.zip` };
  },
});

/** Where the ZIP of job `id` (24 hex digits) is written. */
export const zipPath = (dataDir: string, id: string): string => {
  if (!/^[0-9a-f]{24}$/.test(id)) throw new Error(`not a job id: ${id}`);
  return path.join(dataDir, 'certificate-zips', `${id}.zip`);
};

export type ZipJob = JobView<ZipJobData, ZipJobProgress, ZipJobResult>;

export function startZipJob(jobs: Jobs, data: ZipJobData, ownerId: string): Promise<ZipJob> {
  return jobs.enqueue(certificateZipJob, data, { ownerId });
}

export async function getZipJob(jobs: Jobs, id: string, ownerId: string): Promise<ZipJob | undefined> {
  return jobs.get(certificateZipJob, id, ownerId);
}
