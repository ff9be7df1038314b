/**
 * A real SMTP server on the loopback interface for tests: plain text (no STARTTLS), any
 * or no credentials accepted, every message parsed and kept in `messages`.
 *
 *   const smtp = await startTestSmtp();
 *   const mailer = createMailer({ smtpUrl: smtp.url, from, outboxDir });
 *   const mail = await smtp.waitFor((m) => m.to.includes('an@example.vn'));
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

/** One received message. `to` lists the envelope recipients (RCPT TO); the rest is decoded from the message. */
export interface ReceivedMail {
  to: string[];
  /** The From header as text, e.g. `Văn hóa công vụ <no-reply@localhost>`. */
  from: string;
  subject: string;
  text: string;
  html?: string;
}

export interface TestSmtp {
  port: number;
  /** smtp://127.0.0.1:<port> */
  url: string;
  messages: ReceivedMail[];
  /** Milliseconds the server waits before accepting each message (a slow mail server); 0 by default. */
  delayMs: number;
  /** Recipient addresses the server refuses (550), as a mail server refuses an unknown mailbox; empty by default. */
  refused: Set<string>;
  /** The first message (already received or arriving within `timeoutMs`, default 5000 ms) that matches. */
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 and a free port. */
export async function startTestSmtp(): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<(mail: ReceivedMail) => void>();
  const settings = { delayMs: 0 };
  const refused = new Set<string>();

  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // pooled clients keep idle connections open; do not wait 30 s for them on close
    closeTimeout: 200,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'test' });
    },
    onRcptTo(address, _session, callback) {
      if (refused.has(address.address.toLowerCase())) return callback(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          const mail: ReceivedMail = {
            to: session.envelope.rcptTo.map((r) => r.address),
            from: parsed.from?.text ?? '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            ...(typeof parsed.html === 'string' ? { html: parsed.html } : {}),
          };
          setTimeout(() => {
            messages.push(mail);
            for (const waiter of waiters) waiter(mail);
            callback();
          }, settings.delayMs);
        },
        (error: Error) => callback(error),
      );
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // a client dropping its connection is reported as an 'error' event, which would
  // otherwise crash the test process
  server.on('error', () => undefined);
  const { port } = server.server.address() as AddressInfo;

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    refused,
    get delayMs() {
      return settings.delayMs;
    },
    set delayMs(ms: number) {
      settings.delayMs = ms;
    },
    waitFor(predicate, timeoutMs = 5_000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise<ReceivedMail>((resolve, reject) => {
        const waiter = (mail: ReceivedMail) => {
          if (!predicate(mail)) return;
          settle();
          resolve(mail);
        };
        const timer = setTimeout(() => {
          settle();
          const seen = messages.map((m) => `"${m.subject}" → ${m.to.join(', ')}`).join('; ') || 'none';
          reject(new Error(`no matching e-mail within ${timeoutMs} ms (received: ${seen})`));
        }, timeoutMs);
        const settle = () => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        waiters.add(waiter);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
