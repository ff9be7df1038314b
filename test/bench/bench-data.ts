import * as fs from 'node:fs';
/**
 * Deterministic data and small statistics helpers for `engine.bench.ts`. Both the engine
 * and SQLite get exactly the same assignment records (same seed), so query answers can be
 * compared between the two.
 */
import { ObjectId } from 'bson';

export const UNIT_COUNT = 250;
export const MODULES = ['thai-do', 'giao-tiep', 'dao-duc', 'trang-phuc', 'ky-luat', 'vb-01', 'vb-02', 'vb-03', 'vb-04', 'vb-05'];
export const STATUSES = ['assigned', 'in_progress', 'completed', 'overdue'] as const;
/** Assignments per officer: one per module and year (10 modules × 3 years). */
export const PER_OFFICER = MODULES.length * 3;
const DAY = 86_400_000;

export interface Assignment {
  officerId: ObjectId;
  unitId: ObjectId;
  moduleCode: string;
  year: number;
  status: (typeof STATUSES)[number];
  score: number | null;
  assignedAt: Date;
  dueAt: Date;
  completedAt: Date | null;
}

/** mulberry32: small, fast, seedable. */
export class Rng {
  constructor(private s: number) {}
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

const oid = (prefix: string, i: number) => ObjectId.createFromHexString(prefix + i.toString(16).padStart(24 - prefix.length, '0'));
export const UNITS: ObjectId[] = Array.from({ length: UNIT_COUNT }, (_, i) => oid('0b', i));
const officerCache = new Map<number, ObjectId>();
export function officerId(i: number): ObjectId {
  let o = officerCache.get(i);
  if (!o) officerCache.set(i, (o = oid('0a', i)));
  return o;
}
export const unitOfOfficer = (officer: number) => UNITS[(officer * 7919) % UNIT_COUNT];

/** The key of record `i`: (officer, module, year) is unique per record. */
export function keyOf(i: number): { officerId: ObjectId; moduleCode: string; year: number } {
  return { officerId: officerId(Math.floor(i / PER_OFFICER)), moduleCode: MODULES[i % MODULES.length], year: 2024 + (Math.floor(i / MODULES.length) % 3) };
}

/** Record `i` of the data set; `rng` must advance identically for both engines. */
export function makeAssignment(i: number, rng: Rng): Assignment {
  const key = keyOf(i);
  const officer = Math.floor(i / PER_OFFICER);
  const r = rng.next();
  const status = r < 0.55 ? 'completed' : r < 0.7 ? 'in_progress' : r < 0.9 ? 'assigned' : 'overdue';
  const assigned = Date.UTC(key.year, 0, 1) + Math.floor(rng.next() * 300 * DAY);
  const due = assigned + Math.floor((30 + rng.next() * 60) * DAY);
  const score = status === 'completed' ? Math.round(rng.next() * 100) : status === 'in_progress' && rng.next() < 0.5 ? Math.round(rng.next() * 100) : null;
  const completed = status === 'completed' ? assigned + Math.floor(rng.next() * (due - assigned)) : null;
  return {
    ...key,
    unitId: unitOfOfficer(officer),
    status,
    score,
    assignedAt: new Date(assigned),
    dueAt: new Date(due),
    completedAt: completed === null ? null : new Date(completed),
  };
}

/** A fresh record for the durable-insert test (an officer beyond the loaded range). */
export function extraAssignment(n: number, writer: number, seq: number, rng: Rng): Assignment {
  return makeAssignment(n + writer * 1_000_000 + seq, rng);
}

/** Range-query lower bounds that leave far more than 100 later documents. */
export function rangeStarts(count: number, rng: Rng): Date[] {
  const lo = Date.UTC(2024, 1, 1);
  const hi = Date.UTC(2026, 8, 1);
  return Array.from({ length: count }, () => new Date(lo + Math.floor(rng.next() * (hi - lo))));
}

/** Units whose records add up to about `target` of `n` documents (all units if n is small). */
export function groupUnits(n: number, target = 100_000): ObjectId[] {
  const k = Math.min(UNIT_COUNT, Math.max(1, Math.round((UNIT_COUNT * target) / n)));
  return UNITS.slice(0, k);
}

// ---------------------------------------------------------------- statistics

export interface Latency {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  count: number;
}

export function summarize(samplesMs: ArrayLike<number>): Latency {
  const a = Float64Array.from(samplesMs).sort();
  const at = (q: number) => (a.length ? a[Math.min(a.length - 1, Math.floor(q * a.length))] : NaN);
  let sum = 0;
  for (const v of a) sum += v;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), mean: a.length ? sum / a.length : NaN, count: a.length };
}

/**
 * Runs `fn` `count` times sequentially and returns per-call latency in ms; stops early
 * (after at least 3 calls) once `budgetMs` is spent, so a slow operation cannot stall the run.
 */
/** CPU time counters of the whole machine (Linux /proc/stat, in clock ticks); undefined elsewhere. */
export function cpuTicks(): { steal: number; total: number } | undefined {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    return { steal: f[7] ?? 0, total: f.reduce((a, b) => a + b, 0) };
  } catch {
    return undefined;
  }
}

/** Share of the machine's CPU time stolen by the hypervisor between two readings (0–1). */
export function stealBetween(before: ReturnType<typeof cpuTicks>, after: ReturnType<typeof cpuTicks>): number | undefined {
  return before && after && after.total > before.total ? (after.steal - before.steal) / (after.total - before.total) : undefined;
}

export interface Round {
  latency: Latency;
  /** Share of CPU time the hypervisor gave to other guests during the round (steal), 0–1; undefined off Linux. */
  steal: number | undefined;
}

/**
 * `rounds` × `perRound` sequential calls: every sample pooled, plus each round's latency and
 * the CPU steal the host imposed meanwhile. On a shared VM a round with heavy steal shows
 * the host's scheduling, not the code; the steal figure lets a reader tell the two apart.
 */
export async function timeRounds(rounds: number, perRound: number, fn: (i: number) => Promise<unknown> | unknown): Promise<{ pooled: Latency; rounds: Round[] }> {
  const all: number[] = [];
  const out: Round[] = [];
  for (let r = 0; r < rounds; r++) {
    const before = cpuTicks();
    const samples: number[] = [];
    for (let i = 0; i < perRound; i++) {
      const t0 = performance.now();
      await fn(r * perRound + i);
      samples.push(performance.now() - t0);
    }
    all.push(...samples);
    out.push({ latency: summarize(samples), steal: stealBetween(before, cpuTicks()) });
  }
  return { pooled: summarize(all), rounds: out };
}

export async function timeEach(count: number, fn: (i: number) => Promise<unknown> | unknown, budgetMs = Infinity): Promise<Latency> {
  const samples: number[] = [];
  const end = performance.now() + budgetMs;
  for (let i = 0; i < count && (i < 3 || performance.now() < end); i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

/** Calls `fn` (with a running index) back to back for `ms` milliseconds; returns how many calls were made. */
export async function keepBusy(ms: number, fn: (i: number) => Promise<unknown> | unknown): Promise<number> {
  const end = performance.now() + ms;
  let i = 0;
  while (performance.now() < end) await fn(i++);
  return i;
}

export const mb = (bytes: number) => Math.round(bytes / 1048576);

export function gcNow(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}
