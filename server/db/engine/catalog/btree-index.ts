/**
 * A secondary (or `_id`) index: a B+tree of key tuples `[v1, …, vn, docKey]` ordered by
 * MongoDB's BSON comparison with each field's direction. The trailing document key makes
 * every entry unique, so equal index values of different documents sit side by side.
 */
import BTree from 'sorted-btree';
import { Query } from 'mingo/query';
import { ENGINE_CONTEXT } from '../query/mingo-context';
import type { Document } from 'bson';
import { compareValues, MAX_KEY_SENTINEL, MIN_KEY_SENTINEL } from '../query/compare';
import { indexKeys } from '../query/paths';
import type { Interval } from './planner';

export type Direction = 1 | -1;
export type KeyPattern = Array<[string, Direction]>;
type Entry = unknown[];

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
  private readonly tree: BTree<Entry, true>;
  private readonly partial: Query | null;

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.pattern = Object.entries(spec.key).map(([f, d]) => [f, d]);
    this.partial = spec.partialFilterExpression ? new Query(spec.partialFilterExpression, { context: ENGINE_CONTEXT }) : null;
    const dirs = this.pattern.map(([, d]) => d);
    const n = dirs.length;
    this.tree = new BTree<Entry, true>(undefined, (a, b) => {
      for (let i = 0; i < n; i++) {
        const c = compareValues(a[i], b[i]);
        if (c !== 0) return c * dirs[i];
      }
      const ka = a[n] as string, kb = b[n] as string;
      // sentinels at the doc-key position bound a range of equal values
      if (ka === kb) return 0;
      if (ka === MIN_DOC || kb === MAX_DOC) return -1;
      if (ka === MAX_DOC || kb === MIN_DOC) return 1;
      return ka < kb ? -1 : 1;
    });
  }

  get name(): string { return this.spec.name; }
  get size(): number { return this.tree.size; }

  /** Key tuples of a document for this index; none when a sparse / partial index skips it. */
  keysOf(doc: Document): unknown[][] {
    if (this.partial && !this.partial.test(doc)) return [];
    if (this.spec.sparse && this.pattern.every(([f]) => !hasPath(doc, f))) return [];
    return indexKeys(doc, this.pattern);
  }

  /** True once some document produced several keys (an array value): such an index cannot provide sort order. */
  multikey = false;

  add(doc: Document, docKey: string): void {
    const keys = this.keysOf(doc);
    if (keys.length > 1) this.multikey = true;
    for (const k of keys) this.tree.set([...k, docKey], true);
  }

  remove(doc: Document, docKey: string): void {
    for (const k of this.keysOf(doc)) this.tree.delete([...k, docKey]);
  }

  /** Index entries of one document, for a bulk load (see loadEntries). */
  entriesOf(doc: Document, docKey: string): Entry[] {
    const keys = this.keysOf(doc);
    if (keys.length > 1) this.multikey = true;
    return keys.map((k) => [...k, docKey]);
  }

  /** Loads many entries at once (recovery, index build): sorting first makes insertion append-only. */
  loadEntries(entries: Entry[]): void {
    entries.sort(this.tree._compare);
    for (const e of entries) this.tree.set(e, true);
  }

  /** Document keys of other documents holding the same index key as `doc` (unique check). */
  conflicts(doc: Document, docKey: string): string[] {
    const out: string[] = [];
    for (const k of this.keysOf(doc)) {
      for (const key of this.range(k.map((v) => [v, v]), 1)) if (key !== docKey) out.push(key);
    }
    return out;
  }

  /**
   * Document keys whose index tuples fall in the given per-field intervals (in value
   * order, `undefined` = open), walking the tree forward (1) or backward (-1). Fields
   * after the first non-point interval only narrow through the final filter re-check.
   * Yields a document once per matching entry (multikey indexes may repeat it).
   */
  *range(intervals: Interval[], walk: Direction): Generator<string> {
    const n = this.pattern.length;
    const excluded = (k: Entry) => intervals.some(([lo, hi, loEx, hiEx], i) =>
      (loEx && compareValues(k[i], lo) === 0) || (hiEx && compareValues(k[i], hi) === 0));
    const low: Entry = [], high: Entry = [];
    for (let i = 0; i < n; i++) {
      const dir = this.pattern[i][1];
      const [lo, hi] = intervals[i] ?? [undefined, undefined];
      const vLo = lo === undefined ? MIN_KEY_SENTINEL : lo;
      const vHi = hi === undefined ? MAX_KEY_SENTINEL : hi;
      low.push(dir === 1 ? vLo : vHi);
      high.push(dir === 1 ? vHi : vLo);
    }
    low.push(MIN_DOC);
    high.push(MAX_DOC);
    const cmp = this.tree._compare;
    if (walk === 1) {
      for (const [k] of this.tree.entries(low)) {
        if (cmp(k, high) > 0) return;
        if (!excluded(k)) yield k[n] as string;
      }
    } else {
      for (const [k] of this.tree.entriesReversed(high)) {
        if (cmp(k, low) < 0) return;
        if (!excluded(k)) yield k[n] as string;
      }
    }
  }

  /** Every document key in index order. */
  *all(walk: Direction): Generator<string> {
    yield* this.range([], walk);
  }
}

const MIN_DOC = '\u0000<min>';
const MAX_DOC = '\uffff<max>';

function hasPath(doc: Document, path: string): boolean {
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(part in (cur as object))) return false;
    cur = (cur as Record<string, unknown>)[part];
  }
  return true;
}
