/**
 * "Tải tất cả (ZIP)": one unit's certificates of a year packed by a background job into a
 * job file (streamed, see ./zip.ts), with progress for the job's page. A job cut short is
 * started again from the beginning (its half-written file is dropped and expires).
 */
import { Types } from 'mongoose';
import { AppError } from '../errors';
import { defineJobKind, jobFileWriter, type Jobs, type JobView } from '../jobs';
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
  async handle(run, services) {
    const { unitId, unitCode, year } = run.data;
    const art = await loadArt(services.db, services.config);
    const file = jobFileWriter(services.db, run.now);
    let count: number;
    try {
      count = await writeCertificatesZip(services.db, new Types.ObjectId(unitId), year, art, file.stream, (done, total) => run.progress({ done, total }));
    } catch (error) {
      // the chunks written so far go (the stream's destroy removes them)
      file.stream.destroy(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    return { fileId: file.id, count, filename: `giay-chung-nhan-${unitCode}-${year}.zip` };
  },
});

export type ZipJob = JobView<ZipJobData, ZipJobProgress, ZipJobResult>;

export function startZipJob(jobs: Jobs, data: ZipJobData, ownerId: string): Promise<ZipJob> {
  return jobs.enqueue(certificateZipJob, data, { ownerId });
}

export async function getZipJob(jobs: Jobs, id: string, ownerId: string): Promise<ZipJob | undefined> {
  return jobs.get(certificateZipJob, id, ownerId);
}
