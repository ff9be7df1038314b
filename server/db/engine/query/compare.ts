/**
 * MongoDB's total order over BSON values (used by sort, $min/$max, range bounds and unique
 * keys), an equality consistent with it, and a canonical string key for hash lookups.
 *
 * Order of types (MongoDB "canonical types"): MinKey < undefined < null < numbers < string/symbol
 * < object < array < binData < ObjectId < bool < date < timestamp < regex < code < MaxKey.
 * Numbers of different BSON types compare by value (see numeric.ts).
 */
import { bsonTag, isPlainObject } from './bson-types';
import { compareNumbers, numericKey } from './numeric';

/** Compares below every BSON value, MinKey included; for open-ended index range bounds. */
export const MIN_KEY_SENTINEL: object = Object.freeze({ $engineSentinel: 'min' });
/** Compares above every BSON value, MaxKey included; for open-ended index range bounds. */
export const MAX_KEY_SENTINEL: object = Object.freeze({ $engineSentinel: 'max' });

const RANK = {
  minSentinel: -1000,
  minKey: -1,
  undefined: 0,
  null: 5,
  number: 10,
  string: 15,
  object: 20,
  array: 25,
  binary: 30,
  objectId: 35,
  boolean: 40,
  date: 45,
  timestamp: 47,
  regex: 50,
  code: 60,
  maxKey: 127,
  maxSentinel: 1000,
} as const;

const TAG_RANKS: Record<string, number> = {
  MinKey: RANK.minKey,
  MaxKey: RANK.maxKey,
  Long: RANK.number,
  Int32: RANK.number,
  Double: RANK.number,
  Decimal128: RANK.number,
  BSONSymbol: RANK.string,
  DBRef: RANK.object,
  Binary: RANK.binary,
  ObjectId: RANK.objectId,
  Timestamp: RANK.timestamp,
  BSONRegExp: RANK.regex,
  Code: RANK.code,
};

/** MongoDB's canonical type rank of a value: values of different ranks never compare equal. */
export function typeRank(v: unknown): number {
  switch (typeof v) {
    case 'undefined':
      return RANK.undefined;
    case 'number':
    case 'bigint':
      return RANK.number;
    case 'string':
      return RANK.string;
    case 'boolean':
      return RANK.boolean;
    default:
      break;
  }
  if (v === null) return RANK.null;
  if (v === MIN_KEY_SENTINEL) return RANK.minSentinel;
  if (v === MAX_KEY_SENTINEL) return RANK.maxSentinel;
  if (Array.isArray(v)) return RANK.array;
  if (v instanceof Date) return RANK.date;
  if (v instanceof RegExp) return RANK.regex;
  if (v instanceof Uint8Array) return RANK.binary;
  const tag = bsonTag(v);
  if (tag !== undefined && tag in TAG_RANKS) return TAG_RANKS[tag];
  return RANK.object;
}

/** Compares two promoted BSON values in MongoDB sort order; returns -1, 0 or 1. */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case RANK.number:
      return compareNumbers(a, b);
    case RANK.string:
      return compareStrings(stringOf(a), stringOf(b));
    case RANK.object:
      return compareDocuments(asDocument(a), asDocument(b));
    case RANK.array:
      return compareArrays(a as unknown[], b as unknown[]);
    case RANK.binary:
      return compareBinary(a, b);
    case RANK.objectId:
      return compareObjectIds(a, b);
    case RANK.boolean:
      return a === b ? 0 : a ? 1 : -1;
    case RANK.date:
      return compareDates(a as Date, b as Date);
    case RANK.timestamp:
      return compareTimestamps(a, b);
    case RANK.regex:
      return compareRegExps(a, b);
    case RANK.code:
      return compareStrings(String((a as { code: unknown }).code), String((b as { code: unknown }).code));
    default:
      return 0; // null, undefined, MinKey, MaxKey, sentinels: one value per type.
  }
}

/** MongoDB equality: true exactly when `compareValues(a, b) === 0` (so 1 equals Long(1) and 1.0). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

/**
 * Compares strings by Unicode code point, which is the UTF-8 byte order MongoDB uses (JS `<`
 * compares UTF-16 units, which misorders characters above U+FFFF against U+E000–U+FFFF).
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) return codeUnitOrder(ca) < codeUnitOrder(cb) ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Maps UTF-16 units so surrogates (code points ≥ U+10000) sort after U+E000–U+FFFF. */
function codeUnitOrder(c: number): number {
  if (c >= 0xe000) return c - 0x800;
  if (c >= 0xd800) return c + 0x2000;
  return c;
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

function stringOf(v: unknown): string {
  return typeof v === 'string' ? v : String((v as { value: unknown }).value);
}

/** DBRef is stored as a plain BSON object {$ref, $id, $db?, ...}; compare it as one. */
function asDocument(v: unknown): Record<string, unknown> {
  if (isPlainObject(v)) return v;
  if (bsonTag(v) === 'DBRef') return (v as { toJSON(): Record<string, unknown> }).toJSON();
  return v as Record<string, unknown>;
}

/** Field by field: type rank of the values, then field name, then value; shorter wins ties. */
function compareDocuments(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const va = a[ka[i]];
    const vb = b[kb[i]];
    const ra = typeRank(va);
    const rb = typeRank(vb);
    if (ra !== rb) return ra < rb ? -1 : 1;
    const byName = compareStrings(ka[i], kb[i]);
    if (byName !== 0) return byName;
    const byValue = compareValues(va, vb);
    if (byValue !== 0) return byValue;
  }
  return ka.length === kb.length ? 0 : ka.length < kb.length ? -1 : 1;
}

function compareArrays(a: unknown[], b: unknown[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function binaryParts(v: unknown): { subtype: number; bytes: Uint8Array } {
  if (v instanceof Uint8Array) return { subtype: 0, bytes: v };
  const bin = v as { sub_type: number; buffer: Uint8Array; position: number };
  return { subtype: bin.sub_type, bytes: bin.buffer.subarray(0, bin.position) };
}

/** Binary data: by length first, then subtype, then bytes (MongoDB's order). */
function compareBinary(a: unknown, b: unknown): number {
  const pa = binaryParts(a);
  const pb = binaryParts(b);
  if (pa.bytes.length !== pb.bytes.length) return pa.bytes.length < pb.bytes.length ? -1 : 1;
  if (pa.subtype !== pb.subtype) return pa.subtype < pb.subtype ? -1 : 1;
  return sign(Buffer.compare(pa.bytes, pb.bytes));
}

function objectIdBytes(v: unknown): Uint8Array {
  return (v as { id: Uint8Array }).id;
}

/**
 * bson 7 stores an ObjectId as four 24-bit integers and allocates a Buffer on every
 * `.id` read; comparing the integers gives byte order without that allocation.
 */
function compareObjectIds(a: unknown, b: unknown): number {
  const x = a as { i0?: number; i1: number; i2: number; i3: number };
  const y = b as { i0?: number; i1: number; i2: number; i3: number };
  if (typeof x.i0 !== 'number' || typeof y.i0 !== 'number') return sign(Buffer.compare(objectIdBytes(a), objectIdBytes(b)));
  return sign(x.i0 - y.i0) || sign(x.i1 - y.i1) || sign(x.i2 - y.i2) || sign(x.i3 - y.i3);
}

function compareDates(a: Date, b: Date): number {
  const ta = a.getTime();
  const tb = b.getTime();
  return ta === tb ? 0 : ta < tb ? -1 : 1;
}

/** Timestamps are unsigned 64-bit: seconds (high word) then increment (low word). */
function compareTimestamps(a: unknown, b: unknown): number {
  const ta = a as { high: number; low: number };
  const tb = b as { high: number; low: number };
  const ha = ta.high >>> 0;
  const hb = tb.high >>> 0;
  if (ha !== hb) return ha < hb ? -1 : 1;
  const la = ta.low >>> 0;
  const lb = tb.low >>> 0;
  return la === lb ? 0 : la < lb ? -1 : 1;
}

/** Returns a regex's pattern and its flags in BSON (alphabetical) form. */
export function regexParts(v: unknown): { pattern: string; flags: string } {
  if (v instanceof RegExp) return { pattern: v.source, flags: v.flags.split('').sort().join('') };
  const r = v as { pattern: string; options: string };
  return { pattern: r.pattern, flags: r.options.split('').sort().join('') };
}

function compareRegExps(a: unknown, b: unknown): number {
  const pa = regexParts(a);
  const pb = regexParts(b);
  return compareStrings(pa.pattern, pb.pattern) || compareStrings(pa.flags, pb.flags);
}

/**
 * A string key with `canonicalKey(a) === canonicalKey(b)` exactly when `valuesEqual(a, b)`.
 * Field order in documents is significant, as in MongoDB. Used for `_id` maps and hashing.
 */
export function canonicalKey(v: unknown): string {
  const rank = typeRank(v);
  switch (rank) {
    case RANK.number:
      return numericKey(v);
    case RANK.string:
      return `s${JSON.stringify(stringOf(v))}`;
    case RANK.object:
      return documentKey(asDocument(v));
    case RANK.array:
      return `a[${(v as unknown[]).map(canonicalKey).join(',')}]`;
    case RANK.binary: {
      const { subtype, bytes } = binaryParts(v);
      return `b${subtype}:${Buffer.from(bytes).toString('base64')}`;
    }
    case RANK.objectId:
      return `i${(v as { toHexString(): string }).toHexString()}`; // keep in step with objectIdKey
    case RANK.boolean:
      return v ? 't' : 'f';
    case RANK.date:
      return `d${(v as Date).getTime()}`;
    case RANK.timestamp: {
      const ts = v as { high: number; low: number };
      return `T${ts.high >>> 0}:${ts.low >>> 0}`;
    }
    case RANK.regex: {
      const { pattern, flags } = regexParts(v);
      return `r${JSON.stringify(pattern)}/${flags}`;
    }
    case RANK.code:
      return `c${JSON.stringify(String((v as { code: unknown }).code))}`;
    default:
      return RANK_ONLY_KEYS[rank] ?? `?${rank}`;
  }
}

/** canonicalKey of an ObjectId given as 12 bytes at `offset` (recovery reads it without decoding). */
export function objectIdKey(buf: Buffer, offset: number): string {
  return 'i' + buf.toString('hex', offset, offset + 12);
}

const RANK_ONLY_KEYS: Record<number, string> = {
  [RANK.minSentinel]: '<min>',
  [RANK.minKey]: 'm',
  [RANK.undefined]: 'u',
  [RANK.null]: 'z',
  [RANK.maxKey]: 'M',
  [RANK.maxSentinel]: '<max>',
};

function documentKey(doc: Record<string, unknown>): string {
  const fields = Object.keys(doc).map((k) => `${JSON.stringify(k)}:${canonicalKey(doc[k])}`);
  return `o{${fields.join(',')}}`;
}
