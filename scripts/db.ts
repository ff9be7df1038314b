/**
 * Standalone engine: `npm run db -- --dbpath DIR --port PORT [--host H | --socket PATH] [--replSet NAME | --standalone]`.
 * It presents itself as the primary of a one-member replica set named "rs0" unless
 * `--replSet` names another set or `--standalone` asks for a standalone server.
 * Prints one line with the mongodb:// URI once it accepts connections, saying who can reach
 * it; SIGTERM / SIGINT flush, checkpoint and exit 0. The engine has no authentication, so
 * TCP binds loopback only (any other --host is refused) and --socket keeps it to this user.
 */
import { parseArgs } from 'node:util';
import { startServer } from '../server/db/engine';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dbpath: { type: 'string', default: './data/db' },
      port: { type: 'string', default: '27017' },
      host: { type: 'string', default: '127.0.0.1' },
      socket: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      'checkpoint-seconds': { type: 'string' },
      'checkpoint-records': { type: 'string' },
      replSet: { type: 'string', default: 'rs0' },
      standalone: { type: 'boolean', default: false },
    },
  });
  if (!values.socket && !isLoopback(values.host!)) {
    throw new Error(`--host ${values.host} refused: the engine has no authentication, so it listens on loopback only (127.0.0.1, ::1, localhost); use --socket PATH to keep it to this user`);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, got "${values.port}"`);
  const log = values.quiet ? () => {} : (msg: string) => process.stderr.write(`[engine] ${msg}\n`);
  const checkpointSeconds = optionalCount(values['checkpoint-seconds'], '--checkpoint-seconds');
  const checkpointRecords = optionalCount(values['checkpoint-records'], '--checkpoint-records');
  const server = await startServer({ dataDir: values.dbpath!, port, host: values.host, socketPath: values.socket, checkpointSeconds, checkpointRecords, log, replicaSet: values.standalone ? false : values.replSet });
  const reach = values.socket
    ? '(unix socket, owner-only: only this user can connect)'
    : `(TCP on loopback ${values.host} only, without authentication: every local user of this machine can connect; --socket PATH keeps it to this user)`;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: flushing and stopping`);
    server.close().then(() => process.exit(0), (e: Error) => {
      process.stderr.write(`stop failed: ${e.message}\n`);
      process.exit(1);
    });
  };
  // handlers first: a supervisor may signal as soon as it reads the line
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.stdout.write(`engine listening: ${server.uri} ${reach}\n`);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function optionalCount(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a whole number ≥ 0, got "${text}"`);
  return n;
}

main().catch((e: Error) => {
  process.stderr.write(`engine failed to start: ${e.message}\n`);
  process.exit(1);
});
