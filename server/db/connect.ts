/**
 * Connects mongoose to MONGODB_URI, or — when it is unset — to the embedded engine
 * started in a worker thread with its data under DATA_DIR/db.
 */
import path from 'node:path';
import mongoose from 'mongoose';
import { defaultListenOptions, startEmbeddedMongo, type EmbeddedMongo } from './engine';
import { attachEngineLink, EngineLink } from './engine-link';

export interface Database {
  connection: mongoose.Connection;
  /** True when this process runs the embedded engine. */
  embedded: boolean;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  uri?: string;
  dataDir: string;
  log?: (msg: string) => void;
  /** Embedded engine's checkpoint cadence (see DB_CHECKPOINT_SECONDS / DB_CHECKPOINT_RECORDS). */
  checkpointSeconds?: number;
  checkpointRecords?: number;
  /** Test-only full disk for the embedded engine (ENGINE_TEST_NO_SPACE_FILE) */
  noSpaceFaultFile?: string | undefined;
}

export async function connectDatabase(options: DatabaseOptions): Promise<Database> {
  let engine: EmbeddedMongo | null = null;
  let link: EngineLink | null = null;
  let uri = options.uri;
  if (!uri) {
    const dataDir = path.join(options.dataDir, 'db');
    const { checkpointSeconds, checkpointRecords, noSpaceFaultFile } = options;
    const listen = defaultListenOptions(dataDir);
    engine = await startEmbeddedMongo({ dataDir, ...listen, checkpointSeconds, checkpointRecords, noSpaceFaultFile, onLog: options.log });
    uri = engine.uri;
    // the hot reads and writes go over a direct link (server/db/engine-link.ts); Windows listens on TCP and keeps the driver
    if ('socketPath' in listen) link = new EngineLink(listen.socketPath);
  }
  // sanitizeFilter / strictQuery: a request body can never smuggle query operators or unknown paths into a filter
  mongoose.set('strictQuery', true);
  const connection = mongoose.createConnection(uri, { sanitizeFilter: true, serverSelectionTimeoutMS: 10_000 });
  await connection.asPromise();
  if (link) attachEngineLink(connection.getClient(), link);
  return {
    connection,
    embedded: engine !== null,
    async close() {
      link?.close();
      await connection.close();
      await engine?.stop();
    },
  };
}

/** True when the database answers a ping. */
export async function databaseReachable(connection: mongoose.Connection): Promise<boolean> {
  try {
    const db = connection.db;
    if (!db) return false;
    await db.admin().ping();
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the instance can take traffic: the database answers a ping and accepts writes.
 * The embedded engine reports a write failure (a full disk until space returns, a failed
 * journal sync) in serverStatus; a real MongoDB has no such field, or may not allow
 * serverStatus at all, and then the ping decides.
 */
export async function databaseReadiness(connection: mongoose.Connection): Promise<{ ready: boolean; reason: string | null }> {
  if (!(await databaseReachable(connection))) return { ready: false, reason: 'database unreachable' };
  const status = await connection.db!.admin().command({ serverStatus: 1 }).catch(() => null);
  const failure: unknown = status?.storageEngine?.writeFailure;
  return typeof failure === 'string' ? { ready: false, reason: 'database not writable' } : { ready: true, reason: null };
}
