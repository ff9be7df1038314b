/**
 * applyUpdate array operators ($push and modifiers, $addToSet, $pop, $pull, $pullAll) and
 * the positional forms ($, $[], $[ident] with arrayFilters).
 */
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { applyUpdate } from '../../../server/db/engine/query/update';
import { expectEngineError } from './query-helpers';

const up = (doc: Record<string, unknown>, update: Record<string, unknown>, opts = {}) => applyUpdate(doc, update, opts);
const after = (doc: Record<string, unknown>, update: Record<string, unknown>, opts = {}) => up(doc, update, opts).doc;

describe('query/update array operators', () => {
  describe('$push', () => {
    it('appends one value, creating the array when missing', () => {
      expect(after({ _id: 1, a: [1] }, { $push: { a: 2 } }).a).to.deep.equal([1, 2]);
      expect(after({ _id: 1 }, { $push: { 'x.a': [1] } })).to.deep.equal({ _id: 1, x: { a: [[1]] } });
    });

    it('appends many with $each, at $position (negative counts from the end)', () => {
      expect(after({ _id: 1, a: [1, 2] }, { $push: { a: { $each: [3, 4] } } }).a).to.deep.equal([1, 2, 3, 4]);
      expect(after({ _id: 1, a: [1, 2] }, { $push: { a: { $each: [0], $position: 0 } } }).a).to.deep.equal([0, 1, 2]);
      expect(after({ _id: 1, a: [1, 2, 3] }, { $push: { a: { $each: [9], $position: -1 } } }).a).to.deep.equal([1, 2, 9, 3]);
      expect(after({ _id: 1, a: [1] }, { $push: { a: { $each: [9], $position: 50 } } }).a).to.deep.equal([1, 9]);
    });

    it('sorts then slices', () => {
      const out = after({ _id: 1, a: [5, 1] }, { $push: { a: { $each: [3, 9], $sort: -1, $slice: 3 } } });
      expect(out.a).to.deep.equal([9, 5, 3]);
      expect(after({ _id: 1, a: [1, 2, 3] }, { $push: { a: { $each: [4], $slice: -2 } } }).a).to.deep.equal([3, 4]);
      expect(after({ _id: 1, a: [1, 2] }, { $push: { a: { $each: [], $slice: 0 } } }).a).to.deep.equal([]);
    });

    it('sorts subdocuments by fields', () => {
      const doc = { _id: 1, quizzes: [{ w: 'a', score: 7 }, { w: 'b', score: 9 }] };
      const out = after(doc, { $push: { quizzes: { $each: [{ w: 'c', score: 8 }], $sort: { score: -1 }, $slice: 2 } } });
      expect(out.quizzes).to.deep.equal([{ w: 'b', score: 9 }, { w: 'c', score: 8 }]);
    });

    it('refuses non-arrays and bad modifiers', () => {
      expectEngineError(() => up({ _id: 1, a: 5 }, { $push: { a: 1 } }), 2, "The field 'a' must be an array but is of type int in document {_id: 1}");
      expectEngineError(() => up({ _id: 1 }, { $push: { a: { $each: 1 } } }), 2, /\$each in \$push must be an array/);
      expectEngineError(() => up({ _id: 1 }, { $push: { a: { $each: [1], $bogus: 1 } } }), 2, 'Unrecognized clause in $push: $bogus');
      expectEngineError(() => up({ _id: 1 }, { $push: { a: { $each: [1], $slice: 1.5 } } }), 2, /\$slice must be an integer/);
      expectEngineError(() => up({ _id: 1 }, { $push: { a: { $each: [1], $sort: 2 } } }), 2, /The \$sort is invalid/);
      expectEngineError(() => up({ _id: 1 }, { $push: { a: { $each: [1], $position: 'x' } } }), 2, /\$position must be an integer/);
    });
  });

  describe('$addToSet', () => {
    it('adds only values not already present (MongoDB equality)', () => {
      expect(after({ _id: 1, a: [1, 2] }, { $addToSet: { a: 3 } }).a).to.deep.equal([1, 2, 3]);
      expect(after({ _id: 1, a: [1, 2] }, { $addToSet: { a: 2.0 } }).a).to.deep.equal([1, 2]);
      expect(after({ _id: 1, a: [{ x: 1, y: 2 }] }, { $addToSet: { a: { y: 2, x: 1 } } }).a).to.have.length(2);
      const id = new ObjectId();
      expect(after({ _id: 1, a: [id] }, { $addToSet: { a: new ObjectId(id.toHexString()) } }).a).to.have.length(1);
    });

    it('adds each new value of $each once and creates missing arrays', () => {
      expect(after({ _id: 1, a: [1] }, { $addToSet: { a: { $each: [1, 2, 2, 3] } } }).a).to.deep.equal([1, 2, 3]);
      expect(after({ _id: 1 }, { $addToSet: { a: { $each: [] } } }).a).to.deep.equal([]);
    });

    it('refuses non-arrays and extra modifiers', () => {
      expectEngineError(() => up({ _id: 1, a: 'x' }, { $addToSet: { a: 1 } }), 2, "Cannot apply $addToSet to non-array field. Field named 'a' has non-array type string");
      expectEngineError(() => up({ _id: 1 }, { $addToSet: { a: { $each: [1], $slice: 1 } } }), 2, /Found unexpected fields after \$each/);
      expectEngineError(() => up({ _id: 1 }, { $addToSet: { a: { $each: 5 } } }), 14);
    });
  });

  describe('$pop', () => {
    it('removes the last (1) or first (-1) element; missing or empty is a no-op', () => {
      expect(after({ _id: 1, a: [1, 2, 3] }, { $pop: { a: 1 } }).a).to.deep.equal([1, 2]);
      expect(after({ _id: 1, a: [1, 2, 3] }, { $pop: { a: -1 } }).a).to.deep.equal([2, 3]);
      expect(up({ _id: 1, a: [] }, { $pop: { a: 1 } }).modified).to.equal(false);
      expect(up({ _id: 1 }, { $pop: { a: 1 } }).modified).to.equal(false);
    });

    it('validates its argument and the field type', () => {
      expectEngineError(() => up({ _id: 1, a: [1] }, { $pop: { a: 2 } }), 9, '$pop expects 1 or -1, found: 2');
      expectEngineError(() => up({ _id: 1, a: 1 }, { $pop: { a: 1 } }), 14, "Path 'a' contains an element of non-array type 'int'");
    });
  });

  describe('$pull / $pullAll', () => {
    it('removes equal values', () => {
      expect(after({ _id: 1, a: [1, 2, 1, 3] }, { $pull: { a: 1 } }).a).to.deep.equal([2, 3]);
      expect(after({ _id: 1, a: [[1], [2]] }, { $pull: { a: [1] } }).a).to.deep.equal([[2]]);
    });

    it('removes values matching an operator condition', () => {
      expect(after({ _id: 1, a: [1, 5, 8, 'x'] }, { $pull: { a: { $gte: 5 } } }).a).to.deep.equal([1, 'x']);
      expect(after({ _id: 1, a: [1, 2, 3] }, { $pull: { a: { $in: [1, 3] } } }).a).to.deep.equal([2]);
    });

    it('removes documents matching a query (partial match)', () => {
      const doc = { _id: 1, a: [{ m: 'thai-do', y: 2024 }, { m: 'thai-do', y: 2025 }, { m: 'dao-duc', y: 2025 }, 7] };
      expect(after(doc, { $pull: { a: { y: 2025 } } }).a).to.deep.equal([{ m: 'thai-do', y: 2024 }, 7]);
      expect(after(doc, { $pull: { a: { m: 'thai-do', y: { $lt: 2025 } } } }).a).to.have.length(3);
      expect(after(doc, { $pull: { a: { $or: [{ y: 2024 }, { m: 'dao-duc' }] } } }).a).to.deep.equal([{ m: 'thai-do', y: 2025 }, 7]);
    });

    it('removes strings matching a regex', () => {
      expect(after({ _id: 1, a: ['Hà Nội', 'Huế', 'Đà Nẵng'] }, { $pull: { a: /^H/ } }).a).to.deep.equal(['Đà Nẵng']);
    });

    it('removes ObjectIds by value', () => {
      const id = new ObjectId();
      const out = after({ _id: 1, a: [id, new ObjectId()] }, { $pull: { a: new ObjectId(id.toHexString()) } });
      expect(out.a).to.have.length(1);
    });

    it('$pullAll removes every listed value', () => {
      expect(after({ _id: 1, a: [1, 2, 3, 2, 4] }, { $pullAll: { a: [2, 4] } }).a).to.deep.equal([1, 3]);
      expectEngineError(() => up({ _id: 1, a: [] }, { $pullAll: { a: 1 } }), 2, /\$pullAll requires an array argument/);
    });

    it('refuses non-arrays; missing fields are no-ops', () => {
      expectEngineError(() => up({ _id: 1, a: 1 }, { $pull: { a: 1 } }), 2, 'Cannot apply $pull to a non-array value');
      expect(up({ _id: 1 }, { $pull: { a: 1 } }).modified).to.equal(false);
    });
  });

  describe('positional $', () => {
    const doc = () => ({ _id: 1, grades: [80, 85, 90], items: [{ k: 'a', q: 1 }, { k: 'b', q: 2 }] });

    it('updates the first element the query matched', () => {
      expect(after(doc(), { $set: { 'grades.$': 82 } }, { query: { _id: 1, grades: 85 } }).grades).to.deep.equal([80, 82, 90]);
      const out = after(doc(), { $inc: { 'items.$.q': 10 } }, { query: { 'items.k': 'b' } });
      expect(out.items).to.deep.equal([{ k: 'a', q: 1 }, { k: 'b', q: 12 }]);
    });

    it('uses $elemMatch and $and conditions', () => {
      const q = { $and: [{ items: { $elemMatch: { k: 'b', q: { $gt: 1 } } } }] };
      expect((after(doc(), { $set: { 'items.$.k': 'z' } }, { query: q }).items as unknown[])[1]).to.deep.equal({ k: 'z', q: 2 });
    });

    it('fails when the query did not match the array or on upsert inserts', () => {
      expectEngineError(() => up(doc(), { $set: { 'grades.$': 1 } }, { query: { _id: 1 } }), 2, 'The positional operator did not find the match needed from the query.');
      expectEngineError(() => up(doc(), { $set: { 'grades.$': 1 } }), 2);
      expectEngineError(() => up({}, { $set: { 'grades.$': 1 } }, { query: { grades: 1 }, isUpsertInsert: true }), 2);
    });

    it('refuses $ first in a path or twice in a path', () => {
      expectEngineError(() => up(doc(), { $set: { '$.a': 1 } }), 2, /first position/);
      expectEngineError(() => up(doc(), { $set: { 'a.$.b.$': 1 } }), 2, /Too many positional/);
    });
  });

  describe('all positional $[]', () => {
    it('updates every element, including nested arrays', () => {
      expect(after({ _id: 1, a: [1, 2, 3] }, { $inc: { 'a.$[]': 10 } }).a).to.deep.equal([11, 12, 13]);
      const nested = { _id: 1, a: [{ b: [1, 2] }, { b: [3] }] };
      expect(after(nested, { $mul: { 'a.$[].b.$[]': 2 } }).a).to.deep.equal([{ b: [2, 4] }, { b: [6] }]);
      expect(after({ _id: 1, a: [{}, { x: 1 }] }, { $set: { 'a.$[].y': 0 } }).a).to.deep.equal([{ y: 0 }, { x: 1, y: 0 }]);
    });

    it('requires the array to exist and be an array', () => {
      expectEngineError(() => up({ _id: 1 }, { $set: { 'a.$[]': 1 } }), 2, "The path 'a' must exist in the document in order to apply array updates.");
      expectEngineError(() => up({ _id: 1, a: 5 }, { $set: { 'a.$[]': 1 } }), 2, 'Cannot apply array updates to non-array element a: 5');
    });
  });

  describe('filtered positional $[ident] with arrayFilters', () => {
    const doc = () => ({ _id: 1, results: [{ m: 'thai-do', s: 4 }, { m: 'dao-duc', s: 9 }, { m: 'ky-luat', s: 3 }] });

    it('updates only the elements matching the filter', () => {
      const out = after(doc(), { $set: { 'results.$[low].retake': true } }, { arrayFilters: [{ 'low.s': { $lt: 5 } }] });
      expect((out.results as Array<Record<string, unknown>>).map((r) => r.retake)).to.deep.equal([true, undefined, true]);
      const scalars = after({ _id: 1, a: [1, 5, 9] }, { $set: { 'a.$[big]': 0 } }, { arrayFilters: [{ big: { $gte: 5 } }] });
      expect(scalars.a).to.deep.equal([1, 0, 0]);
    });

    it('combines several identifiers and filters with $or', () => {
      const d = { _id: 1, units: [{ id: 'a', staff: [{ n: 1 }, { n: 2 }] }, { id: 'b', staff: [{ n: 2 }] }] };
      const out = after(d, { $set: { 'units.$[u].staff.$[s].ok': 1 } }, { arrayFilters: [{ 'u.id': 'b' }, { $or: [{ 's.n': 2 }, { 's.n': 3 }] }] });
      expect(out.units).to.deep.equal([{ id: 'a', staff: [{ n: 1 }, { n: 2 }] }, { id: 'b', staff: [{ n: 2, ok: 1 }] }]);
    });

    it('is a no-op when no element matches', () => {
      expect(up(doc(), { $set: { 'results.$[x].s': 0 } }, { arrayFilters: [{ 'x.s': 100 }] }).modified).to.equal(false);
    });

    it('validates identifiers and filters', () => {
      expectEngineError(() => up(doc(), { $set: { 'results.$[i].s': 0 } }), 2, "No array filter found for identifier 'i' in path 'results.$[i].s'");
      expectEngineError(() => up(doc(), { $set: { a: 1 } }, { arrayFilters: [{ i: 1 }] }), 9, /The array filter for identifier 'i' was not used in the update/);
      expectEngineError(() => up(doc(), { $set: { 'results.$[i]': 0 } }, { arrayFilters: [{ i: 1 }, { i: 2 }] }), 9, /multiple array filters/);
      expectEngineError(() => up(doc(), { $set: { 'results.$[i]': 0 } }, { arrayFilters: [{ i: 1, j: 2 }] }), 9, /Expected a single top-level field name/);
      expectEngineError(() => up(doc(), { $set: { 'results.$[I]': 0 } }, { arrayFilters: [{ I: 1 }] }), 2, /must be an alphanumeric string beginning with a lowercase letter/);
      expectEngineError(() => up(doc(), { $set: { 'results.$[i]': 0 } }, { arrayFilters: [{}] }), 9, /without a top-level field name/);
    });
  });
});
