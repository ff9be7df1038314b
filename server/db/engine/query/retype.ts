/**
 * Keeping stored numeric types across updates.
 *
 * Updates run on promoted documents, where int32, int64 (when safe) and double are all JS
 * numbers. Serialising such a number picks int32 or double from its value alone, so a stored
 * Double 5.0 would come back as Int32 5 after an unrelated `$set`, and a Long would shrink to
 * Int32 after `$inc`. `retype` walks the new document next to the old document in exact form
 * (`deserialize(buf, {promoteValues: false})`) and gives each number the BSON type the old
 * value at the same path had.
 */
import { Double, Int32, Long } from 'bson';
import { bsonTag, isPlainObject, setOwn } from './bson-types';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Returns a copy of `newDoc` (promoted) ready to serialise: wherever a value is a JS number
 * (or a Long made by arithmetic) and `oldExact` held a Double, Long or Int32 at the same path,
 * the result holds that BSON type. An Int32 that no longer fits (or is no longer integral)
 * becomes a Long (integral, as MongoDB's int32 overflow does) or a Double; a Long that is no
 * longer integral becomes a Double. Arrays are matched index by index. Everything else is
 * passed through.
 */
export function retype(newDoc: Record<string, unknown>, oldExact: Record<string, unknown> | undefined): Record<string, unknown> {
  return retypeValue(newDoc, oldExact) as Record<string, unknown>;
}

function retypeValue(value: unknown, old: unknown): unknown {
  if (typeof value === 'number') return retypeNumber(value, bsonTag(old));
  if (bsonTag(value) === 'Long' && bsonTag(old) === 'Double') return new Double((value as Long).toNumber());
  if (Array.isArray(value)) {
    const oldArray = Array.isArray(old) ? old : undefined;
    return value.map((element, i) => retypeValue(element, oldArray?.[i]));
  }
  if (isPlainObject(value)) {
    const oldDoc = isPlainObject(old) ? old : undefined;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) setOwn(out, key, retypeValue(value[key], oldDoc && Object.hasOwn(oldDoc, key) ? oldDoc[key] : undefined));
    return out;
  }
  return value;
}

function retypeNumber(n: number, oldTag: string | undefined): unknown {
  switch (oldTag) {
    case 'Double':
      return new Double(n);
    case 'Long':
      return longOrDouble(n);
    case 'Int32':
      if (Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX && !Object.is(n, -0)) return new Int32(n);
      return longOrDouble(n);
    default:
      return n;
  }
}

/** A Long for an integer in int64 range, otherwise a Double (fractions, -0, huge values). */
function longOrDouble(n: number): Long | Double {
  const fitsInt64 = Number.isInteger(n) && n >= -(2 ** 63) && n < 2 ** 63 && !Object.is(n, -0);
  return fitsInt64 ? Long.fromNumber(n) : new Double(n);
}

/**
 * Converts an exact-form document (numbers as Int32/Double/Long wrappers) to the promoted
 * form: Int32 and Double become numbers, a Long becomes a number when it is a safe integer.
 */
export function promote<T>(exact: T): T {
  return promoteValue(exact) as T;
}

function promoteValue(value: unknown): unknown {
  const tag = bsonTag(value);
  if (tag === 'Int32' || tag === 'Double') return (value as { value: number }).value;
  if (tag === 'Long') {
    const n = (value as Long).toNumber();
    return Number.isSafeInteger(n) ? n : value;
  }
  if (Array.isArray(value)) return value.map(promoteValue);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) setOwn(out, key, promoteValue(value[key]));
    return out;
  }
  return value;
}
