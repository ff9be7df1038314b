/**
 * Background jobs (imports, invitations, and the scheduled work of later features):
 * declare a kind with `defineJobKind`, list it in the platform (server/platform.ts), and
 * use `services.jobs` to enqueue, schedule and read jobs. See runtime.ts.
 */
export { defineJobKind, type AnyJobKind, type JobKind, type JobRun } from './kind';
export { createJobRuntime, type EnqueueOptions, type JobRuntimeOptions, type Jobs, type JobView } from './runtime';
export { saveJobFile, readJobFile, deleteJobFile, JOB_FILE_LIFETIME_MS } from './files';
export { jobIdSchema } from './schema';
export type { JobStatus } from './model';
