/** What every route can reach: the database, the configuration and the shared services. */
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Env } from '../env';
import type { Jobs } from '../jobs/runtime';

/** Sends one e-mail (SMTP, or the outbox folder when no SMTP is configured). */
export interface MailSender {
  /** sends that may usefully run at once (the SMTP pool's connections); absent: one */
  readonly concurrency?: number;
  send(message: { to: string; subject: string; text: string; html?: string }): Promise<{ id: string; delivered: 'smtp' | 'outbox' }>;
}

export interface Services {
  db: Connection;
  config: Env;
  /** signs session tokens and CSRF tokens */
  secret: string;
  mailer: MailSender;
  log: Logger;
  /** background jobs: enqueue, schedule, read status (server/jobs) */
  jobs: Jobs;
}
