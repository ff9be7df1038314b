/**
 * Imports an officer list from the command line:
 *   npm run import:officers -- FILE [--dry-run] [--effective-date yyyy-mm-dd]
 * Uses MONGODB_URI if set; otherwise the database of the platform running on this
 * DATA_DIR (through its engine socket), or else opens the embedded database itself.
 * Progress goes to stderr, the summary or the problem list to stdout. Exit status:
 * 0 imported (or a clean dry run), 1 problems in the file or a failure, 2 bad arguments.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openCliDatabase, type CliDatabase } from '../server/db/cli-connection';
import { env } from '../server/env';
import { runCli, say, UsageError } from './cli';
import { importOfficers, type ImportProgress, type ImportReport } from '../server/imports/officer-import';
import { problemText } from '../server/imports/presenters';

const formatCount = (value: number) => value.toLocaleString('vi-VN');
/** Problems printed before "… và N lỗi khác": enough to fix a systematic mistake from. */
const MAX_PRINTED_PROBLEMS = 200;

function readArguments(): { file: string; dryRun: boolean; effectiveDate?: Date } {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { 'dry-run': { type: 'boolean', default: false }, 'effective-date': { type: 'string' } } });
  } catch {
    throw new UsageError(say('import_cli_usage'));
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 1) throw new UsageError(say('import_cli_usage'));
  const dateText = values['effective-date'];
  // the same reading as the API's `date` field: yyyy-mm-dd is midnight UTC
  const effectiveDate = dateText === undefined ? undefined : new Date(dateText);
  if (dateText !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(dateText) || Number.isNaN(effectiveDate?.getTime()))) throw new UsageError(say('import_cli_bad_date', { value: dateText }));
  return { file: positionals[0] as string, dryRun: values['dry-run'] === true, ...(effectiveDate ? { effectiveDate } : {}) };
}

/** The database (see openCliDatabase), saying which one on stderr. */
async function openDatabase(): Promise<CliDatabase> {
  const config = env();
  const db = await openCliDatabase(config);
  const dbDir = path.join(config.DATA_DIR, 'db');
  const notes = { uri: say('import_cli_using_uri'), running: say('import_cli_using_running', { path: dbDir }), embedded: say('import_cli_starting_engine', { path: dbDir }) };
  process.stderr.write(`${notes[db.source]}\n`);
  return db;
}

const PHASE_LABELS = { reading: 'import_phase_reading', validating: 'import_phase_validating', writing: 'import_phase_writing', done: 'import_phase_done' } as const;
const BAR_WIDTH = 30;

/**
 * A progress display on `stream`: on a terminal one line redrawn in place (at most every
 * 100 ms); in a log file or pipe, where \r would pile up, one line per 10 % per phase.
 */
function progressDisplay(stream: NodeJS.WriteStream): { update(progress: ImportProgress): void; end(): void } {
  let lastPhase = '';
  let lastTenth = -1;
  let lastDrawn = 0;
  const render = ({ phase, done, total }: ImportProgress, ratio: number) => {
    const filled = Math.round(ratio * BAR_WIDTH);
    const bar = `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}]`;
    const rows = phase === 'reading' ? '' : `  ${say('import_progress_rows', { done: formatCount(done), total: formatCount(total) })}`;
    return `${say(PHASE_LABELS[phase]).padEnd(27)} ${bar} ${String(Math.floor(ratio * 100)).padStart(3)}%${rows}`;
  };
  return {
    update(progress) {
      const ratio = progress.total > 0 ? Math.min(1, progress.done / progress.total) : 0;
      const phaseChanged = progress.phase !== lastPhase;
      lastPhase = progress.phase;
      if (stream.isTTY) {
        const now = Date.now();
        if (!phaseChanged && ratio < 1 && now - lastDrawn < 100) return;
        lastDrawn = now;
        stream.write(`\r${render(progress, ratio)}\x1b[K`);
        return;
      }
      if (phaseChanged) lastTenth = -1;
      const tenth = Math.floor(ratio * 10);
      if (tenth <= lastTenth) return;
      lastTenth = tenth;
      stream.write(`${render(progress, ratio)}\n`);
    },
    end() {
      if (stream.isTTY && lastPhase) stream.write('\r\x1b[K');
      lastPhase = '';
    },
  };
}

function printReport(report: ImportReport): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (report.problems.length > 0) {
    out(say('import_problems_header', { count: formatCount(report.problems.length) }));
    for (const problem of report.problems.slice(0, MAX_PRINTED_PROBLEMS)) out(`  ${problemText(problem)}`);
    if (report.problems.length > MAX_PRINTED_PROBLEMS) out(`  ${say('import_problems_more', { count: formatCount(report.problems.length - MAX_PRINTED_PROBLEMS) })}`);
    return;
  }
  const counts = { total: formatCount(report.totalRows), created: formatCount(report.created), updated: formatCount(report.updated), unchanged: formatCount(report.unchanged) };
  out(say(report.dryRun ? 'import_summary_dry_run' : 'import_summary', counts));
}

async function main(): Promise<number> {
  const args = readArguments();
  let data: Buffer;
  try {
    data = fs.readFileSync(args.file);
  } catch (error) {
    process.stderr.write(`${say('import_cli_file_unreadable', { path: args.file, reason: (error as NodeJS.ErrnoException).code ?? String(error) })}\n`);
    return 1;
  }
  const database = await openDatabase();
  // Ctrl-C: stop cleanly so an embedded engine flushes its data (an interrupted write is completed by importing again)
  process.once('SIGINT', () => void database.close().finally(() => process.exit(130)));
  const progress = progressDisplay(process.stderr);
  try {
    const report = await importOfficers(database.connection, data, path.basename(args.file), {
      dryRun: args.dryRun,
      ...(args.effectiveDate ? { effectiveDate: args.effectiveDate } : {}),
      onProgress: (p) => progress.update(p),
    });
    progress.end();
    printReport(report);
    return report.problems.length > 0 ? 1 : 0;
  } finally {
    progress.end();
    await database.close();
  }
}

runCli(main, 'import_cli_failed');
