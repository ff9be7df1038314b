/**
 * Worker thread for the SQLite durable-insert measurement in `engine.bench.ts`: one
 * connection, one row per autocommit transaction (fsynced: synchronous=FULL), for a fixed
 * time starting at a shared wall-clock instant, after untimed warm-up inserts. Posts back the per-insert latencies (ms).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { extraAssignment, Rng } from './bench-data';
import { INSERT_SQL, open, toRow, type WriterData } from './bench-sqlite';

const { file, n, writer, ms, warmMs, startAt } = workerData as WriterData;

async function run(): Promise<Float64Array> {
  const db = open(file, 'FULL');
  try {
    const insert = db.prepare(INSERT_SQL);
    const rng = new Rng(1000 + writer);
    const samples: number[] = [];
    await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
    const timedFrom = performance.now() + warmMs;
    const end = timedFrom + ms;
    for (let seq = 0; performance.now() < end; seq++) {
      const row = toRow(extraAssignment(n, writer, seq, rng));
      const t0 = performance.now();
      insert.run(row);
      if (t0 >= timedFrom) samples.push(performance.now() - t0);
    }
    return Float64Array.from(samples);
  } finally {
    db.close();
  }
}

run().then(
  (samples) => parentPort!.postMessage({ samples }, [samples.buffer as ArrayBuffer]),
  (e: Error) => parentPort!.postMessage({ error: `sqlite writer ${writer}: ${e.message}` }),
);
