/**
 * Benchmark of the embedded engine against SQLite (not a test). Run:
 *   npm run bench:engine                       (N = 1,000,000)
 *   BENCH_DOCS=100000 npm run bench:engine     (quicker)
 * Env: BENCH_DOCS (documents), BENCH_DIR (where the temporary data goes, default the OS
 * temp dir), BENCH_KEEP=1 (keep the data), BENCH_WRITE_DOCS=1 (write the results into
 * docs/benchmarks.md under "## Embedded engine (npm run bench:engine)").
 *
 * The engine runs as in production: `startEmbeddedMongo` (a worker thread of this process)
 * reached through the mongodb driver from the main thread. SQLite (better-sqlite3) runs the
 * same operations on the same data afterwards, so the figures do not disturb each other.
 * Between the two, the engine is reopened in-process on the same data (bench-inproc.ts) to
 * time its own lookups without the wire, the figure comparable with in-process SQLite.
 * See bench-report.ts for the exact method, printed with the results.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MongoClient } from 'mongodb';
import { defaultListenOptions, startEmbeddedMongo, type EmbeddedMongo } from '../../server/db/engine';
import { gcNow, keyOf, mb, type Round } from './bench-data';
import * as eng from './bench-engine';
import { inProcessLookups } from './bench-inproc';
import { machineFacts, renderReport, writeDocs, type BenchResult, type SideResult } from './bench-report';
import * as lite from './bench-sqlite';

const SEED = 20_241_115;
const LOOKUPS = 10_000;
const LOOKUP_ROUNDS = 5;
/** Lookups timed straight after the bulk load, before the checkpoint (context only). */
const LOOKUPS_AFTER_LOAD = 2_000;
/** Untimed lookups before the timed ones, per side. */
const WARM_MS = 5_000;
const RANGES = 500;
const GROUP_RUNS = 20;
/** Time budget for the $group runs (at least 3 runs are made whatever it takes). */
const GROUP_BUDGET_MS = 60_000;
const WRITERS = 8;
const DURABLE_MS = 5_000;
/** Untimed durable inserts before the timed ones, per side. */
const DURABLE_WARM_MS = 2_000;

const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)}s`;
const log = (msg: string) => console.log(`[${elapsed().padStart(6)}] ${msg}`);
const rate = (v: number) => Math.round(v).toLocaleString('en-US');

/** Runs one measured step; a failure is recorded and printed, and the step yields undefined. */
async function phase<T>(side: SideResult, name: string, fn: () => Promise<T> | T): Promise<T | undefined> {
  const start = performance.now();
  log(`${name} …`);
  try {
    const value = await fn();
    log(`${name}: done in ${((performance.now() - start) / 1000).toFixed(2)} s`);
    return value;
  } catch (e) {
    const err = e as Error;
    side.errors.push(`${name}: ${err.message}`);
    log(`✗ ${name} FAILED: ${err.stack ?? err.message}`);
    return undefined;
  }
}

/**
 * The disk's own rate of small durable writes for one second (write 300 bytes, fdatasync),
 * so the durable-insert figures can be read against what the disk allowed at that moment.
 */
function diskSyncRate(dir: string): number {
  const file = path.join(dir, 'fsync-probe.tmp');
  const fd = fs.openSync(file, 'w');
  const buf = Buffer.alloc(300, 1);
  let n = 0;
  const end = performance.now() + 1000;
  try {
    while (performance.now() < end) {
      fs.writeSync(fd, buf, 0, buf.length, n * buf.length);
      fs.fdatasyncSync(fd);
      n++;
    }
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
  }
  return n;
}

const fmtLat = (l: { p50: number; p95: number }) => `p50 ${l.p50.toFixed(3)} ms, p95 ${l.p95.toFixed(3)} ms`;

const fmtRound = (r: Round) => `${r.latency.p95.toFixed(3)} ms (${r.steal === undefined ? '?' : (r.steal * 100).toFixed(1)} %)`;

const onLog = (m: string) => {
  if (/recover|checkpoint|fail|error|lock/i.test(m)) log(`  [engine] ${m}`);
};

async function runEngine(n: number, dataDir: string, r: BenchResult): Promise<void> {
  const e = r.engine;
  gcNow();
  r.memory.baselineRss = process.memoryUsage().rss;
  let engine: EmbeddedMongo | undefined = await phase(e, 'engine: start (empty data dir)', () => startEmbeddedMongo({ dataDir, ...defaultListenOptions(dataDir), onLog }));
  if (!engine) return;
  let client: MongoClient | undefined;
  try {
    client = await eng.connect(engine.uri);
    const col = eng.assignments(client);
    await phase(e, 'engine: create indexes', () => eng.createIndexes(col));
    if (e.errors.length) return;
    e.load = await phase(e, `engine: bulk load ${rate(n)} docs`, () =>
      eng.bulkLoad(col, n, SEED, (done, r2) => log(`  engine: ${rate(done)} docs loaded (${rate(r2)} docs/s)`)),
    );
    if (e.load === undefined) return;
    log(`engine: bulk load ${rate(e.load)} docs/s`);
    const count = await col.estimatedDocumentCount();
    if (count !== n) throw new Error(`engine holds ${count} documents after loading ${n}`);
    gcNow();
    r.memory.afterLoadRss = process.memoryUsage().rss;
    r.memory.mainHeapAfterLoad = process.memoryUsage().heapUsed;
    log(`engine: process RSS after load ${mb(r.memory.afterLoadRss)} MB (main-thread heap ${mb(r.memory.mainHeapAfterLoad)} MB)`);

    // what a client sees while the load's last checkpoint and garbage collection still run (context, not the target)
    e.findOneAfterLoad = await phase(e, `engine: findOne ×${LOOKUPS_AFTER_LOAD} straight after the load`, () => eng.findOneLatency(col, n, LOOKUPS_AFTER_LOAD, SEED + 3));
    if (e.findOneAfterLoad) log(`engine: findOne straight after the load ${fmtLat(e.findOneAfterLoad)}`);
    e.flushMs = await phase(e, 'engine: fsync (checkpoint)', () => eng.flush(client!));
    await phase(e, `engine: warm-up lookups for ${WARM_MS / 1000} s`, () => eng.warmUp(col, n, WARM_MS, SEED + 9));
    e.ping = await phase(e, 'engine: ping ×1,000', () => eng.pingLatency(client!, 1_000));
    const lookups = await phase(e, `engine: findOne ×${LOOKUPS} in ${LOOKUP_ROUNDS} rounds`, () => eng.findOneRounds(col, n, LOOKUP_ROUNDS, LOOKUPS / LOOKUP_ROUNDS, SEED + 1));
    if (lookups) {
      e.findOne = lookups.pooled;
      e.findOneRounds = lookups.rounds;
      log(`engine: findOne ${fmtLat(lookups.pooled)}; per round p95 (host CPU steal): ${lookups.rounds.map(fmtRound).join(', ')}`);
    }
    e.range = await phase(e, `engine: range query ×${RANGES}`, () => eng.rangeLatency(col, RANGES, SEED + 2));
    if (e.range) log(`engine: range ${fmtLat(e.range)}`);
    const group = await phase(e, `engine: $group ×${GROUP_RUNS}`, async () => {
      await eng.groupLatency(col, n, 1); // warm-up
      return eng.groupLatency(col, n, GROUP_RUNS, GROUP_BUDGET_MS);
    });
    if (group) {
      e.group = group.latency;
      e.groupRows = group.rows;
      e.groupDocs = group.rows.reduce((s, g) => s + g.n, 0);
      log(`engine: $group over ${rate(e.groupDocs)} docs ${fmtLat(group.latency)} (${group.latency.count} runs)`);
    }
    r.diskSyncsPerSecond = diskSyncRate(dataDir);
    log(`disk alone: ${rate(r.diskSyncsPerSecond)} small durable writes/s`);
    e.durable = await phase(e, `engine: durable inserts, ${WRITERS} clients × ${DURABLE_WARM_MS / 1000} s untimed + ${DURABLE_MS / 1000} s`, () => eng.durableInserts(engine!.uri, n, WRITERS, DURABLE_MS, DURABLE_WARM_MS));
    if (e.durable) log(`engine: ${rate(e.durable.perSecond)} durable inserts/s, ${fmtLat(e.durable.latency)}, host CPU steal ${e.durable.steal === undefined ? '?' : (e.durable.steal * 100).toFixed(1)} %`);
    // last before the stop: the checkpoint's garbage would otherwise weigh on the timed phases after it
    const during = await phase(e, 'engine: findOne while a checkpoint runs', () => eng.lookupsDuringCheckpoint(client!, col, n, SEED + 4));
    if (during) {
      e.findOneDuringCheckpoint = during;
      log(`engine: findOne during a ${(during.checkpointMs / 1000).toFixed(1)} s checkpoint: ${during.latency.count} lookups, ${fmtLat(during.latency)}, max ${during.maxMs.toFixed(1)} ms`);
    }

    await client.close();
    client = undefined;
    const stopping = engine;
    engine = undefined;
    if ((await phase(e, 'engine: clean stop', () => stopping.stop().then(() => true))) === undefined) return;
    e.coldMs = await phase(e, 'engine: cold start', async () => {
      const start = performance.now();
      engine = await startEmbeddedMongo({ dataDir, ...defaultListenOptions(dataDir), onLog });
      client = await eng.connect(engine.uri);
      await client.db('admin').command({ ping: 1 });
      if (!(await eng.assignments(client).findOne(keyOf(Math.floor(n / 2))))) throw new Error('first findOne after restart found nothing');
      return performance.now() - start;
    });
    if (e.coldMs !== undefined) log(`engine: cold start ${(e.coldMs / 1000).toFixed(2)} s`);
    if (client) {
      const after = await (client as MongoClient).db(eng.DB).collection(eng.COLL).estimatedDocumentCount();
      const expected = n + (e.durable?.total ?? 0);
      if (after !== expected) e.errors.push(`after restart the engine holds ${after} documents, expected ${expected}`);
    }
    gcNow();
    r.memory.afterColdRss = process.memoryUsage().rss;
    r.memory.mainHeapAfterCold = process.memoryUsage().heapUsed;
    log(`engine: process RSS after cold start ${mb(r.memory.afterColdRss)} MB`);
  } catch (err) {
    e.errors.push((err as Error).message);
    log(`✗ engine: ${(err as Error).stack}`);
  } finally {
    await (client as MongoClient | undefined)?.close().catch(() => undefined);
    await (engine as EmbeddedMongo | undefined)?.stop().catch((err: Error) => log(`✗ engine stop failed: ${err.message}`));
  }
}

/**
 * Runs after runEngine, whose `finally` has stopped the worker engine and so released the
 * data directory's lock; the in-process engine is closed again before SQLite starts.
 * Memory figures are all taken before this, so they still describe the worker setup only.
 */
async function runEngineInProcess(n: number, dataDir: string, r: BenchResult): Promise<void> {
  const e = r.engine;
  const got = await phase(e, `engine in-process (no wire): open + findOne ×${LOOKUPS} + range ×${RANGES}`, () =>
    inProcessLookups(dataDir, { n, lookups: LOOKUPS, ranges: RANGES, warmSeed: SEED + 9, lookupSeed: SEED + 1, rangeSeed: SEED + 2 }, onLog),
  );
  if (!got) return;
  e.findOneInProc = got.findOne;
  e.rangeInProc = got.range;
  log(`engine in-process: findOne ${fmtLat(got.findOne)}; range ${fmtLat(got.range)}`);
  gcNow(); // the closed engine's documents and indexes are garbage now; free them before SQLite
}

async function runSqlite(n: number, file: string, r: BenchResult): Promise<void> {
  const s = r.sqlite;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let db = lite.open(file, 'NORMAL');
  try {
    lite.createSchema(db);
    s.load = await phase(s, `sqlite: bulk load ${rate(n)} rows`, () =>
      lite.bulkLoad(db, n, SEED, (done, r2) => log(`  sqlite: ${rate(done)} rows loaded (${rate(r2)} rows/s)`)),
    );
    if (s.load === undefined) return;
    log(`sqlite: bulk load ${rate(s.load)} rows/s`);
    s.flushMs = lite.flush(db);
    await phase(s, `sqlite: warm-up lookups for ${WARM_MS / 1000} s`, () => lite.warmUp(db, n, WARM_MS, SEED + 9));
    s.findOne = await phase(s, `sqlite: lookup ×${LOOKUPS}`, () => lite.findOneLatency(db, n, LOOKUPS, SEED + 1));
    if (s.findOne) log(`sqlite: lookup ${fmtLat(s.findOne)}`);
    s.range = await phase(s, `sqlite: range query ×${RANGES}`, () => lite.rangeLatency(db, RANGES, SEED + 2));
    if (s.range) log(`sqlite: range ${fmtLat(s.range)}`);
    const group = await phase(s, `sqlite: GROUP BY ×${GROUP_RUNS}`, async () => {
      await lite.groupLatency(db, n, 1);
      return lite.groupLatency(db, n, GROUP_RUNS, GROUP_BUDGET_MS);
    });
    if (group) {
      s.group = group.latency;
      s.groupRows = group.rows;
      s.groupDocs = group.rows.reduce((t, g) => t + g.n, 0);
      log(`sqlite: GROUP BY over ${rate(s.groupDocs)} rows ${fmtLat(group.latency)} (${group.latency.count} runs)`);
    }
    s.durable = await phase(s, `sqlite: durable inserts, ${WRITERS} worker connections × ${DURABLE_WARM_MS / 1000} s untimed + ${DURABLE_MS / 1000} s`, () => lite.durableInserts(file, n, WRITERS, DURABLE_MS, DURABLE_WARM_MS));
    if (s.durable) log(`sqlite: ${rate(s.durable.perSecond)} durable inserts/s, ${fmtLat(s.durable.latency)}`);
    db.close();
    const cold = await phase(s, 'sqlite: cold start', () => lite.coldStart(file, n));
    if (cold) {
      db = cold.db;
      s.coldMs = cold.ms;
    }
  } catch (err) {
    s.errors.push((err as Error).message);
    log(`✗ sqlite: ${(err as Error).stack}`);
  } finally {
    if (db.open) db.close();
  }
}

async function main(): Promise<number> {
  const n = Number(process.env.BENCH_DOCS ?? 1_000_000);
  if (!Number.isInteger(n) || n < 10_000) throw new Error(`BENCH_DOCS must be an integer ≥ 10000, got "${process.env.BENCH_DOCS}"`);
  if (!(globalThis as { gc?: unknown }).gc) log('note: run with node --expose-gc for steadier memory figures');
  const root = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'engine-bench-'));
  log(`engine benchmark, N = ${rate(n)}; data in ${root}`);
  for (const f of machineFacts()) log(f);
  const result: BenchResult = { n, engine: { errors: [] }, sqlite: { errors: [] }, memory: {}, date: new Date(), totalSeconds: 0, loadAvg: [os.loadavg()[0], 0] };
  try {
    await runEngine(n, path.join(root, 'engine'), result);
    // without a completed load there is no data set to look up in
    if (result.engine.load !== undefined) await runEngineInProcess(n, path.join(root, 'engine'), result);
    await runSqlite(n, path.join(root, 'sqlite', 'bench.db'), result);
  } finally {
    if (process.env.BENCH_KEEP === '1') log(`data kept in ${root}`);
    else fs.rmSync(root, { recursive: true, force: true });
  }
  result.totalSeconds = (performance.now() - t0) / 1000;
  result.loadAvg[1] = os.loadavg()[0];
  const report = renderReport(result);
  console.log(`\n${report}\n`);
  if (process.env.BENCH_WRITE_DOCS === '1') log(`wrote ${writeDocs(report)}`);
  const failures = result.engine.errors.length + result.sqlite.errors.length;
  if (failures) log(`${failures} step(s) failed — see above`);
  return failures ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`engine benchmark failed: ${e.stack ?? e.message}`);
    process.exit(1);
  },
);
