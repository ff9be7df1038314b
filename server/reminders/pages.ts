/** What the campaign page shows of reminders: the schedule, and the "Nhắc nhở" button for who may press it. */
import type { Connection } from 'mongoose';
import { scheduleOf, type Campaign } from '../campaigns/model';
import type { MessageId } from '../i18n';
import { can, type Actor } from '../policies';
import { unitModel, type Unit } from '../units/model';
import { callerScope } from '../units/scope';
import { pendingEnrolments } from './manual';

export interface RemindLocals {
  schedule: { before: string; onDue: MessageId; overdue: { id: MessageId; days: number } };
  /** null: the caller may not remind, or the campaign is not open */
  button: { pending: number } | null;
  /** after a "Nhắc nhở": how many were reminded and left out */
  result: { count: number; skipped: number } | null;
}

export async function remindLocals(db: Connection, actor: Actor, campaign: Campaign, result: RemindLocals['result']): Promise<RemindLocals> {
  const s = scheduleOf(campaign);
  const schedule = {
    before: s.daysBefore.join(', ') || '—',
    onDue: (s.onDueDate ? 'campaign_schedule_on_due' : 'campaign_schedule_not_on_due') as MessageId,
    overdue: { id: (s.overdueEveryDays > 0 ? 'campaign_schedule_overdue' : 'campaign_schedule_no_overdue') as MessageId, days: s.overdueEveryDays },
  };
  const scope = await callerScope(db, actor);
  if (campaign.status !== 'open' || !can(actor, 'reminder.send', scope.ref)) return { schedule, button: null, result };
  const unitIds = scope.root ? [scope.root._id, ...(await unitModel(db).find({ ancestors: scope.root._id }, { _id: 1 }).lean<Pick<Unit, '_id'>[]>()).map((u) => u._id)] : null;
  const pending = await pendingEnrolments(db, campaign, { unitIds });
  return { schedule, button: { pending: new Set(pending.map((e) => e.officerId.toHexString())).size }, result };
}

/** What the schedule form shows. */
export interface ScheduleFormValues {
  daysBefore: string;
  onDueDate: boolean;
  overdue: boolean;
  overdueEveryDays: string;
}

/** The stored schedule, as the form shows it ("14, 3"; the interval 7 when never after the due date). */
export function storedScheduleValues(campaign: Campaign): ScheduleFormValues {
  const s = scheduleOf(campaign);
  return { daysBefore: s.daysBefore.join(', '), onDueDate: s.onDueDate, overdue: s.overdueEveryDays > 0, overdueEveryDays: String(s.overdueEveryDays || 7) };
}

/** The posted form, shown again after a refusal. */
export function scheduleFormValues(values: Record<string, string>): ScheduleFormValues {
  const ticked = (v: string | undefined) => v === 'on' || v === 'true';
  return { daysBefore: values['daysBefore'] ?? '', onDueDate: ticked(values['onDueDate']), overdue: ticked(values['overdue']), overdueEveryDays: values['overdueEveryDays'] ?? '' };
}
