/**
 * Journal writer with group commit.
 *
 * Appends queue up; a single flush loop takes everything queued, writes it with one
 * writev and makes it durable with one fdatasync, then resolves all of those appends.
 * Appends arriving during a flush wait for the next one, so under load each fsync
 * (~0.25 ms here) acknowledges many records instead of one.
 *
 * Each queued entry carries the journal generation that was current when it was
 * appended; a checkpoint bumps the generation synchronously and the loop switches files
 * at exactly that point in the queue. After a sync error the writer is failed for good:
 * retrying an fsync after EIO can report success for data the kernel has already dropped
 * ("fsyncgate"), so the only honest answer is to stop. A full disk (ENOSPC from a write,
 * before anything reached a sync) is different: nothing was handed to the kernel past the
 * last synced record, so the writer keeps the unwritten entries, rejects their appends,
 * and retries them every second; once space returns they are written and appends resume.
 */
import { performance } from 'node:perf_hooks';
import { existsSync, promises as fsp, fdatasyncSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { HEADER_SIZE, encodeHeader, journalName } from './format';
import { fsyncDir, writeAll, writeAllSync } from './fsutil';

const PREALLOCATE_BYTES = 4 * 1024 * 1024;
/** How often writes are retried while the disk is full, in ms. */
const NO_SPACE_RETRY_MS = 1000;

/** A sync failed: the data's fate is unknown, so the journal must stop for good. */
class SyncFailure extends Error {}

const noop = (): void => undefined;

interface Entry {
  bufs: Buffer[];
  bytes: number;
  records: number;
  gen: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

/** The error appends get while the disk is full. */
function noSpace(cause: unknown): Error {
  const why = cause instanceof Error ? cause.message : String(cause);
  return Object.assign(
    new Error(
      `Ổ đĩa đầy: tạm ngừng ghi cho đến khi có chỗ trống. / The disk is full (${why}): writes are refused until space is freed; ` +
        'they resume by themselves, no restart needed.',
      { cause },
    ),
    { code: 'ENOSPC' },
  );
}

/** Builds the error every append gets once the journal has failed. */
function failure(cause: unknown): Error {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new Error(
    `Writes are stopped because the journal could not be synced to disk (${why}); ` +
      'restart the server after checking the disk. / Đã dừng ghi vì không đồng bộ được nhật ký (journal) xuống đĩa.',
    { cause },
  );
}

export class JournalWriter {
  /** Generation that new appends are tagged with. */
  gen = 0;
  failed: Error | null = null;
  /** Set while the disk is full: the unwritten entries wait in the queue and are retried. */
  noSpace: Error | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Number of flushes that wrote data (each = one writev + one sync). */
  flushes = 0;
  /** Time spent in the flushes' data syncs since open, in seconds (for /metrics: mean fsync latency = this / flushes). */
  syncSeconds = 0;
  /** Records made durable since open. */
  records = 0;
  /** Bytes in each journal file still on disk, by generation (file size, header included). */
  readonly bytesByGen = new Map<number, number>();

  private queue: Entry[] = [];
  private running: Promise<void> | null = null;
  private fh: FileHandle | null = null;
  private fileGen = 0;
  private offset = 0;
  /** Bytes of the current file already written (records or zero fill): appends below it do not change the file size. */
  private allocated = 0;
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly syncHook: ((fd: number) => Promise<void>) | undefined,
    private readonly log: (msg: string) => void,
    /** test-only: while this file exists every write fails with ENOSPC (see DataDirOptions.noSpaceFaultFile) */
    private readonly noSpaceFaultFile: string | undefined = undefined,
  ) {}

  /** Continues the existing journal `gen`, whose valid data ends at byte `end`. */
  async attach(gen: number, end: number): Promise<void> {
    this.fh = await fsp.open(join(this.dir, journalName(gen)), 'r+');
    this.gen = this.fileGen = gen;
    this.offset = end;
    this.allocated = (await this.fh.stat()).size;
    this.bytesByGen.set(gen, end);
  }

  /** Creates journal `gen` right away (fresh directory). */
  async create(gen: number): Promise<void> {
    this.gen = gen;
    await this.openGeneration(gen);
  }

  /** Queues framed records (`bufs`, `bytes` long in total, `records` records); resolves once durable. */
  enqueue(bufs: Buffer[], bytes: number, records: number): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.closed) return Promise.reject(new Error('storage is closed'));
    if (this.noSpace) {
      // The caller has already applied this change in memory: it must reach the journal
      // too, or memory and disk would differ. It waits with the others; its caller is told now.
      this.queue.push({ bufs, bytes, records, gen: this.gen, resolve: noop, reject: noop });
      return Promise.reject(this.noSpace);
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ bufs, bytes, records, gen: this.gen, resolve, reject });
      if (!this.running) this.running = this.loop();
    });
  }

  /**
   * Switches new appends to generation `gen` now (synchronously); the returned promise
   * resolves once journal `gen` exists durably (header fsynced, directory fsynced).
   */
  rotate(gen: number): Promise<void> {
    this.gen = gen;
    return this.enqueue([], 0, 0);
  }

  /** Waits until every queued append has been flushed (or failed). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Drains, then closes the open file. Later appends are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopRetrying();
    await this.drain();
    const fh = this.fh;
    this.fh = null;
    if (fh) await this.release(fh);
  }

  /** Cuts the unused zero fill off a journal file and closes it (a clean file ends at its last record). */
  private async release(fh: FileHandle): Promise<void> {
    if (!this.failed && this.allocated > this.offset) {
      await fh.truncate(this.offset);
      await fh.sync();
    }
    await fh.close();
  }

  private async loop(): Promise<void> {
    try {
      for (;;) {
        // Let the current event-loop turn finish first: appends issued in it, including those
        // of callers whose previous append was just acknowledged, then join this flush.
        // Without this, 8 writers split into alternating flushes of 1 and 7.
        await new Promise<void>((r) => setImmediate(r));
        if (this.queue.length === 0) break;
        const batch = this.queue;
        this.queue = [];
        let i = 0;
        while (i < batch.length) {
          // A run = consecutive entries of one generation: they share one file, one writev, one sync.
          let j = i + 1;
          while (j < batch.length && batch[j]!.gen === batch[i]!.gen) j++;
          try {
            await this.writeRun(batch, i, j);
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code === 'ENOSPC' && !(e instanceof SyncFailure)) this.pauseForSpace(e, batch.slice(i));
            else this.fail(e, batch.slice(i));
            return;
          }
          for (let k = i; k < j; k++) batch[k]!.resolve();
          i = j;
        }
        if (this.noSpace) this.resumed();
      }
    } finally {
      this.running = null;
    }
  }

  /** The disk is full: keeps `pending` (in order, before anything queued since) for the retry, rejects their appends. */
  private pauseForSpace(cause: unknown, pending: Entry[]): void {
    if (!this.noSpace) {
      this.noSpace = noSpace(cause);
      this.log(`storage: warning: ${this.noSpace.message}`);
    }
    for (const e of pending) {
      e.reject(this.noSpace);
      e.resolve = e.reject = noop;
    }
    this.queue = pending.concat(this.queue);
    if (!this.retryTimer && !this.closed) {
      this.retryTimer = setInterval(() => {
        if (!this.running) this.running = this.loop();
      }, NO_SPACE_RETRY_MS);
      this.retryTimer.unref();
    }
  }

  private resumed(): void {
    this.noSpace = null;
    this.stopRetrying();
    this.log('storage: disk space is back: the waiting writes are on disk, writes resume');
  }

  private stopRetrying(): void {
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = null;
  }

  private async writeRun(batch: Entry[], from: number, to: number): Promise<void> {
    const gen = batch[from]!.gen;
    if (gen !== this.fileGen) await this.openGeneration(gen);
    const bufs: Buffer[] = [];
    let bytes = 0;
    let records = 0;
    for (let k = from; k < to; k++) {
      const e = batch[k]!;
      for (const b of e.bufs) bufs.push(b);
      bytes += e.bytes;
      records += e.records;
    }
    if (bytes === 0) return; // rotation marker only: openGeneration already made it durable
    const fault = this.noSpaceFaultFile;
    if (fault && existsSync(fault)) throw Object.assign(new Error(`ENOSPC: no space left on device, write (injected: ${fault} exists)`), { code: 'ENOSPC' });
    if (this.offset + bytes > this.allocated) this.preallocate(this.offset + bytes);
    writeAllSync(this.fh!.fd, bufs, this.offset);
    this.offset += bytes;
    this.bytesByGen.set(gen, this.offset);
    await this.sync();
    this.flushes++;
    this.records += records;
  }

  /**
   * Extends the file with written zeros in 4 MiB steps. An append that grows the file
   * makes fdatasync also commit the new size (a file-system journal transaction);
   * appends into space already written only sync data — measured ~1.5× more syncs/s.
   * After a crash the unused zeros read as a torn tail and recovery cuts them off.
   */
  private preallocate(needed: number): void {
    const end = Math.max(needed, this.allocated + PREALLOCATE_BYTES);
    writeAllSync(this.fh!.fd, [Buffer.alloc(end - this.allocated)], this.allocated);
    this.allocated = end;
  }

  /**
   * The flush's write and fdatasync are synchronous calls on purpose: each trip through
   * libuv's thread pool cost 0.3–1 ms on the machines measured here, several times the
   * fsync itself, and the engine runs on its own thread (a worker or its own process), so
   * blocking it for one fsync only makes the next group commit larger.
   */
  private async sync(): Promise<void> {
    const started = performance.now();
    try {
      if (this.syncHook) await this.syncHook(this.fh!.fd);
      else fdatasyncSync(this.fh!.fd);
    } catch (e) {
      throw new SyncFailure((e as Error).message, { cause: e });
    } finally {
      this.syncSeconds += (performance.now() - started) / 1000;
    }
  }

  /** Closes the current file and creates journal `gen` with its header, durably. */
  private async openGeneration(gen: number): Promise<void> {
    if (this.fh) {
      const old = this.fh;
      this.fh = null;
      await this.release(old);
    }
    const path = join(this.dir, journalName(gen));
    // The header is written and fsynced under a temp name, then renamed: a journal under
    // its final name always has a durable header, so recovery can call a missing one damage.
    const temp = `${path}.tmp`;
    const tfh = await fsp.open(temp, 'w', 0o600);
    try {
      await writeAll(tfh, [encodeHeader('journal', gen)], 0);
      await tfh.sync();
    } finally {
      await tfh.close();
    }
    // A generation is never reused, so an existing file means a logic error: never overwrite it.
    if (await fsp.stat(path).then(() => true, () => false)) throw new Error(`storage: ${path} already exists`);
    await fsp.rename(temp, path);
    // The new name must be durable before a snapshot of this generation is published.
    await fsyncDir(this.dir);
    this.fh = await fsp.open(path, 'r+');
    this.fileGen = gen;
    this.offset = this.allocated = HEADER_SIZE;
    this.bytesByGen.set(gen, HEADER_SIZE);
    this.log(`storage: started journal ${journalName(gen)}`);
  }

  private fail(cause: unknown, pending: Entry[]): void {
    this.stopRetrying();
    this.noSpace = null;
    this.failed = failure(cause instanceof SyncFailure ? cause.cause : cause);
    this.log(`storage: ${this.failed.message}`);
    const all = pending.concat(this.queue);
    this.queue = [];
    for (const e of all) e.reject(this.failed);
  }
}
