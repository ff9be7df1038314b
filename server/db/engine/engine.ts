/**
 * The engine's state and lifecycle: catalog, durable storage, sessions, cursors and the
 * background duties (TTL deletion, idle cursor expiry, transaction time limit,
 * checkpoints). Commands (./commands) read and change this state.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { DataDir, type DataDirStats } from './storage';
import { Catalog, splitNs } from './catalog/catalog';
import { ChangeSet } from './catalog/oplog';
import { Collection } from './catalog/collection';
import { CursorRegistry } from './cursors';
import { ConflictTracker, Session, Transaction } from './sessions';
import { errors } from './errors';
import { canonicalKey } from './query/compare';
import { ReplicaSetIdentity } from './replica-set';

export interface EngineOptions {
  dataDir: string;
  log?: (msg: string) => void;
  /** Journal size that triggers a checkpoint (bytes). */
  checkpointBytes?: number;
  /** Journal records since the last checkpoint that trigger one. */
  checkpointRecords?: number;
  /** Seconds after the last checkpoint after which any change triggers one (0: never by time). */
  checkpointSeconds?: number;
  /**
   * Name of the one-member replica set the engine presents itself as ("rs0" when not
   * given); false answers `hello` as a standalone server instead.
   */
  replicaSet?: string | false;
  /** Test hook: replaces the journal's fdatasync (to inject a disk error). */
  syncHook?: (fd: number) => Promise<void>;
  /** Test hook: while this file exists journal writes fail with ENOSPC (see DataDirOptions). */
  noSpaceFaultFile?: string | undefined;
}

/** Server parameters that `setParameter` may change; names and defaults are MongoDB's. */
export interface Parameters {
  cursorTimeoutMillis: number;
  ttlMonitorSleepSecs: number;
  transactionLifetimeLimitSeconds: number;
}

export class Engine {
  readonly catalog = new Catalog();
  readonly cursors = new CursorRegistry();
  readonly conflicts = new ConflictTracker();
  readonly sessions = new Map<string, Session>();
  readonly params: Parameters = { cursorTimeoutMillis: 600_000, ttlMonitorSleepSecs: 60, transactionLifetimeLimitSeconds: 60 };
  readonly startedAt = Date.now();
  readonly counters = { insert: 0, query: 0, update: 0, delete: 0, getmore: 0, command: 0, ttlDeleted: 0 };
  private storage!: DataDir;
  private timers: NodeJS.Timeout[] = [];
  private ttlTimer: NodeJS.Timeout | null = null;
  private checkpointing: Promise<void> | null = null;
  /** Something was written (or replayed from the journal) since the last snapshot was loaded. */
  private changedSinceOpen = false;
  private closed = false;
  readonly log: (msg: string) => void;

  /** The replica-set presentation, or null for a standalone server. */
  readonly replicaSet: ReplicaSetIdentity | null;

  private constructor(readonly options: EngineOptions) {
    this.log = options.log ?? (() => {});
    this.replicaSet = options.replicaSet === false ? null : new ReplicaSetIdentity(options.replicaSet || 'rs0');
  }

  /** Opens (locking) the data directory, recovers the state and starts background duties. */
  static async open(options: EngineOptions): Promise<Engine> {
    const engine = new Engine(options);
    const { checkpointBytes, checkpointRecords, checkpointSeconds, syncHook, noSpaceFaultFile } = options;
    engine.storage = await DataDir.open(options.dataDir, { checkpointBytes, checkpointRecords, checkpointSeconds, syncHook, noSpaceFaultFile, log: engine.log });
    const stats = await engine.storage.recover(
      (payload) => engine.catalog.applyRecord(payload, 'snapshot'),
      (payload) => engine.catalog.applyRecord(payload, 'journal'),
    );
    engine.changedSinceOpen = stats.journalRecords > 0;
    const started = Date.now();
    engine.catalog.rebuildAllIndexes();
    engine.log(`indexes rebuilt in ${Date.now() - started} ms`);
    engine.timers.push(setInterval(() => engine.housekeeping(), 1000).unref());
    engine.scheduleTtl();
    return engine;
  }

  /**
   * An online backup: the state as of this call (every write acknowledged before it, and
   * possibly some in flight) written as a fresh data directory under <data dir>/backups/,
   * while writes go on. Returns its path; the caller packs it and removes it.
   */
  async backup(): Promise<{ dir: string; records: number; bytes: number }> {
    const records = this.catalog.snapshotRecords();
    const root = path.join(this.storage.dir, 'backups');
    await fsp.mkdir(root, { recursive: true, mode: 0o700 });
    const dir = path.join(root, `backup-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}`);
    return { dir, ...(await this.storage.writeCopy(records(), dir)) };
  }

  /** The storage's counters (journal bytes, syncs, checkpoints) for serverStatus and /metrics. */
  get storageStats(): DataDirStats {
    return this.storage.stats;
  }

  /** Why writes fail right now (a failed journal sync, or a full disk until space returns), or null. */
  get writeFailure(): Error | null {
    return this.storage.failed ?? this.storage.noSpace;
  }

  /** Refuses to change anything once the journal could not be synced, or while the disk is full (before memory changes). */
  assertWritable(): void {
    const failed = this.storage.failed;
    if (failed) throw errors.internal(`the engine has stopped accepting writes because the journal could not be written to disk: ${failed.message}`);
    const full = this.storage.noSpace;
    if (full) throw errors.outOfDiskSpace(full.message);
  }

  /** Makes a change set durable; resolves once it is on disk. */
  async persist(changes: ChangeSet): Promise<void> {
    if (changes.empty) return;
    this.changedSinceOpen = true;
    await this.storage.append(changes.encode());
    this.checkpointIfDue();
  }

  /** Starts a checkpoint in the background when the journal is due for one (size, records or age). */
  private checkpointIfDue(): void {
    if (this.storage.needsCheckpoint() && !this.checkpointing && !this.closed) void this.checkpoint().catch((e) => this.log(`checkpoint failed: ${(e as Error).message}`));
  }

  /** Writes a snapshot of the whole state and starts a fresh journal, bounding recovery time. */
  checkpoint(): Promise<void> {
    if (!this.checkpointing) {
      this.checkpointing = this.storage.checkpoint(this.catalog.snapshotRecords()).finally(() => (this.checkpointing = null));
    }
    return this.checkpointing;
  }

  /** A checkpoint that starts after every write acknowledged so far (one already running may have started before some). */
  async checkpointNow(): Promise<void> {
    await this.checkpointing?.catch(() => undefined);
    await this.checkpoint();
  }

  session(lsid: unknown): Session | null {
    if (!lsid || typeof lsid !== 'object' || !('id' in lsid)) return null;
    const id = canonicalKey((lsid as { id: unknown }).id);
    let s = this.sessions.get(id);
    if (!s) this.sessions.set(id, (s = new Session(id)));
    s.lastUse = Date.now();
    return s;
  }

  endSession(s: Session): void {
    if (s.txn?.state === 'active') this.abortTransaction(s.txn);
    this.cursors.killSession(s.id);
    this.sessions.delete(s.id);
  }

  beginTransaction(s: Session, txnNumber: number): Transaction {
    if (s.txn?.state === 'active') this.abortTransaction(s.txn);
    const txn = new Transaction(s, txnNumber, this.conflicts.sequence);
    s.txn = txn;
    s.txnNumber = txnNumber;
    this.conflicts.begin(txn);
    return txn;
  }

  /**
   * Aborts open transactions that wrote to a namespace being dropped or renamed (`db.` for a
   * whole database): committing them would silently re-create it. They fail at commit with
   * NoSuchTransaction and the driver retries them from the start.
   */
  abortTransactionsOn(nsOrDbPrefix: string): void {
    for (const s of this.sessions.values()) {
      const t = s.txn;
      if (t?.state === 'active' && [...t.overlays.keys(), ...t.createdCollections.keys()].some((ns) => ns === nsOrDbPrefix || ns.startsWith(nsOrDbPrefix.endsWith('.') ? nsOrDbPrefix : '\u0000'))) {
        this.abortTransaction(t);
      }
    }
  }

  abortTransaction(txn: Transaction): void {
    if (txn.state !== 'active') return;
    txn.state = 'aborted';
    this.conflicts.end(txn);
  }

  /** Applies a transaction's overlay atomically and makes it durable (a retried commit waits for the same durability). */
  commitTransaction(txn: Transaction): Promise<void> {
    txn.committed ??= this.applyTransaction(txn);
    return txn.committed;
  }

  private async applyTransaction(txn: Transaction): Promise<void> {
    this.assertWritable();
    try {
      this.conflicts.verify(txn);
      this.checkTransactionUniqueness(txn);
    } catch (e) {
      this.abortTransaction(txn);
      throw e;
    }
    const changes = new ChangeSet();
    const touched: Array<[string, string]> = [];
    for (const [ns, options] of txn.createdCollections) this.catalog.ensure(...splitNs(ns), changes, options);
    for (const [ns, overlay] of txn.overlays) {
      const [db, name] = splitNs(ns);
      const coll = this.catalog.ensure(db, name, changes);
      for (const [key, next] of overlay) {
        const old = coll.get(key);
        const oldDoc = old ? Collection.decode(old) : undefined;
        if (next) {
          coll.put(key, next.buf, next.doc, oldDoc);
          changes.put(ns, next.buf);
        } else if (oldDoc) {
          coll.delete(key, oldDoc);
          changes.add({ o: 'del', ns, id: oldDoc._id });
        }
        touched.push([ns, key]);
      }
    }
    txn.state = 'committed';
    this.conflicts.committed(touched);
    this.conflicts.end(txn);
    await this.persist(changes);
  }

  private checkTransactionUniqueness(txn: Transaction): void {
    for (const [ns, overlay] of txn.overlays) {
      const coll = this.catalog.get(...splitNs(ns));
      if (!coll) continue;
      const pending = [...overlay].filter((e): e is [string, NonNullable<typeof e[1]>] => e[1] !== null).map(([k, v]) => [k, v.doc] as [string, typeof v.doc]);
      const ignore = new Set(overlay.keys());
      for (const [key, doc] of pending) {
        coll.checkIndexable(doc);
        coll.checkUnique(doc, key, ignore);
      }
    }
  }

  private housekeeping(): void {
    this.checkpointIfDue(); // the time cadence: a quiet database still gets its recent writes into a snapshot
    this.cursors.expire(this.params.cursorTimeoutMillis);
    const now = Date.now();
    for (const s of this.sessions.values()) {
      const t = s.txn;
      if (t?.state === 'active' && now - t.startedAt > this.params.transactionLifetimeLimitSeconds * 1000) {
        this.log(`aborting transaction ${t.txnNumber} of a session: over transactionLifetimeLimitSeconds`);
        this.abortTransaction(t);
      }
      // sessions expire after logicalSessionTimeoutMinutes (30) without use
      if (now - s.lastUse > 30 * 60_000) this.endSession(s);
    }
  }

  /** (Re)arms the TTL monitor with the current `ttlMonitorSleepSecs`. */
  scheduleTtl(): void {
    if (this.ttlTimer) clearTimeout(this.ttlTimer);
    if (this.closed) return;
    this.ttlTimer = setTimeout(() => {
      this.runTtlPass()
        .catch((e) => this.log(`TTL pass failed: ${(e as Error).message}`))
        .finally(() => this.scheduleTtl());
    }, this.params.ttlMonitorSleepSecs * 1000);
    this.ttlTimer.unref();
  }

  /** Deletes documents whose TTL index date is older than `expireAfterSeconds`. */
  async runTtlPass(now = Date.now()): Promise<number> {
    if (this.writeFailure) return 0;
    const changes = new ChangeSet();
    let deleted = 0;
    for (const colls of this.catalog.dbs.values()) {
      for (const coll of colls.values()) {
        for (const ix of coll.indexes.values()) {
          const ttl = ix.spec.expireAfterSeconds;
          if (ttl === undefined || ix.pattern.length !== 1) continue;
          const cutoff = new Date(now - ttl * 1000);
          for (const key of [...new Set(ix.range([[new Date(-8.64e15), cutoff]], 1))]) {
            const buf = coll.get(key);
            if (!buf) continue;
            const doc = Collection.decode(buf);
            if (!isExpired(doc, ix.pattern[0][0], cutoff)) continue;
            coll.delete(key, doc);
            changes.add({ o: 'del', ns: coll.ns, id: doc._id });
            deleted++;
          }
        }
      }
    }
    this.counters.ttlDeleted += deleted;
    this.conflicts.committed(changes.ops.flatMap((op) => (op.o === 'del' ? [[op.ns, canonicalKey(op.id)] as [string, string]] : [])));
    await this.persist(changes);
    return deleted;
  }

  /** Flushes, checkpoints (so the next start is fast) and releases the data directory. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    if (this.ttlTimer) clearTimeout(this.ttlTimer);
    try {
      if (this.checkpointing) await this.checkpointing;
      // a snapshot at shutdown keeps the next start fast; with nothing new there is nothing to write
      if (!this.writeFailure && this.changedSinceOpen) await this.checkpoint();
    } finally {
      await this.storage.close();
    }
  }
}

function isExpired(doc: Record<string, unknown>, path: string, cutoff: Date): boolean {
  let v: unknown = doc;
  for (const p of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  const dates = (Array.isArray(v) ? v : [v]).filter((d): d is Date => d instanceof Date);
  // MongoDB expires on the earliest date of an array
  return dates.length > 0 && Math.min(...dates.map((d) => d.getTime())) <= cutoff.getTime();
}
