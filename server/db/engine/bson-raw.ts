/**
 * BSON encoding that can splice already-encoded documents into a reply. Stored documents
 * are kept as their original BSON bytes, so returning them needs no decode/encode round
 * trip — which is both faster and the reason every type (Int32 vs Double, Long,
 * Decimal128…) comes back exactly as it was written.
 */
import { serialize, type Document } from 'bson';

/** An embedded document given as encoded BSON bytes. */
export class RawDoc {
  constructor(readonly bytes: Buffer) {}
}

/** An array of embedded documents given as encoded BSON bytes. */
export class RawDocArray {
  constructor(readonly items: Buffer[]) {}
}

/** Decoding that keeps every value's exact BSON type (Int32 / Double / Long wrappers, BSON regex options). */
export const EXACT_DECODE = { promoteValues: false, promoteBuffers: false, bsonRegExp: true } as const;

/** `bson.serialize` as a Node Buffer (bson 7 returns a plain Uint8Array). */
export function toBson(doc: Document): Buffer {
  const bytes = serialize(doc);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const BSON_DOCUMENT = 0x03;
const BSON_ARRAY = 0x04;

function hasRaw(value: unknown): boolean {
  if (value instanceof RawDoc || value instanceof RawDocArray) return true;
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const v of Object.values(value)) if (hasRaw(v)) return true;
  return false;
}

function element(type: number, name: string, bytes: Buffer): Buffer[] {
  return [Buffer.from([type]), Buffer.from(name + '\0', 'utf8'), bytes];
}

function frame(parts: Buffer[]): Buffer {
  const size = parts.reduce((n, p) => n + p.length, 0) + 5;
  const head = Buffer.allocUnsafe(4);
  head.writeInt32LE(size, 0);
  return Buffer.concat([head, ...parts, Buffer.from([0])], size);
}

function encodeRawArray(items: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  items.forEach((bytes, i) => parts.push(...element(BSON_DOCUMENT, String(i), bytes)));
  return frame(parts);
}

/**
 * Encodes a reply document; values may be RawDoc / RawDocArray anywhere inside plain
 * objects. Without raw parts this is plain `bson.serialize`.
 */
export function encodeDocument(doc: Document): Buffer {
  if (!hasRaw(doc)) return toBson(doc);
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(doc)) {
    if (value === undefined) continue;
    if (value instanceof RawDoc) parts.push(...element(BSON_DOCUMENT, name, value.bytes));
    else if (value instanceof RawDocArray) parts.push(...element(BSON_ARRAY, name, encodeRawArray(value.items)));
    else if (hasRaw(value)) parts.push(...element(BSON_DOCUMENT, name, encodeDocument(value as Document)));
    else {
      const single = toBson({ [name]: value });
      parts.push(single.subarray(4, single.length - 1));
    }
  }
  return frame(parts);
}
