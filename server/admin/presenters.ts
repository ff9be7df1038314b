/** What the admin pages show of audit events and stored e-mails: allowlists, plus the pager. */
import type { AuditEvent } from '../audit/model';
import { isMessageId, type MessageId } from '../i18n';
import type { OutboxMessage, OutboxSummary } from '../mail';
import { describeSubject, type SubjectName, type SubjectNames } from './subjects';

/**
 * The label of a recorded action: the message `audit_action_<action with dots as underscores>`
 * ("auth.sign_in" → audit_action_auth_sign_in); null for an action without one, shown as its code.
 * test/admin/audit-labels.test.ts checks every action the code records has its label.
 */
export function auditActionLabel(action: string): MessageId | null {
  const id = `audit_action_${action.replace(/\./g, '_')}`;
  return isMessageId(id) ? id : null;
}

/** The filter choices of the audit page: action prefixes by area. */
export const auditPrefixes: ReadonlyArray<{ value: string; label: MessageId }> = [
  { value: 'auth.', label: 'audit_prefix_auth' },
  { value: 'account.', label: 'audit_prefix_account' },
  { value: 'unit.', label: 'audit_prefix_unit' },
  { value: 'officer.', label: 'audit_prefix_officer' },
  { value: 'import.', label: 'audit_prefix_import' },
  { value: 'module.', label: 'audit_prefix_module' },
  { value: 'package.', label: 'audit_prefix_package' },
  { value: 'question.', label: 'audit_prefix_question' },
  { value: 'assignment.', label: 'audit_prefix_assignment' },
  { value: 'bundle.', label: 'audit_prefix_bundle' },
  { value: 'campaign.', label: 'audit_prefix_campaign' },
  { value: 'override.', label: 'audit_prefix_override' },
  { value: 'exemption.', label: 'audit_prefix_exemption' },
  { value: 'reminder.', label: 'audit_prefix_reminder' },
  { value: 'report.', label: 'audit_prefix_report' },
  { value: 'certificate.', label: 'audit_prefix_certificate' },
  { value: 'dashboard.', label: 'audit_prefix_dashboard' },
];

export interface AuditRow {
  at: Date;
  action: string;
  label: MessageId | null;
  actor: string | null;
  subject: SubjectName | null;
  ip: string | null;
}

/**
 * One audit event for the page; `names` holds what its subject is called today
 * (server/admin/subjects.ts), so the log reads "Cán bộ: Nguyễn Thu Hà (CB0001)", not an id.
 */
export function presentAuditEvent(event: AuditEvent, names: SubjectNames = new Map()): AuditRow {
  return {
    at: event.at,
    action: event.action,
    label: auditActionLabel(event.action),
    actor: event.actorName,
    subject: event.subjectType ? describeSubject(event.subjectType, event.subjectId, names) : null,
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
