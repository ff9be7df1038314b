/**
 * Loads the starter content (or another content folder) into the database:
 *   npm run content:load [-- --dir DIR]
 * Idempotent (server/content/loader.ts): run it after pulling new content. Uses
 * MONGODB_URI if set; otherwise the database of the platform running on DATA_DIR, or
 * else opens the embedded database itself. Exit status: 0 loaded, 1 problems in the
 * content (nothing written) or a failure, 2 bad arguments.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openCliDatabase } from '../server/db/cli-connection';
import { env } from '../server/env';
import { runCli, say, UsageError } from './cli';
import { problemText } from '../server/content/format';
import { ContentProblems, DEFAULT_CONTENT_DIR, loadContent } from '../server/content/loader';


function readArguments(): { dir: string } {
  try {
    const { values, positionals } = parseArgs({ allowPositionals: true, options: { dir: { type: 'string' } } });
    if (positionals.length > 0) throw new UsageError(say('content_cli_usage'));
    return { dir: path.resolve(values.dir ?? env().CONTENT_DIR ?? DEFAULT_CONTENT_DIR) };
  } catch {
    throw new UsageError(say('content_cli_usage'));
  }
}

async function main(): Promise<number> {
  const { dir } = readArguments();
  const database = await openCliDatabase(env());
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const summary = await loadContent(database.connection, { dir, config: env(), log: (line) => process.stderr.write(`${line}\n`) });
    out(say('content_summary', { ...summary }));
    return 0;
  } catch (error) {
    if (!(error instanceof ContentProblems)) throw error;
    out(say('content_problems_header', { count: error.problems.length }));
    for (const problem of error.problems) out(`  ${problemText(problem)}`);
    return 1;
  } finally {
    await database.close();
  }
}

runCli(main, 'content_cli_failed');
