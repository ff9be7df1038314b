/**
 * Order-preserving index keys. Each index value is encoded into a string whose native
 * (UTF-16 code unit) order is MongoDB's BSON order, so the B+tree compares plain strings
 * — far faster and smaller than tuples of decoded values compared by a function.
 *
 * A component is a type character (the canonical BSON type rank, so numbers of every
 * BSON type share one range and ranges never cross types) followed by a self-delimiting
 * body. A descending field's component is complemented (c → 0xFFFF − c), which reverses
 * its order. Numbers are compared as doubles: Long beyond 2^53 and Decimal128 are
 * approximated, so a unique check re-verifies exact equality before reporting a clash.
 */
import { Binary, ObjectId } from 'bson';
import { bsonTag } from '../query/bson-types';
import { canonicalKey } from '../query/compare';

const RANK = {
  minKey: 1, undefined: 2, null: 3, number: 4, string: 5, object: 6, array: 7, binary: 8, objectId: 9,
  boolean: 10, date: 11, timestamp: 12, regex: 13, maxKey: 14,
} as const;

const typeChar = (rank: number) => String.fromCharCode(0x20 + rank);
const f64 = new DataView(new ArrayBuffer(8));

/** Four 16-bit code units whose order is the numeric order of the double. */
function encodeDouble(n: number): string {
  if (Number.isNaN(n)) return '\u0000\u0000\u0000\u0000'; // NaN sorts below every number in MongoDB
  f64.setFloat64(0, n === 0 ? 0 : n); // -0 equals 0
  let hi = f64.getUint32(0), lo = f64.getUint32(4);
  if (hi & 0x80000000) {
    hi = ~hi >>> 0;
    lo = ~lo >>> 0;
  } else hi = (hi | 0x80000000) >>> 0;
  return String.fromCharCode(hi >>> 16, hi & 0xffff, lo >>> 16, lo & 0xffff);
}

/**
 * MongoDB orders strings by code point (UTF-8 bytes); UTF-16 code units put surrogate
 * pairs (U+10000 and up) below U+E000–U+FFFF. Shifting those two ranges past each other
 * makes code-unit order equal code-point order.
 */
function codePointOrder(s: string): string {
  if (!/[\ud800-\uffff]/.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += String.fromCharCode(c < 0xd800 ? c : c < 0xe000 ? c + 0x2000 : c - 0x800);
  }
  return out;
}

/** Strings end with \0\0; a \0 inside is written \0\1, so a prefix sorts before its extensions. */
function encodeString(s: string): string {
  const ordered = codePointOrder(s);
  // NUL is the terminator, so a NUL inside the string is escaped as NUL SOH
  return (ordered.includes('\u0000') ? ordered.replaceAll('\u0000', '\u0000\u0001') : ordered) + '\u0000\u0000';
}

function encodeBytes(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 2) out += String.fromCharCode((bytes[i] << 8) | (bytes[i + 1] ?? 0));
  return out;
}

/**
 * bson 7 keeps an ObjectId as four 24-bit integers (i0…i3) and builds a new Buffer on
 * every `.id` read; encoding from the integers avoids that allocation on the hot path.
 */
function encodeObjectId(id: ObjectId): string {
  const parts = id as unknown as { i0?: number; i1: number; i2: number; i3: number };
  if (typeof parts.i0 !== 'number') return encodeBytes(id.id);
  const { i0, i1, i2, i3 } = parts as { i0: number; i1: number; i2: number; i3: number };
  return String.fromCharCode(i0 >>> 8, i0 & 0xff, i1 >>> 8, i1 & 0xff, i2 >>> 8, i2 & 0xff, i3 >>> 8, i3 & 0xff);
}

function numberOf(v: unknown, tag: string | undefined): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (tag === 'Long' || tag === 'Int32' || tag === 'Double') return Number((v as { toString(): string }).toString());
  if (tag === 'Decimal128') return parseFloat((v as { toString(): string }).toString());
  return null;
}

/** Ascending key of a number (any BSON numeric type, as a double). */
export const numberKey = (n: number) => typeChar(RANK.number) + encodeDouble(n);
/** Ascending key of a string. */
export const stringKey = (s: string) => typeChar(RANK.string) + encodeString(s);
/** Ascending key of a date (milliseconds since the epoch). */
export const dateKey = (ms: number) => typeChar(RANK.date) + encodeDouble(ms);
export const booleanKey = (b: boolean) => typeChar(RANK.boolean) + (b ? '1' : '0');
export const nullKey = () => typeChar(RANK.null);
/** Ascending key of an ObjectId given as its 12 bytes at `offset` (same as encoding the ObjectId). */
export function objectIdBytesKey(buf: Uint8Array, offset: number): string {
  const i = (k: number) => (buf[offset + k] << 16) | (buf[offset + k + 1] << 8) | buf[offset + k + 2];
  const i0 = i(0), i1 = i(3), i2 = i(6), i3 = i(9);
  return typeChar(RANK.objectId) + String.fromCharCode(i0 >>> 8, i0 & 0xff, i1 >>> 8, i1 & 0xff, i2 >>> 8, i2 & 0xff, i3 >>> 8, i3 & 0xff);
}

/** Encoded index value. `exactOrder` is false for values only equality can use; `approximate` marks numbers held as a nearby double. */
export interface EncodedValue { key: string; exactOrder: boolean; approximate?: boolean }

/**
 * Long beyond 2^53 and Decimal128 values are indexed as their nearest double, which may
 * equal a different value. Conservatively, every Decimal128 but a plain safe integer
 * counts as approximate: plans then re-check candidates instead of trusting the bounds.
 */
function isApproximate(v: unknown, tag: string | undefined, n: number): boolean {
  if (tag === 'Decimal128') return !(Number.isSafeInteger(n) && /^-?\d+(\.0*)?$/.test((v as { toString(): string }).toString()));
  if (tag === 'Long' || typeof v === 'bigint') return !Number.isSafeInteger(n);
  return false;
}

/** Encodes one value in ascending order. */
export function encodeAscending(v: unknown): EncodedValue {
  if (v === undefined) return { key: typeChar(RANK.undefined), exactOrder: true };
  if (v === null) return { key: typeChar(RANK.null), exactOrder: true };
  if (typeof v === 'string') return { key: typeChar(RANK.string) + encodeString(v), exactOrder: true };
  if (typeof v === 'boolean') return { key: typeChar(RANK.boolean) + (v ? '1' : '0'), exactOrder: true };
  if (v instanceof Date) return { key: typeChar(RANK.date) + encodeDouble(v.getTime()), exactOrder: true };
  const tag = bsonTag(v);
  const n = numberOf(v, tag);
  if (n !== null) return { key: typeChar(RANK.number) + encodeDouble(n), exactOrder: true, approximate: isApproximate(v, tag, n) };
  if (v instanceof ObjectId) return { key: typeChar(RANK.objectId) + encodeObjectId(v), exactOrder: true };
  if (tag === 'MinKey') return { key: typeChar(RANK.minKey), exactOrder: true };
  if (tag === 'MaxKey') return { key: typeChar(RANK.maxKey), exactOrder: true };
  if (tag === 'Timestamp') {
    const t = v as { high: number; low: number };
    const hi = t.high >>> 0, lo = t.low >>> 0;
    return { key: typeChar(RANK.timestamp) + String.fromCharCode(hi >>> 16, hi & 0xffff, lo >>> 16, lo & 0xffff), exactOrder: true };
  }
  if (v instanceof Binary) {
    // MongoDB orders binary data by length, then subtype, then bytes
    const len = v.position;
    return { key: typeChar(RANK.binary) + String.fromCharCode(len >>> 16, len & 0xffff, v.sub_type) + encodeBytes(v.buffer.subarray(0, len)), exactOrder: true };
  }
  // documents, arrays inside arrays, regexes: equality is exact, order is not
  const rank = Array.isArray(v) ? RANK.array : v instanceof RegExp || tag === 'BSONRegExp' ? RANK.regex : RANK.object;
  return { key: typeChar(rank) + encodeString(canonicalKey(v)), exactOrder: false };
}

export function complement(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += String.fromCharCode(0xffff - s.charCodeAt(i));
  return out;
}

/** Encodes one value for a field with the given direction. */
export function encodeComponent(v: unknown, dir: 1 | -1): EncodedValue {
  const e = encodeAscending(v);
  return dir === 1 ? e : { ...e, key: complement(e.key) };
}

/** The first character of a value's type range, in the given direction. */
export function typeStart(v: unknown, dir: 1 | -1): string {
  const c = encodeAscending(v).key[0];
  return dir === 1 ? c : complement(c);
}

/** Just past a value's type range: every key of that type starts with the type character, so the next character bounds it. */
export function typeEnd(v: unknown, dir: 1 | -1): string {
  return String.fromCharCode(typeStart(v, dir).charCodeAt(0) + 1);
}

/** Greater than every key continuation (type characters and document keys stay below it). */
export const HIGH = '\uffff';
