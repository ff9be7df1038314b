/**
 * Dotted-path reading with MongoDB's array traversal, and index key generation.
 *
 * Index keys follow MongoDB's btree key generator: a missing field gives `null`; an array
 * gives one key per element (multikey); an empty array gives `undefined` at the end of the
 * path and `null` in the middle; a compound index walks a shared array once per element and
 * refuses two different arrays ("parallel arrays").
 */
import { isArrayIndex, isPlainObject } from './bson-types';
import { canonicalKey } from './compare';
import { EngineError } from '../errors';

/** Splits a dotted path into its components ("a.b.0" → ["a", "b", "0"]). */
export function splitPath(path: string): string[] {
  return path.split('.');
}

/**
 * All values found at `path`, traversing arrays the way MongoDB queries do: over
 * `{a: [{b: 1}, {b: 2}]}`, "a.b" gives [1, 2]. A numeric component indexes an array ("a.0")
 * and also matches a field of that name in array elements. The value at the end of the path is
 * returned as stored (an array stays one array; see {@link getLeafValues}). Missing → [].
 */
export function getValues(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  collectValues(doc, splitPath(path), 0, out);
  return out;
}

function collectValues(value: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    out.push(value);
    return;
  }
  const part = parts[i];
  if (Array.isArray(value)) {
    if (isArrayIndex(part) && Number(part) < value.length) collectValues(value[Number(part)], parts, i + 1, out);
    // Only documents directly inside the array are searched: MongoDB does not descend
    // into arrays nested in arrays when resolving a field name.
    for (const element of value) {
      if (isPlainObject(element) && Object.hasOwn(element, part)) collectValues(element[part], parts, i + 1, out);
    }
    return;
  }
  if (isPlainObject(value) && Object.hasOwn(value, part)) collectValues(value[part], parts, i + 1, out);
}

/** Like {@link getValues}, but arrays found at the end of the path are replaced by their elements. */
export function getLeafValues(doc: unknown, path: string): unknown[] {
  return getValues(doc, path).flatMap((v) => (Array.isArray(v) ? v : [v]));
}

/**
 * The single value at a concrete path (numeric components index arrays; no fan-out over
 * array elements). Returns `undefined` when any step is missing.
 */
export function getValueAt(doc: unknown, path: string | string[]): unknown {
  let current: unknown = doc;
  for (const part of typeof path === 'string' ? splitPath(path) : path) {
    if (Array.isArray(current) && isArrayIndex(part)) current = current[Number(part)];
    else if (isPlainObject(current)) current = Object.hasOwn(current, part) ? current[part] : undefined;
    else return undefined;
  }
  return current;
}

/** One field of an index key pattern: its dotted path and its direction (or index type). */
export type KeyPatternField = readonly [string, unknown];

/** Where one key-pattern field stands while keys are generated. */
interface KeyCursor {
  /** The value reached so far (the final key value once `done`). */
  value: unknown;
  /** Path components still to walk. */
  rest: string[];
  /** True when `value` is the key value and must not be expanded further. */
  done: boolean;
  /** Name of the last field walked, for the parallel-arrays error message. */
  lastField: string;
}

/**
 * The index key tuples of `doc` for `keyPattern` (direction is ignored), deduplicated with
 * MongoDB equality. Throws EngineError 171 CannotIndexParallelArrays when two fields of a
 * compound pattern go through different arrays.
 */
export function indexKeys(doc: unknown, keyPattern: ReadonlyArray<KeyPatternField>): unknown[][] {
  const cursors = keyPattern.map(([path]) => ({ value: doc, rest: splitPath(path), done: false, lastField: '' }));
  const seen = new Set<string>();
  const keys: unknown[][] = [];
  for (const key of generateKeys(cursors)) {
    const id = key.map(canonicalKey).join('\u0000');
    if (seen.has(id)) continue;
    seen.add(id);
    keys.push(key);
  }
  return keys;
}

function generateKeys(input: KeyCursor[]): unknown[][] {
  const cursors = input.map((c) => (c.done ? c : advance(c)));
  const pending = cursors.filter((c) => !c.done);
  if (pending.length === 0) return [cursors.map((c) => c.value)];
  const array = pending[0].value as unknown[];
  const other = pending.find((c) => c.value !== array);
  if (other) {
    throw new EngineError(171, 'CannotIndexParallelArrays', `cannot index parallel arrays [${other.lastField}] [${pending[0].lastField}]`);
  }
  if (array.length === 0) {
    // An empty array yields `undefined` where the path ends, `null` where it would continue.
    return generateKeys(cursors.map((c) => (c.value === array && !c.done ? finish(c, c.rest.length === 0 ? undefined : null) : c)));
  }
  const keys: unknown[][] = [];
  for (const element of array) {
    keys.push(...generateKeys(cursors.map((c) => (c.value === array && !c.done ? enterElement(c, element) : c))));
  }
  return keys;
}

function finish(c: KeyCursor, value: unknown): KeyCursor {
  return { value, rest: [], done: true, lastField: c.lastField };
}

/** Continues a cursor inside one element of the array it stopped at. */
function enterElement(c: KeyCursor, element: unknown): KeyCursor {
  if (c.rest.length === 0) return finish(c, element); // a nested array is a key value as a whole
  if (Array.isArray(element)) return finish(c, null); // field names do not reach into nested arrays
  return { value: element, rest: c.rest, done: false, lastField: c.lastField };
}

/** Walks documents until the path ends (done) or an array must be expanded (not done). */
function advance(c: KeyCursor): KeyCursor {
  let value = c.value;
  let rest = c.rest;
  let lastField = c.lastField;
  while (rest.length > 0) {
    const part = rest[0];
    if (Array.isArray(value)) {
      if (!isArrayIndex(part)) return { value, rest, done: false, lastField };
      // A numeric component after an array selects that element instead of expanding.
      if (Number(part) >= value.length) return finish(c, null);
      value = value[Number(part)];
    } else if (isPlainObject(value) && Object.hasOwn(value, part)) {
      value = value[part];
    } else {
      return finish(c, null);
    }
    lastField = part;
    rest = rest.slice(1);
  }
  if (Array.isArray(value)) return { value, rest, done: false, lastField };
  return { value, rest, done: true, lastField };
}
