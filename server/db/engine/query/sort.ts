/**
 * Sort specifications ({a: 1, "b.c": -1}) turned into comparators with MongoDB semantics:
 * a missing field sorts as null, an empty array below null, and an array sorts by its
 * smallest element ascending and its largest element descending.
 */
import { isNumeric, isPlainObject } from './bson-types';
import { compareValues } from './compare';
import { activeCollator } from './collation';
import { indexKeys } from './paths';
import { EngineError, errors } from '../errors';

/** One parsed sort field. */
export interface SortField {
  path: string;
  direction: 1 | -1;
}

/** Validates a sort document and returns its fields in order. */
export function parseSortSpec(sortSpec: Record<string, unknown>): SortField[] {
  if (!isPlainObject(sortSpec)) throw errors.badValue('sort must be an object');
  return Object.entries(sortSpec).map(([path, dir]) => ({ path, direction: parseDirection(path, dir) }));
}

function parseDirection(path: string, dir: unknown): 1 | -1 {
  if (isPlainObject(dir) && '$meta' in dir) {
    throw errors.notImplemented(`$meta sort ({${path}: {$meta: ${JSON.stringify(dir.$meta)}}}) is not supported by this engine`);
  }
  const n = isNumeric(dir) ? Number(dir) : NaN;
  if (n === 1 || n === -1) return n;
  throw new EngineError(15975, 'Location15975', '$sort key ordering must be 1 (for ascending) or -1 (for descending)');
}

/**
 * The value a document sorts by on one field: the smallest (ascending) or largest
 * (descending) of its key values for that path.
 */
export function sortKey(doc: unknown, field: SortField): unknown {
  const values = indexKeys(doc, [[field.path, 1]]).map((k) => k[0]);
  let best = values[0];
  for (let i = 1; i < values.length; i++) {
    const c = compareValues(values[i], best);
    if (field.direction === 1 ? c < 0 : c > 0) best = values[i];
  }
  return best;
}

/**
 * A comparator for promoted documents implementing `sortSpec`. Ties return 0, so callers
 * should use a stable sort. Sort keys are computed once per document object and cached.
 * Throws NotImplemented for `$meta` sorts and 15975 for directions other than 1 / -1.
 */
export function makeSortComparator(sortSpec: Record<string, unknown>): (a: unknown, b: unknown) => number {
  const fields = parseSortSpec(sortSpec);
  if (fields.length === 0) return () => 0;
  const collator = activeCollator();
  const compare = (x: unknown, y: unknown) => (collator && typeof x === 'string' && typeof y === 'string' ? collator.compare(x, y) : compareValues(x, y));
  const cache = new WeakMap<object, unknown[]>();
  const keysOf = (doc: unknown): unknown[] => {
    const cacheable = doc !== null && typeof doc === 'object';
    const hit = cacheable ? cache.get(doc as object) : undefined;
    if (hit) return hit;
    // Non-documents (e.g. scalars sorted by $push's $sort) have every field missing.
    const source = isPlainObject(doc) ? doc : {};
    const keys = fields.map((f) => sortKey(source, f));
    if (cacheable) cache.set(doc as object, keys);
    return keys;
  };
  return (a, b) => {
    const ka = keysOf(a);
    const kb = keysOf(b);
    for (let i = 0; i < fields.length; i++) {
      const c = compare(ka[i], kb[i]);
      if (c !== 0) return c * fields[i].direction;
    }
    return 0;
  };
}
