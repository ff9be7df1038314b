/**
 * Where one command's reads and writes go: straight to the catalog (collecting a change
 * set that is made durable before the reply), or into a transaction's overlay.
 */
import type { Document } from 'bson';
import type { Engine } from './engine';
import type { Transaction } from './sessions';
import { Collection } from './catalog/collection';
import { ChangeSet } from './catalog/oplog';
import { readMatches, type Match, type ReadOptions } from './catalog/read';
import { validateCollectionName } from './catalog/catalog';
import { canonicalKey } from './query/compare';
import { errors, EngineError } from './errors';
import { formatKeyValue } from './catalog/dup-key';
import { MAX_BSON_OBJECT_BYTES } from './wire';
import { validateDocument } from './catalog/validation';

export class WriteScope {
  readonly changes = new ChangeSet();
  private readonly touched: Array<[string, string]> = [];
  /** The command's `bypassDocumentValidation: true`: the collection's validator is not applied. */
  bypassValidation = false;

  constructor(readonly engine: Engine, readonly db: string, readonly txn: Transaction | null) {}

  coll(name: string): Collection | undefined {
    return this.engine.catalog.get(this.db, name);
  }

  read(name: string, filter: Document, opts: ReadOptions = {}): ReturnType<typeof readMatches> {
    const overlay = this.txn?.overlays.get(`${this.db}.${name}`);
    return readMatches(this.coll(name), filter, { ...opts, overlay });
  }

  /** Stores a new document (bytes exactly as given). Throws E11000 on a duplicate key. */
  insert(name: string, buf: Buffer, doc: Document): void {
    this.engine.assertWritable();
    checkSize(buf);
    this.validate(name, doc, buf);
    const key = canonicalKey(doc._id);
    if (this.txn) {
      if (this.coll(name)?.options.capped) throw errors.operationNotSupportedInTransaction(`Collection '${this.db}.${name}' is a capped collection. Writes in transactions are not allowed on capped collections.`);
      return this.stage(name, key, { buf, doc }, true);
    }
    const coll = this.engine.catalog.ensure(this.db, name, this.changes);
    if (coll.docs.has(key)) throw coll.duplicateKey(coll.indexes.get('_id_')!, doc);
    coll.checkUnique(doc, key);
    coll.put(key, buf, doc);
    this.record(coll.ns, key, buf);
    if (coll.options.capped) this.evictOldest(coll, key);
  }

  /**
   * A capped collection keeps insertion order and drops its oldest documents once it holds
   * more than `max` documents or `size` bytes (the removals go into the same durable record).
   * The byte total is summed on each insert: fine for the small logs capped collections hold.
   */
  private evictOldest(coll: Collection, newest: string): void {
    const max = typeof coll.options.max === 'number' && coll.options.max > 0 ? coll.options.max : Infinity;
    const size = Number(coll.options.size);
    let bytes = 0;
    for (const b of coll.docs.values()) bytes += b.length;
    for (const [key, buf] of coll.docs) {
      if (key === newest || (coll.docs.size <= max && bytes <= size)) break;
      bytes -= buf.length;
      this.remove(coll.name, { key, buf, doc: Collection.decode(buf) });
    }
  }

  /** Replaces a matched document with a new version (same `_id`). */
  replace(name: string, match: Match, buf: Buffer, doc: Document): void {
    this.engine.assertWritable();
    checkSize(buf);
    this.validate(name, doc, buf, match);
    if (this.txn) return this.stage(name, match.key, { buf, doc });
    const coll = this.coll(name)!;
    coll.checkUnique(doc, match.key);
    coll.put(match.key, buf, doc, match.doc);
    this.record(coll.ns, match.key, buf);
  }

  remove(name: string, match: Match): void {
    this.engine.assertWritable();
    if (this.txn) return this.stage(name, match.key, null);
    const coll = this.coll(name)!;
    coll.delete(match.key, match.doc);
    this.changes.add({ o: 'del', ns: coll.ns, id: match.doc._id });
    this.touched.push([coll.ns, match.key]);
  }

  private validate(name: string, doc: Document, buf: Buffer, old?: Match): void {
    validateDocument(this.coll(name), doc, buf, { bypass: this.bypassValidation, old, warn: this.engine.log });
  }

  private record(ns: string, key: string, buf: Buffer): void {
    this.changes.put(ns, buf);
    this.touched.push([ns, key]);
  }

  private stage(name: string, key: string, next: { buf: Buffer; doc: Document } | null, isInsert = false): void {
    const txn = this.txn!;
    const ns = `${this.db}.${name}`;
    validateCollectionName(this.db, name);
    const coll = this.coll(name);
    if (!coll && !txn.createdCollections.has(ns)) txn.createdCollections.set(ns, {});
    try {
      this.engine.conflicts.claim(txn, ns, key);
      const overlay = txn.overlay(ns);
      const inBase = !overlay.has(key) && coll?.docs.has(key);
      if (isInsert && (overlay.get(key) || inBase)) throw duplicateId(ns, next!.doc._id);
      if (next && coll) {
        coll.checkIndexable(next.doc);
        // committed documents this transaction replaced or deleted do not count
        coll.checkUnique(next.doc, key, overlay);
        const clash = txn.stageUniqueKeys(ns, key, coll.uniqueKeysOf(next.doc));
        if (clash !== null) throw coll.duplicateKey(coll.indexes.get(clash)!, next.doc);
      } else if (!next) txn.stageUniqueKeys(ns, key, []);
      overlay.set(key, next);
    } catch (e) {
      // MongoDB aborts a transaction on a write conflict; the driver then retries it whole
      if ((e as { code?: number }).code === 112) this.engine.abortTransaction(txn);
      throw e;
    }
  }

  /** Makes the command's direct changes durable (transactions persist at commit). */
  async finish(): Promise<void> {
    if (this.txn || this.changes.empty) return;
    this.engine.conflicts.committed(this.touched);
    await this.engine.persist(this.changes);
  }
}

function duplicateId(ns: string, id: unknown): EngineError {
  const msg = `E11000 duplicate key error collection: ${ns} index: _id_ dup key: ${formatKeyValue({ _id: id })}`;
  return new EngineError(11000, 'DuplicateKey', msg, { keyPattern: { _id: 1 }, keyValue: { _id: id } });
}

function checkSize(buf: Buffer): void {
  if (buf.length > MAX_BSON_OBJECT_BYTES) {
    // MongoDB answers BadValue (2) for a stored document over the limit
    throw errors.badValue(`object to insert too large. size in bytes: ${buf.length}, max size: ${MAX_BSON_OBJECT_BYTES}`);
  }
}
