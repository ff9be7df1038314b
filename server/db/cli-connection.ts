/**
 * The database for command-line tools (import:officers, admin:create): MONGODB_URI when
 * set; otherwise the engine of a platform already running on DATA_DIR (through its unix
 * socket — the data directory is locked while it runs); otherwise the embedded engine,
 * opened by the tool itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import type { Env } from '../env';
import { connectDatabase } from './connect';
import { defaultListenOptions } from './engine';

export interface CliDatabase {
  connection: mongoose.Connection;
  /** which of the three it is */
  source: 'uri' | 'running' | 'embedded';
  close(): Promise<void>;
}

/** Connects to the engine a running platform serves on `socketPath`; null if nobody answers there. */
async function connectToRunningPlatform(socketPath: string): Promise<CliDatabase | null> {
  if (!fs.existsSync(socketPath)) return null;
  // the URI the engine itself reports for a socket (server/db/engine/server.ts)
  const uri = `mongodb://${encodeURIComponent(socketPath)}/?directConnection=true`;
  mongoose.set('strictQuery', true);
  const connection = mongoose.createConnection(uri, { sanitizeFilter: true, serverSelectionTimeoutMS: 3_000 });
  try {
    await connection.asPromise();
    return { connection, source: 'running', close: () => connection.close() };
  } catch {
    // a socket file left behind by a platform that crashed: nobody listens on it
    await connection.close().catch(() => undefined);
    return null;
  }
}

export async function openCliDatabase(config: Env): Promise<CliDatabase> {
  if (config.MONGODB_URI) {
    const db = await connectDatabase({ uri: config.MONGODB_URI, dataDir: config.DATA_DIR });
    return { connection: db.connection, source: 'uri', close: db.close };
  }
  const listen = defaultListenOptions(path.join(config.DATA_DIR, 'db'));
  const running = 'socketPath' in listen ? await connectToRunningPlatform(listen.socketPath) : null;
  if (running) return running;
  const db = await connectDatabase({ dataDir: config.DATA_DIR });
  return { connection: db.connection, source: 'embedded', close: db.close };
}
