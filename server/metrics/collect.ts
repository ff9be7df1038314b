/** Scrape-time figures: the database's own counters (serverStatus) and the job queue. */
import type { Connection } from 'mongoose';
import { jobModel } from '../jobs/model';
import * as m from './registry';

interface EngineStats {
  journalBytes: number;
  flushes: number;
  syncSeconds: number;
  checkpoints: number;
  checkpointSeconds: number;
  lastCheckpointSeconds: number;
}

/** Refreshes the gauges read from the database; a database that does not answer leaves them as they were. */
export async function collectDatabaseFigures(db: Connection): Promise<void> {
  const status = await db.db?.admin().command({ serverStatus: 1 }).catch(() => null);
  const open = status?.metrics?.cursor?.open?.total;
  if (typeof open === 'number') m.engineOpenCursors.set(open);
  // only the embedded engine reports its journal (a real MongoDB has wiredTiger figures instead)
  const stats = status?.storageEngine?.stats as EngineStats | undefined;
  if (stats) {
    m.engineJournalBytes.set(stats.journalBytes);
    m.engineFsyncs.set(stats.flushes);
    m.engineFsyncSeconds.set(stats.syncSeconds);
    m.engineCheckpoints.set(stats.checkpoints);
    m.engineCheckpointSeconds.set(stats.checkpointSeconds);
    m.engineLastCheckpointSeconds.set(stats.lastCheckpointSeconds);
  }
  const counts = await jobModel(db)
    .aggregate<{ _id: string | null; n: number }>([{ $group: { _id: '$run.status', n: { $sum: 1 } } }])
    .catch(() => null);
  if (counts) {
    for (const status of ['queued', 'running', 'done', 'failed']) m.jobs.set({ status }, counts.find((c) => c._id === status)?.n ?? 0);
  }
}
