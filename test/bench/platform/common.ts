/**
 * What the sections of the platform benchmark share: the section shape, the context the
 * runner hands them, the report they fill, and small formatting/statistics helpers.
 *
 * A section has two optional phases. `prepare` runs first, with the platform started
 * in this process on the benchmark's data directory (direct database access: import,
 * accounts). `measure` runs after that platform has been closed, against the platform
 * served by a child process (so the load generator's CPU is not counted as the server's).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Platform } from '../../../server/platform';
import type { ServerChild } from './server-child-control';

export type Verdict = 'PASS' | 'MISS' | '—';

export interface Report {
  /** | Measure | Value | rows, in section order */
  rows: Array<[section: string, measure: string, value: string]>;
  /** | Target | Measured | Result |; '—' marks a context row */
  targets: Array<[target: string, measured: string, verdict: Verdict]>;
  notes: string[];
  errors: string[];
}

export interface Context {
  dataDir: string;
  /** the environment the platform runs with, here and in the child */
  env: Record<string, string>;
  /** the in-process platform: only during `prepare` */
  platform: Platform | null;
  /** the platform served by a child process (started on first use): only during `measure` */
  server(): Promise<ServerChild>;
  /** stops that child (a later server() starts it again): nothing else runs during a ceiling measurement */
  stopServer(): Promise<void>;
  /** values one section leaves for a later one (e.g. the bare-Express ceiling) */
  shared: Record<string, unknown>;
  report: Report;
  log(message: string): void;
}

export interface Section {
  title: string;
  prepare?(ctx: Context): Promise<void>;
  measure?(ctx: Context): Promise<void>;
}

export const verdict = (ok: boolean | undefined): Verdict => (ok === undefined ? '—' : ok ? 'PASS' : 'MISS');
export const int = (v: number) => Math.round(v).toLocaleString('en-US');
/** milliseconds with sensible precision */
export const ms = (v: number) => (v < 1 ? v.toFixed(3) : v < 100 ? v.toFixed(2) : v.toFixed(0));

/** Nearest-rank percentile of `sorted` (ascending); p in 0..100. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

export function requireDefined<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`${what} is missing (an earlier step failed?)`);
  return value;
}

/**
 * The node flags package.json's `script` starts its process with (the words between `node`
 * and `scripts/run.js`, e.g. `start`'s `--max-semi-space-size=64`), so that the benchmark
 * measures a process as `npm start` / `npm run certificates` runs it.
 */
export function scriptNodeFlags(script: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = requireDefined(manifest.scripts[script], `the ${script} script`).split(/\s+/);
  return words.slice(1, words.indexOf('scripts/run.js')).filter((word) => word.startsWith('--'));
}
