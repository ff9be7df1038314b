/**
 * A private embedded database per suite: a fresh temporary data directory, so no suite
 * can see another's data or the development database, deleted again afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { connectDatabase } from '../server/db/connect';
import { useFactoryConnection } from './factories';

export interface TestDatabase {
  connection: Connection;
  close(): Promise<void>;
}

/** Starts an embedded engine in a new temporary directory; factories build into it. */
export async function openTestDatabase(name: string): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `vhcv-test-${name}-`));
  const database = await connectDatabase({ dataDir });
  useFactoryConnection(database.connection);
  return {
    connection: database.connection,
    async close() {
      await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
