/**
 * The catalog: databases → collections, plus applying durable change records (live,
 * from recovery, and from snapshots) and producing snapshots.
 */
import { Binary, type Document } from 'bson';
import { Collection } from './collection';
import { BTreeIndex, type IndexSpec } from './btree-index';
import { ChangeSet, decodeChangeSet, type Op } from './oplog';
import { canonicalKey } from '../query/compare';
import { rawIdValue } from '../bson-walk';
import { errors } from '../errors';

export function splitNs(ns: string): [string, string] {
  const i = ns.indexOf('.');
  return [ns.slice(0, i), ns.slice(i + 1)];
}

const SNAPSHOT_DOCS_PER_RECORD = 2000;

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

  /**
   * Applies a durable record. With `deferIndexes` (recovery) documents go to the store
   * only; call `rebuildAllIndexes()` once at the end.
   */
  applyRecord(payload: Buffer, deferIndexes: boolean): void {
    const { ops, docs } = decodeChangeSet(payload);
    let d = 0;
    for (const op of ops) {
      if (op.o === 'put') {
        const coll = this.mustGet(op.ns);
        for (let i = 0; i < op.n; i++) {
          const buf = docs[d++];
          if (deferIndexes) {
            // recovery: only the _id is needed now, read from the bytes; indexes are built at the end
            coll.docs.set(canonicalKey(rawIdValue(buf)), buf);
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
    }
  }

  private mustGet(ns: string): Collection {
    const [db, name] = splitNs(ns);
    const coll = this.get(db, name);
    if (!coll) throw errors.internal(`journal refers to unknown collection ${ns}`);
    return coll;
  }

  /** After recovery: build every index from the stored documents. */
  rebuildAllIndexes(): void {
    for (const colls of this.dbs.values()) {
      for (const coll of colls.values()) {
        const fresh = [...coll.indexes.values()].map((ix) => new BTreeIndex(ix.spec));
        for (const ix of fresh) coll.indexes.set(ix.name, ix);
        coll.loadIndexes(fresh);
      }
    }
  }

  /**
   * The current state as snapshot records, captured synchronously (documents are
   * immutable buffers, so holding references is a consistent snapshot) and encoded lazily.
   */
  snapshotRecords(): () => Iterable<Buffer> {
    const frozen = [...this.dbs.values()].flatMap((colls) =>
      [...colls.values()].map((c) => ({ ns: c.ns, options: c.options, uuid: c.uuid, specs: [...c.indexes.values()].map((ix) => ix.spec), docs: [...c.docs.values()] })),
    );
    return function* () {
      for (const c of frozen) {
        const head = new ChangeSet();
        head.add({ o: 'createCollection', ns: c.ns, options: c.options, uuid: c.uuid });
        for (const spec of c.specs) if (spec.name !== '_id_') head.add({ o: 'createIndex', ns: c.ns, spec: spec as unknown as Document });
        yield head.encode();
        for (let i = 0; i < c.docs.length; i += SNAPSHOT_DOCS_PER_RECORD) {
          const part = new ChangeSet();
          for (const buf of c.docs.slice(i, i + SNAPSHOT_DOCS_PER_RECORD)) part.put(c.ns, buf);
          yield part.encode();
        }
      }
    };
  }
}

/** MongoDB's rules for collection names, so a name accepted here is accepted by MongoDB too. */
export function validateCollectionName(db: string, name: string): void {
  if (typeof name !== 'string' || name.length === 0) throw errors.invalidNamespace(`Invalid namespace specified '${db}.${name}'`);
  if (name.includes('$') || name.includes('\0') || name.startsWith('.') || name.startsWith('system.')) {
    throw errors.invalidNamespace(`Invalid collection name: ${name}`);
  }
  if (!db || /[/\\. "$\0]/.test(db)) throw errors.invalidNamespace(`Invalid database name: '${db}'`);
}
