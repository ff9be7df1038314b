/**
 * `npm run db:salvage -- <dir>`: the explicit way past a damaged journal, when there is no
 * backup to restore. Takes the engine's data directory (DATA_DIR/db) or DATA_DIR itself;
 * the server must be stopped. Copies every journal and snapshot to a backup folder, keeps
 * every valid record, and prints what it dropped (file, offset, bytes).
 */
import fs from 'node:fs';
import path from 'node:path';
import { salvageDir } from '../server/db/engine/storage';

/** The engine's directory: `dir` itself, or `dir/db` when given the application's DATA_DIR. */
function engineDir(dir: string): string {
  const hasJournal = (d: string) => fs.existsSync(d) && fs.readdirSync(d).some((n) => n.endsWith('.wal'));
  return !hasJournal(dir) && hasJournal(path.join(dir, 'db')) ? path.join(dir, 'db') : dir;
}

async function main(): Promise<void> {
  const arg = process.argv[2];
  if (!arg) throw new Error('usage: npm run db:salvage -- <data directory>');
  const report = await salvageDir(engineDir(arg), (m) => process.stdout.write(`${m}\n`));
  const dropped = report.journals.flatMap((j) => j.dropped.map((d) => ({ file: path.basename(j.file), ...d })));
  const kept = report.journals.reduce((n, j) => n + j.kept, 0);
  process.stdout.write(
    `Đã cứu dữ liệu: giữ ${kept} bản ghi, bỏ ${dropped.length} vùng hỏng (${dropped.reduce((n, d) => n + d.bytes, 0)} byte); bản sao gốc: ${report.backupDir}\n` +
      `salvaged: kept ${kept} records, dropped ${dropped.length} damaged ranges (${dropped.reduce((n, d) => n + d.bytes, 0)} bytes); original files copied to ${report.backupDir}\n`,
  );
  for (const d of dropped) process.stdout.write(`dropped: ${d.file} offset ${d.offset} bytes ${d.bytes}\n`);
}

main().catch((e: Error) => {
  process.stderr.write(`salvage failed: ${e.message}\n`);
  process.exit(1);
});
