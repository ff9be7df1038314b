/**
 * Embedded MongoDB-compatible engine. Public API:
 *  - startEmbeddedMongo(): runs the engine in a worker thread and returns its URI;
 *  - startServer(): runs it on the caller's event loop (the standalone `npm run db` uses this).
 * This folder imports nothing from the application, so it can be published on its own.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { ServerOptions } from './server';

export { startServer, type ServerOptions, type RunningServer } from './server';
export { EngineError } from './errors';

export interface EmbeddedMongo {
  /** mongodb:// URI to hand to mongoose or the driver. */
  uri: string;
  /** Flushes, checkpoints and releases the data directory. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions extends Omit<ServerOptions, 'log'> {
  /** Receives the engine's log lines (recovery, checkpoints, dropped connections). */
  onLog?: (msg: string) => void;
}

/** Longest unix socket path accepted, in bytes (sun_path holds 108 on Linux, 104 on macOS, with its NUL). */
const MAX_SOCKET_PATH = 100;

/**
 * Where the embedded engine should listen for a data directory: a unix socket, which only
 * this user can reach (the engine has no authentication, so a TCP port would let every
 * local user read and change everything). Beside the data (`dataDir/engine.sock`, in the
 * owner-only data directory) when the path fits in a socket address; otherwise in a private
 * runtime directory (`<tmpdir>/vhcv-engine-<uid>`, 0700, checked to be ours) under a name
 * derived from the data directory, so the CLI finds the platform's socket again. Throws when
 * neither fits: never a silent fallback to TCP. Windows has no unix sockets here: a loopback
 * TCP port, documented as reachable by every local user.
 */
export function defaultListenOptions(dataDir: string): { socketPath: string } | { port: number } {
  if (process.platform === 'win32') return { port: 0 };
  const beside = path.resolve(dataDir, 'engine.sock');
  if (Buffer.byteLength(beside) <= MAX_SOCKET_PATH) return { socketPath: beside };
  const runtimeDir = path.join(os.tmpdir(), `vhcv-engine-${process.getuid?.() ?? 'user'}`);
  const name = `${createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16)}.sock`;
  const socketPath = path.join(runtimeDir, name);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    throw new Error(
      `Đường dẫn socket của cơ sở dữ liệu nhúng quá dài (${beside}); hãy dùng DATA_DIR ngắn hơn hoặc đặt TMPDIR ngắn hơn. / ` +
        `the embedded engine's socket path is too long for a unix socket (${Buffer.byteLength(beside)} bytes, at most ${MAX_SOCKET_PATH}) ` +
        `and so is ${socketPath}: use a shorter DATA_DIR or set TMPDIR to a short directory. The engine never falls back to TCP, which every local user could reach.`,
    );
  }
  privateDir(runtimeDir);
  return { socketPath };
}

/** Creates `dir` owner-only, or checks that an existing one is a real directory of ours that nobody else can enter. */
function privateDir(dir: string): void {
  fs.mkdirSync(dir, { mode: 0o700, recursive: true });
  const st = fs.lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) {
    throw new Error(
      `Thư mục ${dir} không an toàn cho socket của cơ sở dữ liệu (phải là thư mục riêng, quyền 0700). / ` +
        `${dir} is not safe for the engine's socket: it must be a directory owned by this user with mode 0700 (found ${st.isDirectory() ? (st.mode & 0o777).toString(8) : 'not a directory'}, owner ${st.uid}).`,
    );
  }
}

/**
 * V8's default semi-space on 64-bit, MB. The engine's worker keeps it whatever
 * `--max-semi-space-size` the app runs with (`npm start`: 64, for the reports' raw reads —
 * docs/deployment.md "Node flags"): the flag is process-wide, a worker's `resourceLimits`
 * do not override it, and with it the engine's RSS (bench:engine, target ≤ 1.5 GB) went
 * from 1,423 to 1,575 MB. V8 reads the flag when an isolate is created, so setting it here
 * changes the workers created from now on, not the running main thread (which keeps 64).
 */
const ENGINE_SEMI_SPACE_MB = 16;

/** Starts the engine in a worker thread. Rejects with the engine's message if it cannot start (e.g. the data directory is locked). */
export function startEmbeddedMongo(options: EmbeddedOptions): Promise<EmbeddedMongo> {
  const { onLog, ...serverOptions } = options;
  v8.setFlagsFromString(`--max-semi-space-size=${ENGINE_SEMI_SPACE_MB}`);
  const worker = new Worker(path.join(__dirname, 'worker.js'), { workerData: serverOptions });
  return new Promise((resolve, reject) => {
    let stopping: Promise<void> | null = null;
    let onStopped: ((err?: string) => void) | null = null;
    worker.on('message', (m: { type: string; uri?: string; error?: string; msg?: string }) => {
      if (m.type === 'log') onLog?.(m.msg!);
      else if (m.type === 'ready') {
        resolve({
          uri: m.uri!,
          stop() {
            stopping ??= new Promise<void>((done, fail) => {
              onStopped = (err) => void worker.terminate().then(() => (err ? fail(new Error(err)) : done()));
              worker.postMessage({ type: 'stop' });
            });
            return stopping;
          },
        });
      } else if (m.type === 'error') {
        void worker.terminate();
        reject(new Error(m.error));
      } else if (m.type === 'stopped') onStopped?.(m.error);
    });
    worker.once('error', reject);
  });
}
