/** What the admin pages show of audit events and stored e-mails: allowlists, plus the pager. */
import type { AuditEvent } from '../audit/model';
import type { MessageId } from '../i18n';
import type { OutboxMessage, OutboxSummary } from '../mail';

/** Labels of the actions the platform records; an action without one is shown as its code. */
export const auditActionLabels: Readonly<Record<string, MessageId>> = {
  'auth.sign_in': 'audit_action_auth_sign_in',
  'auth.sign_in_failed': 'audit_action_auth_sign_in_failed',
  'auth.sign_in_locked': 'audit_action_auth_sign_in_locked',
  'auth.sign_out': 'audit_action_auth_sign_out',
  'auth.sign_out_everywhere': 'audit_action_auth_sign_out_everywhere',
  'auth.password_changed': 'audit_action_auth_password_changed',
  'auth.reset_requested': 'audit_action_auth_reset_requested',
  'auth.password_reset': 'audit_action_auth_password_reset',
  'account.invited': 'audit_action_account_invited',
  'account.invited_unit': 'audit_action_account_invited_unit',
  'unit.create': 'audit_action_unit_create',
  'unit.rename': 'audit_action_unit_rename',
  'unit.move': 'audit_action_unit_move',
  'unit.deactivate': 'audit_action_unit_deactivate',
  'unit.merge': 'audit_action_unit_merge',
  'officer.create': 'audit_action_officer_create',
  'officer.update': 'audit_action_officer_update',
  'officer.transfer': 'audit_action_officer_transfer',
  'import.start': 'audit_action_import_start',
  'account.appointed': 'audit_action_account_appointed',
  'account.role_changed': 'audit_action_account_role_changed',
  'account.deactivated': 'audit_action_account_deactivated',
  'account.reactivated': 'audit_action_account_reactivated',
  'account.unlocked': 'audit_action_account_unlocked',
  'account.link_sent': 'audit_action_account_link_sent',
  'account.activation_sheet': 'audit_action_account_activation_sheet',
  'account.activated': 'audit_action_account_activated',
  'auth.activation_failed': 'audit_action_auth_activation_failed',
  'auth.activation_locked': 'audit_action_auth_activation_locked',
};

/** The filter choices of the audit page: action prefixes by area. */
export const auditPrefixes: ReadonlyArray<{ value: string; label: MessageId }> = [
  { value: 'auth.', label: 'audit_prefix_auth' },
  { value: 'account.', label: 'audit_prefix_account' },
  { value: 'unit.', label: 'audit_prefix_unit' },
  { value: 'officer.', label: 'audit_prefix_officer' },
  { value: 'import.', label: 'audit_prefix_import' },
];

export interface AuditRow {
  at: Date;
  action: string;
  label: MessageId | null;
  actor: string | null;
  subject: string | null;
  ip: string | null;
}

export function presentAuditEvent(event: AuditEvent): AuditRow {
  return {
    at: event.at,
    action: event.action,
    label: auditActionLabels[event.action] ?? null,
    actor: event.actorName,
    subject: event.subjectType ? `${event.subjectType} ${event.subjectId ?? ''}`.trim() : null,
    ip: event.ip,
  };
}

export interface OutboxRow {
  id: string;
  to: string;
  subject: string;
  date: Date;
}

export function presentOutboxSummary(message: OutboxSummary): OutboxRow {
  return { id: message.id, to: message.to, subject: message.subject, date: new Date(message.date) };
}

/** The message page: headers and the text body; the HTML body only as source text, never as markup. */
export function presentOutboxMessage(message: OutboxMessage): OutboxRow & { text: string; htmlSource: string | null } {
  return { ...presentOutboxSummary(message), text: message.text, htmlSource: message.html ?? null };
}

export interface Pager {
  page: number;
  pages: number;
  total: number;
  prev: string | null;
  next: string | null;
}

/** Previous / next links of a list at `path`, keeping its other query parameters. */
export function pager(path: string, page: number, pageSize: number, total: number, query: Record<string, string | undefined> = {}): Pager {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const href = (n: number) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
    if (n > 1) params.set('page', String(n));
    const search = params.toString();
    return search ? `${path}?${search}` : path;
  };
  return { page, pages, total, prev: page > 1 ? href(Math.min(page - 1, pages)) : null, next: page < pages ? href(page + 1) : null };
}
