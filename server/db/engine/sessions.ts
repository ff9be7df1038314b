/**
 * Logical sessions and multi-document transactions.
 *
 * A transaction keeps its writes in a private overlay (per collection: key → new
 * version or deletion), invisible to everyone else until commit, which applies the
 * overlay to the catalog in one synchronous step and one durable record. Reads inside
 * the transaction see the latest committed data plus its own writes (read committed,
 * not a point-in-time snapshot — see the engine README).
 *
 * Conflicts are first-writer-wins, as in MongoDB: writing a document that another open
 * transaction has written, or that was committed by someone else after this transaction
 * started, fails with WriteConflict (112) + TransientTransactionError, and the
 * transaction is aborted so the driver's `withTransaction` retries it from the start.
 */
import type { Document } from 'bson';
import type { Overlay } from './catalog/read';
import { errors } from './errors';

export class Transaction {
  readonly overlays = new Map<string, Overlay>();
  /** Collections created inside the transaction: ns → options. */
  readonly createdCollections = new Map<string, Document>();
  state: 'active' | 'committed' | 'aborted' = 'active';
  /** Resolves once the commit is durable; a retried commitTransaction waits on it. */
  committed: Promise<void> | null = null;
  /** Conflict-tracker ids this transaction claimed (released when it ends, even if a write then failed). */
  readonly claims = new Set<string>();
  /** Unique-index keys of pending documents: `ns|index|tuple` → document key, and the reverse per document. */
  private readonly uniqueHolders = new Map<string, string>();
  private readonly uniqueOfDoc = new Map<string, string[]>();

  /**
   * Records the unique-index keys of a pending document (replacing its earlier ones), or
   * returns the name of the unique index on which another pending document holds one.
   * Constant work per write, so large transactions stay linear.
   */
  stageUniqueKeys(ns: string, docKey: string, keys: Array<[indexName: string, tuple: string]>): string | null {
    const ids = keys.map(([ix, tuple]) => `${ns}\u0001${ix}\u0001${tuple}`);
    for (let i = 0; i < ids.length; i++) {
      const holder = this.uniqueHolders.get(ids[i]);
      if (holder !== undefined && holder !== docKey) return keys[i][0];
    }
    const docId = `${ns}\u0001${docKey}`;
    for (const old of this.uniqueOfDoc.get(docId) ?? []) if (this.uniqueHolders.get(old) === docKey) this.uniqueHolders.delete(old);
    for (const id of ids) this.uniqueHolders.set(id, docKey);
    this.uniqueOfDoc.set(docId, ids);
    return null;
  }
  readonly startedAt = Date.now();

  constructor(readonly session: Session, readonly txnNumber: number, readonly startSeq: number) {}

  overlay(ns: string): Overlay {
    let o = this.overlays.get(ns);
    if (!o) this.overlays.set(ns, (o = new Map()));
    return o;
  }
}

export class Session {
  lastUse = Date.now();
  txn: Transaction | null = null;
  /** Highest txnNumber seen; lower numbers are stale retries. */
  txnNumber = -1;
  constructor(readonly id: string) {}
}

/** Tracks who wrote what since the oldest open transaction began, for conflict detection. */
export class ConflictTracker {
  private seq = 0;
  private readonly lastWrite = new Map<string, number>();
  private readonly owner = new Map<string, Transaction>();
  private readonly open = new Set<Transaction>();

  get sequence(): number { return this.seq; }

  begin(txn: Transaction): void {
    this.open.add(txn);
  }

  /** Called when a transaction writes `ns`/`key`; throws WriteConflict if it lost the race. */
  claim(txn: Transaction, ns: string, key: string): void {
    const id = ns + '\u0000' + key;
    const holder = this.owner.get(id);
    if ((holder && holder !== txn) || (this.lastWrite.get(id) ?? -1) > txn.startSeq) throw errors.writeConflict();
    this.owner.set(id, txn);
    txn.claims.add(id);
  }

  /** Records committed writes (outside or from a transaction) while transactions are open. */
  committed(keys: Iterable<[string, string]>): void {
    this.seq++;
    if (this.open.size === 0) return;
    for (const [ns, key] of keys) this.lastWrite.set(ns + '\u0000' + key, this.seq);
  }

  /** Verifies at commit time that nothing committed over this transaction's writes. */
  verify(txn: Transaction): void {
    for (const [ns, overlay] of txn.overlays) {
      for (const key of overlay.keys()) {
        if ((this.lastWrite.get(ns + '\u0000' + key) ?? -1) > txn.startSeq) throw errors.writeConflict();
      }
    }
  }

  end(txn: Transaction): void {
    this.open.delete(txn);
    for (const id of txn.claims) if (this.owner.get(id) === txn) this.owner.delete(id);
    if (this.open.size === 0) this.lastWrite.clear();
  }
}
