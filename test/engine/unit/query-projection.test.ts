/**
 * applyProjection: inclusion/exclusion, _id, nested paths, $slice, $elemMatch, positional,
 * and the validation errors.
 */
import { expect } from 'chai';
import { Double, Int32, ObjectId } from 'bson';
import { exactFormMatcher } from '../../../server/db/engine/query/match';
import { applyProjection, parseProjection } from '../../../server/db/engine/query/projection';
import { exact, expectEngineError } from './query-helpers';

const doc = () => ({
  _id: 1,
  name: 'Nguyễn Văn Ánh',
  unit: { code: 'SNV', name: 'Sở Nội vụ', parent: { code: 'UBND' } },
  scores: [7, 9, 4, 10],
  attempts: [
    { n: 1, score: 6, passed: false },
    { n: 2, score: 9, passed: true },
    { n: 3, score: 8, passed: true },
  ],
});

describe('query/projection', () => {
  describe('inclusion', () => {
    it('keeps the listed fields and _id, in document order', () => {
      const out = applyProjection(doc(), { scores: 1, name: 1 });
      expect(out).to.deep.equal({ _id: 1, name: 'Nguyễn Văn Ánh', scores: [7, 9, 4, 10] });
      expect(Object.keys(out)).to.deep.equal(['_id', 'name', 'scores']);
    });

    it('drops _id with _id: 0 and accepts true / non-zero numbers', () => {
      expect(applyProjection(doc(), { _id: 0, name: true })).to.deep.equal({ name: 'Nguyễn Văn Ánh' });
      expect(applyProjection(doc(), { name: 5 })).to.deep.equal({ _id: 1, name: 'Nguyễn Văn Ánh' });
    });

    it('projects only _id with {_id: 1}', () => {
      expect(applyProjection(doc(), { _id: 1 })).to.deep.equal({ _id: 1 });
    });

    it('reaches into nested documents with dotted and nested specs', () => {
      expect(applyProjection(doc(), { 'unit.code': 1, 'unit.parent.code': 1, _id: 0 })).to.deep.equal({
        unit: { code: 'SNV', parent: { code: 'UBND' } },
      });
      expect(applyProjection(doc(), { unit: { name: 1 }, _id: 0 })).to.deep.equal({ unit: { name: 'Sở Nội vụ' } });
    });

    it('projects through arrays of subdocuments, dropping scalar elements', () => {
      const d = { _id: 1, a: [{ b: 1, c: 2 }, 5, { c: 3 }, [{ b: 4, c: 5 }]] };
      expect(applyProjection(d, { 'a.b': 1 })).to.deep.equal({ _id: 1, a: [{ b: 1 }, {}, [{ b: 4 }]] });
    });

    it('omits a parent that is a scalar and leaves missing fields out', () => {
      expect(applyProjection({ _id: 1, a: 5 }, { 'a.b': 1 })).to.deep.equal({ _id: 1 });
      expect(applyProjection({ _id: 1 }, { missing: 1 })).to.deep.equal({ _id: 1 });
    });

    it('does not modify the input document', () => {
      const d = doc();
      applyProjection(d, { 'attempts.n': 1 });
      expect(d).to.deep.equal(doc());
    });
  });

  describe('exclusion', () => {
    it('removes the listed fields and keeps the rest', () => {
      const out = applyProjection(doc(), { attempts: 0, scores: false, unit: 0 });
      expect(out).to.deep.equal({ _id: 1, name: 'Nguyễn Văn Ánh' });
    });

    it('removes _id alone with {_id: 0}', () => {
      expect(applyProjection({ _id: 1, a: 2 }, { _id: 0 })).to.deep.equal({ a: 2 });
    });

    it('removes nested fields, through arrays, keeping scalars', () => {
      const d = { _id: 1, a: [{ b: 1, c: 2 }, 5], u: { x: 1, y: 2 } };
      expect(applyProjection(d, { 'a.b': 0, 'u.y': 0 })).to.deep.equal({ _id: 1, a: [{ c: 2 }, 5], u: { x: 1 } });
    });

    it('allows _id: 1 alongside exclusions', () => {
      expect(applyProjection({ _id: 1, a: 2, b: 3 }, { _id: 1, a: 0 })).to.deep.equal({ _id: 1, b: 3 });
    });
  });

  describe('$slice', () => {
    it('keeps the first n, the last n, or [skip, limit]', () => {
      expect(applyProjection(doc(), { scores: { $slice: 2 } }).scores).to.deep.equal([7, 9]);
      expect(applyProjection(doc(), { scores: { $slice: -1 } }).scores).to.deep.equal([10]);
      expect(applyProjection(doc(), { scores: { $slice: [1, 2] } }).scores).to.deep.equal([9, 4]);
      expect(applyProjection(doc(), { scores: { $slice: [-3, 2] } }).scores).to.deep.equal([9, 4]);
      expect(applyProjection(doc(), { scores: { $slice: [10, 2] } }).scores).to.deep.equal([]);
      expect(applyProjection(doc(), { scores: { $slice: -10 } }).scores).to.deep.equal([7, 9, 4, 10]);
    });

    it('keeps all other fields when used alone, only listed ones with inclusions', () => {
      expect(Object.keys(applyProjection(doc(), { scores: { $slice: 1 } }))).to.deep.equal(['_id', 'name', 'unit', 'scores', 'attempts']);
      expect(applyProjection(doc(), { name: 1, scores: { $slice: 1 } })).to.deep.equal({ _id: 1, name: 'Nguyễn Văn Ánh', scores: [7] });
      expect(applyProjection(doc(), { name: 0, scores: { $slice: 1 } })).to.not.have.property('name');
    });

    it('leaves non-array values alone', () => {
      expect(applyProjection({ _id: 1, s: 'abc' }, { s: { $slice: 1 } })).to.deep.equal({ _id: 1, s: 'abc' });
    });

    it('rejects bad arguments', () => {
      expectEngineError(() => applyProjection(doc(), { scores: { $slice: [1, 0] } }), 28724);
      expectEngineError(() => applyProjection(doc(), { scores: { $slice: 'x' } }), 28667);
    });
  });

  describe('$elemMatch', () => {
    it('returns the first matching element only, with inclusion semantics', () => {
      const out = applyProjection(doc(), { attempts: { $elemMatch: { passed: true } } });
      expect(out).to.deep.equal({ _id: 1, attempts: [{ n: 2, score: 9, passed: true }] });
    });

    it('puts the $elemMatch field after the other inclusions (MongoDB 4.4+)', () => {
      const out = applyProjection(doc(), { attempts: { $elemMatch: { n: 1 } }, name: 1 });
      expect(Object.keys(out)).to.deep.equal(['_id', 'name', 'attempts']);
      const first = applyProjection({ _id: 1, a: [1, 2], z: 1 }, { a: { $elemMatch: { $gt: 1 } }, z: 1 });
      expect(Object.keys(first)).to.deep.equal(['_id', 'z', 'a']);
    });

    it('works with operators and scalar elements', () => {
      expect(applyProjection(doc(), { scores: { $elemMatch: { $gte: 9 } } }).scores).to.deep.equal([9]);
      expect(applyProjection(doc(), { attempts: { $elemMatch: { score: { $gt: 6, $lt: 9 } } } }).attempts).to.deep.equal([
        { n: 3, score: 8, passed: true },
      ]);
    });

    it('omits the field when nothing matches', () => {
      expect(applyProjection(doc(), { scores: { $elemMatch: { $gt: 100 } } })).to.deep.equal({ _id: 1 });
    });

    it('matches ObjectIds', () => {
      const id = new ObjectId();
      const d = { _id: 1, refs: [{ id: new ObjectId() }, { id }] };
      expect(applyProjection(d, { refs: { $elemMatch: { id: new ObjectId(id.toHexString()) } } }).refs).to.deep.equal([{ id }]);
    });

    it('rejects nested fields and non-object arguments', () => {
      expectEngineError(() => applyProjection(doc(), { 'unit.x': { $elemMatch: { a: 1 } } }), 31275);
      expectEngineError(() => applyProjection(doc(), { attempts: { $elemMatch: 1 } }), 31274);
    });
  });

  describe('positional field.$', () => {
    it('returns the first element matching the query condition on the array', () => {
      expect(applyProjection(doc(), { 'scores.$': 1 }, { scores: { $gte: 9 } }).scores).to.deep.equal([9]);
      const out = applyProjection(doc(), { 'attempts.$': 1 }, { 'attempts.score': { $gt: 7 } });
      expect(out).to.deep.equal({ _id: 1, attempts: [{ n: 2, score: 9, passed: true }] });
    });

    it('uses conditions inside $and and $elemMatch', () => {
      const q = { $and: [{ _id: 1 }, { attempts: { $elemMatch: { passed: true, n: 3 } } }] };
      expect(applyProjection(doc(), { 'attempts.$': 1 }, q).attempts).to.deep.equal([{ n: 3, score: 8, passed: true }]);
    });

    it('requires a query and a matching element', () => {
      expectEngineError(() => applyProjection(doc(), { 'scores.$': 1 }), 51050);
      expectEngineError(() => applyProjection(doc(), { 'scores.$': 1 }, { name: 'x' }), 51246);
    });

    it('rejects two positionals, positional with $elemMatch, and $ mid-path', () => {
      expectEngineError(() => parseProjection({ 'a.$': 1, 'b.$': 1 }), 31276);
      expectEngineError(() => parseProjection({ 'a.$': 1, b: { $elemMatch: { x: 1 } } }), 31256);
      expectEngineError(() => parseProjection({ 'a.$.b': 1 }), 31394);
    });
  });

  describe('validation', () => {
    it('refuses exclusion inside an inclusion projection (31254) and the reverse (31253)', () => {
      expectEngineError(() => applyProjection(doc(), { name: 1, scores: 0 }), 31254, 'Cannot do exclusion on field scores in inclusion projection');
      expectEngineError(() => applyProjection(doc(), { scores: 0, name: 1 }), 31253, 'Cannot do inclusion on field name in exclusion projection');
      expectEngineError(() => applyProjection(doc(), { scores: 0, attempts: { $elemMatch: { n: 1 } } }), 31253);
    });

    it('refuses literal and expression values with NotImplemented naming the field', () => {
      expectEngineError(() => applyProjection(doc(), { label: 'x' }), 238, /'label'/);
      expectEngineError(() => applyProjection(doc(), { total: { $add: [1, 2] } }), 238, /'total'/);
      expectEngineError(() => applyProjection(doc(), { s: { $meta: 'textScore' } }), 238, /\$meta/);
      expectEngineError(() => applyProjection(doc(), { n: null }), 238, /'n'/);
    });

    it('refuses path collisions, $-prefixed and empty field names, empty sub-projections', () => {
      expectEngineError(() => parseProjection({ a: 1, 'a.b': 1 }), 31250, 'Path collision at a.b remaining portion b');
      expectEngineError(() => parseProjection({ 'a.b': 1, a: 1 }), 31250, 'Path collision at a');
      expectEngineError(() => parseProjection({ $x: 1 }), 16410);
      expectEngineError(() => parseProjection({ 'a..b': 1 }), 15998);
      expectEngineError(() => parseProjection({ a: {} }), 51270);
    });

    it('accepts a parsed projection and an empty projection', () => {
      const parsed = parseProjection({ name: 1, _id: 0 });
      expect(applyProjection(doc(), parsed)).to.deep.equal({ name: 'Nguyễn Văn Ánh' });
      expect(applyProjection(doc(), {})).to.deep.equal(doc());
    });
  });

  describe('on exact-form documents (exactFormMatcher)', () => {
    const stored = () => exact({ _id: 1, xs: [new Int32(1), new Double(2), new Int32(3), new Double(4)] });
    const tags = (v: unknown) => (v as Array<{ _bsontype: string }>).map((x) => x._bsontype);

    it('keeps each selected element with its stored numeric type', () => {
      expect(tags(applyProjection(stored(), { xs: { $slice: -1 } }, undefined, exactFormMatcher).xs)).to.deep.equal(['Double']);
      expect(tags(applyProjection(stored(), { xs: { $elemMatch: { $gt: 2 } } }, undefined, exactFormMatcher).xs)).to.deep.equal(['Int32']);
      expect(tags(applyProjection(stored(), { 'xs.$': 1 }, { xs: { $gte: 2 } }, exactFormMatcher).xs)).to.deep.equal(['Double']);
    });
  });
});
