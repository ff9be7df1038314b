/**
 * The engine side of `engine.bench.ts`: every measurement goes through the official driver
 * over the wire to `startEmbeddedMongo` (the engine in a worker thread, as in production).
 */
import { MongoClient, type Collection, type Document } from 'mongodb';
import { cpuTicks, extraAssignment, groupUnits, keepBusy, stealBetween, keyOf, makeAssignment, rangeStarts, Rng, summarize, timeEach, timeRounds, type Assignment, type Latency, type Round } from './bench-data';

export const DB = 'bench';
export const COLL = 'assignments';
export const BATCH = 10_000;

export function assignments(client: MongoClient): Collection<Assignment> {
  return client.db(DB).collection<Assignment>(COLL);
}

export async function connect(uri: string): Promise<MongoClient> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 30_000, socketTimeoutMS: 0 });
  await client.connect();
  return client;
}

export async function createIndexes(col: Collection<Assignment>): Promise<void> {
  await col.createIndexes([
    { key: { officerId: 1, moduleCode: 1, year: 1 }, name: 'officer_module_year' },
    { key: { unitId: 1, year: 1, status: 1 }, name: 'unit_year_status' },
    { key: { dueAt: 1 }, name: 'dueAt' },
  ]);
}

/** insertMany in batches of 10,000; returns docs/s counting only time spent in insertMany. */
export async function bulkLoad(col: Collection<Assignment>, n: number, seed: number, progress: (done: number, rate: number) => void): Promise<number> {
  const rng = new Rng(seed);
  let insertMs = 0;
  let nextReport = 100_000;
  for (let start = 0; start < n; start += BATCH) {
    const batch: Assignment[] = [];
    for (let i = start; i < Math.min(n, start + BATCH); i++) batch.push(makeAssignment(i, rng));
    const t0 = performance.now();
    const res = await col.insertMany(batch);
    insertMs += performance.now() - t0;
    if (res.insertedCount !== batch.length) throw new Error(`insertMany inserted ${res.insertedCount} of ${batch.length}`);
    const done = start + batch.length;
    if (done >= nextReport || done === n) {
      progress(done, done / (insertMs / 1000));
      while (nextReport <= done) nextReport += 100_000;
    }
  }
  return n / (insertMs / 1000);
}

/** Round trip of `ping`: the floor every driver call pays (TCP + BSON + driver). */
export function pingLatency(client: MongoClient, count: number): Promise<Latency> {
  const admin = client.db('admin');
  return timeEach(count, () => admin.command({ ping: 1 }));
}

export async function findOneLatency(col: Collection<Assignment>, n: number, count: number, seed: number): Promise<Latency> {
  const rng = new Rng(seed);
  const keys = Array.from({ length: count }, () => keyOf(rng.int(n)));
  return timeEach(count, async (i) => {
    const doc = await col.findOne(keys[i]);
    if (!doc) throw new Error(`findOne(${JSON.stringify(keys[i])}) found nothing`);
  });
}

/** Equality lookups on random keys for `ms` milliseconds, untimed: JIT and heap settle before the timed runs. */
export function warmUp(col: Collection<Assignment>, n: number, ms: number, seed: number): Promise<number> {
  const rng = new Rng(seed);
  return keepBusy(ms, () => col.findOne(keyOf(rng.int(n))));
}

/** `fsync`: the engine writes a checkpoint, so the load's snapshot writing is over before anything is timed. */
export async function flush(client: MongoClient): Promise<number> {
  const t0 = performance.now();
  await client.db('admin').command({ fsync: 1 });
  return performance.now() - t0;
}

/** The timed lookups: `rounds` rounds of `perRound` random keys, each round with the host's CPU steal. */
export async function findOneRounds(col: Collection<Assignment>, n: number, rounds: number, perRound: number, seed: number): Promise<{ pooled: Latency; rounds: Round[] }> {
  const rng = new Rng(seed);
  const keys = Array.from({ length: rounds * perRound }, () => keyOf(rng.int(n)));
  return timeRounds(rounds, perRound, async (i) => {
    const doc = await col.findOne(keys[i]);
    if (!doc) throw new Error(`findOne(${JSON.stringify(keys[i])}) found nothing`);
  });
}

/** Lookups made back to back while the engine writes a checkpoint (`fsync`): how reads fare meanwhile. */
export async function lookupsDuringCheckpoint(client: MongoClient, col: Collection<Assignment>, n: number, seed: number): Promise<{ latency: Latency; maxMs: number; checkpointMs: number }> {
  const rng = new Rng(seed);
  const samples: number[] = [];
  let done = false;
  const t0 = performance.now();
  const flushing = client.db('admin').command({ fsync: 1 }).finally(() => (done = true));
  while (!done) {
    const t = performance.now();
    if (!(await col.findOne(keyOf(rng.int(n))))) throw new Error('a lookup during the checkpoint found nothing');
    samples.push(performance.now() - t);
  }
  await flushing;
  return { latency: summarize(samples), maxMs: Math.max(...samples), checkpointMs: performance.now() - t0 };
}

export async function rangeLatency(col: Collection<Assignment>, count: number, seed: number): Promise<Latency> {
  const starts = rangeStarts(count, new Rng(seed));
  return timeEach(count, async (i) => {
    const docs = await col.find({ dueAt: { $gte: starts[i] } }).sort({ dueAt: 1 }).limit(100).toArray();
    if (docs.length !== 100) throw new Error(`range query returned ${docs.length} documents, expected 100`);
    for (let j = 1; j < docs.length; j++) if (docs[j].dueAt < docs[j - 1].dueAt) throw new Error('range query result is not sorted by dueAt');
  });
}

export interface GroupRow {
  status: string;
  n: number;
  avg: number | null;
}

export function groupPipeline(n: number): Document[] {
  return [{ $match: { unitId: { $in: groupUnits(n) } } }, { $group: { _id: '$status', n: { $sum: 1 }, avg: { $avg: '$score' } } }, { $sort: { _id: 1 } }];
}

export async function groupLatency(col: Collection<Assignment>, n: number, runs: number, budgetMs = Infinity): Promise<{ latency: Latency; rows: GroupRow[] }> {
  let rows: GroupRow[] = [];
  const pipeline = groupPipeline(n);
  const latency = await timeEach(runs, async () => {
    const out = await col.aggregate<{ _id: string; n: number; avg: number | null }>(pipeline).toArray();
    rows = out.map((r) => ({ status: r._id, n: r.n, avg: r.avg }));
  }, budgetMs);
  return { latency, rows };
}

export interface DurableResult {
  latency: Latency;
  perSecond: number;
  /** Timed inserts. */
  inserts: number;
  /** Every insert made, warm-up included (engine side: checked against the count after the restart). */
  total?: number;
  /** The host's CPU steal during the timed part (0–1), undefined off Linux. */
  steal?: number;
}

/** `writers` separate MongoClients, each awaiting insertOne({w:1, j:true}) in a loop: `warmMs` untimed, then `ms` timed. */
export async function durableInserts(uri: string, n: number, writers: number, ms: number, warmMs: number): Promise<DurableResult> {
  const clients = await Promise.all(Array.from({ length: writers }, () => new MongoClient(uri, { maxPoolSize: 1 }).connect()));
  try {
    const samples: number[] = [];
    let total = 0;
    const timedFrom = performance.now() + warmMs;
    const end = timedFrom + ms;
    let cpuAtStart: ReturnType<typeof cpuTicks>;
    const reading = setTimeout(() => (cpuAtStart = cpuTicks()), warmMs);
    await Promise.all(
      clients.map(async (c, w) => {
        const col = assignments(c);
        const rng = new Rng(1000 + w);
        for (let seq = 0; performance.now() < end; seq++) {
          const doc = extraAssignment(n, w + 1, seq, rng);
          const s = performance.now();
          await col.insertOne(doc, { writeConcern: { w: 1, j: true } });
          total++;
          if (s >= timedFrom) samples.push(performance.now() - s);
        }
      }),
    );
    clearTimeout(reading);
    const secs = (performance.now() - timedFrom) / 1000;
    return { latency: summarize(samples), perSecond: samples.length / secs, inserts: samples.length, total, steal: stealBetween(cpuAtStart, cpuTicks()) };
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  }
}
