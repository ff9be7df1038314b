/**
 * `npm run restore -- FILE.zip --data-dir NEW_DIR`: unpacks a backup (scripts/backup.ts)
 * into a NEW directory — missing or empty — and refuses one a running engine holds or that
 * already has files: a restore never overwrites data. Unpacks beside it and renames into
 * place at the end, so a failed restore leaves nothing half-written under NEW_DIR.
 */
import { randomBytes } from 'node:crypto';
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ArchiveError, extractArchive } from '../server/backup/archive';
import { lockHolder } from '../server/db/engine/storage';
import { runCli, say, UsageError } from './cli';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { 'data-dir': { type: 'string' } }, allowPositionals: true });
  if (positionals.length !== 1 || !values['data-dir']) throw new UsageError(say('restore_usage'));
  const archive = path.resolve(positionals[0]!);
  const target = path.resolve(values['data-dir']);
  if (lockHolder(target) !== null || lockHolder(path.join(target, 'db')) !== null) {
    process.stderr.write(`${say('restore_target_live', { dir: target })}\n`);
    return 1;
  }
  if (fs.existsSync(target) && (!fs.statSync(target).isDirectory() || fs.readdirSync(target).length > 0)) {
    process.stderr.write(`${say('restore_target_not_empty', { dir: target })}\n`);
    return 1;
  }
  const staging = `${target}.restoring-${randomBytes(4).toString('hex')}`;
  await fsp.mkdir(staging, { recursive: true, mode: 0o700 });
  try {
    await extractArchive(archive, staging);
    // an empty target (checked above) is replaced; rename refuses if it filled meanwhile
    if (fs.existsSync(target)) await fsp.rmdir(target);
    await fsp.rename(staging, target);
  } catch (error) {
    await fsp.rm(staging, { recursive: true, force: true });
    if (error instanceof ArchiveError) {
      process.stderr.write(`${say('restore_archive_invalid', { reason: error.message })}\n`);
      return 1;
    }
    throw error;
  }
  process.stdout.write(`${say('restore_done', { dir: target })}\n`);
  return 0;
}

runCli(main, 'restore_failed');
