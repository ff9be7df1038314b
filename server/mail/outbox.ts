/**
 * The outbox: where e-mails go when no SMTP server is configured. Each message is two
 * files in one directory, `<id>.eml` (the exact MIME message) and `<id>.json` (what the
 * admin UI lists and shows). Ids sort by time, so "newest first" is a name sort.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isMailId, MAIL_ID_PATTERN } from './ids';

/** One line of the outbox list. `date` is ISO 8601 (UTC). */
export interface OutboxSummary {
  id: string;
  to: string;
  subject: string;
  date: string;
}

/** A stored message as the admin UI shows it. */
export interface OutboxMessage extends OutboxSummary {
  text: string;
  html?: string;
}

const METADATA_FILE = new RegExp(`^(${MAIL_ID_PATTERN.source.slice(1, -1)})\\.json$`);

/**
 * Stores one message: the .eml first and the .json last, each via a temporary file and a
 * rename, so a listed message is always complete and a crash never leaves half a file.
 * Files are private to the server's user because they hold single-use links.
 */
export async function writeOutboxMessage(dir: string, message: OutboxMessage, eml: Buffer): Promise<void> {
  if (!isMailId(message.id)) throw new Error(`invalid outbox message id: ${JSON.stringify(message.id)}`);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await writeAtomically(path.join(dir, `${message.id}.eml`), eml);
  await writeAtomically(path.join(dir, `${message.id}.json`), `${JSON.stringify(message, null, 2)}\n`);
}

/**
 * A page of the outbox, newest first. `limit` and `offset` count messages; `total` is the
 * number of stored messages. A missing directory is an empty outbox.
 */
export async function listOutbox(dir: string, { limit = 50, offset = 0 }: { limit?: number; offset?: number } = {}): Promise<{ items: OutboxSummary[]; total: number }> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { items: [], total: 0 };
    throw error;
  }
  const ids = names.flatMap((name) => METADATA_FILE.exec(name)?.[1] ?? []).sort().reverse();
  const start = Math.max(0, Math.floor(offset));
  const page = ids.slice(start, start + Math.max(0, Math.floor(limit)));
  const messages = await Promise.all(page.map((id) => readOutboxMessage(dir, id)));
  // a message deleted between readdir and read simply drops out of the page
  const items = messages.flatMap((m) => (m ? [{ id: m.id, to: m.to, subject: m.subject, date: m.date }] : []));
  return { items, total: ids.length };
}

/**
 * One stored message, or null when `id` is not a well-formed id (so `../x`, absolute paths
 * and NUL bytes never reach the file system), does not exist, or its file is unreadable.
 */
export async function readOutboxMessage(dir: string, id: string): Promise<OutboxMessage | null> {
  const content = await readIfExists(dir, id, 'json');
  if (!content) return null;
  try {
    const data = JSON.parse(content.toString('utf8')) as Partial<OutboxMessage>;
    const strings = [data.to, data.subject, data.date, data.text].every((v) => typeof v === 'string');
    if (data.id !== id || !strings || (data.html !== undefined && typeof data.html !== 'string')) return null;
    const message: OutboxMessage = { id, to: data.to as string, subject: data.subject as string, date: data.date as string, text: data.text as string };
    if (data.html !== undefined) message.html = data.html;
    return message;
  } catch {
    return null;
  }
}

/** The raw MIME message (for "download .eml"), with the same id rules as readOutboxMessage. */
export async function readOutboxEml(dir: string, id: string): Promise<Buffer | null> {
  return readIfExists(dir, id, 'eml');
}

async function readIfExists(dir: string, id: string, extension: 'json' | 'eml'): Promise<Buffer | null> {
  if (!isMailId(id)) return null;
  try {
    return await fs.readFile(path.join(dir, `${id}.${extension}`));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function writeAtomically(file: string, data: string | Buffer): Promise<void> {
  // a dot name never matches an id, so readers ignore unfinished files
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await fs.writeFile(temp, data, { flag: 'wx', mode: 0o600 });
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}
