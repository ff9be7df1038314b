/**
 * A secondary (or `_id`) index: a B+tree keyed by order-preserving strings
 * (./key-encoding). An entry's key is the encoded key tuple followed by the document key,
 * so every entry is unique and equal index values of different documents sit side by
 * side; its value is the document key itself (the same string the document map uses).
 */
import BTree, * as btreeModule from 'sorted-btree';
import { Query } from 'mingo/query';
import type { Document } from 'bson';
import { ENGINE_CONTEXT } from '../query/mingo-context';
import { getValues, indexKeys } from '../query/paths';
import { EngineError } from '../errors';
import { encodeComponent, typeEnd, typeStart, HIGH } from './key-encoding';
import type { Interval } from './planner';
import { FALLBACK, rawFieldsOf, rawTupleKey } from './raw-keys';

export type Direction = 1 | -1;
export type KeyPattern = Array<[string, Direction]>;

/** Index definition as listIndexes shows it (minus `v`). */
export interface IndexSpec {
  name: string;
  /** 'hashed': MongoDB's hashed index; stored here by value (which serves its equality lookups, and more). */
  key: Record<string, Direction | 'hashed'>;
  unique?: boolean;
  sparse?: boolean;
  expireAfterSeconds?: number;
  partialFilterExpression?: Document;
  /** Kept up to date but never chosen by the planner (MongoDB's hidden indexes). */
  hidden?: boolean;
  /** Stored and reported only: such an index is not used for bounds (see catalog/read.ts). */
  collation?: Document;
}

export class BTreeIndex {
  readonly spec: IndexSpec;
  readonly pattern: KeyPattern;
  private readonly dirs: Direction[];
  private readonly tree = new BTree<string, string>(undefined, compareStrings, NODE_SIZE);
  private readonly partial: Query | null;
  private readonly rawFields: ReturnType<typeof rawFieldsOf>;
  private readonly hashed: string[];
  /** True once some document produced several keys (an array value): such an index cannot provide sort order. */
  multikey = false;
  /** False once a value whose encoding keeps only equality (documents, regexes) was indexed: ranges and sorts then avoid this index. */
  exactOrder = true;
  /** True once a number was indexed as a nearby double (big Long, Decimal128): plans then always re-check and widen bounds. */
  approximate = false;

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.pattern = Object.entries(spec.key).map(([f, d]) => [f, d === 'hashed' ? 1 : d]);
    this.hashed = Object.entries(spec.key).filter(([, d]) => d === 'hashed').map(([f]) => f);
    this.dirs = this.pattern.map(([, d]) => d);
    this.partial = spec.partialFilterExpression ? new Query(spec.partialFilterExpression, { context: ENGINE_CONTEXT }) : null;
    this.rawFields = this.partial || spec.sparse ? null : rawFieldsOf(this.pattern);
  }

  get name(): string { return this.spec.name; }
  get size(): number { return this.tree.size; }

  /** Key tuples of a document for this index; none when a sparse / partial index skips it. */
  keysOf(doc: Document): unknown[][] {
    if (this.partial && !this.partial.test(doc)) return [];
    if (this.spec.sparse && this.pattern.every(([f]) => !hasPath(doc, f))) return [];
    for (const f of this.hashed) {
      const values = getValues(doc, f);
      if (values.length > 1 || values.some(Array.isArray)) throw new EngineError(16766, 'Location16766', `Error: hashed indexes do not currently support array values. Found array at path: ${f}`);
    }
    return indexKeys(doc, this.pattern);
  }

  /** The encoded form of a key tuple (without the document key). */
  encode(tuple: unknown[]): string {
    let out = '';
    for (let i = 0; i < tuple.length; i++) {
      const c = encodeComponent(tuple[i], this.dirs[i]);
      if (!c.exactOrder) this.exactOrder = false;
      if (c.approximate) this.approximate = true;
      out += c.key;
    }
    return out;
  }

  /** The single entry of a stored document read from its bytes, or FALLBACK (see ./raw-keys). */
  rawEntryOf(buf: Buffer, docKey: string): string | typeof FALLBACK {
    if (!this.rawFields) return FALLBACK;
    const tuple = rawTupleKey(buf, this.rawFields);
    return tuple === FALLBACK ? FALLBACK : entry(tuple, docKey);
  }

  /** Encoded entries of one document. */
  entriesOf(doc: Document, docKey: string): string[] {
    const keys = this.keysOf(doc);
    if (keys.length > 1) this.multikey = true;
    return keys.map((k) => entry(this.encode(k), docKey));
  }

  add(doc: Document, docKey: string): void {
    this.addEntries(this.entriesOf(doc, docKey), docKey);
  }

  /** Inserts entries computed beforehand (so a document that cannot be indexed changes nothing). */
  addEntries(entries: string[], docKey: string): void {
    for (const e of entries) this.tree.set(e, docKey);
  }

  remove(doc: Document, docKey: string): void {
    for (const k of this.keysOf(doc)) this.tree.delete(entry(this.encode(k), docKey));
  }

  /** Deletes entries computed by `entriesOf` for the stored version of a document. */
  removeEntries(entries: readonly string[]): void {
    for (const e of entries) this.tree.delete(e);
  }

  /**
   * Loads many entries at once (recovery, index build). Into an empty index the sorted
   * entries are laid out directly as full leaves and internal nodes: at a million
   * documents this is several times faster than inserting one by one.
   */
  loadEntries(entries: string[], docKeys: string[]): void {
    // entries recovered in a snapshot's stored index order arrive sorted already
    if (!isSorted(entries)) {
      const order = entries.map((_, i) => i).sort((a, b) => compareStrings(entries[a], entries[b]));
      entries = order.map((i) => entries[i]);
      docKeys = order.map((i) => docKeys[i]);
    }
    if (this.tree.size > 0) {
      entries.forEach((e, i) => this.tree.set(e, docKeys[i]));
      return;
    }
    buildTree(this.tree, entries, docKeys);
  }

  /**
   * Document keys of other documents whose encoded key equals one of `doc`'s. Numbers
   * are encoded as doubles, so the caller confirms exact equality before reporting a clash.
   */
  conflicts(doc: Document, docKey: string): string[] {
    const out: string[] = [];
    for (const k of this.keysOf(doc)) {
      const prefix = this.encode(k);
      for (const key of this.scan(prefix, prefix + HIGH, 1)) if (key !== docKey) out.push(key);
    }
    return out;
  }

  /**
   * Document keys whose tuples fall in the per-field intervals (value order; `undefined`
   * = open), walking the tree forward (1) or backward (-1). Leading point intervals and
   * one range are turned into string bounds; fields after the first range only narrow
   * through the caller's filter re-check. A one-sided range stays within the bound's
   * BSON type, as MongoDB's type bracketing does. Multikey indexes may repeat a document.
   */
  *range(intervals: Interval[], walk: Direction): Generator<string> {
    let prefix = '';
    let i = 0;
    for (; i < intervals.length; i++) {
      const [lo, hi, loEx, hiEx] = intervals[i];
      const isPoint = lo !== undefined && hi !== undefined && !loEx && !hiEx && lo === hi;
      if (!isPoint) break;
      prefix += encodeComponent(lo, this.dirs[i]).key;
    }
    if (i >= intervals.length || i >= this.dirs.length) {
      yield* this.scan(prefix, prefix + HIGH, walk);
      return;
    }
    // approximate numbers may round onto a bound: keep the bound's run and let the re-check decide
    const interval: Interval = this.approximate ? [intervals[i][0], intervals[i][1], false, false] : intervals[i];
    const [low, high] = rangeBounds(interval, this.dirs[i]);
    yield* this.scan(prefix + low, prefix + high, walk);
  }

  /**
   * Document keys in index order as of now, read later: a copy-on-write clone of the tree
   * (O(1) now; nodes are copied only if the index changes meanwhile). Used by snapshots.
   */
  frozenOrder(): Iterable<string> {
    const clone = this.tree.clone();
    return clone.values();
  }

  /** Every document key in index order. */
  *all(walk: Direction): Generator<string> {
    yield* this.scan('', HIGH + HIGH, walk);
  }

  /** Document keys of the entries with low <= entry < high. */
  private *scan(low: string, high: string, walk: Direction): Generator<string> {
    if (walk === 1) {
      for (const [k, v] of this.tree.entries(low)) {
        if (k >= high) return;
        yield v;
      }
    } else {
      for (const [k, v] of this.tree.entriesReversed(high, undefined, true)) {
        if (k < low) return;
        if (k >= high) continue;
        yield v;
      }
    }
  }
}

const NODE_SIZE = 64;

function isSorted(a: string[]): boolean {
  for (let i = 1; i < a.length; i++) if (a[i - 1] > a[i]) return false;
  return true;
}
const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * `join` builds a flat string; `+` would leave a rope that V8 flattens (copies) on the
 * first comparison — millions of times while an index is loaded.
 */
function entry(encodedTuple: string, docKey: string): string {
  return [encodedTuple, docKey].join('');
}

interface BTreeInternals {
  BNode: new (keys: string[], values: string[]) => { maxKey(): string; size(): number };
  BNodeInternal: new (children: unknown[], size: number) => { maxKey(): string; size(): number };
}

/**
 * Builds a B+tree bottom-up from sorted keys with sorted-btree's own node classes (the
 * module exports them): full leaves, then internal levels, then the root.
 */
function buildTree(tree: BTree<string, string>, sorted: string[], values: string[]): void {
  if (sorted.length === 0) return;
  const { BNode, BNodeInternal } = btreeModule as unknown as BTreeInternals;
  let level: Array<{ maxKey(): string; size(): number }> = [];
  for (let i = 0; i < sorted.length; i += NODE_SIZE) level.push(new BNode(sorted.slice(i, i + NODE_SIZE), values.slice(i, i + NODE_SIZE)));
  while (level.length > 1) {
    const next: typeof level = [];
    for (let i = 0; i < level.length; i += NODE_SIZE) {
      const children = level.slice(i, i + NODE_SIZE);
      next.push(new BNodeInternal(children, children.reduce((n, c) => n + c.size(), 0)));
    }
    level = next;
  }
  (tree as unknown as { _root: unknown })._root = level[0];
}

/** [low, high) string bounds of one range component in tree order. */
function rangeBounds([lo, hi, loEx, hiEx]: Interval, dir: Direction): [string, string] {
  const bracket = lo !== undefined ? lo : hi;
  // value-order bounds as [start-of-equal-run, end-of-equal-run) strings in this direction
  const startOf = (v: unknown) => encodeComponent(v, dir).key;
  const endOf = (v: unknown) => encodeComponent(v, dir).key + HIGH;
  let typeLow = bracket === undefined ? '' : typeStart(bracket, dir);
  let typeHigh = bracket === undefined ? HIGH + HIGH : typeEnd(bracket, dir);
  // NaN sorts below every number but no range on numbers matches it (unless the bound is NaN)
  if (typeof bracket === 'number' && !Number.isNaN(bracket) && !(typeof lo === 'number' && Number.isNaN(lo)) && !(typeof hi === 'number' && Number.isNaN(hi))) {
    if (dir === 1) typeLow = endOf(NaN);
    else typeHigh = startOf(NaN);
  }
  const valueLow = lo === undefined ? null : loEx ? { asc: endOf(lo), desc: startOf(lo) } : { asc: startOf(lo), desc: endOf(lo) };
  const valueHigh = hi === undefined ? null : hiEx ? { asc: startOf(hi), desc: endOf(hi) } : { asc: endOf(hi), desc: startOf(hi) };
  if (dir === 1) return [valueLow?.asc ?? typeLow, valueHigh?.asc ?? typeHigh];
  // descending: larger values come first, so the value-order high bound is the tree-order low bound
  return [valueHigh?.desc ?? typeLow, valueLow?.desc ?? typeHigh];
}

function hasPath(doc: Document, path: string): boolean {
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(part in (cur as object))) return false;
    cur = (cur as Record<string, unknown>)[part];
  }
  return true;
}
