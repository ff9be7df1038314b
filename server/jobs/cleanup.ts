/**
 * The jobs' own recurring clean-up: finished one-off jobs are forgotten after their
 * kind's retention (after their kind's `forget` removed what they left on disk), and
 * expired job files are removed. Runs hourly on one instance.
 */
import { trusted } from 'mongoose';
import { defineJobKind } from './kind';
import { deleteExpiredJobFiles } from './files';
import { jobModel, type JobStatus } from './model';

/** Default how long a finished one-off job is kept, in ms: 7 days. */
export const DEFAULT_RETENTION_MS = 7 * 24 * 3600_000;

export const cleanupJobKind = defineJobKind<Record<string, never>, null, { jobs: number; fileChunks: number }>({
  name: 'jobs-cleanup',
  failureId: 'job_failed',
  concurrency: 1,
  async handle(run, services) {
    let jobs = 0;
    for (const kind of services.jobs.kinds) {
      const before = new Date(run.now.getTime() - (kind.retentionMs ?? DEFAULT_RETENTION_MS));
      const expired = {
        name: kind.name,
        recurring: trusted({ $exists: false }),
        'run.status': trusted({ $in: ['done', 'failed'] as JobStatus[] }),
        'run.finishedAt': trusted({ $lt: before }),
      };
      if (kind.forget) {
        const ids = (await jobModel(services.db).find(expired, { _id: 1 }).lean()).map((job) => String(job._id));
        if (ids.length) await kind.forget(ids, services);
      }
      const { deletedCount } = await jobModel(services.db).deleteMany(expired);
      jobs += deletedCount;
    }
    return { jobs, fileChunks: await deleteExpiredJobFiles(services.db, run.now) };
  },
});
