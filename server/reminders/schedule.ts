/**
 * Which reminder of a campaign's schedule is due for one enrolment on one day. Days are
 * Vietnamese calendar days (Asia/Ho_Chi_Minh). A run sends the latest step whose day has
 * come: a day without a run (all instances down) is caught up the next day, and the
 * step's record makes sure it is sent once.
 */
import { vietnamDay } from '../campaigns/dates';
import type { Connection } from 'mongoose';
import { campaignModel, type Campaign, type ReminderSchedule } from '../campaigns/model';

export { scheduleOf } from '../campaigns/model';
import { conflict, notFound } from '../errors';

const DAY_MS = 24 * 3600_000;

/** Whole days from the day `from` to the day `to` (yyyy-mm-dd, negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export interface Step {
  /** 'before-<n>', 'due' or 'overdue-<n>': part of the exactly-once key */
  key: string;
  /** days left until the due date (today included as 0); negative: days late */
  daysLeft: number;
}

/** The step to send for an enrolment due at `dueDate` on the day `today` (yyyy-mm-dd), or null before the first. */
export function stepFor(dueDate: Date, today: string, schedule: ReminderSchedule): Step | null {
  const daysLeft = daysBetween(today, vietnamDay(dueDate));
  const late = -daysLeft;
  const every = schedule.overdueEveryDays;
  if (every > 0 && late >= every) return { key: `overdue-${Math.floor(late / every) * every}`, daysLeft };
  if (schedule.onDueDate && late >= 0) return { key: 'due', daysLeft };
  // the nearest "n days before" whose day has come
  const before = schedule.daysBefore.filter((n) => n >= daysLeft).sort((a, b) => a - b)[0];
  return before === undefined ? null : { key: `before-${before}`, daysLeft };
}

/** Stores the reminder schedule of `campaignId`; 404 when it does not exist, 409 once it is closed. */
export async function setReminderSchedule(db: Connection, campaign: Pick<Campaign, '_id' | 'status'>, schedule: ReminderSchedule): Promise<Campaign> {
  if (campaign.status === 'closed') throw conflict('campaign_closed');
  const reminders = { daysBefore: [...schedule.daysBefore].sort((a, b) => b - a), onDueDate: schedule.onDueDate, overdueEveryDays: schedule.overdueEveryDays };
  const updated = await campaignModel(db).findOneAndUpdate({ _id: campaign._id }, { $set: { reminders } }, { returnDocument: 'after' }).lean<Campaign>();
  if (!updated) throw notFound('campaign_not_found');
  return updated;
}
