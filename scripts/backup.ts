/**
 * `npm run backup -- --out FILE.zip [--data-dir DIR]`: an online backup while the platform
 * keeps serving. The engine (the running platform's, through its socket; the one at
 * MONGODB_URI when that is `npm run db`; or opened here when nothing runs) writes the state
 * as of the command — every write acknowledged before it — as a fresh data directory; that,
 * then DATA_DIR's other files (media, outbox, secrets…) and PACKAGES_DIR, go into one zip
 * with a manifest (server/backup/archive.ts). Files come after the database: packages and
 * media are written before the records that name them, so every one the copy names is there.
 */
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openCliDatabase } from '../server/db/cli-connection';
import { parseEnv } from '../server/env';
import { dataFiles, filesUnder, writeArchive } from '../server/backup/archive';
import { runCli, say, UsageError } from './cli';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, 'data-dir': { type: 'string' } } });
  if (!values.out) throw new UsageError(say('backup_usage'));
  const out = path.resolve(values.out);
  if (fs.existsSync(out)) {
    process.stderr.write(`${say('backup_out_exists', { file: out })}\n`);
    return 1;
  }
  const config = parseEnv({ ...process.env, ...(values['data-dir'] ? { DATA_DIR: values['data-dir'] } : {}) });
  const db = await openCliDatabase(config);
  let copy: string;
  try {
    const reply = await db.connection.db!.admin().command({ vhcvBackup: 1 }).catch((error: { code?: number }) => {
      // MongoDB itself: CommandNotFound
      if (error.code === 59) return null;
      throw error;
    });
    if (!reply) {
      process.stderr.write(`${say('backup_not_engine')}\n`);
      return 1;
    }
    copy = String(reply['dir']);
  } finally {
    await db.close();
  }
  try {
    const packagesInside = path.relative(config.DATA_DIR, config.PACKAGES_DIR);
    const sources = [
      ...(await filesUnder(copy, 'db')),
      ...(await dataFiles(config.DATA_DIR, [out])),
      ...(packagesInside.startsWith('..') || path.isAbsolute(packagesInside) ? await filesUnder(config.PACKAGES_DIR, 'packages') : []),
    ];
    const manifest = await writeArchive(out, sources, db.source === 'uri' ? 'standalone-engine' : 'embedded');
    const size = (await fsp.stat(out)).size;
    process.stdout.write(`${say('backup_done', { file: out, size: size.toLocaleString('vi-VN') })} — ${manifest.entries.length} tệp\n`);
    return 0;
  } finally {
    await fsp.rm(copy, { recursive: true, force: true });
  }
}

runCli(main, 'backup_failed');
