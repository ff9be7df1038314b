/**
 * Connects mongoose to MONGODB_URI, or — when it is unset — to the embedded engine
 * started in a worker thread with its data under DATA_DIR/db.
 */
import path from 'node:path';
import mongoose from 'mongoose';
import { defaultListenOptions, startEmbeddedMongo, type EmbeddedMongo } from './engine';

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
}

export async function connectDatabase(options: DatabaseOptions): Promise<Database> {
  let engine: EmbeddedMongo | null = null;
  let uri = options.uri;
  if (!uri) {
    const dataDir = path.join(options.dataDir, 'db');
    const { checkpointSeconds, checkpointRecords } = options;
    engine = await startEmbeddedMongo({ dataDir, ...defaultListenOptions(dataDir), checkpointSeconds, checkpointRecords, onLog: options.log });
    uri = engine.uri;
  }
  // sanitizeFilter / strictQuery: a request body can never smuggle query operators or unknown paths into a filter
  mongoose.set('strictQuery', true);
  const connection = mongoose.createConnection(uri, { sanitizeFilter: true, serverSelectionTimeoutMS: 10_000 });
  await connection.asPromise();
  return {
    connection,
    embedded: engine !== null,
    async close() {
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
