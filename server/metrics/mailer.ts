/** Counts what the mailer does (vhcv_mails_total) and remembers SMTP refusals in a row for /readyz. */
import type { Mailer } from '../mail';
import { mails } from './registry';

let failuresInARow = 0;

/** SMTP sends refused in a row, across every mailer of this process (reset by a success). */
export function mailFailuresInARow(): number {
  return failuresInARow;
}

export function meteredMailer(mailer: Mailer): Mailer {
  return {
    get mode() {
      return mailer.mode;
    },
    get concurrency() {
      return mailer.concurrency;
    },
    async send(message) {
      try {
        const result = await mailer.send(message);
        failuresInARow = 0;
        mails.inc({ result: 'sent', via: result.delivered });
        return result;
      } catch (error) {
        failuresInARow++;
        mails.inc({ result: 'failed', via: mailer.mode });
        throw error;
      }
    },
    close: () => mailer.close(),
  };
}
