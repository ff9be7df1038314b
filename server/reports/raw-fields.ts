/**
 * Reads a few top-level fields straight from a document's BSON bytes (the driver's `raw`
 * reads). A province's report reads 300,000 enrolments: letting the driver build each one
 * as an object (ObjectIds, Dates, then a hex string per id) was most of the report's CPU
 * and garbage collection; here an id becomes its hex string, a date its epoch milliseconds,
 * and the fields nobody asked for are skipped by their length.
 *
 * Values: ObjectId → 24-char hex, string → string, date → epoch ms, int32 / int64 / double
 * → number, boolean, null → null, absent → undefined. Any other type of a wanted field
 * (never written by the platform's schemas, but a database may hold anything) is read by
 * decoding the whole document with `bson`, then converted the same way, so the result
 * never depends on the shortcut.
 */
import { deserialize, ObjectId, type Document } from 'bson';

/** The wanted field names, as bytes for a comparison without a string per field. */
export interface FieldSet {
  names: string[];
  bytes: Buffer[];
}

export function fieldSet(names: string[]): FieldSet {
  return { names, bytes: names.map((n) => Buffer.from(n, 'utf8')) };
}

function nameIndex(set: FieldSet, buf: Buffer, start: number, end: number): number {
  const length = end - start;
  for (let i = 0; i < set.bytes.length; i++) {
    const name = set.bytes[i]!;
    if (name.length !== length) continue;
    let same = true;
    for (let k = 0; k < length; k++) {
      if (buf[start + k] !== name[k]) {
        same = false;
        break;
      }
    }
    if (same) return i;
  }
  return -1;
}

/** A decoded value as this module gives it (the fallback path). */
function plain(value: unknown): unknown {
  if (value instanceof ObjectId) return value.toHexString();
  if (value instanceof Date) return value.getTime();
  return value;
}

/**
 * The values of `set`'s fields in `buf` (one BSON document), in `set.names` order, written
 * into `out` (reused by the caller: one array for a whole read).
 */
export function readFields(buf: Uint8Array, set: FieldSet, out: unknown[]): unknown[] {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  out.length = set.names.length;
  out.fill(undefined);
  const end = b.readInt32LE(0) - 1;
  let at = 4;
  while (at < end) {
    const type = b[at]!;
    const nameStart = at + 1;
    let nameEnd = nameStart;
    while (b[nameEnd] !== 0) nameEnd++;
    const wanted = nameIndex(set, b, nameStart, nameEnd);
    at = nameEnd + 1;
    switch (type) {
      case 0x07: // ObjectId
        if (wanted >= 0) out[wanted] = b.toString('hex', at, at + 12);
        at += 12;
        break;
      case 0x02: {
        // string: int32 length (with the trailing NUL), bytes
        const length = b.readInt32LE(at);
        if (wanted >= 0) out[wanted] = b.toString('utf8', at + 4, at + 4 + length - 1);
        at += 4 + length;
        break;
      }
      case 0x09: // UTC datetime, int64 ms
        if (wanted >= 0) out[wanted] = Number(b.readBigInt64LE(at));
        at += 8;
        break;
      case 0x0a: // null
        if (wanted >= 0) out[wanted] = null;
        break;
      case 0x10: // int32
        if (wanted >= 0) out[wanted] = b.readInt32LE(at);
        at += 4;
        break;
      case 0x01: // double
        if (wanted >= 0) out[wanted] = b.readDoubleLE(at);
        at += 8;
        break;
      case 0x08: // boolean
        if (wanted >= 0) out[wanted] = b[at] === 1;
        at += 1;
        break;
      case 0x12: // int64: Number(), as the driver's default promoteLongs does for safe values
        if (wanted >= 0) return decoded(b, set, out);
        at += 8;
        break;
      case 0x03: // embedded document, array: the int32 length covers the whole value
      case 0x04:
        if (wanted >= 0) return decoded(b, set, out);
        at += b.readInt32LE(at);
        break;
      default:
        // a type not skipped here (binary, decimal, regex, …): decode the document
        return decoded(b, set, out);
    }
  }
  return out;
}

function decoded(buf: Buffer, set: FieldSet, out: unknown[]): unknown[] {
  const doc: Document = deserialize(buf);
  for (let i = 0; i < set.names.length; i++) out[i] = plain(doc[set.names[i]!]);
  return out;
}
