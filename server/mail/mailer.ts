/**
 * Sends e-mail: through SMTP when SMTP_URL is set, otherwise into the outbox directory,
 * where the admin UI shows it (development, or a province without a mail server yet).
 * Nothing is logged here: failures are thrown and the caller decides what to tell whom.
 */
import nodemailer from 'nodemailer';
import { composePlain } from './compose';
import { newMailId } from './ids';
import { writeOutboxMessage } from './outbox';

/** A message to send; `to` is one address, optionally with a display name. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** `id` is the outbox id and the local part of the Message-ID header. */
export interface SendResult {
  id: string;
  delivered: 'smtp' | 'outbox';
}

export interface Mailer {
  readonly mode: 'smtp' | 'outbox';
  /** How many sends may usefully run at once: the SMTP pool's connections (1 for the outbox). */
  readonly concurrency: number;
  send(message: OutgoingMail): Promise<SendResult>;
  /** Closes pooled SMTP connections; later sends reject. */
  close(): Promise<void>;
}

/** SMTP timeouts in milliseconds; the defaults suit a provincial relay, tests shorten them. */
export interface SmtpTimeouts {
  connectionMs?: number;
  greetingMs?: number;
  socketMs?: number;
}

export interface MailerOptions {
  /** smtp://user:pass@host:port or smtps://…; unset → the outbox. */
  smtpUrl?: string;
  /** The From header, e.g. `Văn hóa công vụ <no-reply@example.gov.vn>`. */
  from: string;
  outboxDir: string;
  timeouts?: SmtpTimeouts;
  /** Connections of the SMTP pool (SMTP_MAX_CONNECTIONS); default DEFAULT_SMTP_CONNECTIONS. */
  maxConnections?: number;
}

/**
 * Default size of the SMTP pool. A provincial relay (Postfix by default) accepts dozens of
 * connections per client; eight keeps a 60,000-officer reminder run short without crowding it.
 */
export const DEFAULT_SMTP_CONNECTIONS = 8;

/** An SMTP failure. The message names the server but never its password; `code` is nodemailer's (ECONNECTION, ETIMEDOUT, EAUTH, EENVELOPE…). */
export class MailDeliveryError extends Error {
  readonly code: string | undefined;
  readonly responseCode: number | undefined;

  constructor(message: string, code?: string, responseCode?: number) {
    super(message);
    this.name = 'MailDeliveryError';
    this.code = code;
    this.responseCode = responseCode;
  }
}

/** Creates the mailer described by `options` (see MailerOptions). */
export function createMailer(options: MailerOptions): Mailer {
  return options.smtpUrl ? smtpMailer(options, options.smtpUrl) : outboxMailer(options);
}

function smtpMailer(options: MailerOptions, smtpUrl: string): Mailer {
  const timeouts = options.timeouts ?? {};
  const maxConnections = options.maxConnections ?? DEFAULT_SMTP_CONNECTIONS;
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    // the reminder run sends tens of thousands of mails over these in parallel (reminders/delivery.ts)
    maxConnections,
    connectionTimeout: timeouts.connectionMs ?? 15_000,
    greetingTimeout: timeouts.greetingMs ?? 15_000,
    socketTimeout: timeouts.socketMs ?? 60_000,
    dnsTimeout: timeouts.connectionMs ?? 15_000,
    logger: false,
  });
  const server = describeServer(smtpUrl);
  let closed = false;
  return {
    mode: 'smtp',
    concurrency: maxConnections,
    async send(message) {
      if (closed) throw new Error('mailer is closed');
      const id = newMailId();
      const date = new Date();
      // composed here in one Buffer when the addresses are plain (./compose.ts), by nodemailer otherwise
      const composed = composePlain(message, options.from, messageIdHeader(id, options.from), date);
      try {
        await transport.sendMail(composed ?? mailData(message, options.from, id, date));
      } catch (error) {
        throw deliveryError(error, server);
      }
      return { id, delivered: 'smtp' };
    },
    async close() {
      closed = true;
      transport.close();
    },
  };
}

function outboxMailer(options: MailerOptions): Mailer {
  // nodemailer still builds the message, so the .eml is exactly what SMTP would carry
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  let closed = false;
  return {
    mode: 'outbox',
    concurrency: 1,
    async send(message) {
      if (closed) throw new Error('mailer is closed');
      const id = newMailId();
      const date = new Date();
      const info = await composer.sendMail(mailData(message, options.from, id, date));
      const record = { id, to: message.to, subject: message.subject, date: date.toISOString(), text: message.text, ...(message.html === undefined ? {} : { html: message.html }) };
      await writeOutboxMessage(options.outboxDir, record, info.message as Buffer);
      return { id, delivered: 'outbox' };
    },
    async close() {
      closed = true;
    },
  };
}

/**
 * Only the fields of OutgoingMail reach nodemailer: an object with extra properties at run
 * time (attachments with a `path`, headers, another `from`) must not turn into file reads
 * or spoofed senders.
 */
function mailData(message: OutgoingMail, from: string, id: string, date: Date) {
  const { to, subject, text, html } = message;
  return { from, to, subject, text, ...(html === undefined ? {} : { html }), date, messageId: messageIdHeader(id, from), disableFileAccess: true, disableUrlAccess: true };
}

/** `<id@domain of the From address>`, so a delivered message can be matched to its id. */
function messageIdHeader(id: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return `<${id}@${domain}>`;
}

interface ServerDescription {
  /** `smtp://host:port` without credentials. */
  label: string;
  /** The password in both URL-encoded and decoded form, to redact from messages. */
  secrets: string[];
}

function describeServer(smtpUrl: string): ServerDescription {
  try {
    const url = new URL(smtpUrl);
    const secrets = [url.password, safeDecode(url.password)].filter((secret) => secret.length >= 3);
    return { label: `${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ''}`, secrets };
  } catch {
    return { label: 'the SMTP server', secrets: [] };
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function deliveryError(error: unknown, server: ServerDescription): MailDeliveryError {
  const e = (error ?? {}) as { message?: string; code?: string; responseCode?: number };
  // the original error is not kept as `cause`: loggers print its properties (command,
  // response) verbatim, and a server may echo what it was sent
  let detail = e.message ?? String(error);
  for (const secret of server.secrets) detail = detail.split(secret).join('***');
  return new MailDeliveryError(`sending e-mail through ${server.label} failed: ${e.code ? `${e.code} ` : ''}${detail}`, e.code, e.responseCode);
}
