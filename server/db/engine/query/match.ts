/**
 * Query matching used inside this library ($elemMatch projection, $pull conditions, array
 * filters, the positional `$`). The default matcher is mingo's `Query`; callers may pass
 * their own (for example one that understands Long/Decimal128 in range conditions).
 */
import { Query } from 'mingo';
import { isArrayIndex, isPlainObject } from './bson-types';
import { getValueAt, splitPath } from './paths';
import { promote } from './retype';

/** Tests whether a document satisfies a MongoDB query filter. */
export type Matcher = (doc: Record<string, unknown>, filter: Record<string, unknown>) => boolean;

const compiledFilters = new WeakMap<object, Query>();

/** The default matcher: mingo's Query, compiled once per filter object. */
export const mingoMatcher: Matcher = (doc, filter) => {
  let query = compiledFilters.get(filter);
  if (!query) {
    query = new Query(filter);
    compiledFilters.set(filter, query);
  }
  return query.test(doc);
};

/**
 * A matcher for documents in exact form (`deserialize(buf, {promoteValues: false})`): it
 * promotes the document before matching. With it, `applyProjection` can run on the exact
 * document, so `$slice`, `$elemMatch` and `field.$` keep each element's stored numeric type
 * (retyping a projected array by index would misattribute types once elements are dropped).
 */
export const exactFormMatcher: Matcher = (doc, filter) => mingoMatcher(promote(doc), filter);

/** Query operators that combine whole sub-queries rather than apply to one path. */
const LOGICAL_OPERATORS = new Set(['$and', '$or', '$nor']);

/**
 * The conditions of `query` that constrain `arrayPath` or a path inside it, as single-field
 * filters. Only top-level fields and `$and` branches count: a condition under `$or`/`$nor`
 * does not pin down an element, as in MongoDB.
 */
export function conditionsOnPath(query: Record<string, unknown>, arrayPath: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [key, cond] of Object.entries(query)) {
    if (key === '$and' && Array.isArray(cond)) {
      for (const branch of cond) if (isPlainObject(branch)) out.push(...conditionsOnPath(branch, arrayPath));
    } else if (!key.startsWith('$') && (key === arrayPath || key.startsWith(`${arrayPath}.`))) {
      out.push({ [key]: cond });
    }
  }
  return out;
}

/**
 * The index of the first element of the array at `arrayPath` that satisfies the query's
 * conditions on that array, as MongoDB's positional `$` (update) and `field.$` (projection)
 * use it. Returns undefined when the query has no condition on the array or no element fits.
 *
 * Each element is tested alone, by evaluating those conditions against a copy of the
 * document in which the array holds just that element.
 */
export function matchedArrayIndex(
  doc: Record<string, unknown>,
  arrayPath: string,
  query: Record<string, unknown> | undefined,
  matcher: Matcher = mingoMatcher,
): number | undefined {
  if (!query) return undefined;
  const conditions = conditionsOnPath(query, arrayPath);
  if (conditions.length === 0) return undefined;
  const array = getValueAt(doc, arrayPath);
  if (!Array.isArray(array)) return undefined;
  const parts = splitPath(arrayPath);
  for (let i = 0; i < array.length; i++) {
    const probe = replaceAt(doc, parts, [array[i]]) as Record<string, unknown>;
    if (conditions.every((c) => matcher(probe, c))) return i;
  }
  return undefined;
}

/** A shallow copy of `container` with the value at `parts` replaced (copying only that spine). */
function replaceAt(container: unknown, parts: string[], value: unknown): unknown {
  if (parts.length === 0) return value;
  const [head, ...rest] = parts;
  if (Array.isArray(container) && isArrayIndex(head)) {
    const copy = container.slice();
    copy[Number(head)] = replaceAt(copy[Number(head)], rest, value);
    return copy;
  }
  if (isPlainObject(container)) return { ...container, [head]: replaceAt(container[head], rest, value) };
  return container;
}

/**
 * Renames the identifier of an array filter ({"i.x": 1} with identifier "i") to `field`, so
 * the filter can be evaluated against `{[field]: element}`.
 */
export function renameFilterIdentifier(filter: Record<string, unknown>, identifier: string, field: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, cond] of Object.entries(filter)) {
    if (LOGICAL_OPERATORS.has(key) && Array.isArray(cond)) {
      out[key] = cond.map((branch) => (isPlainObject(branch) ? renameFilterIdentifier(branch, identifier, field) : branch));
    } else if (key === identifier || key.startsWith(`${identifier}.`)) {
      out[field + key.slice(identifier.length)] = cond;
    } else {
      out[key] = cond;
    }
  }
  return out;
}
