/**
 * DataDir: durable storage of opaque records in one directory.
 *
 * Files: `journal-NNNNNN.wal` (appended records of generation N), `snapshot-NNNNNN.snap`
 * (complete state when generation N began), `LOCK`. State = newest complete snapshot S(g)
 * + journals g, g+1, … in order (with no snapshot: journals 1, 2, …).
 */
import { promises as fsp } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeHeader, encodeRecords, journalName, parseName, snapshotName } from './format';
import { fsyncDir, ownerOnly, unlinkIfExists } from './fsutil';
import { JournalWriter } from './journal';
import { DirLock } from './lock';
import { recoverDir } from './recovery';
import { writeSnapshot } from './snapshot';

/** Options of {@link DataDir.open}. */
export interface DataDirOptions {
  /**
   * Journal size, in bytes, above which {@link DataDir.needsCheckpoint} reports true
   * (default 64 MiB), or the size of the newest snapshot when that is larger. Counts every
   * journal byte recovery would replay. The caller decides when.
   */
  checkpointBytes?: number;
  /**
   * Records appended since the last checkpoint above which {@link DataDir.needsCheckpoint}
   * reports true (default 50,000): bounds replay time at start-up.
   */
  checkpointRecords?: number;
  /**
   * Seconds after the last checkpoint (or open) after which a changed state needs one
   * (default 300): bounds how much history a damaged journal can hold. 0 turns it off.
   */
  checkpointSeconds?: number;
  /** Test hook: replaces the fdatasync/fsync of journal files (receives the fd) so tests can inject an EIO. */
  syncHook?: (fd: number) => Promise<void>;
  /**
   * Test hook: while the file this names exists, every journal write fails with ENOSPC
   * (the fault suite's full disk). A path, not a function, so it crosses into the
   * engine's worker thread; checked at each write.
   */
  noSpaceFaultFile?: string | undefined;
  /** Receives progress and recovery messages (default: discarded). */
  log?: (msg: string) => void;
}

/** What {@link DataDir.recover} replayed. */
export interface RecoveryStats {
  /** Records delivered from the snapshot. */
  snapshotRecords: number;
  /** Records delivered from journals. */
  journalRecords: number;
  /** Bytes cut off the end of the last journal (a torn write from a crash), in bytes. */
  tornBytesDiscarded: number;
  /** Wall-clock duration of recovery, in milliseconds. */
  ms: number;
}

/** Counters of {@link DataDir.stats}. */
export interface DataDirStats {
  /** Journal bytes written since the last durable snapshot (what recovery would replay), in bytes. */
  journalBytes: number;
  /** Flushes since open; each is one writev + one fdatasync acknowledging one or more records. */
  flushes: number;
  /** Records made durable since open. */
  records: number;
  /** Current journal generation (appends go to journal-<generation>.wal). */
  generation: number;
  /** Time spent in journal data syncs since open, in seconds. */
  syncSeconds: number;
  /** Checkpoints finished since open, and their total and last duration, in seconds. */
  checkpoints: number;
  checkpointSeconds: number;
  lastCheckpointSeconds: number;
}

const DEFAULT_CHECKPOINT_BYTES = 64 * 1024 * 1024;
export const DEFAULT_CHECKPOINT_RECORDS = 50_000;
export const DEFAULT_CHECKPOINT_SECONDS = 300;

export class DataDir {
  private readonly journal: JournalWriter;
  private readonly checkpointBytes: number;
  private readonly checkpointRecords: number;
  private readonly checkpointMs: number;
  /** journal.records and the time when the last checkpoint started (or the directory was recovered). */
  private lastCheckpoint = { records: 0, at: Date.now() };
  private state: 'opened' | 'recovering' | 'ready' | 'closed' = 'opened';
  private running: Promise<void> | null = null;
  /** Generation of the newest durable snapshot (0 = none): journals before it are covered. */
  private durableGen = 0;
  private readonly checkpointStats = { checkpoints: 0, checkpointSeconds: 0, lastCheckpointSeconds: 0 };
  /** Bytes of the newest durable snapshot (0 = none): the journal may grow as large before the next one. */
  private snapshotBytes = 0;

  private constructor(
    /** Absolute, resolved path of the directory. */
    readonly dir: string,
    private readonly lock: DirLock,
    private readonly log: (msg: string) => void,
    opts: DataDirOptions,
  ) {
    this.checkpointBytes = opts.checkpointBytes ?? DEFAULT_CHECKPOINT_BYTES;
    this.checkpointRecords = opts.checkpointRecords ?? DEFAULT_CHECKPOINT_RECORDS;
    this.checkpointMs = (opts.checkpointSeconds ?? DEFAULT_CHECKPOINT_SECONDS) * 1000;
    this.journal = new JournalWriter(dir, opts.syncHook, log, opts.noSpaceFaultFile);
  }

  /**
   * Creates `dir` if needed (mkdir -p, owner-only), locks it and makes everything in it
   * owner-only (0700 / 0600, also in an install made before that rule). Throws "data directory … is locked by
   * process PID …" when another process, thread, or DataDir in this one holds it.
   */
  static async open(dir: string, opts: DataDirOptions = {}): Promise<DataDir> {
    const log = opts.log ?? ((): void => undefined);
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    const real = await fsp.realpath(resolve(dir));
    const lock = await DirLock.acquire(real, log);
    try {
      await ownerOnly(real);
    } catch (e) {
      await lock.release();
      throw e;
    }
    return new DataDir(real, lock, log, opts);
  }

  /** The error that stopped writes (journal write/sync failure), or null while healthy. */
  get failed(): Error | null {
    return this.journal.failed;
  }

  /** Set while the disk is full: appends are refused (and retried) until space returns; null otherwise. */
  get noSpace(): Error | null {
    return this.journal.noSpace;
  }

  get stats(): DataDirStats {
    return {
      journalBytes: this.journalBytes(),
      flushes: this.journal.flushes,
      records: this.journal.records,
      generation: this.journal.gen,
      syncSeconds: this.journal.syncSeconds,
      ...this.checkpointStats,
    };
  }

  /**
   * Replays state: every record of the newest complete snapshot, in order, then every
   * journal record after it, in order. Truncates a torn tail of the last journal (logged);
   * throws on corruption anywhere else. Must be called exactly once, before append().
   * Callbacks receive their own copy of each payload; an exception in one aborts recovery.
   */
  async recover(onSnapshotRecord: (payload: Buffer) => void, onJournalRecord: (payload: Buffer) => void): Promise<RecoveryStats> {
    if (this.state !== 'opened') throw new Error(`storage: recover() called while ${this.state}; it must be called once, right after open()`);
    this.state = 'recovering';
    const t0 = performance.now();
    const r = await recoverDir(this.dir, onSnapshotRecord, onJournalRecord, this.log);
    if (r.last) await this.journal.attach(r.last.gen, r.last.end);
    else await this.journal.create(1);
    for (const [g, bytes] of r.journalBytes) this.journal.bytesByGen.set(g, bytes);
    this.durableGen = r.last ? Math.min(...r.journalBytes.keys()) : 1;
    this.snapshotBytes = await fsp.stat(join(this.dir, snapshotName(this.durableGen))).then((st) => st.size, () => 0);
    this.state = 'ready';
    const ms = performance.now() - t0;
    this.log(
      `storage: recovered ${r.snapshotRecords} snapshot + ${r.journalRecords} journal records in ${ms.toFixed(0)} ms` +
        (r.tornBytesDiscarded ? ` (${r.tornBytesDiscarded} torn bytes discarded)` : ''),
    );
    return { snapshotRecords: r.snapshotRecords, journalRecords: r.journalRecords, tornBytesDiscarded: r.tornBytesDiscarded, ms };
  }

  /**
   * Appends one record (at most 48 MiB); resolves once it is on disk (written and
   * fdatasynced). Concurrent appends share flushes (group commit). After a journal
   * write/sync error every append rejects and {@link failed} is set.
   */
  append(payload: Buffer): Promise<void> {
    return this.appendMany([payload]);
  }

  /**
   * Appends several records in one flush; resolves once all are durable. Each record is
   * checksummed on its own: after a crash a prefix of them may survive, so keep what must
   * be atomic (one transaction) inside one record.
   */
  appendMany(payloads: Buffer[]): Promise<void> {
    try {
      this.assertWritable();
      if (payloads.length === 0) return Promise.resolve();
      const data = encodeRecords(payloads); // a copy: the caller may reuse its buffers at once
      return this.journal.enqueue([data], data.length, payloads.length);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * True when no checkpoint is running and the journal has outgrown `checkpointBytes` and the
   * newest snapshot, holds more than `checkpointRecords` new records, or holds any new record and the last
   * checkpoint is older than `checkpointSeconds` (`now` in ms since the epoch).
   */
  needsCheckpoint(now = Date.now()): boolean {
    if (this.running !== null || this.state !== 'ready' || this.failed || this.noSpace) return false;
    const records = this.journal.records - this.lastCheckpoint.records;
    if (records === 0) return false;
    // A snapshot rewrites the whole state: with a fixed byte threshold a bulk load of N bytes
    // would rewrite it ~N / threshold times (quadratic). Letting the journal grow to the
    // snapshot's size keeps that linear, and replaying a journal costs about what loading
    // the same bytes of snapshot does, so recovery stays within ~2× a snapshot's load.
    const bytesLimit = Math.max(this.checkpointBytes, this.snapshotBytes);
    return this.journalBytes() > bytesLimit || records >= this.checkpointRecords || (this.checkpointMs > 0 && now - this.lastCheckpoint.at >= this.checkpointMs);
  }

  /**
   * Writes a snapshot of `records` — the complete current state — and starts a new journal
   * generation. The switch happens synchronously inside this call: appends made after it
   * returns belong to the new generation, appends made before it to the old one, so the
   * snapshot plus the journals after it always equal the state. An array is copied at the
   * call; a function is called synchronously right away and its iterable is then consumed
   * while the snapshot is written (across event-loop turns), so it must be a stable view of
   * the state at the call. Payload buffers must not be modified until the promise settles.
   *
   * The snapshot goes to a temp file, is fsynced, renamed and the directory fsynced; only
   * then are older snapshots and journals deleted. A call while a checkpoint runs returns
   * the running checkpoint's promise (its snapshot plus the journal since covers the state).
   * A failed checkpoint leaves the previous files in place and does not stop appends.
   */
  checkpoint(records: Buffer[] | (() => Iterable<Buffer>)): Promise<void> {
    if (this.running) return this.running;
    try {
      this.assertWritable();
      // An array is copied (pointers only): the caller may keep pushing to its own array.
      const iterable = typeof records === 'function' ? records() : records.slice();
      const gen = this.journal.gen + 1;
      this.lastCheckpoint = { records: this.journal.records, at: Date.now() };
      const rotated = this.journal.rotate(gen);
      rotated.catch(() => undefined); // awaited below; avoids an unhandled rejection if the snapshot fails first
      const run = this.runCheckpoint(gen, iterable, rotated).finally(() => {
        this.running = null;
      });
      this.running = run;
      return run;
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Writes `records` (a state frozen by the caller) as a new data directory `target`, which
   * must not exist: snapshot 1 plus journal 1 holding only its header, as recovery expects.
   * Used for online backups: the live directory's files are never touched.
   */
  async writeCopy(records: Iterable<Buffer>, target: string): Promise<{ records: number; bytes: number }> {
    await fsp.mkdir(target, { mode: 0o700 });
    const w = await writeSnapshot(target, 1, records, this.log);
    await fsp.rename(w.tempPath, join(target, snapshotName(1)));
    const journal = await fsp.open(join(target, journalName(1)), 'wx', 0o600);
    try {
      await journal.writeFile(encodeHeader('journal', 1));
      await journal.sync();
    } finally {
      await journal.close();
    }
    await fsyncDir(target);
    return { records: w.count, bytes: w.fileBytes };
  }

  /** Waits for a running checkpoint and pending flushes, closes files, releases the lock. Idempotent. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    try {
      if (this.running) await this.running.catch(() => undefined);
      await this.journal.close();
    } finally {
      await this.lock.release();
    }
  }

  private async runCheckpoint(gen: number, records: Iterable<Buffer>, rotated: Promise<void>): Promise<void> {
    const t0 = performance.now();
    this.log(`storage: checkpoint ${gen}: writing ${snapshotName(gen)}`);
    let tempPath: string | null = null;
    try {
      const w = await writeSnapshot(this.dir, gen, records, this.log);
      tempPath = w.tempPath;
      // Journal `gen` must exist durably before snapshot `gen` is published (see recovery.ts).
      await rotated;
      await fsp.rename(tempPath, join(this.dir, snapshotName(gen)));
      tempPath = null;
      await fsyncDir(this.dir);
      this.durableGen = gen;
      this.snapshotBytes = w.fileBytes;
      for (const g of [...this.journal.bytesByGen.keys()]) if (g < gen) this.journal.bytesByGen.delete(g);
      await this.removeOlderThan(gen);
      const seconds = (performance.now() - t0) / 1000;
      this.checkpointStats.checkpoints++;
      this.checkpointStats.checkpointSeconds += seconds;
      this.checkpointStats.lastCheckpointSeconds = seconds;
      const ms = (seconds * 1000).toFixed(0);
      this.log(`storage: checkpoint ${gen}: done, ${w.count} records, ${Math.round(w.fileBytes / 1024)} KiB in ${ms} ms`);
    } catch (e) {
      if (tempPath) await unlinkIfExists(tempPath).catch(() => undefined);
      this.log(`storage: checkpoint ${gen} failed, previous snapshot and journals kept: ${(e as Error).message}`);
      throw e;
    }
  }

  /** Deletes snapshots and journals of generations before `gen` (now covered by snapshot `gen`). */
  private async removeOlderThan(gen: number): Promise<void> {
    for (const name of await fsp.readdir(this.dir)) {
      const p = parseName(name);
      if (p && p.kind !== 'temp' && p.gen < gen) await unlinkIfExists(join(this.dir, name));
    }
    await fsyncDir(this.dir);
  }

  private journalBytes(): number {
    let sum = 0;
    for (const [g, bytes] of this.journal.bytesByGen) if (g >= this.durableGen) sum += bytes;
    return sum;
  }

  private assertWritable(): void {
    if (this.journal.failed) throw this.journal.failed;
    if (this.state === 'closed') throw new Error('storage: the data directory is closed');
    if (this.state !== 'ready') throw new Error('storage: recover() must complete before writing');
  }
}

