/**
 * Claiming and delivering reminders. `claim` inserts the records of a batch and returns
 * only those this call inserted: a key already there (another instance, an earlier run,
 * a restart) is skipped, so each reminder is sent by one caller only. `deliver` sends the
 * claimed mails through the platform's mailer; a failure is kept with the mail itself and
 * tried again later (`retryFailed`, a recurring job), up to MAX_ATTEMPTS, then shown to
 * the admin as failed.
 */
import { trusted, type Connection } from 'mongoose';
import type { Services } from '../http/context';
import type { MailContent } from '../mail';
import { readyReminderRecordModel, reminderRecordModel, type ReminderRecord } from './model';

/** Deliveries tried in all (the first included) before a reminder is given up. */
export const MAX_ATTEMPTS = 4;
/** Wait before the n-th retry, in ms: 15 min, 30 min, 45 min. */
export const retryDelayMs = (attempt: number) => attempt * 15 * 60_000;

export type NewRecord = Omit<ReminderRecord, '_id' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'mail' | 'sentAt'>;

const isDuplicate = (e: { code?: number }) => e.code === 11000;

/** Inserts `records` (unordered); returns those this call inserted, in order. Any error other than a duplicate key is thrown. */
export async function claim<R extends NewRecord>(db: Connection, records: readonly R[]): Promise<R[]> {
  if (records.length === 0) return [];
  const docs = records.map((r) => ({ ...r, attempts: 0, lastError: null, nextAttemptAt: null, mail: null, sentAt: null }));
  try {
    // the unique key index must exist before the first insert: it is the exactly-once guarantee
    await (await readyReminderRecordModel(db)).collection.insertMany(docs, { ordered: false });
    return [...records];
  } catch (error) {
    const writeErrors = (error as { writeErrors?: { index: number; code?: number }[] | { index: number; code?: number } }).writeErrors;
    const list = writeErrors === undefined ? undefined : Array.isArray(writeErrors) ? writeErrors : [writeErrors];
    if (!list || !list.every(isDuplicate)) throw error;
    const taken = new Set(list.map((e) => e.index));
    return records.filter((_, i) => !taken.has(i));
  }
}

/** A claimed mail: the record's key and what to send where. */
export interface Outgoing {
  key: string;
  to: string;
  mail: MailContent;
}

/** Sends `mails` (claimed records in status 'sending'); returns how many the mail server took. */
export async function deliver(services: Services, mails: readonly Outgoing[], now: Date): Promise<{ sent: number; failed: number }> {
  const Records = reminderRecordModel(services.db);
  const queue = [...mails];
  const sentKeys: string[] = [];
  let failed = 0;
  const flush = async () => {
    const keys = sentKeys.splice(0);
    if (keys.length) await Records.updateMany({ key: trusted({ $in: keys }) }, { $set: { status: 'sent', sentAt: now, attempts: 1 } });
  };
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      try {
        await services.mailer.send({ to: next.to, ...next.mail });
        sentKeys.push(next.key);
        if (sentKeys.length >= 500) await flush();
      } catch (error) {
        failed += 1;
        await recordFailure(services, next.key, 1, next.mail, error, now);
      }
    }
  };
  // one sender per connection of the mailer's SMTP pool, so every connection stays busy
  await Promise.all(Array.from({ length: Math.max(1, services.mailer.concurrency ?? 1) }, worker));
  await flush();
  return { sent: mails.length - failed, failed };
}

async function recordFailure(services: Services, key: string, attempts: number, mail: MailContent, error: unknown, now: Date): Promise<void> {
  const last = attempts >= MAX_ATTEMPTS;
  const lastError = error instanceof Error ? error.message.slice(0, 500) : String(error).slice(0, 500);
  services.log.warn({ key, attempts, last }, 'reminder e-mail not delivered');
  await reminderRecordModel(services.db).updateOne(
    { key },
    { $set: { status: last ? 'failed' : 'retry', attempts, lastError, mail, nextAttemptAt: last ? null : new Date(now.getTime() + retryDelayMs(attempts)) } },
  );
}

/**
 * Tries again every reminder whose retry is due at `now`. Each is claimed by one caller
 * (status retry → sending in one update), so instances running this at the same time
 * never send one twice. Returns how many were sent and how many failed again.
 */
export async function retryFailed(services: Services, now: Date): Promise<{ sent: number; failed: number }> {
  const Records = reminderRecordModel(services.db);
  let sent = 0;
  let failed = 0;
  for (;;) {
    const record = await Records.findOneAndUpdate(
      { status: 'retry', nextAttemptAt: trusted({ $lte: now }) },
      { $set: { status: 'sending' }, $inc: { attempts: 1 } },
      { returnDocument: 'after' },
    ).lean<ReminderRecord>();
    if (!record) return { sent, failed };
    if (!record.to || !record.mail) {
      await Records.updateOne({ _id: record._id }, { $set: { status: 'failed' } });
      failed += 1;
      continue;
    }
    try {
      await services.mailer.send({ to: record.to, ...record.mail });
      await Records.updateOne({ _id: record._id }, { $set: { status: 'sent', sentAt: now, mail: null, nextAttemptAt: null } });
      sent += 1;
    } catch (error) {
      failed += 1;
      await recordFailure(services, record.key, record.attempts, record.mail, error, now);
    }
  }
}

/** The admin's list: reminders given up, waiting for a retry, or claimed and never confirmed for an hour. */
export function undelivered(db: Connection, now: Date, limit = 200): Promise<ReminderRecord[]> {
  const stale = new Date(now.getTime() - 3600_000);
  return reminderRecordModel(db)
    .find({ $or: trusted([{ status: trusted({ $in: ['failed', 'retry'] }) }, { status: 'sending', createdAt: trusted({ $lt: stale }) }]) }, { mail: 0 })
    .sort({ createdAt: -1 })
    .limit(limit)
    .lean<ReminderRecord[]>();
}
