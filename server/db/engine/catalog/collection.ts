/**
 * One collection: its documents (original BSON bytes keyed by the canonical `_id` key)
 * and its indexes. These are the low-level mutations; validation, unique checks and
 * journaling happen in the write path (../write/), which calls these last.
 */
import { deserialize, Binary, UUID, type Document } from 'bson';
import { BTreeIndex, type IndexSpec } from './btree-index';
import { errors, EngineError } from '../errors';
import { formatKeyValue } from './dup-key';
import { canonicalKey } from '../query/compare';
import { FALLBACK } from './raw-keys';

export interface CollectionOptions {
  [k: string]: unknown;
}

export class Collection {
  readonly docs = new Map<string, Buffer>();
  readonly indexes = new Map<string, BTreeIndex>();
  readonly uuid: Binary;

  constructor(readonly db: string, readonly name: string, readonly options: CollectionOptions = {}, uuid?: Binary) {
    this.uuid = uuid ?? new UUID().toBinary();
    this.indexes.set('_id_', new BTreeIndex({ name: '_id_', key: { _id: 1 } }));
  }

  get ns(): string { return `${this.db}.${this.name}`; }

  /** Decoded form for matching (numbers promoted). */
  static decode(buf: Buffer): Document {
    return deserialize(buf, { promoteBuffers: false });
  }

  get(key: string): Buffer | undefined {
    return this.docs.get(key);
  }

  /** Inserts or replaces a document and maintains every index. `oldDoc` is the decoded previous version, if any. */
  put(key: string, buf: Buffer, doc: Document, oldDoc?: Document): void {
    // every index key first: a document that cannot be indexed (e.g. 171 parallel arrays) changes nothing
    const indexes = [...this.indexes.values()];
    // top-level scalar keys are read from the bytes (as at start-up, ./raw-keys): the same
    // entries without walking the decoded document — most of an insert's index work
    const entries = indexes.map((ix) => {
      const raw = ix.rawEntryOf(buf, key);
      return raw === FALLBACK ? ix.entriesOf(doc, key) : [raw];
    });
    // an update usually leaves most index keys as they were ($inc of a counter, a state change):
    // those indexes are not touched, instead of a B-tree delete and insert each
    const before = oldDoc ? indexes.map((ix) => ix.entriesOf(oldDoc, key)) : null;
    this.docs.set(key, buf);
    indexes.forEach((ix, i) => {
      if (before && sameEntries(before[i], entries[i])) return;
      if (before) ix.removeEntries(before[i]);
      ix.addEntries(entries[i], key);
    });
  }

  /** Throws the error `put` would throw for a document no index can hold (checked before staging or committing). */
  checkIndexable(doc: Document): void {
    for (const ix of this.indexes.values()) ix.keysOf(doc);
  }

  delete(key: string, oldDoc: Document): void {
    for (const ix of this.indexes.values()) ix.remove(oldDoc, key);
    this.docs.delete(key);
  }

  /**
   * Throws MongoDB's duplicate-key error if `doc` would collide with a stored document in
   * a unique index. `ignore` holds keys whose stored version does not count (replaced or
   * deleted by the same transaction; clashes among a transaction's own pending documents
   * are tracked by the transaction itself).
   */
  checkUnique(doc: Document, key: string, ignore?: { has(key: string): boolean }): void {
    for (const ix of this.indexes.values()) {
      // _id clashes are found by the document map itself (see the write path)
      if (!ix.spec.unique) continue;
      const clash = ix.conflicts(doc, key).find((k) => !ignore?.has(k) && this.sameIndexKey(ix, doc, k));
      if (clash !== undefined) throw this.duplicateKey(ix, doc);
    }
  }

  /** [index name, canonical tuple] for each key `doc` has in a unique index (transactions track pending ones). */
  uniqueKeysOf(doc: Document): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const ix of this.indexes.values()) if (ix.spec.unique) for (const k of ix.keysOf(doc)) out.push([ix.name, tupleKey(k)]);
    return out;
  }

  /** Exact check behind an encoded-key match (index keys compare numbers as doubles). */
  sameIndexKey(ix: BTreeIndex, doc: Document, otherKey: string): boolean {
    const other = this.docs.get(otherKey);
    if (!other) return false;
    const theirs = new Set(ix.keysOf(Collection.decode(other)).map(tupleKey));
    return ix.keysOf(doc).some((k) => theirs.has(tupleKey(k)));
  }

  duplicateKey(ix: BTreeIndex, doc: Document): EngineError {
    const keyValue: Record<string, unknown> = {};
    const keyPattern: Record<string, number> = {};
    const first = ix.keysOf(doc)[0] ?? [];
    ix.pattern.forEach(([field, dir], i) => {
      keyPattern[field] = dir;
      keyValue[field] = first[i] ?? null;
    });
    const msg = `E11000 duplicate key error collection: ${this.ns} index: ${ix.name} dup key: ${formatKeyValue(keyValue)}`;
    return new EngineError(11000, 'DuplicateKey', msg, { keyPattern, keyValue });
  }

  createIndex(spec: IndexSpec): BTreeIndex {
    const ix = this.buildIndex(spec);
    this.indexes.set(spec.name, ix);
    return ix;
  }

  /** Builds an index over the stored documents without installing it; throws if the data violates it. */
  buildIndex(spec: IndexSpec): BTreeIndex {
    const ix = new BTreeIndex(spec);
    this.loadIndexes([ix]);
    if (spec.unique) {
      for (const [key, buf] of this.docs) {
        const doc = Collection.decode(buf);
        if (ix.conflicts(doc, key).some((k) => this.sameIndexKey(ix, doc, k))) throw this.duplicateKey(ix, doc);
      }
    }
    return ix;
  }

  /** Fills the given (empty) indexes from the stored documents, decoding each document once. */
  loadIndexes(targets: BTreeIndex[]): void {
    const entries = targets.map(() => [] as string[]);
    const docKeys = targets.map(() => [] as string[]);
    for (const [key, buf] of this.docs) {
      let doc: Document | undefined; // decoded only when some index cannot read its key from the bytes
      for (let i = 0; i < targets.length; i++) {
        const raw = targets[i].rawEntryOf(buf, key);
        if (raw !== FALLBACK) {
          entries[i].push(raw);
          docKeys[i].push(key);
        } else {
          for (const e of targets[i].entriesOf((doc ??= Collection.decode(buf)), key)) {
            entries[i].push(e);
            docKeys[i].push(key);
          }
        }
      }
    }
    targets.forEach((ix, i) => ix.loadEntries(entries[i], docKeys[i]));
  }

  dropIndex(name: string): void {
    if (name === '_id_') throw errors.invalidOptions('cannot drop _id index');
    if (!this.indexes.delete(name)) throw errors.indexNotFound(`index not found with name [${name}]`);
  }
}

/** Pending transaction documents are few, so comparing canonical tuple strings is enough. */
function tupleKey(tuple: unknown[]): string {
  return tuple.map(canonicalKey).join('\u0001');
}

function sameEntries(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((e, i) => e === b[i]);
}
