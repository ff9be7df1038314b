/**
 * Walking raw BSON documents without decoding them. Stored documents are kept as their
 * original BSON bytes; bulk insert and recovery (up to millions of documents) only need
 * to find, move or read the `_id` element, so these helpers skip over every other
 * element by its type-specific size instead of deserializing the whole document.
 *
 * The walk allocates nothing per element: names are compared byte by byte in place and
 * sizes are read straight from the Buffer. Malformed input (a length that runs past its
 * container, a missing terminator, an unknown type byte) throws an Error.
 */
import { deserialize, ObjectId } from 'bson';

/** `_id` as UTF-8 bytes — the element name every helper here looks for. */
const ID_NAME = Uint8Array.of(0x5f, 0x69, 0x64);

/** Bytes of an `_id` element header: type byte (1) + "_id\0" (4). */
const ID_HEADER = 5;

const T_DOUBLE = 0x01;
const T_STRING = 0x02;
const T_DOCUMENT = 0x03;
const T_ARRAY = 0x04;
const T_BINARY = 0x05;
const T_UNDEFINED = 0x06;
const T_OBJECT_ID = 0x07;
const T_BOOL = 0x08;
const T_DATE = 0x09;
const T_NULL = 0x0a;
const T_REGEX = 0x0b;
const T_DB_POINTER = 0x0c;
const T_CODE = 0x0d;
const T_SYMBOL = 0x0e;
const T_CODE_W_SCOPE = 0x0f;
const T_INT32 = 0x10;
const T_TIMESTAMP = 0x11;
const T_INT64 = 0x12;
const T_DECIMAL128 = 0x13;
const T_MIN_KEY = 0xff;
const T_MAX_KEY = 0x7f;

function malformed(what: string, at: number): never {
  throw new Error(`malformed BSON: ${what} at offset ${at}`);
}

/**
 * Checks the document frame (int32 size equal to the Buffer length, at least 5 bytes,
 * trailing 0x00) and returns the offset of the terminating 0x00, i.e. the limit that
 * every top-level element must end at or before.
 */
function frameLimit(doc: Buffer): number {
  if (doc.length < 5) malformed(`document of ${doc.length} bytes is shorter than 5`, 0);
  const size = doc.readInt32LE(0);
  if (size !== doc.length) malformed(`declared size ${size} differs from buffer length ${doc.length}`, 0);
  if (doc[size - 1] !== 0) malformed('missing document terminator', size - 1);
  return size - 1;
}

/** Offset just past the cstring starting at `pos`, which must end before `limit`. */
function cstringEnd(doc: Buffer, pos: number, limit: number): number {
  for (let i = pos; i < limit; i++) if (doc[i] === 0) return i + 1;
  return malformed('unterminated cstring', pos);
}

/** End of a fixed-size value of `size` bytes starting at `pos`. */
function fixedEnd(pos: number, size: number, limit: number): number {
  const end = pos + size;
  if (end > limit) malformed(`${size}-byte value runs past its container`, pos);
  return end;
}

/** End of a BSON string (int32 length including the trailing 0x00, then the bytes). */
function stringEnd(doc: Buffer, pos: number, limit: number): number {
  if (pos + 4 > limit) malformed('string length runs past its container', pos);
  const len = doc.readInt32LE(pos);
  if (len < 1 || len > limit - pos - 4) malformed(`string length ${len} out of range`, pos);
  const end = pos + 4 + len;
  if (doc[end - 1] !== 0) malformed('string is not 0x00-terminated', end - 1);
  return end;
}

/** End of an embedded document / array (int32 total size, elements, 0x00). */
function embeddedEnd(doc: Buffer, pos: number, limit: number): number {
  if (pos + 4 > limit) malformed('embedded document size runs past its container', pos);
  const size = doc.readInt32LE(pos);
  if (size < 5 || size > limit - pos) malformed(`embedded document size ${size} out of range`, pos);
  const end = pos + size;
  if (doc[end - 1] !== 0) malformed('embedded document is not 0x00-terminated', end - 1);
  return end;
}

/** End of the value of type `type` starting at `pos` (just past the element name). */
function valueEnd(doc: Buffer, type: number, pos: number, limit: number): number {
  switch (type) {
    case T_DOUBLE:
    case T_DATE:
    case T_TIMESTAMP:
    case T_INT64:
      return fixedEnd(pos, 8, limit);
    case T_STRING:
    case T_CODE:
    case T_SYMBOL:
      return stringEnd(doc, pos, limit);
    case T_DOCUMENT:
    case T_ARRAY:
      return embeddedEnd(doc, pos, limit);
    case T_BINARY: {
      if (pos + 5 > limit) malformed('binary header runs past its container', pos);
      const len = doc.readInt32LE(pos);
      if (len < 0 || len > limit - pos - 5) malformed(`binary length ${len} out of range`, pos);
      return pos + 5 + len;
    }
    case T_UNDEFINED:
    case T_NULL:
    case T_MIN_KEY:
    case T_MAX_KEY:
      return pos;
    case T_OBJECT_ID:
      return fixedEnd(pos, 12, limit);
    case T_BOOL: {
      const end = fixedEnd(pos, 1, limit);
      if (doc[pos] > 1) malformed(`boolean byte ${doc[pos]}`, pos);
      return end;
    }
    case T_REGEX:
      return cstringEnd(doc, cstringEnd(doc, pos, limit), limit);
    case T_DB_POINTER:
      return fixedEnd(stringEnd(doc, pos, limit), 12, limit);
    case T_CODE_W_SCOPE: {
      // int32 total, string code, document scope — total must match its parts exactly.
      if (pos + 4 > limit) malformed('code-with-scope size runs past its container', pos);
      const total = doc.readInt32LE(pos);
      if (total < 14 || total > limit - pos) malformed(`code-with-scope size ${total} out of range`, pos);
      const end = pos + total;
      if (embeddedEnd(doc, stringEnd(doc, pos + 4, end), end) !== end) {
        malformed('code-with-scope size does not match its code and scope', pos);
      }
      return end;
    }
    case T_INT32:
      return fixedEnd(pos, 4, limit);
    case T_DECIMAL128:
      return fixedEnd(pos, 16, limit);
    default:
      return malformed(`unknown element type 0x${type.toString(16).padStart(2, '0')}`, pos);
  }
}

/** End offset of the element last found by `scan` (avoids allocating a result object). */
let foundEnd = 0;

/**
 * Walks the top-level elements of `doc` and returns the start offset (type byte) of the
 * first one whose name bytes equal `target`, setting `foundEnd`; -1 if there is none.
 * Elements after a match are not visited (nor validated).
 */
function scan(doc: Buffer, target: Uint8Array): number {
  const limit = frameLimit(doc);
  const tlen = target.length;
  let pos = 4;
  while (pos < limit) {
    const start = pos;
    const type = doc[pos++];
    // Element name: find its 0x00 and compare with `target` in the same pass.
    let k = 0;
    let same = true;
    for (;;) {
      if (pos >= limit) malformed('unterminated element name', start + 1);
      const c = doc[pos++];
      if (c === 0) break;
      if (same && (k >= tlen || c !== target[k])) same = false;
      k++;
    }
    const end = valueEnd(doc, type, pos, limit);
    if (same && k === tlen) {
      foundEnd = end;
      return start;
    }
    pos = end;
  }
  return -1;
}

/**
 * Byte range `[start, end)` of the first top-level element named `name` (from its type
 * byte through the end of its value), or null if the document has no such element.
 * Walks elements by their type-specific sizes without decoding any value.
 *
 * The frame must be exact: the int32 size equals `doc.length` and the last byte is 0x00.
 * Throws Error on malformed input (a length out of range, an unterminated name or
 * string, an unknown type byte). Elements after the match are not inspected.
 */
export function findElement(doc: Buffer, name: string): { start: number; end: number } | null {
  const target = name === '_id' ? ID_NAME : Buffer.from(name, 'utf8');
  const start = scan(doc, target);
  return start < 0 ? null : { start, end: foundEnd };
}

/** findElement with the name already encoded as UTF-8 bytes (hot loops reuse one Buffer per name). */
export function findElementBytes(doc: Buffer, nameBytes: Buffer): { start: number; end: number } | null {
  const start = scan(doc, nameBytes);
  return start < 0 ? null : { start, end: foundEnd };
}

/**
 * The document with its `_id` element moved to the front. Returns the same Buffer object
 * when `_id` is already the first element or the document has no `_id`; otherwise a new
 * Buffer of the same length whose other elements keep their bytes and relative order.
 * Throws Error on malformed input.
 */
export function withIdFirst(doc: Buffer): Buffer {
  const start = scan(doc, ID_NAME);
  if (start <= 4) return doc; // -1: no _id; 4: already first
  const end = foundEnd;
  const out = Buffer.allocUnsafe(doc.length);
  doc.copy(out, 0, 0, 4); // the size is unchanged
  doc.copy(out, 4, start, end);
  doc.copy(out, 4 + end - start, 4, start);
  doc.copy(out, end, end);
  return out;
}

/**
 * The `_id` value decoded on its own — exactly what `bson.deserialize` with default
 * (promoted) options and `promoteBuffers: false` gives for a document holding only that
 * element — or undefined when the document has no `_id`. ObjectId ids (the usual case)
 * are built straight from their 12 bytes; the returned value never references `doc`.
 * Throws Error on malformed input.
 */
export function rawIdValue(doc: Buffer): unknown {
  const start = scan(doc, ID_NAME);
  if (start < 0) return undefined;
  const end = foundEnd;
  if (doc[start] === T_OBJECT_ID) {
    return new ObjectId(doc.subarray(start + ID_HEADER, start + ID_HEADER + 12));
  }
  const size = 4 + (end - start) + 1;
  const mini = Buffer.allocUnsafe(size);
  mini.writeInt32LE(size, 0);
  doc.copy(mini, 4, start, end);
  mini[size - 1] = 0;
  return deserialize(mini, { promoteBuffers: false })._id;
}

/**
 * A new Buffer holding `doc` with an ObjectId `_id` element (`id`) inserted as its first
 * element; every other byte is copied unchanged and the size is updated (+17 bytes).
 * The document must not already have an `_id`: that (or malformed input) throws Error.
 */
export function prependObjectId(doc: Buffer, id: ObjectId): Buffer {
  if (scan(doc, ID_NAME) >= 0) throw new Error('document already has an _id');
  const size = doc.length + ID_HEADER + 12;
  const out = Buffer.allocUnsafe(size);
  out.writeInt32LE(size, 0);
  out[4] = T_OBJECT_ID;
  out.set(ID_NAME, 5);
  out[8] = 0;
  out.set(id.id, 4 + ID_HEADER);
  doc.copy(out, 4 + ID_HEADER + 12, 4);
  return out;
}

/**
 * An inclusion projection as a tree of field names: `true` keeps the whole value, a
 * sub-tree keeps some fields of an embedded document ({'draft.title': 1} is
 * draft → title → true).
 */
export type InclusionTree = Map<string, true | InclusionTree>;

/** A projection value that includes: 1 (any numeric type) or true. */
function includes(value: unknown): boolean {
  if (value === true || value === 1) return true;
  const bsonType = (value as { _bsontype?: string } | null)?._bsontype;
  return (bsonType === 'Int32' || bsonType === 'Double' || bsonType === 'Long') && Number((value as { valueOf(): unknown }).valueOf()) === 1;
}

const excludes = (value: unknown) => value === false || value === 0 || ((value as { _bsontype?: string } | null)?._bsontype !== undefined && Number((value as { valueOf(): unknown }).valueOf()) === 0);

/**
 * The plain inclusion projections the raw path handles ({a: 1, 'b.c': 1}, optionally with
 * `_id: 0`) as a tree plus whether `_id` is kept; null for everything else (exclusions,
 * operators, `$` paths, path collisions), which the decoding path handles and judges.
 */
export function inclusionTree(projection: Record<string, unknown>): { tree: InclusionTree; keepId: boolean } | null {
  const tree: InclusionTree = new Map();
  let keepId = true;
  for (const [key, value] of Object.entries(projection)) {
    if (key === '_id' && excludes(value)) {
      keepId = false;
      continue;
    }
    if (!includes(value) || key.includes('$') || key.startsWith('_id.')) return null;
    const path = key.split('.');
    if (path.some((part) => part === '')) return null;
    let node = tree;
    for (const [i, part] of path.entries()) {
      const existing = node.get(part);
      if (i === path.length - 1) {
        if (existing !== undefined) return null; // a collision: the decoding path reports it
        node.set(part, true);
      } else {
        if (existing === true) return null;
        let next = existing;
        if (!next) node.set(part, (next = new Map()));
        node = next;
      }
    }
  }
  return tree.size ? { tree, keepId } : null;
}

/**
 * The embedded document starting at `start` with only the fields of `tree` (and `_id` when
 * `keepId`), in stored order, each value's bytes copied as they are — no decoding: the
 * find of a few fields of a large document (a module and its lessons' HTML) costs the
 * walk, not a full deserialize + serialize. Null when the answer needs the decoding path:
 * a sub-tree over an array or over a value that is not a document, or a sub-document
 * left empty.
 */
function projectEmbedded(doc: Buffer, start: number, end: number, tree: InclusionTree, keepId: boolean): Buffer | null {
  const limit = end - 1;
  const parts: Buffer[] = [];
  let size = 5;
  let pos = start + 4;
  while (pos < limit) {
    const elementStart = pos;
    const type = doc[pos++]!;
    const nameStart = pos;
    pos = cstringEnd(doc, pos, limit);
    const valueStart = pos;
    pos = valueEnd(doc, type, valueStart, limit);
    const name = doc.toString('utf8', nameStart, valueStart - 1);
    const spec = tree.get(name) ?? (keepId && name === '_id' ? true : undefined);
    if (spec === undefined) continue;
    if (spec === true) {
      parts.push(doc.subarray(elementStart, pos));
      size += pos - elementStart;
      continue;
    }
    if (type !== T_DOCUMENT) return null;
    const inner = projectEmbedded(doc, valueStart, pos, spec, false);
    if (!inner || inner.length === 5) return null;
    parts.push(doc.subarray(elementStart, valueStart), inner);
    size += valueStart - elementStart + inner.length;
  }
  const out = Buffer.allocUnsafe(size);
  out.writeInt32LE(size, 0);
  let at = 4;
  for (const part of parts) at += part.copy(out, at);
  out[at] = 0;
  return out;
}

/** `doc` projected by an inclusion tree (see inclusionTree), or null when the decoding path must answer. Throws Error on malformed input. */
export function projectInclusion(doc: Buffer, projection: { tree: InclusionTree; keepId: boolean }): Buffer | null {
  frameLimit(doc);
  return projectEmbedded(doc, 0, doc.length, projection.tree, projection.keepId);
}
