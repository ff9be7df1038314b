/**
 * The engine in-process, without the wire: `engine.bench.ts` reopens the data directory the
 * worker engine left behind (after its clean stop) with `Engine.open` on the main thread and
 * times `readMatches` — the read path every find goes through — on the same keys and range
 * bounds as the over-the-wire figures. SQLite is measured in-process, so this is the figure
 * that compares the two database engines; the driver's `ping` floor alone is many times
 * SQLite's whole lookup and would otherwise dominate the ratio.
 */
import type { Document } from 'bson';
import { Engine } from '../../server/db/engine/engine';
import { readMatches } from '../../server/db/engine/catalog/read';
import type { Collection } from '../../server/db/engine/catalog/collection';
import { gcNow, keyOf, rangeStarts, Rng, summarize, type Latency } from './bench-data';
import { COLL, DB } from './bench-engine';

export interface InProcessResult {
  findOne: Latency;
  range: Latency;
}

export interface InProcessPlan {
  n: number;
  lookups: number;
  ranges: number;
  /** Seeds of the over-the-wire phases, so both draw the same keys and bounds. */
  warmSeed: number;
  lookupSeed: number;
  rangeSeed: number;
}

/** Sink for the bytes read, so the reads cannot be optimised away. */
let sink = 0;

/**
 * Times `fn` per call; `check` runs after the clock stops, so verifying a result (which may
 * decode documents) is not counted as lookup cost.
 */
function timeChecked<T>(count: number, fn: (i: number) => T, check: (i: number, value: T) => void): Latency {
  const samples = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const value = fn(i);
    samples[i] = performance.now() - t0;
    check(i, value);
  }
  return summarize(samples);
}

/** `limit: 1` equality lookup on the officer/module/year index; reads the stored BSON's length word. */
function lookup(coll: Collection, filter: Document) {
  const { matches } = readMatches(coll, filter, { limit: 1 });
  if (matches.length) sink += matches[0].buf.readInt32LE(0);
  return matches;
}

export async function inProcessLookups(dataDir: string, plan: InProcessPlan, log: (m: string) => void): Promise<InProcessResult> {
  const engine = await Engine.open({ dataDir, log });
  try {
    const coll = engine.catalog.get(DB, COLL);
    if (!coll) throw new Error(`collection ${DB}.${COLL} not found after reopening ${dataDir}`);
    gcNow(); // recovery and index rebuild leave garbage that would otherwise be collected mid-measurement

    const keysFrom = (seed: number, count: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: count }, () => keyOf(rng.int(plan.n)));
    };
    const checkKey = (keys: ReturnType<typeof keyOf>[]) => (i: number, matches: ReturnType<typeof lookup>) => {
      const doc = matches[0]?.doc;
      const k = keys[i];
      if (!doc || !k.officerId.equals(doc.officerId) || doc.moduleCode !== k.moduleCode || doc.year !== k.year) {
        throw new Error(`in-process lookup ${JSON.stringify(k)} returned ${doc ? 'a different document' : 'nothing'}`);
      }
    };
    // same warm-up as the driver phase (JIT, caches), then the measured keys
    const warm = keysFrom(plan.warmSeed, 200);
    timeChecked(warm.length, (i) => lookup(coll, warm[i]), checkKey(warm));
    const keys = keysFrom(plan.lookupSeed, plan.lookups);
    const findOne = timeChecked(keys.length, (i) => lookup(coll, keys[i]), checkKey(keys));

    const starts = rangeStarts(plan.ranges, new Rng(plan.rangeSeed));
    const range = timeChecked(
      starts.length,
      (i) => {
        const { matches } = readMatches(coll, { dueAt: { $gte: starts[i] } }, { sort: { dueAt: 1 }, limit: 100 });
        for (const m of matches) sink += m.buf.readInt32LE(0);
        return matches;
      },
      (i, matches) => {
        if (matches.length !== 100) throw new Error(`in-process range query returned ${matches.length} documents, expected 100`);
        const due = matches.map((m) => (m.doc.dueAt as Date).getTime());
        if (due[0] < starts[i].getTime() || due.some((d, j) => j > 0 && d < due[j - 1])) throw new Error('in-process range query result is out of bounds or not sorted by dueAt');
      },
    );
    if (sink === 0) throw new Error('in-process reads touched no bytes');
    return { findOne, range };
  } finally {
    await engine.close();
  }
}
