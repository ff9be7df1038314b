/**
 * Embedded MongoDB-compatible engine. Public API:
 *  - startEmbeddedMongo(): runs the engine in a worker thread and returns its URI;
 *  - startServer(): runs it on the caller's event loop (the standalone `npm run db` uses this).
 * This folder imports nothing from the application, so it can be published on its own.
 */
import path from 'node:path';
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

/**
 * Where the embedded engine should listen for a data directory: a unix socket beside the
 * data (a loopback round trip costs about a quarter less than over TCP, and nothing
 * else on the machine can reach it), or a free TCP port on 127.0.0.1 on Windows or when
 * the path would exceed the 107-byte limit of socket addresses.
 */
export function defaultListenOptions(dataDir: string): { socketPath: string } | { port: number } {
  const socketPath = path.resolve(dataDir, 'engine.sock');
  if (process.platform === 'win32' || Buffer.byteLength(socketPath) > 100) return { port: 0 };
  return { socketPath };
}

/** Starts the engine in a worker thread. Rejects with the engine's message if it cannot start (e.g. the data directory is locked). */
export function startEmbeddedMongo(options: EmbeddedOptions): Promise<EmbeddedMongo> {
  const { onLog, ...serverOptions } = options;
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
