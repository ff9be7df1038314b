/**
 * Exact (type- and order-sensitive) equality of promoted documents, used to tell whether an
 * update changed anything. Unlike `valuesEqual`, 1 and Long(1) or Decimal "1.0" and "1.00"
 * differ here, and field order matters, matching MongoDB's byte-wise no-op detection.
 */
import { bsonTag, isPlainObject } from './bson-types';
import { compareValues } from './compare';

/** True when `a` and `b` would serialize to the same BSON. */
export function identical(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null) return false;
  if (typeof a === 'number') return Number.isNaN(a) && Number.isNaN(b as number);
  if (typeof a !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) return identicalArrays(a, b);
  if (isPlainObject(a) || isPlainObject(b)) return isPlainObject(a) && isPlainObject(b) && identicalDocuments(a, b);
  return identicalBsonValues(a, b as object);
}

function identicalArrays(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((x, i) => identical(x, b[i]));
}

function identicalDocuments(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k, i) => k === kb[i] && identical(a[k], b[k]));
}

function identicalBsonValues(a: object, b: object): boolean {
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b) && bsonTag(a) !== bsonTag(b)) return false;
  if (bsonTag(a) === 'Decimal128') return String(a) === String(b);
  if (a instanceof RegExp && b instanceof RegExp) return a.source === b.source && a.flags === b.flags;
  return compareValues(a, b) === 0;
}
