/**
 * Micro-benchmark of the storage layer (not a test). Run after building:
 *   node dist/test/bench/storage.bench.js [dir]
 * Prints the device's raw fdatasync rate, durable appends/s with 1, 8 and 64 concurrent writers, checkpoint time of 1,000,000
 * 100-byte records (with event-loop stalls and appends/s while it runs), and the time to
 * recover them from a snapshot and from a journal.
 */
import { closeSync, fdatasyncSync, openSync, promises as fsp, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataDir } from '../../server/db/engine/storage';

const RECORDS = 1_000_000;
const PAYLOAD = Buffer.alloc(100, 0x61);

async function fresh(base: string, name: string): Promise<DataDir> {
  const d = await DataDir.open(join(base, name));
  await d.recover(() => undefined, () => undefined);
  return d;
}

/** Durable appends per second with `writers` concurrent loops for `ms` milliseconds. */
async function appendRate(d: DataDir, writers: number, ms: number): Promise<{ rate: number; perFlush: number }> {
  const end = performance.now() + ms;
  const flushes0 = d.stats.flushes;
  let count = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      await d.append(PAYLOAD);
      count++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: writers }, loop));
  const secs = (performance.now() - t0) / 1000;
  return { rate: count / secs, perFlush: count / (d.stats.flushes - flushes0) };
}

/** Largest gap between timer ticks while `p` runs, in ms: how long the event loop was blocked. */
async function maxStall<T>(p: () => Promise<T>): Promise<{ value: T; stallMs: number }> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  try {
    const value = await p();
    return { value, stallMs: worst };
  } finally {
    clearInterval(timer);
  }
}

/** The device's own rate: synchronous 108-byte write + fdatasync per second, no Node async overhead. */
function rawSyncRate(dir: string, ms: number): number {
  const path = join(dir, 'raw');
  const fd = openSync(path, 'w');
  const buf = Buffer.alloc(108);
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    writeSync(fd, buf);
    fdatasyncSync(fd);
    n++;
  }
  closeSync(fd);
  unlinkSync(path);
  return n / (ms / 1000);
}

async function recoverTime(path: string): Promise<{ ms: number; n: number }> {
  const d = await DataDir.open(path);
  let n = 0;
  const t0 = performance.now();
  await d.recover(() => n++, () => n++);
  const ms = performance.now() - t0;
  await d.close();
  return { ms, n };
}

async function main(): Promise<void> {
  const base = await fsp.mkdtemp(join(process.argv[2] ?? tmpdir(), 'vhcv-storage-bench-'));
  const out = (s: string): void => console.log(s);
  try {
    out(`device baseline: ${Math.round(rawSyncRate(base, 1000))} write+fdatasync/s (synchronous loop)`);
    for (const writers of [1, 8, 64]) {
      const d = await fresh(base, `w${writers}`);
      const r = await appendRate(d, writers, 3000);
      out(`appends, ${writers} writer(s): ${Math.round(r.rate)} durable appends/s (${r.perFlush.toFixed(1)} records per fsync)`);
      await d.close();
    }

    const snap = await fresh(base, 'snap');
    const records = Array.from({ length: RECORDS }, () => PAYLOAD);
    let during = 0;
    let stop = false;
    const bg = (async () => {
      while (!stop) {
        await snap.append(PAYLOAD);
        during++;
      }
    })();
    const t0 = performance.now();
    const { stallMs } = await maxStall(() => snap.checkpoint(records));
    const ckptMs = performance.now() - t0;
    stop = true;
    await bg;
    await snap.close();
    out(`checkpoint of ${RECORDS} x 100 B: ${ckptMs.toFixed(0)} ms, max event-loop stall ${stallMs.toFixed(1)} ms, ` +
      `${Math.round(during / (ckptMs / 1000))} appends/s by 1 writer meanwhile`);
    const rs = await recoverTime(join(base, 'snap'));
    out(`recovery of ${rs.n} records from a snapshot: ${rs.ms.toFixed(0)} ms`);

    const jd = await fresh(base, 'journal');
    const batch = Array.from({ length: 10_000 }, () => PAYLOAD);
    for (let i = 0; i < RECORDS / batch.length; i++) await jd.appendMany(batch);
    await jd.close();
    const rj = await recoverTime(join(base, 'journal'));
    out(`recovery of ${rj.n} records from a journal: ${rj.ms.toFixed(0)} ms`);
  } finally {
    await fsp.rm(base, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
