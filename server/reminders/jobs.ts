/**
 * The reminders' recurring jobs: the daily run (07:00 in Vietnam, on one instance — the
 * job runtime claims each period once) and the retries of failed deliveries (every ten
 * minutes). Both are safe to run twice: every reminder has its exactly-once record.
 */
import { defineJobKind, type Jobs } from '../jobs';
import { retryFailed } from './delivery';
import { runReminders, type RunCounts } from './run';

/** When the daily run starts: a cron line read in Asia/Ho_Chi_Minh (the runtime's time zone). */
export const DAILY_AT = '0 7 * * *';

export const reminderRunJob = defineJobKind<Record<string, never>, null, RunCounts>({
  name: 'reminders-daily',
  failureId: 'job_failed',
  concurrency: 1,
  // an SMTP server down for a moment: the run resumes where its records stop
  attempts: 3,
  retryDelayMs: (n) => n * 5 * 60_000,
  handle: (run, services) => runReminders(services, run.now),
});

export const reminderRetryJob = defineJobKind<Record<string, never>, null, { sent: number; failed: number }>({
  name: 'reminders-retry',
  failureId: 'job_failed',
  concurrency: 1,
  handle: (run, services) => retryFailed(services, run.now),
});

export const REMINDER_JOB_KINDS = [reminderRunJob, reminderRetryJob] as const;

/** Schedules both (idempotent: every instance calls it at start). */
export async function scheduleReminders(jobs: Jobs): Promise<void> {
  await jobs.every(reminderRunJob, DAILY_AT, {});
  await jobs.every(reminderRetryJob, '10 minutes', {});
}
