/**
 * Helpers for tests that run the standalone engine (`dist/scripts/db.js`) and the writer
 * script (`crash-writer.js`) as child processes: spawn, wait for the URI, collect output,
 * kill, and make sure nothing outlives the test run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

/** dist/scripts/db.js, seen from dist/test/engine/. */
export const DB_SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'db.js');
export const WRITER_SCRIPT = path.join(__dirname, 'crash-writer.js');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process with its output captured line by line. */
export class Proc {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  stderr = '';
  exit: Exit | null = null;
  readonly exited: Promise<Exit>;
  private partial = '';
  private lineWaiters: Array<() => void> = [];

  constructor(script: string, args: string[], readonly name: string, options: { env?: NodeJS.ProcessEnv } = {}) {
    this.child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(options.env ? { env: options.env } : {}) });
    live.add(this);
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      const parts = (this.partial + d).split('\n');
      this.partial = parts.pop()!;
      if (parts.length) {
        for (const p of parts) this.lines.push(p);
        this.wake();
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      this.stderr += d;
      if (this.stderr.length > 200_000) this.stderr = this.stderr.slice(-100_000);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('close', (code, signal) => {
        // 'close' fires after stdout/stderr have ended, so every line printed is in `lines`.
        if (this.partial) this.lines.push(this.partial);
        this.partial = '';
        this.exit = { code, signal };
        live.delete(this);
        this.wake();
        resolve(this.exit);
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  private wake(): void {
    const w = this.lineWaiters;
    this.lineWaiters = [];
    w.forEach((f) => f());
  }

  /** Resolves with the first stdout line matching `re`; rejects if the process exits first or on timeout. */
  async waitForLine(re: RegExp, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let from = 0;
    for (;;) {
      for (; from < this.lines.length; from++) if (re.test(this.lines[from])) return this.lines[from];
      if (this.exit) throw new Error(`${this.name} exited (${describeExit(this.exit)}) before printing ${re}; stderr: ${this.stderr.trim() || '(empty)'}`);
      if (Date.now() >= deadline) throw new Error(`${this.name} printed nothing matching ${re} within ${timeoutMs} ms; stderr: ${this.stderr.trim() || '(empty)'}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.lineWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  kill(signal: NodeJS.Signals): void {
    if (!this.exit) this.child.kill(signal);
  }

  /** Waits for exit; after `timeoutMs` sends SIGKILL and reports that it had to. */
  async waitExit(timeoutMs: number): Promise<Exit & { forced: boolean }> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const first = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (first !== 'timeout') return { ...first, forced: false };
    this.kill('SIGKILL');
    return { ...(await this.exited), forced: true };
  }
}

export function describeExit(e: Exit): string {
  return e.signal ? `signal ${e.signal}` : `exit code ${e.code}`;
}

const live = new Set<Proc>();

/** SIGKILLs every child still running (for after() hooks and process exit). */
export async function killAll(): Promise<void> {
  const all = [...live];
  for (const p of all) p.kill('SIGKILL');
  await Promise.all(all.map((p) => p.exited));
}

process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export interface EngineProc {
  proc: Proc;
  uri: string;
  /** Milliseconds from spawn to the URI line. */
  startMs: number;
}

/** Starts `node dist/scripts/db.js --dbpath dir --port 0 --quiet` and waits for the URI it prints. */
export async function startEngineProcess(dbpath: string, timeoutMs = 60_000, quiet = true): Promise<EngineProc> {
  const t0 = Date.now();
  const proc = new Proc(DB_SCRIPT, ['--dbpath', dbpath, '--port', '0', ...(quiet ? ['--quiet'] : [])], 'engine');
  try {
    const line = await proc.waitForLine(/mongodb:\/\/\S+/, timeoutMs);
    return { proc, uri: line.match(/mongodb:\/\/\S+/)![0], startMs: Date.now() - t0 };
  } catch (e) {
    proc.kill('SIGKILL');
    await proc.exited;
    throw e;
  }
}

export interface WriterOptions {
  uri: string;
  /** Connection numbers start at `base` (keeps _ids unique across cycles and processes). */
  base: number;
  singles: number;
  txns: number;
  /** Stop after this many writes per connection (default: run until the server goes away). */
  count?: number;
}

export function startWriter(o: WriterOptions): Proc {
  const args = ['--uri', o.uri, '--base', String(o.base), '--singles', String(o.singles), '--txns', String(o.txns)];
  if (o.count !== undefined) args.push('--count', String(o.count));
  return new Proc(WRITER_SCRIPT, args, `writer(base ${o.base})`);
}

/** What a writer reported as acknowledged: single-insert _ids and transaction groups. */
export function parseAcks(lines: string[]): { singles: string[]; groups: string[] } {
  const singles: string[] = [];
  const groups: string[] = [];
  for (const l of lines) {
    if (l.startsWith('A ')) singles.push(l.slice(2));
    else if (l.startsWith('T ')) groups.push(l.slice(2));
  }
  return { singles, groups };
}

export const PAYLOAD_CHAR = 'p';
/** The payload a single insert with sequence number `seq` carries (checked after recovery). */
export function payloadFor(seq: number): string {
  return PAYLOAD_CHAR.repeat(100 + (seq % 200));
}
export const TXN_SIZE = 5;
