/**
 * bson-walk: finding, moving and reading `_id` in raw BSON without decoding documents.
 */
import { expect } from 'chai';
import {
  Binary,
  BSONRegExp,
  BSONSymbol,
  Code,
  Decimal128,
  deserialize,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  serialize,
  Timestamp,
  UUID,
  type Document,
} from 'bson';
import { findElement, prependObjectId, rawIdValue, withIdFirst } from '../../../server/db/engine/bson-walk';

const EXACT = { promoteValues: false, promoteBuffers: false, bsonRegExp: true } as const;

function bson(doc: Document): Buffer {
  const u8 = serialize(doc);
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

/** The encoded element `name: value` (type byte through value), as bson writes it. */
function elementBytes(name: string, value: unknown): Buffer {
  const one = bson({ [name]: value });
  return one.subarray(4, one.length - 1);
}

/** A document framed around already-encoded elements. */
function frame(...elements: Buffer[]): Buffer {
  const body = Buffer.concat(elements);
  const out = Buffer.alloc(body.length + 5);
  out.writeInt32LE(out.length, 0);
  body.copy(out, 4);
  return out;
}

/** A hand-made element: type byte, cstring name, raw value bytes. */
function rawElement(type: number, name: string, value: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([Buffer.from([type]), Buffer.from(name + '\0', 'utf8'), value]);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n, 0);
  return b;
}

function bsonString(s: string): Buffer {
  const bytes = Buffer.from(s + '\0', 'utf8');
  return Buffer.concat([int32(bytes.length), bytes]);
}

/** One value of every BSON type `bson.serialize` can write, with its expected type byte. */
const SAMPLES: Array<[label: string, type: number, value: unknown]> = [
  ['double', 0x01, new Double(1.5)],
  ['double (whole)', 0x01, new Double(3)],
  ['string', 0x02, 'Văn hóa công vụ — Nghị định'],
  ['empty string', 0x02, ''],
  ['document', 0x03, { tỉnh: 'Hà Nội', n: new Int32(1), inner: { deep: [1, 2] } }],
  ['empty document', 0x03, {}],
  ['array', 0x04, [1, 'hai', { ba: 3 }, [4]]],
  ['empty array', 0x04, []],
  ['binary', 0x05, new Binary(Buffer.from('nhị phân', 'utf8'), 0)],
  ['empty binary', 0x05, new Binary(Buffer.alloc(0), 0)],
  ['uuid', 0x05, new UUID('0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0')],
  ['objectId', 0x07, new ObjectId('65a1b2c3d4e5f60718293a4b')],
  ['bool true', 0x08, true],
  ['bool false', 0x08, false],
  ['date', 0x09, new Date(Date.UTC(2024, 0, 2, 3, 4, 5))],
  ['null', 0x0a, null],
  ['regex', 0x0b, new BSONRegExp('^Việt', 'iu')],
  ['code', 0x0d, new Code('function () { return "xin chào"; }')],
  ['symbol', 0x0e, new BSONSymbol('ký hiệu')],
  ['code with scope', 0x0f, new Code('return x', { x: 'phạm vi', n: new Int32(2) })],
  ['int32', 0x10, new Int32(-42)],
  ['timestamp', 0x11, new Timestamp({ t: 1700000000, i: 7 })],
  ['int64', 0x12, Long.fromString('9007199254740993')],
  ['decimal128', 0x13, Decimal128.fromString('1234.5678')],
  ['minKey', 0xff, new MinKey()],
  ['maxKey', 0x7f, new MaxKey()],
];

/** Elements bson cannot write (deprecated types) — hand-encoded. */
const HANDMADE: Array<[label: string, make: (name: string) => Buffer]> = [
  ['undefined', (name) => rawElement(0x06, name)],
  [
    'DBPointer',
    (name) => rawElement(0x0c, name, Buffer.concat([bsonString('đơn_vị'), Buffer.from('0123456789ab0123456789ab', 'hex')])),
  ],
];

describe('bson-walk', () => {
  describe('findElement', () => {
    it('serialized sample values carry the expected type bytes', () => {
      for (const [label, type, value] of SAMPLES) {
        expect(elementBytes('v', value)[0], label).to.equal(type);
      }
    });

    for (const [label, , value] of SAMPLES) {
      it(`finds _id and every field around a ${label}`, () => {
        const id = new ObjectId();
        const parts: Array<[string, unknown]> = [
          ['trước', value],
          ['a', value],
          ['_id', id],
          ['b', value],
          ['sau', value],
        ];
        const doc = bson(Object.fromEntries(parts));
        for (const [name, v] of parts) {
          const range = findElement(doc, name);
          expect(range, name).to.not.equal(null);
          expect(doc.subarray(range!.start, range!.end).equals(elementBytes(name, v)), name).to.equal(true);
        }
        expect(findElement(doc, 'không có')).to.equal(null);
      });

      it(`walks a ${label} _id`, () => {
        const doc = bson({ x: new Int32(1), _id: value, y: 'z' });
        const range = findElement(doc, '_id')!;
        expect(doc.subarray(range.start, range.end).equals(elementBytes('_id', value))).to.equal(true);
      });
    }

    for (const [label, make] of HANDMADE) {
      it(`walks a hand-encoded ${label} element before and after _id`, () => {
        const id = elementBytes('_id', 'mã');
        const doc = frame(make('a'), elementBytes('n', new Int32(1)), id, make('b'), elementBytes('z', true));
        const start = make('a').length + elementBytes('n', new Int32(1)).length + 4;
        expect(findElement(doc, '_id')).to.deep.equal({ start, end: start + id.length });
        const b = findElement(doc, 'b')!;
        expect(doc.subarray(b.start, b.end).equals(make('b'))).to.equal(true);
        expect(findElement(doc, 'z')).to.deep.equal({ start: doc.length - 1 - elementBytes('z', true).length, end: doc.length - 1 });
      });
    }

    it('returns the first element on the front and the last before the terminator', () => {
      const doc = bson({ _id: 1, last: 'cuối' });
      expect(findElement(doc, '_id')).to.deep.equal({ start: 4, end: 4 + elementBytes('_id', 1).length });
      expect(findElement(doc, 'last')!.end).to.equal(doc.length - 1);
    });

    it('matches whole names only (no prefixes or extensions)', () => {
      const doc = bson({ _i: 1, _idx: 2, _id_: 3, a: 4, ab: 5, _id: 6 });
      const r = findElement(doc, '_id')!;
      expect(doc.subarray(r.start, r.end).equals(elementBytes('_id', 6))).to.equal(true);
      const a = findElement(doc, 'a')!;
      expect(doc.subarray(a.start, a.end).equals(elementBytes('a', 4))).to.equal(true);
      expect(findElement(doc, '_')).to.equal(null);
      expect(findElement(doc, '')).to.equal(null);
    });

    it('matches Vietnamese (multi-byte UTF-8) names', () => {
      const doc = bson({ 'họ tên': 'Nguyễn Văn A', 'họ': 'Nguyễn', 'đơn vị': 'Sở Nội vụ' });
      for (const name of ['họ tên', 'họ', 'đơn vị']) {
        const r = findElement(doc, name)!;
        expect(deserialize(frame(doc.subarray(r.start, r.end)))).to.deep.equal({ [name]: deserialize(doc)[name] });
      }
      expect(findElement(doc, 'ho')).to.equal(null);
    });

    it('returns the first of duplicate names', () => {
      const first = elementBytes('_id', 1);
      const doc = frame(elementBytes('x', 0), first, elementBytes('_id', 2));
      expect(findElement(doc, '_id')).to.deep.equal({ start: 4 + elementBytes('x', 0).length, end: 4 + elementBytes('x', 0).length + first.length });
    });

    it('handles the empty document', () => {
      expect(findElement(bson({}), '_id')).to.equal(null);
    });

    it('does not look inside nested documents or arrays', () => {
      const doc = bson({ a: { _id: 1 }, b: [{ _id: 2 }] });
      expect(findElement(doc, '_id')).to.equal(null);
    });

    it('works on a Buffer that is a view into a larger allocation', () => {
      const inner = bson({ a: 'x', _id: new Int32(9) });
      const big = Buffer.alloc(inner.length + 20, 0xee);
      inner.copy(big, 7);
      const view = big.subarray(7, 7 + inner.length);
      const r = findElement(view, '_id')!;
      expect(view.subarray(r.start, r.end).equals(elementBytes('_id', new Int32(9)))).to.equal(true);
    });
  });

  describe('withIdFirst', () => {
    const idFirstExpected = (doc: Buffer): Buffer => {
      const { _id, ...rest } = deserialize(doc, EXACT);
      return bson({ _id, ...rest });
    };

    for (const [label, , value] of SAMPLES) {
      it(`moves _id ahead of ${label} values, byte-exact`, () => {
        const doc = bson({ before: value, mid: 'giữa', _id: new ObjectId(), after: value });
        const moved = withIdFirst(doc);
        expect(moved).to.not.equal(doc);
        expect(moved.equals(idFirstExpected(doc))).to.equal(true);
        expect(findElement(moved, '_id')!.start).to.equal(4);
      });

      it(`moves a ${label} _id to the front`, () => {
        const doc = bson({ x: new Int32(1), y: [new Double(2)], _id: value });
        expect(withIdFirst(doc).equals(idFirstExpected(doc))).to.equal(true);
      });
    }

    it('returns the same Buffer object when _id is already first', () => {
      const doc = bson({ _id: new ObjectId(), a: 1, b: 'hai' });
      expect(withIdFirst(doc)).to.equal(doc);
    });

    it('returns the same Buffer object when there is no _id', () => {
      const doc = bson({ a: 1, b: { _id: 2 } });
      expect(withIdFirst(doc)).to.equal(doc);
      const empty = bson({});
      expect(withIdFirst(empty)).to.equal(empty);
    });

    it('does not modify its input', () => {
      const doc = bson({ a: 'một', b: new Int32(2), _id: 'ba' });
      const copy = Buffer.from(doc);
      withIdFirst(doc);
      expect(doc.equals(copy)).to.equal(true);
    });

    it('keeps element order and bytes even where a JS object would reorder keys', () => {
      // Integer-like keys come first in JS objects, so only the raw move is exact here.
      const a = elementBytes('z', 'zeta');
      const b = elementBytes('1', new Int32(1));
      const id = elementBytes('_id', new ObjectId());
      const c = elementBytes('0', new Long(5));
      const moved = withIdFirst(frame(a, b, id, c));
      expect(moved.equals(frame(id, a, b, c))).to.equal(true);
    });

    it('moves hand-encoded deprecated types byte-exact', () => {
      const [[, undef], [, dbp]] = HANDMADE;
      const id = elementBytes('_id', 7);
      expect(withIdFirst(frame(undef('u'), dbp('p'), id)).equals(frame(id, undef('u'), dbp('p')))).to.equal(true);
    });

    it('moves only the first of duplicate _id elements', () => {
      const x = elementBytes('x', 0);
      const id1 = elementBytes('_id', 1);
      const id2 = elementBytes('_id', 2);
      expect(withIdFirst(frame(x, id1, id2)).equals(frame(id1, x, id2))).to.equal(true);
    });

    it('returns a Node Buffer', () => {
      expect(Buffer.isBuffer(withIdFirst(bson({ a: 1, _id: 2 })))).to.equal(true);
    });
  });

  describe('rawIdValue', () => {
    const viaDeserialize = (doc: Buffer): unknown => deserialize(doc, { promoteBuffers: false })._id;

    it('decodes an ObjectId id', () => {
      const id = new ObjectId();
      const value = rawIdValue(bson({ a: 1, _id: id }));
      expect(value).to.be.instanceOf(ObjectId);
      expect((value as ObjectId).equals(id)).to.equal(true);
    });

    it('returns an ObjectId that does not share the document bytes', () => {
      const id = new ObjectId();
      const doc = bson({ _id: id });
      const value = rawIdValue(doc) as ObjectId;
      doc.fill(0, 5, 17);
      expect(value.equals(id)).to.equal(true);
    });

    it('decodes a string id', () => {
      expect(rawIdValue(bson({ tên: 'x', _id: 'Mã-cán-bộ-001' }))).to.equal('Mã-cán-bộ-001');
    });

    it('decodes number ids with promoted values', () => {
      expect(rawIdValue(bson({ _id: new Int32(7) }))).to.equal(7);
      expect(rawIdValue(bson({ a: 1, _id: new Double(2.5) }))).to.equal(2.5);
      expect(rawIdValue(bson({ a: 1, _id: Long.fromNumber(12) }))).to.equal(12);
    });

    it('decodes a document id', () => {
      const value = rawIdValue(bson({ x: true, _id: { năm: 2024, mã: 'A', sub: [1, 2] }, y: null }));
      expect(value).to.deep.equal({ năm: 2024, mã: 'A', sub: [1, 2] });
    });

    it('keeps Binary ids as Binary (promoteBuffers false)', () => {
      const value = rawIdValue(bson({ _id: new Binary(Buffer.from([1, 2, 3]), 0) }));
      expect(value).to.be.instanceOf(Binary);
      expect(Buffer.from((value as Binary).buffer).equals(Buffer.from([1, 2, 3]))).to.equal(true);
    });

    for (const [label, , value] of SAMPLES) {
      it(`matches deserialize for a ${label} id`, () => {
        const doc = bson({ before: 'trước', _id: value, after: [1] });
        expect(rawIdValue(doc)).to.deep.equal(viaDeserialize(doc));
      });
    }

    it('returns undefined when there is no _id', () => {
      expect(rawIdValue(bson({ a: 1, b: { _id: 2 } }))).to.equal(undefined);
      expect(rawIdValue(bson({}))).to.equal(undefined);
    });

    it('treats a null _id as present', () => {
      expect(rawIdValue(bson({ _id: null }))).to.equal(null);
    });
  });

  describe('prependObjectId', () => {
    it('inserts the ObjectId as the first element, byte-exact', () => {
      const id = new ObjectId();
      const body = { tên: 'Nguyễn Thị B', n: new Int32(1), l: Long.fromNumber(2), d: new Double(3), sub: { a: [1] } };
      const doc = bson(body);
      const out = prependObjectId(doc, id);
      expect(Buffer.isBuffer(out)).to.equal(true);
      expect(out.length).to.equal(doc.length + 17);
      expect(out.equals(bson({ _id: id, ...deserialize(doc, EXACT) }))).to.equal(true);
      expect((rawIdValue(out) as ObjectId).equals(id)).to.equal(true);
      expect(findElement(out, '_id')).to.deep.equal({ start: 4, end: 21 });
    });

    it('works on the empty document', () => {
      const id = new ObjectId();
      expect(prependObjectId(bson({}), id).equals(bson({ _id: id }))).to.equal(true);
    });

    it('copies every sample type unchanged', () => {
      const id = new ObjectId();
      const body = Object.fromEntries(SAMPLES.map(([label, , value]) => [label, value]));
      const doc = bson(body);
      const out = prependObjectId(doc, id);
      expect(out.subarray(21).equals(doc.subarray(4))).to.equal(true);
      expect(out.equals(bson({ _id: id, ...body }))).to.equal(true);
    });

    it('does not modify its input', () => {
      const doc = bson({ a: 'b' });
      const copy = Buffer.from(doc);
      prependObjectId(doc, new ObjectId());
      expect(doc.equals(copy)).to.equal(true);
    });

    it('throws when the document already has an _id', () => {
      expect(() => prependObjectId(bson({ a: 1, _id: 2 }), new ObjectId())).to.throw(Error, /already has an _id/);
    });
  });

  describe('malformed input', () => {
    const all: Array<[string, (doc: Buffer) => unknown]> = [
      ['findElement', (d) => findElement(d, '_id')],
      ['withIdFirst', withIdFirst],
      ['rawIdValue', rawIdValue],
      ['prependObjectId', (d) => prependObjectId(d, new ObjectId())],
    ];

    const expectThrows = (doc: Buffer, what: string): void => {
      for (const [name, fn] of all) expect(() => fn(doc), `${name}: ${what}`).to.throw(Error, /malformed BSON/);
    };

    /** Overwrites an int32 at `at` in a copy of `doc`. */
    const patch32 = (doc: Buffer, at: number, value: number): Buffer => {
      const copy = Buffer.from(doc);
      copy.writeInt32LE(value, at);
      return copy;
    };

    it('rejects buffers shorter than a document', () => {
      expectThrows(Buffer.alloc(0), 'empty');
      expectThrows(Buffer.from([5, 0, 0, 0]), '4 bytes');
    });

    it('rejects a declared size different from the buffer length', () => {
      const doc = bson({ a: 1, _id: 2 });
      expectThrows(doc.subarray(0, doc.length - 3), 'truncated');
      expectThrows(Buffer.concat([doc, Buffer.from([0])]), 'trailing byte');
      expectThrows(patch32(doc, 0, -1), 'negative size');
    });

    it('rejects a missing document terminator', () => {
      const doc = Buffer.from(bson({ a: 1, _id: 2 }));
      doc[doc.length - 1] = 1;
      expectThrows(doc, 'terminator');
    });

    it('rejects truncated documents whose size field was fixed up', () => {
      const doc = bson({ a: 'chuỗi dài', _id: 2 });
      for (let cut = 6; cut < doc.length - 1; cut++) {
        const t = Buffer.concat([doc.subarray(0, cut), Buffer.from([0])]);
        t.writeInt32LE(t.length, 0);
        // Some cuts land on an element boundary (a valid, shorter document); all others must throw.
        let valid = true;
        try {
          deserialize(t);
        } catch {
          valid = false;
        }
        if (!valid) expectThrows(t, `cut at ${cut}`);
      }
    });

    it('rejects an unknown type byte', () => {
      for (const bad of [0x00, 0x14, 0x20, 0x80, 0xfe]) {
        expectThrows(frame(elementBytes('a', 1), rawElement(bad, 'x', Buffer.alloc(8)), elementBytes('_id', 2)), `type 0x${bad.toString(16)}`);
      }
    });

    it('reports the unknown type in the message', () => {
      expect(() => findElement(frame(rawElement(0x42, 'x')), '_id')).to.throw(/unknown element type 0x42/);
    });

    it('rejects string lengths out of range', () => {
      const doc = bson({ s: 'abc', _id: 1 }); // s value length at offset 4 + 1 + 2 = 7
      expectThrows(patch32(doc, 7, 1000), 'length past end');
      expectThrows(patch32(doc, 7, 0), 'zero length');
      expectThrows(patch32(doc, 7, -5), 'negative length');
      expectThrows(patch32(doc, 7, 3), 'missing string terminator');
    });

    it('rejects embedded document / array sizes out of range', () => {
      for (const value of [{ x: 1 }, [1, 2]]) {
        const doc = bson({ d: value, _id: 1 });
        expectThrows(patch32(doc, 7, 1000), 'size past end');
        expectThrows(patch32(doc, 7, 4), 'size below 5');
        expectThrows(patch32(doc, 7, 5), 'size cutting the value short');
      }
    });

    it('rejects binary lengths out of range', () => {
      const doc = bson({ b: new Binary(Buffer.from([1, 2, 3]), 0), _id: 1 });
      expectThrows(patch32(doc, 7, 1000), 'length past end');
      expectThrows(patch32(doc, 7, -1), 'negative length');
    });

    it('rejects code-with-scope whose size disagrees with its parts', () => {
      const doc = bson({ c: new Code('f()', { a: 1 }), _id: 1 });
      const total = doc.readInt32LE(7);
      expectThrows(patch32(doc, 7, 1000), 'size past end');
      expectThrows(patch32(doc, 7, 13), 'size below minimum');
      expectThrows(patch32(doc, 7, total - 1), 'size one short');
    });

    it('rejects fixed-size values running past the end', () => {
      for (const [type, size] of [
        [0x01, 8],
        [0x07, 12],
        [0x10, 4],
        [0x12, 8],
        [0x13, 16],
      ]) {
        expectThrows(frame(rawElement(type, 'x', Buffer.alloc(size - 1))), `type 0x${type.toString(16)}`);
      }
    });

    it('rejects unterminated names and regex cstrings', () => {
      const noName = Buffer.from([9, 0, 0, 0, 0x10, 0x61, 0x62, 0x63, 0]);
      expectThrows(noName, 'name');
      expectThrows(frame(Buffer.from([0x0b, 0x72, 0, 0x61, 0x62])), 'regex pattern');
      expectThrows(frame(Buffer.from([0x0b, 0x72, 0, 0x61, 0, 0x69])), 'regex options');
    });

    it('rejects a boolean byte other than 0 or 1', () => {
      expectThrows(frame(rawElement(0x08, 'b', Buffer.from([2])), elementBytes('_id', 1)), 'bool 2');
    });

    it('stops at the match: elements after _id are not validated by findElement', () => {
      const doc = frame(elementBytes('_id', 1), rawElement(0x42, 'x'));
      expect(findElement(doc, '_id')).to.deep.equal({ start: 4, end: 4 + elementBytes('_id', 1).length });
      expect(() => findElement(doc, 'nope')).to.throw(/unknown element type/);
    });
  });
});
