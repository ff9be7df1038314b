/**
 * The catalog: databases → collections, plus applying durable change records (live,
 * from recovery, and from snapshots) and producing snapshots.
 */
import { Binary, type Document } from 'bson';
import { Collection } from './collection';
import { BTreeIndex, type IndexSpec } from './btree-index';
import { ChangeSet, decodeChangeSet, type Op } from './oplog';
import { canonicalKey, objectIdKey } from '../query/compare';
import { FALLBACK } from './raw-keys';
import { findElement, rawIdValue } from '../bson-walk';
import { errors } from '../errors';

export function splitNs(ns: string): [string, string] {
  const i = ns.indexOf('.');
  return [ns.slice(0, i), ns.slice(i + 1)];
}

/** Documents per snapshot record: a record is built between two event-loop turns, so it stays small (≈ 0.5 ms). */
const SNAPSHOT_DOCS_PER_RECORD = 500;

export class Catalog {
  readonly dbs = new Map<string, Map<string, Collection>>();

  get(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  collections(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }

  /** Creates the collection if needed, recording the creation in `changes`. */
  ensure(db: string, name: string, changes: ChangeSet, options: Document = {}): Collection {
    const existing = this.get(db, name);
    if (existing) return existing;
    validateCollectionName(db, name);
    const coll = this.createCollection(db, name, options);
    changes.add({ o: 'createCollection', ns: coll.ns, options, uuid: coll.uuid });
    return coll;
  }

  createCollection(db: string, name: string, options: Document, uuid?: Binary): Collection {
    let colls = this.dbs.get(db);
    if (!colls) this.dbs.set(db, (colls = new Map()));
    const coll = new Collection(db, name, options, uuid);
    colls.set(name, coll);
    return coll;
  }

  dropCollection(db: string, name: string): boolean {
    const colls = this.dbs.get(db);
    const had = colls?.delete(name) ?? false;
    if (colls && colls.size === 0) this.dbs.delete(db);
    return had;
  }

  /** Recovery state: per collection, document keys in snapshot order and stored index orders. */
  private readonly recovered = new Map<Collection, { keys: string[]; bufs: Buffer[]; orders: Map<string, Uint32Array[]>; stale: boolean }>();

  private recoveryOf(coll: Collection) {
    let r = this.recovered.get(coll);
    if (!r) this.recovered.set(coll, (r = { keys: [], bufs: [], orders: new Map(), stale: false }));
    return r;
  }

  /**
   * Applies a durable record: live, or during recovery from a snapshot or the journal.
   * During recovery documents go to the store only; call `rebuildAllIndexes()` at the end.
   */
  applyRecord(payload: Buffer, phase: 'live' | 'snapshot' | 'journal'): void {
    const deferIndexes = phase !== 'live';
    const { ops, docs } = decodeChangeSet(payload);
    let d = 0;
    for (const op of ops) {
      if (phase === 'journal' && 'ns' in op) {
        // journal changes after the snapshot invalidate its stored index orders
        const [db, name] = splitNs(op.ns);
        const coll = this.get(db, name);
        if (coll) this.recoveryOf(coll).stale = true;
      }
      if (op.o === 'put') {
        const coll = this.mustGet(op.ns);
        for (let i = 0; i < op.n; i++) {
          const buf = docs[d++];
          if (deferIndexes) {
            // recovery: only the _id is needed now, read from the bytes; indexes are built at the end
            const key = idKeyOf(buf);
            coll.docs.set(key, buf);
            if (phase === 'snapshot') {
              const r = this.recoveryOf(coll);
              r.keys.push(key);
              r.bufs.push(buf);
            }
            continue;
          }
          const doc = Collection.decode(buf);
          const key = canonicalKey(doc._id);
          const old = coll.get(key);
          coll.put(key, buf, doc, old ? Collection.decode(old) : undefined);
        }
      } else this.applyCatalogOp(op, deferIndexes);
    }
  }

  private applyCatalogOp(op: Exclude<Op, { o: 'put' }>, deferIndexes: boolean): void {
    switch (op.o) {
      case 'del': {
        const coll = this.mustGet(op.ns);
        const key = canonicalKey(op.id);
        const old = coll.get(key);
        if (!old) return;
        if (deferIndexes) coll.docs.delete(key);
        else coll.delete(key, Collection.decode(old));
        return;
      }
      case 'createCollection': {
        const [db, name] = splitNs(op.ns);
        if (!this.get(db, name)) this.createCollection(db, name, op.options, op.uuid as Binary);
        return;
      }
      case 'createIndex': {
        const coll = this.mustGet(op.ns);
        const spec = op.spec as IndexSpec;
        if (deferIndexes) coll.indexes.set(spec.name, new BTreeIndex(spec));
        else coll.createIndex(spec);
        return;
      }
      case 'dropIndex':
        this.mustGet(op.ns).indexes.delete(op.name);
        return;
      case 'setOptions': {
        // in place: the Collection object (and its indexes) stays the same
        const options = this.mustGet(op.ns).options;
        for (const k of Object.keys(options)) delete options[k];
        Object.assign(options, op.options);
        return;
      }
      case 'dropCollection': {
        const [db, name] = splitNs(op.ns);
        this.dropCollection(db, name);
        return;
      }
      case 'renameCollection': {
        const coll = this.mustGet(op.ns);
        const [db, name] = splitNs(op.ns);
        const [toDb, toName] = splitNs(op.to);
        this.dropCollection(db, name);
        const moved = this.createCollection(toDb, toName, coll.options, coll.uuid);
        for (const [k, v] of coll.docs) moved.docs.set(k, v);
        for (const ix of coll.indexes.values()) if (ix.name !== '_id_') moved.indexes.set(ix.name, new BTreeIndex(ix.spec));
        if (!deferIndexes) moved.loadIndexes([...moved.indexes.values()]);
        return;
      }
      case 'dropDatabase':
        this.dbs.delete(op.db);
        return;
      case 'indexOrder': {
        if (!deferIndexes) return;
        const orders = this.recoveryOf(this.mustGet(op.ns)).orders;
        const bytes = (op.order as { buffer: Uint8Array }).buffer;
        const chunk = new Uint32Array(bytes.byteLength / 4);
        Buffer.from(chunk.buffer).set(bytes);
        const chunks = orders.get(op.name);
        if (chunks) chunks.push(chunk);
        else orders.set(op.name, [chunk]);
        return;
      }
    }
  }

  private mustGet(ns: string): Collection {
    const [db, name] = splitNs(ns);
    const coll = this.get(db, name);
    if (!coll) throw errors.internal(`journal refers to unknown collection ${ns}`);
    return coll;
  }

  /**
   * After recovery: build every index from the stored documents. Where the snapshot holds
   * an index's order and nothing changed the collection since, entries are produced in
   * that order and need no sort.
   */
  rebuildAllIndexes(): void {
    for (const colls of this.dbs.values()) {
      for (const coll of colls.values()) {
        const fresh = [...coll.indexes.values()].map((ix) => new BTreeIndex(ix.spec));
        for (const ix of fresh) coll.indexes.set(ix.name, ix);
        const r = this.recovered.get(coll);
        const usable = r && !r.stale && r.keys.length === coll.docs.size ? r : null;
        const unordered = fresh.filter((ix) => !(usable && loadInStoredOrder(ix, usable.keys, usable.bufs, usable.orders.get(ix.name))));
        coll.loadIndexes(unordered);
      }
    }
    this.recovered.clear();
  }

  /**
   * The current state as snapshot records, captured synchronously (documents are
   * immutable buffers, so holding references is a consistent snapshot) and encoded lazily.
   */
  snapshotRecords(): () => Iterable<Buffer> {
    const frozen = [...this.dbs.values()].flatMap((colls) =>
      [...colls.values()].map((c) => ({
        ns: c.ns, options: c.options, uuid: c.uuid,
        specs: [...c.indexes.values()].map((ix) => ix.spec),
        keys: [...c.docs.keys()], docs: [...c.docs.values()],
        // multikey indexes hold several entries per document: their order is not stored
        orders: [...c.indexes.values()].filter((ix) => !ix.multikey).map((ix) => ({ name: ix.name, order: ix.frozenOrder() })),
      })),
    );
    return function* () {
      for (const c of frozen) {
        const head = new ChangeSet();
        head.add({ o: 'createCollection', ns: c.ns, options: c.options, uuid: c.uuid });
        for (const spec of c.specs) if (spec.name !== '_id_') head.add({ o: 'createIndex', ns: c.ns, spec: spec as unknown as Document });
        yield head.encode();
        // each document's position, for the index orders: built record by record, as the
        // writer yields the event loop between records (a million at once would stall reads)
        const ordinal = new Map<string, number>();
        for (let i = 0; i < c.docs.length; i += SNAPSHOT_DOCS_PER_RECORD) {
          const part = new ChangeSet();
          const end = Math.min(i + SNAPSHOT_DOCS_PER_RECORD, c.docs.length);
          for (let j = i; j < end; j++) {
            part.put(c.ns, c.docs[j]!);
            ordinal.set(c.keys[j]!, j);
          }
          yield part.encode();
        }
        if (c.keys.length === 0) continue;
        for (const { name, order } of c.orders) yield* orderRecords(c.ns, name, order, ordinal);
      }
    };
  }
}

/** 16 KiB of ordinals per record: a record's worth of work stays a few milliseconds, so reads are served between records. */
const ORDER_ENTRIES_PER_RECORD = 1 << 12;

function* orderRecords(ns: string, name: string, order: Iterable<string>, ordinal: Map<string, number>): Generator<Buffer> {
  let chunk = new Uint32Array(ORDER_ENTRIES_PER_RECORD);
  let n = 0;
  const flush = () => {
    const record = new ChangeSet();
    const bytes = Buffer.from(chunk.buffer, 0, n * 4);
    record.add({ o: 'indexOrder', ns, name, order: new Binary(bytes) });
    return record.encode();
  };
  for (const key of order) {
    chunk[n++] = ordinal.get(key)!;
    if (n === ORDER_ENTRIES_PER_RECORD) {
      yield flush();
      chunk = new Uint32Array(ORDER_ENTRIES_PER_RECORD);
      n = 0;
    }
  }
  if (n > 0) yield flush();
}

/**
 * Builds an index from its stored order (ordinals into the snapshot's documents). Returns
 * false — and leaves the index empty — if the order does not fit (missing, wrong length,
 * a document that now needs several entries); the caller then builds it the usual way.
 */
function loadInStoredOrder(ix: BTreeIndex, keys: string[], bufs: Buffer[], chunks: Uint32Array[] | undefined): boolean {
  if (!chunks || chunks.reduce((n, c) => n + c.length, 0) !== keys.length) return false;
  // entries in document order first: reading the documents sequentially is cache-friendly
  const perDoc: string[] = new Array(keys.length);
  for (let k = 0; k < keys.length; k++) {
    const raw = ix.rawEntryOf(bufs[k], keys[k]);
    if (raw !== FALLBACK) perDoc[k] = raw;
    else {
      const decoded = ix.entriesOf(Collection.decode(bufs[k]), keys[k]);
      if (decoded.length !== 1) return false;
      perDoc[k] = decoded[0];
    }
  }
  // then permuted into the stored index order
  const entries: string[] = new Array(keys.length);
  const docKeys: string[] = new Array(keys.length);
  let i = 0;
  for (const chunk of chunks) {
    for (const ord of chunk) {
      if (ord >= keys.length) return false;
      entries[i] = perDoc[ord];
      docKeys[i++] = keys[ord];
    }
  }
  ix.loadEntries(entries, docKeys); // checks the order and sorts only if it is off
  return true;
}

/** Canonical key of a stored document's _id, read from its bytes (an ObjectId without building one). */
function idKeyOf(buf: Buffer): string {
  const el = findElement(buf, '_id');
  if (el && buf[el.start] === 0x07) return objectIdKey(buf, el.start + 5);
  return canonicalKey(rawIdValue(buf));
}

/** MongoDB's rules for collection names, so a name accepted here is accepted by MongoDB too. */
export function validateCollectionName(db: string, name: string): void {
  if (typeof name !== 'string' || name.length === 0) throw errors.invalidNamespace(`Invalid namespace specified '${db}.${name}'`);
  if (name.includes('$') || name.includes('\0') || name.startsWith('.') || name.startsWith('system.')) {
    throw errors.invalidNamespace(`Invalid collection name: ${name}`);
  }
  if (!db || /[/\\. "$\0]/.test(db)) throw errors.invalidNamespace(`Invalid database name: '${db}'`);
}
