/** Reminder records as the admin's list shows them: an allowlist, labels as message ids. */
import type { MessageId } from '../i18n';
import type { ReminderRecord } from './model';

const kindLabels: Record<ReminderRecord['kind'], MessageId> = { schedule: 'reminder_kind_schedule', digest: 'reminder_kind_digest', manual: 'reminder_kind_manual' };
const statusLabels: Partial<Record<ReminderRecord['status'], MessageId>> = { retry: 'reminder_status_retry', failed: 'reminder_status_failed', sending: 'reminder_status_sending' };

export function presentUndelivered(r: ReminderRecord) {
  return { to: r.to ?? '—', kind: kindLabels[r.kind], status: statusLabels[r.status] ?? 'reminder_status_failed', attempts: r.attempts, error: r.lastError ?? '', at: r.createdAt };
}
