/**
 * The SQLite side of `engine.bench.ts`: better-sqlite3 (in-process, synchronous) on an
 * equivalent table — ObjectIds as 12-byte BLOBs, dates as epoch-ms INTEGERs, `_id BLOB
 * PRIMARY KEY` standing in for MongoDB's _id index — with the same three secondary indexes.
 * journal_mode=WAL throughout; synchronous=NORMAL for the bulk load (MongoDB's bulk path
 * is not fsync-per-batch either), synchronous=FULL for the durable-insert test so every
 * commit is fsynced before it returns, like the engine's acknowledged writes.
 * Rows read back are turned into objects with Date and ObjectId fields, as the driver does.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { ObjectId } from 'bson';
import { groupUnits, keepBusy, keyOf, makeAssignment, rangeStarts, Rng, summarize, timeEach, type Assignment, type Latency } from './bench-data';
import type { DurableResult, GroupRow } from './bench-engine';

export const BATCH = 10_000;

const COLUMNS = '_id, officerId, unitId, moduleCode, year, status, score, assignedAt, dueAt, completedAt';
export const INSERT_SQL = `INSERT INTO assignments (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export function toRow(a: Assignment): unknown[] {
  return [
    Buffer.from(new ObjectId().id),
    Buffer.from(a.officerId.id),
    Buffer.from(a.unitId.id),
    a.moduleCode,
    a.year,
    a.status,
    a.score,
    a.assignedAt.getTime(),
    a.dueAt.getTime(),
    a.completedAt ? a.completedAt.getTime() : null,
  ];
}

interface Row {
  _id: Buffer;
  officerId: Buffer;
  unitId: Buffer;
  moduleCode: string;
  year: number;
  status: string;
  score: number | null;
  assignedAt: number;
  dueAt: number;
  completedAt: number | null;
}

function fromRow(r: Row): Assignment & { _id: ObjectId } {
  return {
    _id: new ObjectId(r._id),
    officerId: new ObjectId(r.officerId),
    unitId: new ObjectId(r.unitId),
    moduleCode: r.moduleCode,
    year: r.year,
    status: r.status as Assignment['status'],
    score: r.score,
    assignedAt: new Date(r.assignedAt),
    dueAt: new Date(r.dueAt),
    completedAt: r.completedAt === null ? null : new Date(r.completedAt),
  };
}

export function open(file: string, synchronous: 'NORMAL' | 'FULL'): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 10000');
  return db;
}

export function createSchema(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS assignments (
      _id BLOB PRIMARY KEY, officerId BLOB NOT NULL, unitId BLOB NOT NULL, moduleCode TEXT NOT NULL,
      year INTEGER NOT NULL, status TEXT NOT NULL, score REAL, assignedAt INTEGER NOT NULL,
      dueAt INTEGER NOT NULL, completedAt INTEGER);
    CREATE INDEX IF NOT EXISTS officer_module_year ON assignments (officerId, moduleCode, year);
    CREATE INDEX IF NOT EXISTS unit_year_status ON assignments (unitId, year, status);
    CREATE INDEX IF NOT EXISTS dueAt ON assignments (dueAt);`);
}

/** Inserts in transactions of 10,000 rows; returns rows/s counting only time spent in SQLite. */
export function bulkLoad(db: Database.Database, n: number, seed: number, progress: (done: number, rate: number) => void): number {
  const rng = new Rng(seed);
  const insert = db.prepare(INSERT_SQL);
  const insertBatch = db.transaction((rows: unknown[][]) => {
    for (const r of rows) insert.run(r);
  });
  let ms = 0;
  let nextReport = 100_000;
  for (let start = 0; start < n; start += BATCH) {
    const rows: unknown[][] = [];
    for (let i = start; i < Math.min(n, start + BATCH); i++) rows.push(toRow(makeAssignment(i, rng)));
    const t0 = performance.now();
    insertBatch(rows);
    ms += performance.now() - t0;
    const done = start + rows.length;
    if (done >= nextReport || done === n) {
      progress(done, done / (ms / 1000));
      while (nextReport <= done) nextReport += 100_000;
    }
  }
  return n / (ms / 1000);
}

function lookupStatement(db: Database.Database) {
  const stmt = db.prepare<unknown[], Row>('SELECT * FROM assignments WHERE officerId = ? AND moduleCode = ? AND year = ? LIMIT 1');
  return (k: ReturnType<typeof keyOf>) => {
    const r = stmt.get(Buffer.from(k.officerId.id), k.moduleCode, k.year);
    return r ? fromRow(r) : undefined;
  };
}

/** Open + first indexed lookup (the page cache is warm, as it is for the engine's restart). */
export function coldStart(file: string, n: number): { ms: number; db: Database.Database } {
  const t0 = performance.now();
  const db = open(file, 'NORMAL');
  if (!lookupStatement(db)(keyOf(Math.floor(n / 2)))) throw new Error('sqlite: first lookup after reopening found nothing');
  return { ms: performance.now() - t0, db };
}

export function findOneLatency(db: Database.Database, n: number, count: number, seed: number): Promise<Latency> {
  const rng = new Rng(seed);
  const keys = Array.from({ length: count }, () => keyOf(rng.int(n)));
  const lookup = lookupStatement(db);
  return timeEach(count, (i) => {
    if (!lookup(keys[i])) throw new Error(`sqlite lookup ${i} found nothing`);
  });
}

/** Untimed lookups for `ms` milliseconds, as on the engine side. */
export function warmUp(db: Database.Database, n: number, ms: number, seed: number): Promise<number> {
  const rng = new Rng(seed);
  const lookup = lookupStatement(db);
  return keepBusy(ms, () => lookup(keyOf(rng.int(n))));
}

/** The WAL written by the load moved into the database file (SQLite's counterpart of the engine's `fsync` checkpoint). */
export function flush(db: Database.Database): number {
  const t0 = performance.now();
  db.pragma('wal_checkpoint(TRUNCATE)');
  return performance.now() - t0;
}

export function rangeLatency(db: Database.Database, count: number, seed: number): Promise<Latency> {
  const starts = rangeStarts(count, new Rng(seed));
  const stmt = db.prepare<unknown[], Row>('SELECT * FROM assignments WHERE dueAt >= ? ORDER BY dueAt LIMIT 100');
  return timeEach(count, (i) => {
    const rows = stmt.all(starts[i].getTime()).map(fromRow);
    if (rows.length !== 100) throw new Error(`sqlite range query returned ${rows.length} rows`);
  });
}

export async function groupLatency(db: Database.Database, n: number, runs: number, budgetMs = Infinity): Promise<{ latency: Latency; rows: GroupRow[] }> {
  const units = groupUnits(n).map((u) => Buffer.from(u.id));
  const stmt = db.prepare<unknown[], GroupRow>(
    `SELECT status, COUNT(*) AS n, AVG(score) AS avg FROM assignments WHERE unitId IN (${units.map(() => '?').join(',')}) GROUP BY status ORDER BY status`,
  );
  let rows: GroupRow[] = [];
  const latency = await timeEach(runs, () => {
    rows = stmt.all(...units);
  }, budgetMs);
  return { latency, rows };
}

export interface WriterData {
  file: string;
  n: number;
  writer: number;
  ms: number;
  /** Untimed inserts before the timed `ms`. */
  warmMs: number;
  startAt: number;
}

/**
 * `writers` worker threads, each with its own connection (synchronous=FULL, busy_timeout
 * 10 s), each inserting one row per autocommit transaction in a loop for `ms`. SQLite
 * serialises them on its WAL write lock; waiting writers sleep in SQLite's busy handler.
 */
export async function durableInserts(file: string, n: number, writers: number, ms: number, warmMs: number): Promise<DurableResult> {
  const startAt = Date.now() + 500;
  const script = path.join(__dirname, 'sqlite-writer.worker.js');
  const results = await Promise.all(
    Array.from(
      { length: writers },
      (_, w) =>
        new Promise<Float64Array>((resolve, reject) => {
          const worker = new Worker(script, { workerData: { file, n, writer: w + 1, ms, warmMs, startAt } satisfies WriterData });
          worker.once('message', (m: { samples?: Float64Array; error?: string }) => (m.error ? reject(new Error(m.error)) : resolve(m.samples!)));
          worker.once('error', reject);
          worker.once('exit', (code) => code !== 0 && reject(new Error(`sqlite writer ${w + 1} exited with code ${code}`)));
        }),
    ),
  );
  const all = Float64Array.from(results.flatMap((r) => Array.from(r)));
  return { latency: summarize(all), perSecond: all.length / (ms / 1000), inserts: all.length };
}
