/**
 * A secondary (or `_id`) index: a B+tree whose keys are order-preserving strings
 * (./key-encoding): the encoded key tuple followed by the document key, which makes every
 * entry unique and keeps equal index values of different documents side by side. The
 * tree's value is the document key itself.
 */
import BTree from 'sorted-btree';
import { Query } from 'mingo/query';
import type { Document } from 'bson';
import { ENGINE_CONTEXT } from '../query/mingo-context';
import { indexKeys } from '../query/paths';
import { encodeComponent, typeStart, HIGH } from './key-encoding';
import type { Interval } from './planner';

export type Direction = 1 | -1;
export type KeyPattern = Array<[string, Direction]>;

/** Index definition as listIndexes shows it (minus `v`). */
export interface IndexSpec {
  name: string;
  key: Record<string, Direction>;
  unique?: boolean;
  sparse?: boolean;
  expireAfterSeconds?: number;
  partialFilterExpression?: Document;
}

export class BTreeIndex {
  readonly spec: IndexSpec;
  readonly pattern: KeyPattern;
  private readonly dirs: Direction[];
  private readonly tree = new BTree<string, string>();
  private readonly partial: Query | null;
  /** True once some document produced several keys (an array value): such an index cannot provide sort order. */
  multikey = false;
  /** False once a value whose encoding keeps only equality (documents, regexes) was indexed: ranges and sorts then avoid this index. */
  exactOrder = true;

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.pattern = Object.entries(spec.key).map(([f, d]) => [f, d]);
    this.dirs = this.pattern.map(([, d]) => d);
    this.partial = spec.partialFilterExpression ? new Query(spec.partialFilterExpression, { context: ENGINE_CONTEXT }) : null;
  }

  get name(): string { return this.spec.name; }
  get size(): number { return this.tree.size; }

  /** Key tuples of a document for this index; none when a sparse / partial index skips it. */
  keysOf(doc: Document): unknown[][] {
    if (this.partial && !this.partial.test(doc)) return [];
    if (this.spec.sparse && this.pattern.every(([f]) => !hasPath(doc, f))) return [];
    return indexKeys(doc, this.pattern);
  }

  /** The encoded form of a key tuple (without the document key). */
  encode(tuple: unknown[]): string {
    let out = '';
    for (let i = 0; i < tuple.length; i++) {
      const c = encodeComponent(tuple[i], this.dirs[i]);
      if (!c.exactOrder) this.exactOrder = false;
      out += c.key;
    }
    return out;
  }

  /** Encoded entries (tuple + document key) of one document. */
  entriesOf(doc: Document, docKey: string): string[] {
    const keys = this.keysOf(doc);
    if (keys.length > 1) this.multikey = true;
    return keys.map((k) => this.encode(k) + docKey);
  }

  add(doc: Document, docKey: string): void {
    for (const e of this.entriesOf(doc, docKey)) this.tree.set(e, docKey);
  }

  remove(doc: Document, docKey: string): void {
    for (const k of this.keysOf(doc)) this.tree.delete(this.encode(k) + docKey);
  }

  /** Loads many entries at once (recovery, index build): sorted insertion is append-only. */
  loadEntries(entries: Array<[string, string]>): void {
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [k, v] of entries) this.tree.set(k, v);
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
    const [low, high] = rangeBounds(intervals[i], this.dirs[i]);
    yield* this.scan(prefix + low, prefix + high, walk);
  }

  /** Every document key in index order. */
  *all(walk: Direction): Generator<string> {
    yield* this.scan('', HIGH + HIGH, walk);
  }

  /** Entries with low <= key < high. */
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

/** [low, high) string bounds of one range component in tree order. */
function rangeBounds([lo, hi, loEx, hiEx]: Interval, dir: Direction): [string, string] {
  const bracket = lo !== undefined ? lo : hi;
  const typeLow = bracket === undefined ? '' : typeStart(bracket, dir);
  const typeHigh = bracket === undefined ? HIGH + HIGH : typeStart(bracket, dir) + HIGH;
  // value-order bounds as [start-of-equal-run, end-of-equal-run) strings in this direction
  const startOf = (v: unknown) => encodeComponent(v, dir).key;
  const endOf = (v: unknown) => encodeComponent(v, dir).key + HIGH;
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
