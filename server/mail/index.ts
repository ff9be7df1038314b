/**
 * The e-mail layer: a mailer (SMTP or outbox), the outbox reader for the admin UI and the
 * message templates. Routes import from here.
 */
import path from 'node:path';
import type { Env } from '../env';
import type { MailerOptions } from './mailer';

export { createMailer, DEFAULT_SMTP_CONNECTIONS, MailDeliveryError, type Mailer, type MailerOptions, type OutgoingMail, type SendResult, type SmtpTimeouts } from './mailer';
export { listOutbox, readOutboxEml, readOutboxMessage, type OutboxMessage, type OutboxSummary } from './outbox';
export { digestEmail, escapeHtml, invitationEmail, passwordResetEmail, reminderEmail, type MailContent, type ReminderWhen } from './templates';
export { isMailId, MAIL_ID_PATTERN } from './ids';

/** The outbox directory of a configuration: DATA_DIR/outbox. */
export function outboxDir(config: Pick<Env, 'DATA_DIR'>): string {
  return path.join(config.DATA_DIR, 'outbox');
}

/** Mailer options from the configuration (SMTP_URL, SMTP_MAX_CONNECTIONS, MAIL_FROM, DATA_DIR). */
export function mailerOptionsFromEnv(config: Pick<Env, 'SMTP_URL' | 'SMTP_MAX_CONNECTIONS' | 'MAIL_FROM' | 'DATA_DIR'>): MailerOptions {
  return { ...(config.SMTP_URL ? { smtpUrl: config.SMTP_URL } : {}), maxConnections: config.SMTP_MAX_CONNECTIONS, from: config.MAIL_FROM, outboxDir: outboxDir(config) };
}
