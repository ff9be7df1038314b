/**
 * Index keys read straight from a document's BSON bytes, without decoding it. Building
 * every index of a million documents at start-up is dominated by decoding and the
 * garbage it leaves; most indexed fields are top-level scalars (ObjectId, string,
 * number, date), which are encoded here from their bytes. Anything else — arrays
 * (multikey), sub-documents, dotted paths, rarer types — answers FALLBACK and the caller
 * decodes the document as usual, so results are identical either way.
 */
import { findElementBytes } from '../bson-walk';
import { booleanKey, complement, dateKey, nullKey, numberKey, objectIdBytesKey, stringKey } from './key-encoding';
import type { KeyPattern } from './btree-index';

export const FALLBACK = Symbol('decode the document');

/** Per-index plan: the field names as UTF-8 bytes, or null if the pattern has dotted paths. */
export function rawFieldsOf(pattern: KeyPattern): Array<{ name: Buffer; dir: 1 | -1 }> | null {
  if (pattern.some(([f]) => f.includes('.'))) return null;
  return pattern.map(([f, dir]) => ({ name: Buffer.from(f, 'utf8'), dir }));
}

function ascendingKey(doc: Buffer, name: Buffer): string | typeof FALLBACK {
  const el = findElementBytes(doc, name);
  if (!el) return nullKey(); // a missing field is indexed as null
  const type = doc[el.start];
  const at = el.start + 2 + name.length; // type byte, name, NUL
  switch (type) {
    case 0x01: return numberKey(doc.readDoubleLE(at));
    case 0x10: return numberKey(doc.readInt32LE(at));
    case 0x12: {
      // beyond 2^53 a Long is indexed approximately: the decoding path records that
      const big = doc.readBigInt64LE(at);
      return big >= -9007199254740991n && big <= 9007199254740991n ? numberKey(Number(big)) : FALLBACK;
    }
    case 0x02: return stringKey(doc.toString('utf8', at + 4, at + 4 + doc.readInt32LE(at) - 1));
    case 0x07: return objectIdBytesKey(doc, at);
    case 0x09: return dateKey(Number(doc.readBigInt64LE(at)));
    case 0x08: return booleanKey(doc[at] === 1);
    case 0x0a: return nullKey();
    default: return FALLBACK;
  }
}

/** The encoded key tuple of a document, or FALLBACK when it needs the decoding path. */
export function rawTupleKey(doc: Buffer, fields: Array<{ name: Buffer; dir: 1 | -1 }>): string | typeof FALLBACK {
  let out = '';
  for (const { name, dir } of fields) {
    const k = ascendingKey(doc, name);
    if (k === FALLBACK) return FALLBACK;
    out += dir === 1 ? k : complement(k);
  }
  return out;
}

/**
 * The value of a top-level field read from BSON bytes for the common scalar types
 * (missing → undefined), or FALLBACK for anything that needs a real decode.
 */
export function rawFieldValue(doc: Buffer, name: Buffer): unknown {
  const el = findElementBytes(doc, name);
  if (!el) return undefined;
  const at = el.start + 2 + name.length;
  switch (doc[el.start]) {
    case 0x01: return doc.readDoubleLE(at);
    case 0x10: return doc.readInt32LE(at);
    case 0x02: return doc.toString('utf8', at + 4, at + 4 + doc.readInt32LE(at) - 1);
    case 0x08: return doc[at] === 1;
    case 0x09: return new Date(Number(doc.readBigInt64LE(at)));
    case 0x0a: return null;
    default: return FALLBACK;
  }
}
