/**
 * compareValues / valuesEqual / canonicalKey: MongoDB's BSON order and equality.
 */
import { expect } from 'chai';
import { Binary, BSONRegExp, BSONSymbol, Code, Decimal128, DBRef, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';
import {
  canonicalKey,
  compareStrings,
  compareValues,
  MAX_KEY_SENTINEL,
  MIN_KEY_SENTINEL,
  valuesEqual,
} from '../../../server/db/engine/query/compare';
import { promoted } from './query-helpers';

const dec = (s: string) => Decimal128.fromString(s);

describe('query/compare', () => {
  describe('cross-type order', () => {
    // One value of every canonical type, in MongoDB's documented order.
    const ordered: unknown[] = [
      new MinKey(),
      undefined,
      null,
      -Infinity,
      5,
      'abc',
      { a: 1 },
      [1],
      new Binary(Buffer.from('x'), 0),
      new ObjectId('000000000000000000000001'),
      false,
      true,
      new Date(0),
      new Timestamp({ t: 1, i: 1 }),
      /re/,
      new Code('function(){}'),
      new MaxKey(),
    ];

    it('sorts one value of each type in BSON type order', () => {
      // Sort positions, not values: Array#sort always moves `undefined` values to the end.
      const positions = ordered.map((_, i) => i).reverse();
      positions.sort((i, j) => compareValues(ordered[i], ordered[j]));
      expect(positions).to.deep.equal(ordered.map((_, i) => i));
    });

    it('is antisymmetric for every pair', () => {
      for (let i = 0; i < ordered.length; i++) {
        for (let j = 0; j < ordered.length; j++) {
          const expected = i === j ? 0 : i < j ? -1 : 1;
          expect(compareValues(ordered[i], ordered[j]), `${i} vs ${j}`).to.equal(expected);
        }
      }
    });

    it('puts the sentinels outside MinKey and MaxKey', () => {
      expect(compareValues(MIN_KEY_SENTINEL, new MinKey())).to.equal(-1);
      expect(compareValues(MAX_KEY_SENTINEL, new MaxKey())).to.equal(1);
      expect(compareValues(new MaxKey(), MAX_KEY_SENTINEL)).to.equal(-1);
      expect(compareValues(MIN_KEY_SENTINEL, MIN_KEY_SENTINEL)).to.equal(0);
      expect(compareValues(MIN_KEY_SENTINEL, MAX_KEY_SENTINEL)).to.equal(-1);
    });

    it('orders undefined before null but not equal to it', () => {
      expect(compareValues(undefined, null)).to.equal(-1);
      expect(valuesEqual(undefined, null)).to.equal(false);
    });

    it('treats a bson Symbol as a string and a DBRef as a document', () => {
      expect(compareValues(new BSONSymbol('abc'), 'abc')).to.equal(0);
      expect(compareValues(new DBRef('c', 1 as never), { $ref: 'c', $id: 1 })).to.equal(0);
    });
  });

  describe('numbers', () => {
    it('compares int, double, Long and Decimal128 by value', () => {
      expect(compareValues(1, Long.fromNumber(1))).to.equal(0);
      expect(compareValues(1, dec('1.0'))).to.equal(0);
      expect(compareValues(dec('1.00'), Long.fromNumber(1))).to.equal(0);
      expect(compareValues(new Int32(2), new Double(2.5))).to.equal(-1);
      expect(compareValues(dec('2.5'), 2.4)).to.equal(1);
      expect(compareValues(Long.fromString('9007199254740993'), 9007199254740992)).to.equal(1);
      expect(compareValues(Long.fromString('-9223372036854775808'), -1e300)).to.equal(1);
    });

    it('distinguishes Decimal128("0.1") from the double 0.1 exactly', () => {
      expect(valuesEqual(dec('0.1'), 0.1)).to.equal(false);
      expect(compareValues(dec('0.1'), 0.1)).to.equal(-1); // 0.1 as a double is 0.1000000000000000055…
      expect(valuesEqual(dec('0.5'), 0.5)).to.equal(true);
    });

    it('puts NaN below every number and equal to itself, infinities at the ends', () => {
      expect(compareValues(NaN, -Infinity)).to.equal(-1);
      expect(compareValues(NaN, NaN)).to.equal(0);
      expect(compareValues(dec('NaN'), NaN)).to.equal(0);
      expect(compareValues(dec('-Infinity'), -Infinity)).to.equal(0);
      expect(compareValues(Long.MAX_VALUE, Infinity)).to.equal(-1);
      expect(compareValues(dec('1E+400'), Number.MAX_VALUE)).to.equal(1);
    });

    it('treats -0 and 0 as equal', () => {
      expect(compareValues(-0, 0)).to.equal(0);
      expect(canonicalKey(-0)).to.equal(canonicalKey(0));
    });
  });

  describe('strings', () => {
    it('orders Vietnamese names by code point', () => {
      expect(compareValues('Nguyễn Văn Ánh', 'Nguyễn Văn Bình')).to.equal(1); // 'Á' (U+00C1) > 'B'
      expect(compareValues('Nguyễn Văn An', 'Nguyễn Văn Bình')).to.equal(-1);
      expect(compareValues('Nguyễn Văn Ánh', 'Nguyễn Văn Ánh')).to.equal(0);
      expect(compareValues('Lê', 'Lệ')).to.equal(-1); // ê U+00EA < ệ U+1EC7
    });

    it('compares by code point, not UTF-16 unit', () => {
      const astral = '\u{1F600}'; // surrogate pair D83D DE00
      const highBmp = '\uFF5E';
      expect(highBmp < astral).to.equal(false); // JS compares UTF-16 units
      expect(compareStrings(highBmp, astral)).to.equal(-1);
      expect(compareStrings(astral, highBmp)).to.equal(1);
    });

    it('puts a prefix first and is case-sensitive (binary order)', () => {
      expect(compareValues('ab', 'abc')).to.equal(-1);
      expect(compareValues('B', 'a')).to.equal(-1);
    });

    it('gives the same answer as comparing UTF-8 bytes', () => {
      const samples = ['a', 'Ánh', 'Bình', 'đ', '\u{1F600}', '\uFFFD', 'z', 'Ω', 'ằ'];
      for (const x of samples) {
        for (const y of samples) {
          const bytes = Math.sign(Buffer.compare(Buffer.from(x), Buffer.from(y)));
          expect(compareStrings(x, y), `${x} vs ${y}`).to.equal(bytes);
        }
      }
    });
  });

  describe('documents and arrays', () => {
    it('compares documents field by field: value type, then name, then value', () => {
      expect(compareValues({ a: 1 }, { a: 2 })).to.equal(-1);
      expect(compareValues({ a: 1 }, { b: 1 })).to.equal(-1);
      expect(compareValues({ b: 1 }, { a: 'x' })).to.equal(-1); // number type ranks below string
      expect(compareValues({ a: 1 }, { a: 1, b: 1 })).to.equal(-1);
      expect(compareValues({ a: 1, b: 2 }, { b: 2, a: 1 })).to.not.equal(0); // field order matters
      expect(compareValues({}, { a: MIN_KEY_SENTINEL })).to.equal(-1);
    });

    it('compares arrays element-wise, shorter first', () => {
      expect(compareValues([1, 2], [1, 3])).to.equal(-1);
      expect(compareValues([1, 2], [1, 2, 0])).to.equal(-1);
      expect(compareValues([2], [1, 9])).to.equal(1);
      expect(compareValues([], [null])).to.equal(-1);
    });
  });

  describe('other types', () => {
    it('orders Binary by length, then subtype, then bytes', () => {
      const bin = (s: string, sub = 0) => new Binary(Buffer.from(s), sub);
      expect(compareValues(bin('zz'), bin('aaa'))).to.equal(-1);
      expect(compareValues(bin('b', 0), bin('a', 4))).to.equal(-1);
      expect(compareValues(bin('a'), bin('b'))).to.equal(-1);
      expect(compareValues(bin('ab'), bin('ab'))).to.equal(0);
    });

    it('orders ObjectIds by bytes and matches equal hex strings', () => {
      const a = new ObjectId('65a000000000000000000001');
      const b = new ObjectId('65a000000000000000000002');
      expect(compareValues(a, b)).to.equal(-1);
      expect(valuesEqual(a, new ObjectId(a.toHexString()))).to.equal(true);
    });

    it('orders Dates by time (including before 1970), booleans false < true', () => {
      expect(compareValues(new Date(-1000), new Date(0))).to.equal(-1);
      expect(valuesEqual(new Date(5), new Date(5))).to.equal(true);
      expect(compareValues(false, true)).to.equal(-1);
    });

    it('orders Timestamps as unsigned (seconds, increment)', () => {
      expect(compareValues(new Timestamp({ t: 1, i: 9 }), new Timestamp({ t: 2, i: 0 }))).to.equal(-1);
      expect(compareValues(new Timestamp({ t: 0xffffffff, i: 0 }), new Timestamp({ t: 1, i: 0 }))).to.equal(1);
      expect(compareValues(new Timestamp({ t: 3, i: 1 }), new Timestamp({ t: 3, i: 2 }))).to.equal(-1);
    });

    it('orders regexes by pattern then flags, in both representations', () => {
      expect(compareValues(/a/, /b/)).to.equal(-1);
      expect(compareValues(/a/i, /a/m)).to.equal(-1);
      expect(compareValues(new BSONRegExp('a', 'i'), /a/i)).to.equal(0);
    });
  });

  describe('canonicalKey', () => {
    it('is equal for MongoDB-equal numbers of different types', () => {
      const keys = [1, new Int32(1), new Double(1), Long.fromNumber(1), dec('1.000'), dec('1E+0')].map(canonicalKey);
      expect(new Set(keys).size).to.equal(1);
      expect(canonicalKey(Long.fromString('9007199254740993'))).to.equal(canonicalKey(dec('9007199254740993')));
      expect(canonicalKey(Long.fromString('9007199254740993'))).to.not.equal(canonicalKey(9007199254740992));
      expect(canonicalKey(dec('0.1'))).to.not.equal(canonicalKey(0.1));
      expect(canonicalKey(dec('0.5'))).to.equal(canonicalKey(0.5));
    });

    it('separates values of different types that print alike', () => {
      const values = [1, '1', true, null, undefined, [1], { 0: 1 }, new Date(1), new MinKey(), new MaxKey(), 'n:1', 'a[n:1]'];
      expect(new Set(values.map(canonicalKey)).size).to.equal(values.length);
    });

    it('identifies ObjectIds by hex and Dates by milliseconds', () => {
      const hex = '65a0000000000000000000ff';
      expect(canonicalKey(new ObjectId(hex))).to.equal(canonicalKey(new ObjectId(hex)));
      expect(canonicalKey(new ObjectId(hex))).to.contain(hex);
      expect(canonicalKey(new Date(123))).to.equal(canonicalKey(new Date(123)));
    });

    it('is recursive and field-order sensitive for documents', () => {
      expect(canonicalKey({ a: 1, b: [1, { c: 2 }] })).to.equal(canonicalKey({ a: Long.fromNumber(1), b: [1.0, { c: dec('2') }] }));
      expect(canonicalKey({ a: 1, b: 2 })).to.not.equal(canonicalKey({ b: 2, a: 1 }));
      expect(canonicalKey({ 'a,b': 1 })).to.not.equal(canonicalKey({ a: 1, b: 1 }));
    });

    it('agrees with valuesEqual over a mixed sample', () => {
      const oid = new ObjectId();
      const sample = [
        0, -0, 1, 1.5, Long.fromNumber(1), dec('1.5'), dec('1.50'), 'x', new BSONSymbol('x'), oid, new ObjectId(oid.toHexString()),
        { a: 1 }, { a: 1.0 }, [1, 2], [1, Long.fromNumber(2)], null, undefined, new Date(7), new Date(7), /x/i, new BSONRegExp('x', 'i'),
        new Binary(Buffer.from('q'), 0), new Binary(Buffer.from('q'), 0), new Timestamp({ t: 1, i: 2 }), NaN, dec('NaN'),
      ];
      for (const a of sample) {
        for (const b of sample) {
          expect(canonicalKey(a) === canonicalKey(b), `${String(a)} vs ${String(b)}`).to.equal(valuesEqual(a, b));
        }
      }
    });

    it('works on values that went through BSON', () => {
      const doc = promoted({ _id: new ObjectId('65a000000000000000000001'), n: Long.fromNumber(3), d: new Double(3) });
      expect(canonicalKey(doc.n)).to.equal(canonicalKey(doc.d));
      expect(valuesEqual(doc._id, new ObjectId('65a000000000000000000001'))).to.equal(true);
    });
  });
});
