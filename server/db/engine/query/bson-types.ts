/**
 * Helpers that classify deserialized BSON values (the "promoted" form produced by
 * `bson.deserialize(buf)`) and describe them the way MongoDB's error messages do.
 *
 * Values are recognised by their `_bsontype` tag rather than `instanceof`, because the
 * driver and the engine may load different copies of the `bson` package.
 */

/** The BSON class tag (`_bsontype`) of a value, or undefined for plain JS values. */
export function bsonTag(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const tag = (v as { _bsontype?: unknown })._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

/** True for a document (a plain object, not an array, Date, RegExp or BSON class instance). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** True for every BSON numeric type: JS number, Long, Int32, Double, Decimal128 (and bigint). */
export function isNumeric(v: unknown): boolean {
  if (typeof v === 'number' || typeof v === 'bigint') return true;
  const tag = bsonTag(v);
  return tag === 'Long' || tag === 'Int32' || tag === 'Double' || tag === 'Decimal128';
}

/** True for a Decimal128 value, which the engine compares exactly but never does arithmetic on. */
export function isDecimal128(v: unknown): boolean {
  return bsonTag(v) === 'Decimal128';
}

/** True for a regular expression in either representation (JS RegExp or bson BSONRegExp). */
export function isRegExpValue(v: unknown): boolean {
  return v instanceof RegExp || bsonTag(v) === 'BSONRegExp';
}

/** True for a path component that addresses an array element ("0", "12"; not "01" or "-1"). */
export function isArrayIndex(part: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(part);
}

/** MongoDB's `$type` alias for a value, as printed in error messages ("string", "int", ...). */
export function typeName(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 && !Object.is(v, -0) ? 'int' : 'double';
    case 'bigint':
      return 'long';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    default:
      break;
  }
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  if (v instanceof Uint8Array) return 'binData';
  return TAG_TYPE_NAMES[bsonTag(v) ?? ''] ?? 'object';
}

const TAG_TYPE_NAMES: Record<string, string> = {
  Long: 'long',
  Int32: 'int',
  Double: 'double',
  Decimal128: 'decimal',
  ObjectId: 'objectId',
  Binary: 'binData',
  Timestamp: 'timestamp',
  BSONRegExp: 'regex',
  MinKey: 'minKey',
  MaxKey: 'maxKey',
  Code: 'javascript',
  BSONSymbol: 'symbol',
  DBRef: 'object',
};

/**
 * Renders a value roughly as MongoDB prints BSON in error messages
 * (`{ a: 1 }`, `[ 1, 2 ]`, `"text"`, `ObjectId('…')`).
 */
export function formatValue(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `[ ${v.map(formatValue).join(', ')} ]`;
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (v instanceof RegExp) return `/${v.source}/${v.flags}`;
  if (isPlainObject(v)) {
    const fields = Object.entries(v).map(([k, x]) => `${k}: ${formatValue(x)}`);
    return fields.length === 0 ? '{}' : `{ ${fields.join(', ')} }`;
  }
  return formatBsonClass(v as { toString(): string });
}

function formatBsonClass(v: { toString(): string }): string {
  const tag = bsonTag(v);
  const any = v as unknown as Record<string, unknown> & { toHexString?: () => string };
  switch (tag) {
    case 'ObjectId':
      return `ObjectId('${any.toHexString!()}')`;
    case 'Long':
      return v.toString();
    case 'Decimal128':
      return `NumberDecimal("${v.toString()}")`;
    case 'Int32':
    case 'Double':
      return String(any.value);
    case 'BSONRegExp':
      return `/${String(any.pattern)}/${String(any.options)}`;
    case 'MinKey':
      return 'MinKey';
    case 'MaxKey':
      return 'MaxKey';
    default:
      return v.toString();
  }
}

/** The `{_id: …}` fragment MongoDB puts in per-document error messages. */
export function formatIdOf(doc: Record<string, unknown>): string {
  return `{_id: ${formatValue(doc._id)}}`;
}

/**
 * Copies plain objects and arrays recursively; every other value (BSON class instances,
 * Dates, primitives) is shared, because the engine never mutates those in place.
 */
export function cloneDeep<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneDeep) as unknown as T;
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) setOwn(out, k, cloneDeep(v[k]));
    return out as T;
  }
  return v;
}

/**
 * Stores a field as an own property. Plain assignment of "__proto__" would change the
 * object's prototype instead and lose the field, but a BSON document may hold that key.
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
