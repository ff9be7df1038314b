/**
 * The daily reminder run (a recurring job, ./jobs.ts): for every open campaign, every
 * module not stopped, every enrolment still 'enrolled', the step of the campaign's
 * schedule due today (./schedule.ts) is sent once (./send.ts). Enrolments are read one
 * module at a time and reminded in batches of 2,000: a batch is claimed (records, notices)
 * while the previous one's mails go out over every connection of the SMTP pool. Then the weekly
 * digests (./digest.ts). Safe to run again at any time: every reminder has its record.
 */
import { vietnamDay } from '../campaigns/dates';
import { campaignModel, enrolmentModel, type Campaign, type Enrolment } from '../campaigns/model';
import type { Services } from '../http/context';
import { sendDigests } from './digest';
import { stepFor, scheduleOf } from './schedule';
import { deliver } from './delivery';
import { claimBatch, moduleTitles, type Candidate } from './send';

const BATCH = 2_000;

export interface RunCounts {
  reminded: number;
  mailed: number;
  failed: number;
  digests: number;
}

/** Sends today's scheduled reminders of `campaign`. */
async function remindCampaign(services: Services, campaign: Campaign, today: string, now: Date, counts: RunCounts): Promise<void> {
  const schedule = scheduleOf(campaign);
  const live = campaign.modules.filter((m) => m.stoppedAt === null);
  if (live.length === 0) return;
  const titles = await moduleTitles(services.db, live.map((m) => m.moduleId));
  let batch: Candidate[] = [];
  // one batch's mails are delivered while the next batch is read and claimed (the SMTP
  // exchanges and the database writes overlap); at most one batch is in flight
  let sending: Promise<unknown> = Promise.resolve(null);
  // a delivery that throws (the database gone) is kept here and thrown by the next wait, never left unhandled
  const delivered = async () => {
    const error = await sending;
    if (error) throw error;
  };
  const flush = async () => {
    const claimed = await claimBatch(services, campaign, titles, batch, 'schedule', null, now);
    batch = [];
    counts.reminded += claimed.reminded;
    await delivered();
    sending = deliver(services, claimed.outgoing, now).then(
      ({ sent, failed }) => {
        counts.mailed += sent;
        counts.failed += failed;
        return null;
      },
      (error: unknown) => error ?? new Error('delivery failed'),
    );
  };
  try {
    // one module at a time, read whole (a few small fields each) rather than through a cursor,
    // which was slow on the embedded engine in the bench (docs/reminders.md)
    for (const module of live) {
      const enrolments = await enrolmentModel(services.db)
        .find({ campaignId: campaign._id, moduleId: module.moduleId, state: 'enrolled' }, { officerId: 1, moduleId: 1, dueDate: 1 })
        .lean<Pick<Enrolment, 'officerId' | 'moduleId' | 'dueDate'>[]>();
      for (const enrolment of enrolments) {
        const step = stepFor(enrolment.dueDate, today, schedule);
        if (!step) continue;
        const key = `schedule:${campaign._id.toHexString()}:${enrolment.moduleId.toHexString()}:${enrolment.officerId.toHexString()}:${step.key}`;
        batch.push({ enrolment, key, step: step.key, daysLeft: step.daysLeft });
        if (batch.length >= BATCH) await flush();
      }
    }
    if (batch.length) await flush();
  } finally {
    // the last batch's mails (or the one in flight when reading failed) are waited for
    await delivered();
  }
}

/** Everything due at `now`: the scheduled reminders of every open campaign, then the weekly digests. */
export async function runReminders(services: Services, now: Date): Promise<RunCounts> {
  const today = vietnamDay(now);
  const counts: RunCounts = { reminded: 0, mailed: 0, failed: 0, digests: 0 };
  const campaigns = await campaignModel(services.db).find({ status: 'open' }).lean<Campaign[]>();
  for (const campaign of campaigns) await remindCampaign(services, campaign, today, now, counts);
  counts.digests = await sendDigests(services, campaigns, now);
  return counts;
}
