/**
 * /readyz: can this instance take traffic? The database answers and accepts writes, the
 * disk under DATA_DIR and PACKAGES_DIR takes a synced write, and e-mail can leave (the
 * outbox folder is writable, or the SMTP relay has not refused the last sends in a row).
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { databaseReadiness } from '../db/connect';
import type { Env } from '../env';
import { outboxDir } from '../mail';
import { mailFailuresInARow } from './mailer';

/** SMTP refusals in a row after which mail counts as not leaving. */
export const MAIL_FAILURES_NOT_READY = 3;

export interface Readiness {
  ready: boolean;
  checks: { database: string; disk: string; mail: string };
}

/** Writes, syncs and removes a small file in `dir`. */
async function probeWrite(dir: string): Promise<void> {
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `.readyz-${randomBytes(6).toString('hex')}`);
  const handle = await fsp.open(file, 'wx', 0o600);
  try {
    await handle.writeFile('ok');
    await handle.sync();
  } finally {
    await handle.close();
    await fsp.unlink(file).catch(() => undefined);
  }
}

const outcome = (promise: Promise<unknown>, failed: string) => promise.then(() => 'ok', () => failed);

export async function readiness(db: Connection, config: Env, mailMode: 'smtp' | 'outbox'): Promise<Readiness> {
  const [database, disk, mail] = await Promise.all([
    databaseReadiness(db).then((r) => r.reason ?? 'ok'),
    outcome(Promise.all([probeWrite(config.DATA_DIR), probeWrite(config.PACKAGES_DIR)]), 'disk not writable'),
    mailMode === 'outbox' ? outcome(probeWrite(outboxDir(config)), 'outbox not writable') : Promise.resolve(mailFailuresInARow() >= MAIL_FAILURES_NOT_READY ? 'smtp failing' : 'ok'),
  ]);
  return { ready: database === 'ok' && disk === 'ok' && mail === 'ok', checks: { database, disk, mail } };
}
