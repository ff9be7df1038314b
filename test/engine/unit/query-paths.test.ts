/**
 * getValues / indexKeys (multikey, compound, parallel arrays) and makeSortComparator.
 */
import { expect } from 'chai';
import { Decimal128, Long, ObjectId } from 'bson';
import { getLeafValues, getValueAt, getValues, indexKeys } from '../../../server/db/engine/query/paths';
import { makeSortComparator } from '../../../server/db/engine/query/sort';
import { expectEngineError, promoted } from './query-helpers';

/** Index keys as a sorted list of JSON strings, for order-independent comparison. */
function keys(doc: Record<string, unknown>, ...fields: string[]): string[] {
  return indexKeys(doc, fields.map((f) => [f, 1] as [string, 1]))
    .map((k) => JSON.stringify(k.map((v) => (v === undefined ? '<undefined>' : v))))
    .sort();
}

const json = (...tuples: unknown[][]) => tuples.map((t) => JSON.stringify(t)).sort();

describe('query/paths', () => {
  describe('getValues', () => {
    it('reads plain and dotted paths', () => {
      expect(getValues({ a: 1 }, 'a')).to.deep.equal([1]);
      expect(getValues({ a: { b: { c: 'x' } } }, 'a.b.c')).to.deep.equal(['x']);
      expect(getValues({ a: { b: null } }, 'a.b')).to.deep.equal([null]);
    });

    it('returns [] for missing paths and paths through scalars', () => {
      expect(getValues({ a: 1 }, 'b')).to.deep.equal([]);
      expect(getValues({ a: 1 }, 'a.b')).to.deep.equal([]);
      expect(getValues({}, 'a.b.c')).to.deep.equal([]);
    });

    it('traverses arrays of subdocuments', () => {
      expect(getValues({ a: [{ b: 1 }, { b: 2 }, { c: 3 }, 7] }, 'a.b')).to.deep.equal([1, 2]);
      expect(getValues({ a: [{ b: [1, 2] }, { b: 3 }] }, 'a.b')).to.deep.equal([[1, 2], 3]);
      expect(getValues({ a: { b: [{ c: 1 }, { c: 2 }] } }, 'a.b.c')).to.deep.equal([1, 2]);
    });

    it('returns a terminal array whole; getLeafValues expands it', () => {
      expect(getValues({ a: [1, 2] }, 'a')).to.deep.equal([[1, 2]]);
      expect(getLeafValues({ a: [1, [2, 3]], b: 4 }, 'a')).to.deep.equal([1, [2, 3]]);
      expect(getLeafValues({ a: [{ b: [1, 2] }, { b: 3 }] }, 'a.b')).to.deep.equal([1, 2, 3]);
    });

    it('uses numeric components as array indexes', () => {
      expect(getValues({ a: [10, 20, 30] }, 'a.1')).to.deep.equal([20]);
      expect(getValues({ a: [{ b: 1 }, { b: 2 }] }, 'a.1.b')).to.deep.equal([2]);
      expect(getValues({ a: [10] }, 'a.5')).to.deep.equal([]);
      expect(getValues({ a: { 1: 'field' } }, 'a.1')).to.deep.equal(['field']);
    });

    it('does not look into arrays nested directly in arrays', () => {
      expect(getValues({ a: [[{ b: 1 }]] }, 'a.b')).to.deep.equal([]);
    });

    it('getValueAt reads one concrete path', () => {
      expect(getValueAt({ a: [{ b: 1 }, { b: 2 }] }, 'a.1.b')).to.equal(2);
      expect(getValueAt({ a: [{ b: 1 }] }, 'a.b')).to.equal(undefined);
    });
  });

  describe('indexKeys', () => {
    it('makes one key per document for scalars, null for missing fields', () => {
      expect(keys({ a: 1 }, 'a')).to.deep.equal(json([1]));
      expect(keys({ b: 1 }, 'a')).to.deep.equal(json([null]));
      expect(keys({ a: { b: 2 } }, 'a.b')).to.deep.equal(json([2]));
      expect(keys({ a: 5 }, 'a.b')).to.deep.equal(json([null]));
    });

    it('makes one key per array element (multikey), deduplicated by MongoDB equality', () => {
      expect(keys({ a: [1, 2, 3] }, 'a')).to.deep.equal(json([1], [2], [3]));
      const doc = { a: [0, Long.fromNumber(0), Decimal128.fromString('0.0'), 1] };
      expect(indexKeys(doc, [['a', 1]])).to.have.length(2);
    });

    it('indexes an empty array as undefined at the end of a path, null in the middle', () => {
      expect(indexKeys({ a: [] }, [['a', 1]])).to.deep.equal([[undefined]]);
      expect(indexKeys({ a: [] }, [['a.b', 1]])).to.deep.equal([[null]]);
      expect(indexKeys({ a: [] }, [['a', 1], ['a.b', 1]])).to.deep.equal([[undefined, null]]);
      expect(indexKeys({ a: [{ b: [] }] }, [['a', 1], ['a.b', 1]])).to.deep.equal([[{ b: [] }, undefined]]);
    });

    it('expands arrays of subdocuments, with null for elements missing the field', () => {
      expect(keys({ a: [{ b: 1 }, { b: 2 }] }, 'a.b')).to.deep.equal(json([1], [2]));
      expect(keys({ a: [{ foo: 1 }, { b: 1 }] }, 'a.b')).to.deep.equal(json([null], [1]));
      expect(keys({ a: [1, 2] }, 'a.b')).to.deep.equal(json([null]));
      expect(keys({ a: [{ b: 1 }, { b: [1, 2, 3] }] }, 'a.b')).to.deep.equal(json([1], [2], [3]));
      expect(keys({ a: [{ b: [2] }] }, 'a.b')).to.deep.equal(json([2]));
    });

    it('keeps an array nested in an array as one key value', () => {
      expect(keys({ a: [[1, 2], 3] }, 'a')).to.deep.equal(json([[1, 2]], [3]));
    });

    it('makes the cartesian product of one array with scalar fields', () => {
      expect(keys({ a: [1, 2], b: 'x' }, 'a', 'b')).to.deep.equal(json([1, 'x'], [2, 'x']));
      expect(keys({ a: 'x', b: [1, 2] }, 'a', 'b')).to.deep.equal(json(['x', 1], ['x', 2]));
      expect(keys({ a: 'x' }, 'a', 'b')).to.deep.equal(json(['x', null]));
    });

    it('walks a shared array once per element for fields under it', () => {
      const doc = { a: [{ x: 1, y: 2 }, { x: 3, y: 4 }] };
      expect(keys(doc, 'a.x', 'a.y')).to.deep.equal(json([1, 2], [3, 4]));
      expect(keys({ a: [{ b: 1 }, { c: 2 }] }, 'a.b', 'a.c')).to.deep.equal(json([1, null], [null, 2]));
      expect(keys({ a: [1, 2] }, 'a', 'a')).to.deep.equal(json([1, 1], [2, 2]));
    });

    it('refuses parallel arrays with code 171', () => {
      expectEngineError(() => indexKeys({ a: [1, 2], b: [1, 2] }, [['a', 1], ['b', 1]]), 171, 'cannot index parallel arrays [b] [a]');
      expectEngineError(() => indexKeys({ a: [{ b: [1], c: [2] }] }, [['a.b', 1], ['a.c', 1]]), 171);
    });

    it('treats a numeric component after an array as a position', () => {
      expect(keys({ a: [{ b: 1 }, { b: 2 }] }, 'a.1.b')).to.deep.equal(json([2]));
      expect(keys({ a: [5, 6] }, 'a.0')).to.deep.equal(json([5]));
      expect(keys({ a: [5] }, 'a.3')).to.deep.equal(json([null]));
    });

    it('keeps BSON values (ObjectId, Date) as key values', () => {
      const id = new ObjectId();
      const [[k1, k2]] = indexKeys({ u: id, d: new Date(5) }, [['u', 1], ['d', -1]]);
      expect((k1 as ObjectId).equals(id)).to.equal(true);
      expect((k2 as Date).getTime()).to.equal(5);
    });
  });

  describe('makeSortComparator', () => {
    const sortIds = (docs: Record<string, unknown>[], spec: Record<string, unknown>) =>
      [...docs].sort(makeSortComparator(spec)).map((d) => d._id);

    it('sorts ascending and descending on several fields', () => {
      const docs = [
        { _id: 1, a: 2, b: 'x' },
        { _id: 2, a: 1, b: 'y' },
        { _id: 3, a: 2, b: 'a' },
      ];
      expect(sortIds(docs, { a: 1, b: 1 })).to.deep.equal([2, 3, 1]);
      expect(sortIds(docs, { a: -1, b: -1 })).to.deep.equal([1, 3, 2]);
    });

    it('treats missing as null (below numbers), with an empty array below null', () => {
      const docs = [{ _id: 1, a: 0 }, { _id: 2 }, { _id: 3, a: null }, { _id: 4, a: [] }];
      expect(sortIds(docs, { a: 1 })).to.deep.equal([4, 2, 3, 1]);
    });

    it('sorts arrays by their smallest element ascending and largest descending', () => {
      const docs = [
        { _id: 1, a: [5, 1] },
        { _id: 2, a: 3 },
        { _id: 3, a: [2, 9] },
      ];
      expect(sortIds(docs, { a: 1 })).to.deep.equal([1, 3, 2]);
      expect(sortIds(docs, { a: -1 })).to.deep.equal([3, 1, 2]);
    });

    it('sorts on dotted paths through arrays of subdocuments', () => {
      const docs = [
        { _id: 1, a: [{ b: 4 }, { b: 8 }] },
        { _id: 2, a: [{ b: 6 }] },
      ];
      expect(sortIds(docs, { 'a.b': 1 })).to.deep.equal([1, 2]);
      expect(sortIds(docs, { 'a.b': -1 })).to.deep.equal([1, 2]);
    });

    it('sorts mixed types in BSON order and Vietnamese names by code point', () => {
      const docs = [{ _id: 1, n: 'Nguyễn Văn Bình' }, { _id: 2, n: 'Nguyễn Văn Ánh' }, { _id: 3, n: 10 }, { _id: 4, n: 'Nguyễn Văn An' }];
      expect(sortIds(docs, { n: 1 })).to.deep.equal([3, 4, 1, 2]);
    });

    it('compares numbers across BSON types after a round trip', () => {
      const docs = [
        promoted({ _id: 1, v: Long.fromString('9007199254740993') }),
        promoted({ _id: 2, v: 9007199254740992 }),
        promoted({ _id: 3, v: Decimal128.fromString('9007199254740992.5') }),
      ];
      expect(sortIds(docs, { v: 1 })).to.deep.equal([2, 3, 1]);
    });

    it('returns 0 for ties (stable sort keeps input order) and for an empty spec', () => {
      const docs = [{ _id: 1, a: 1 }, { _id: 2, a: 1 }, { _id: 3, a: 0 }];
      expect(sortIds(docs, { a: 1 })).to.deep.equal([3, 1, 2]);
      expect(sortIds(docs, {})).to.deep.equal([1, 2, 3]);
    });

    it('refuses $meta with NotImplemented and bad directions with 15975', () => {
      expectEngineError(() => makeSortComparator({ score: { $meta: 'textScore' } }), 238, /textScore/);
      expectEngineError(() => makeSortComparator({ a: 2 }), 15975);
      expectEngineError(() => makeSortComparator({ a: 'asc' }), 15975);
    });
  });
});
