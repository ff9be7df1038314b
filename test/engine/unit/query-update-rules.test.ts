/**
 * Update-wide rules: parse errors, path conflicts, the immutable _id, $setOnInsert,
 * replacements and upsert seeds.
 */
import { expect } from 'chai';
import { Long, ObjectId } from 'bson';
import { applyReplacement, applyUpdate, parseUpdate } from '../../../server/db/engine/query/update';
import { upsertSeed } from '../../../server/db/engine/query/upsert';
import { expectEngineError } from './query-helpers';

const up = (doc: Record<string, unknown>, update: Record<string, unknown>, opts = {}) => applyUpdate(doc, update, opts);

describe('query/update rules', () => {
  describe('parse errors', () => {
    it('rejects unknown operators (9) with MongoDB message', () => {
      expectEngineError(
        () => up({ _id: 1 }, { $foo: { a: 1 } }),
        9,
        'Unknown modifier: $foo. Expected a valid update modifier or pipeline-style update specified as an array',
      );
      expectEngineError(() => up({ _id: 1 }, { $set: { a: 1 }, b: 2 }), 9, /Unknown modifier: b\./);
    });

    it("rejects an empty update (9 'update' is empty) but accepts an empty operator", () => {
      expectEngineError(() => up({ _id: 1 }, {}), 9, "'update' is empty");
      expect(up({ _id: 1 }, { $set: {} }).modified).to.equal(false);
    });

    it('rejects operator arguments that are not documents (9)', () => {
      expectEngineError(() => up({ _id: 1 }, { $set: 5 }), 9, /Modifiers operate on fields but we found type int instead/);
    });

    it('refuses pipelines with NotImplemented', () => {
      expectEngineError(() => applyUpdate({ _id: 1 }, [{ $set: { a: 1 } }] as never), 238, /pipeline-style updates are not supported/);
    });

    it('rejects empty paths and empty path components (56)', () => {
      expectEngineError(() => up({ _id: 1 }, { $set: { '': 1 } }), 56, 'An empty update path is not valid.');
      expectEngineError(() => up({ _id: 1 }, { $set: { 'a..b': 1 } }), 56, /contains an empty field name/);
    });

    it('validates before touching anything: a bad later operator leaves no partial result', () => {
      const doc = { _id: 1, a: 1 };
      expectEngineError(() => up(doc, { $set: { a: 2 }, $pop: { b: 3 } }), 9);
      expect(doc).to.deep.equal({ _id: 1, a: 1 });
    });
  });

  describe('path conflicts (40)', () => {
    it('rejects the same path under two operators', () => {
      expectEngineError(() => up({ _id: 1 }, { $set: { a: 1 }, $inc: { a: 1 } }), 40, "Updating the path 'a' would create a conflict at 'a'");
    });

    it('rejects a path and a path inside it, either order', () => {
      expectEngineError(() => up({ _id: 1 }, { $set: { a: 1, 'a.b': 2 } }), 40, "Updating the path 'a.b' would create a conflict at 'a'");
      expectEngineError(() => up({ _id: 1 }, { $set: { 'a.b': 1 }, $unset: { a: 1 } }), 40, "Updating the path 'a' would create a conflict at 'a'");
    });

    it('counts both ends of $rename', () => {
      expectEngineError(() => up({ _id: 1 }, { $rename: { a: 'b' }, $set: { b: 1 } }), 40);
      expectEngineError(() => up({ _id: 1 }, { $rename: { a: 'b' }, $set: { a: 1 } }), 40);
    });

    it('allows siblings and different filtered identifiers', () => {
      expect(up({ _id: 1 }, { $set: { 'a.b': 1, 'a.c': 2 } }).doc).to.deep.equal({ _id: 1, a: { b: 1, c: 2 } });
      expect(up({ _id: 1, a: [1, 2] }, { $set: { 'a.$[x]': 0 }, $inc: { 'a.$[y]': 5 } }, { arrayFilters: [{ x: 1 }, { y: 2 }] }).doc.a).to.deep.equal([0, 7]);
    });
  });

  describe('immutable _id (66)', () => {
    it('refuses changing or removing _id', () => {
      const msg = "Performing an update on the path '_id' would modify the immutable field '_id'";
      expectEngineError(() => up({ _id: 1 }, { $set: { _id: 2 } }), 66, msg);
      expectEngineError(() => up({ _id: 1 }, { $inc: { _id: 1 } }), 66, msg);
      expectEngineError(() => up({ _id: 1 }, { $unset: { _id: 1 } }), 66, msg);
      expectEngineError(() => up({ _id: { a: 1 } }, { $set: { '_id.a': 2 } }), 66, /path '_id.a'/);
      expectEngineError(() => up({ _id: 1, a: 2 }, { $rename: { a: '_id' } }), 66, /path '_id'/);
    });

    it('allows setting _id to an equal value', () => {
      const id = new ObjectId();
      expect(up({ _id: id }, { $set: { _id: new ObjectId(id.toHexString()) } }).modified).to.equal(false);
      expect(up({ _id: 1 }, { $set: { _id: Long.fromNumber(1) } }).doc._id).to.satisfy((v: unknown) => String(v) === '1');
    });

    it('lets an upsert insert choose its _id when the seed has none', () => {
      expect(up({}, { $set: { _id: 5, a: 1 } }, { isUpsertInsert: true }).doc).to.deep.equal({ _id: 5, a: 1 });
    });

    it('refuses an array _id (53)', () => {
      expectEngineError(() => up({}, { $set: { _id: [1] } }, { isUpsertInsert: true }), 53);
    });
  });

  describe('$setOnInsert', () => {
    it('applies only on upsert inserts', () => {
      const update = { $set: { a: 1 }, $setOnInsert: { createdAt: 'now', 'meta.v': 1 } };
      expect(up({ _id: 1 }, update).doc).to.deep.equal({ _id: 1, a: 1 });
      expect(up({ _id: 1 }, update, { isUpsertInsert: true }).doc).to.deep.equal({ _id: 1, a: 1, createdAt: 'now', meta: { v: 1 } });
    });

    it('still takes part in conflict detection', () => {
      expectEngineError(() => up({ _id: 1 }, { $set: { a: 1 }, $setOnInsert: { a: 2 } }), 40);
    });
  });

  describe('parseUpdate reuse', () => {
    it('applies one parsed update to many documents', () => {
      const parsed = parseUpdate({ $inc: { n: 1 }, $set: { 'a.$[x]': 0 } }, [{ x: { $gt: 5 } }]);
      expect(applyUpdate({ _id: 1, n: 1, a: [1, 9] }, parsed).doc).to.deep.equal({ _id: 1, n: 2, a: [1, 0] });
      expect(applyUpdate({ _id: 2, a: [7] }, parsed).doc).to.deep.equal({ _id: 2, a: [0], n: 1 });
    });
  });

  describe('applyReplacement', () => {
    it('replaces every field but keeps _id first', () => {
      const r = applyReplacement({ _id: 1, a: 1, b: 2 }, { c: 3, _id: 1 });
      expect(r.doc).to.deep.equal({ _id: 1, c: 3 });
      expect(Object.keys(r.doc)).to.deep.equal(['_id', 'c']);
      expect(r.modified).to.equal(true);
    });

    it('keeps the old _id when the replacement has none and detects no-ops', () => {
      expect(applyReplacement({ _id: 1, a: 1 }, { a: 2 }).doc).to.deep.equal({ _id: 1, a: 2 });
      expect(applyReplacement({ _id: 1, a: 1 }, { a: 1 }).modified).to.equal(false);
    });

    it('refuses a different _id (66); keeps nested $-prefixed fields as MongoDB 5.0+ does', () => {
      expectEngineError(() => applyReplacement({ _id: 1 }, { _id: 2 }), 66, /_id: 2/);
      expect(applyReplacement({ _id: 1 }, { a: { $x: 1 } }).doc).to.deep.equal({ _id: 1, a: { $x: 1 } });
    });

    it('uses the replacement _id for an upsert with no seed _id', () => {
      expect(applyReplacement({}, { _id: 'x', a: 1 }).doc).to.deep.equal({ _id: 'x', a: 1 });
    });
  });

  describe('upsertSeed', () => {
    it('takes equality fields from the filter, _id first', () => {
      expect(upsertSeed({ name: 'Ánh', _id: 7, year: 2025 })).to.deep.equal({ _id: 7, name: 'Ánh', year: 2025 });
      expect(Object.keys(upsertSeed({ a: 1, _id: 2 }))).to.deep.equal(['_id', 'a']);
    });

    it('takes $eq, single-value $in, $and and one-branch $or', () => {
      expect(upsertSeed({ a: { $eq: 1 }, b: { $in: ['x'] }, $and: [{ c: 2 }, { d: { $gt: 1 } }], $or: [{ e: 3 }] })).to.deep.equal({
        a: 1,
        b: 'x',
        c: 2,
        e: 3,
      });
    });

    it('builds nested documents from dotted paths and keeps literal documents and arrays', () => {
      expect(upsertSeed({ 'unit.code': 'SNV', 'unit.level': 1 })).to.deep.equal({ unit: { code: 'SNV', level: 1 } });
      expect(upsertSeed({ a: { x: 1 }, tags: ['a', 'b'] })).to.deep.equal({ a: { x: 1 }, tags: ['a', 'b'] });
    });

    it('ignores other operators, regexes, multi-branch $or and $-fields', () => {
      expect(upsertSeed({ a: { $gt: 1 }, b: /x/, c: { $in: [1, 2] }, d: { $elemMatch: { x: 1 } }, $or: [{ e: 1 }, { f: 1 }], $comment: 'x' })).to.deep.equal({});
    });

    it('refuses a path matched twice or overlapping paths (54)', () => {
      expectEngineError(() => upsertSeed({ a: 1, $and: [{ a: 2 }] }), 54, "cannot infer query fields to set, path 'a' is matched twice");
      expectEngineError(() => upsertSeed({ a: { x: 1 }, 'a.x': 1 }), 54, /both paths 'a.x' and 'a' are matched/);
    });

    it('feeds applyUpdate for a complete upsert', () => {
      const id = new ObjectId();
      const seed = upsertSeed({ officer: id, year: 2025 });
      const r = applyUpdate(seed, { $set: { status: 'done' }, $setOnInsert: { attempts: 0 }, $inc: { n: 1 } }, { isUpsertInsert: true });
      expect(r.doc).to.deep.equal({ officer: id, year: 2025, attempts: 0, n: 1, status: 'done' });
    });
  });
});
