/**
 * Composing a plain message (UTF-8 text, optional HTML) in one pass, for SMTP. Why:
 * nodemailer's composer streams every header and part through its own transform pipelines,
 * and its SMTP client then dot-stuffs and writes each small chunk separately; a reminder
 * run of 42,000 mails spent more CPU there than anywhere else (docs/reminders.md). Here the
 * message is one Buffer (base64 parts, RFC 2047 encoded words), which nodemailer sends as
 * `raw`. Anything this composer does not vouch for (an address it does not recognise as
 * plain) returns null and goes through nodemailer's composer as before.
 */

export interface Mailbox {
  name: string;
  address: string;
}

// a plain address: no spaces, quotes, angle brackets, commas or controls; ASCII domain
const PLAIN_ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
// "Display name <address>" with a name free of angle brackets and line breaks
const NAMED = /^\s*([^<>\r\n]*?)\s*<([^<>\s]+)>\s*$/;

/** `a@b.vn` or `Tên <a@b.vn>` as a mailbox, or null for anything else (nodemailer then parses it). */
export function plainMailbox(value: string): Mailbox | null {
  const named = NAMED.exec(value);
  const name = named ? named[1]!.replace(/^"(.*)"$/, '$1') : '';
  const address = named ? named[2]! : value.trim();
  return PLAIN_ADDRESS.test(address) && !/[\r\n]/.test(name) ? { name, address } : null;
}

const PRINTABLE = /^[\x20-\x7e]*$/;

/** Splits `text` into pieces of at most `max` UTF-8 bytes, never inside a character. */
function utf8Pieces(text: string, max: number): Buffer[] {
  const pieces: Buffer[] = [];
  let current = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > max && current) {
      pieces.push(Buffer.from(current));
      current = '';
      bytes = 0;
    }
    current += char;
    bytes += size;
  }
  if (current) pieces.push(Buffer.from(current));
  return pieces;
}

/** A header value: printable ASCII as it is, anything else as RFC 2047 B-encoded words (≤ 75 characters each, folded). */
export function encodeWords(value: string): string {
  if (PRINTABLE.test(value)) return value;
  return utf8Pieces(value, 45)
    .map((piece) => `=?UTF-8?B?${piece.toString('base64')}?=`)
    .join('\r\n ');
}

/** A mailbox for From / To: the name quoted when it is plain ASCII, encoded otherwise. */
function mailboxHeader(box: Mailbox): string {
  if (!box.name) return box.address;
  const name = PRINTABLE.test(box.name) ? `"${box.name.replace(/["\\]/g, '\\$&')}"` : encodeWords(box.name);
  return `${name} <${box.address}>`;
}

/** Base64 of `text` in lines of 76 characters (RFC 2045). */
function base64Lines(text: string): string {
  const encoded = Buffer.from(text, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let at = 0; at < encoded.length; at += 76) lines.push(encoded.slice(at, at + 76));
  return lines.join('\r\n');
}

const part = (type: string, body: string) => `Content-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(body)}\r\n`;

/** RFC 5322 date in UTC: "Mon, 07 Dec 2026 18:56:10 +0000". */
const mailDate = (date: Date) => date.toUTCString().replace(/GMT$/, '+0000');

const BOUNDARY = '_vhcv_alternative_';

export interface Composed {
  envelope: { from: string; to: string[] };
  raw: Buffer;
}

/**
 * The whole message as one Buffer with its SMTP envelope, or null when `to` or `from` is
 * not a plain mailbox (the caller then lets nodemailer compose it).
 */
export function composePlain(message: { to: string; subject: string; text: string; html?: string | undefined }, from: string, messageId: string, date: Date): Composed | null {
  const sender = plainMailbox(from);
  const recipient = plainMailbox(message.to);
  if (!sender || !recipient) return null;
  const head = [`From: ${mailboxHeader(sender)}`, `To: ${mailboxHeader(recipient)}`, `Subject: ${encodeWords(message.subject)}`, `Message-ID: ${messageId}`, `Date: ${mailDate(date)}`, 'MIME-Version: 1.0'];
  let body: string;
  if (message.html === undefined) {
    body = `${head.join('\r\n')}\r\n${part('text/plain', message.text)}`;
  } else {
    // both parts are base64, whose lines never hold '_': a fixed boundary cannot occur in them
    const boundary = BOUNDARY;
    head.push(`Content-Type: multipart/alternative; boundary="${boundary}"`);
    body = `${head.join('\r\n')}\r\n\r\n--${boundary}\r\n${part('text/plain', message.text)}--${boundary}\r\n${part('text/html', message.html)}--${boundary}--\r\n`;
  }
  return { envelope: { from: sender.address, to: [recipient.address] }, raw: Buffer.from(body, 'utf8') };
}
