/**
 * applyUpdate: every field and array operator, no-op detection, immutability of the input,
 * field order, and the operator-level errors.
 */
import { expect } from 'chai';
import { Decimal128, Long, ObjectId, Timestamp } from 'bson';
import { applyUpdate, isReplacement } from '../../../server/db/engine/query/update';
import { expectEngineError, promoted } from './query-helpers';

const up = (doc: Record<string, unknown>, update: Record<string, unknown>, opts = {}) => applyUpdate(doc, update, opts);
const after = (doc: Record<string, unknown>, update: Record<string, unknown>, opts = {}) => up(doc, update, opts).doc;

describe('query/update operators', () => {
  describe('isReplacement', () => {
    it('tells replacements from operator updates and refuses pipelines', () => {
      expect(isReplacement({ a: 1 })).to.equal(true);
      expect(isReplacement({})).to.equal(true);
      expect(isReplacement({ $set: { a: 1 } })).to.equal(false);
      expect(isReplacement({ a: 1, $set: { b: 1 } })).to.equal(false);
      expectEngineError(() => isReplacement([{ $set: { a: 1 } }]), 238, /pipeline-style updates are not supported/);
    });
  });

  describe('$set / $unset', () => {
    it('sets top-level and dotted fields, creating documents on the way', () => {
      expect(after({ _id: 1 }, { $set: { a: 1, 'b.c.d': 'x' } })).to.deep.equal({ _id: 1, a: 1, b: { c: { d: 'x' } } });
      expect(after({ _id: 1, b: { e: 1 } }, { $set: { 'b.c': 2 } })).to.deep.equal({ _id: 1, b: { e: 1, c: 2 } });
    });

    it('replaces existing values in place (field order kept)', () => {
      const out = after({ _id: 1, a: 1, b: 2 }, { $set: { a: 'x' } });
      expect(Object.keys(out)).to.deep.equal(['_id', 'a', 'b']);
    });

    it('creates new fields in lexicographic order (MongoDB 5+)', () => {
      const out = after({ _id: 1 }, { $set: { z: 1, a: 1, m: 1 } });
      expect(Object.keys(out)).to.deep.equal(['_id', 'a', 'm', 'z']);
    });

    it('sets array elements by index, padding with null', () => {
      expect(after({ _id: 1, a: [1, 2] }, { $set: { 'a.1': 9 } }).a).to.deep.equal([1, 9]);
      expect(after({ _id: 1, a: [1] }, { $set: { 'a.3': 4 } }).a).to.deep.equal([1, null, null, 4]);
      expect(after({ _id: 1, a: [{ b: 1 }] }, { $set: { 'a.0.c': 2 } }).a).to.deep.equal([{ b: 1, c: 2 }]);
    });

    it('refuses to create a field inside a scalar or a non-numeric field of an array (28)', () => {
      expectEngineError(() => up({ _id: 1, a: 5 }, { $set: { 'a.b': 1 } }), 28, "Cannot create field 'b' in element {a: 5}");
      expectEngineError(() => up({ _id: 1, a: [1, 2] }, { $set: { 'a.b': 1 } }), 28, "Cannot create field 'b' in element {a: [ 1, 2 ]}");
    });

    it('unsets fields; array elements become null; missing paths are no-ops', () => {
      expect(after({ _id: 1, a: 1, b: { c: 1, d: 2 } }, { $unset: { a: '', 'b.c': 1 } })).to.deep.equal({ _id: 1, b: { d: 2 } });
      expect(after({ _id: 1, a: [1, 2, 3] }, { $unset: { 'a.1': 1 } }).a).to.deep.equal([1, null, 3]);
      const r = up({ _id: 1, a: 1 }, { $unset: { x: 1, 'a.b': 1 } });
      expect(r.modified).to.equal(false);
    });

    it('stores nested $-prefixed field names in new values (MongoDB 5.0+); a top-level one is 52', () => {
      expect(after({ _id: 1 }, { $set: { a: { $each: 42 } } })).to.deep.equal({ _id: 1, a: { $each: 42 } });
      expect(after({ _id: 1, l: [] }, { $push: { l: { $x: 1 } } })).to.deep.equal({ _id: 1, l: [{ $x: 1 }] });
      expectEngineError(() => up({ _id: 1 }, { $set: { $bad: 1 } }), 52, "The dollar ($) prefixed field '$bad' in '$bad' is not valid for storage.");
    });
  });

  describe('no-op detection and immutability', () => {
    it('reports modified: false when the result equals the input', () => {
      expect(up({ _id: 1, a: 1 }, { $set: { a: 1 } }).modified).to.equal(false);
      expect(up({ _id: 1, a: { x: 1, y: 2 } }, { $set: { a: { x: 1, y: 2 } } }).modified).to.equal(false);
      expect(up({ _id: 1, a: 1 }, { $inc: { a: 0 } }).modified).to.equal(false);
      expect(up({ _id: 1, a: [1, 2] }, { $addToSet: { a: 2 } }).modified).to.equal(false);
      expect(up({ _id: 1, a: [1, 2] }, { $pull: { a: 3 } }).modified).to.equal(false);
      expect(up({ _id: 1, a: 5 }, { $max: { a: 3 } }).modified).to.equal(false);
    });

    it('reports modified: true for type or field-order changes', () => {
      expect(up({ _id: 1, a: 1 }, promoted({ $set: { a: Long.fromNumber(1) } })).modified).to.equal(false); // promoted Long(1) is 1
      expect(up({ _id: 1, a: 1 }, { $set: { a: Long.fromNumber(1) } }).modified).to.equal(true); // an unpromoted Long is a type change
      expect(up({ _id: 1, a: 1 }, { $set: { a: Decimal128.fromString('1') } }).modified).to.equal(true);
      expect(up({ _id: 1, a: { x: 1, y: 2 } }, { $set: { a: { y: 2, x: 1 } } }).modified).to.equal(true);
    });

    it('never mutates the input document or the update', () => {
      const doc = { _id: 1, a: { b: [1, 2] }, c: 1 };
      const update = { $push: { 'a.b': 3 }, $set: { d: { e: 1 } }, $inc: { c: 1 } };
      const snapshot = JSON.stringify([doc, update]);
      const out = after(doc, update);
      expect(JSON.stringify([doc, update])).to.equal(snapshot);
      (out.d as Record<string, unknown>).e = 2;
      expect(update.$set.d.e).to.equal(1);
    });
  });

  describe('$inc / $mul', () => {
    it('adds and multiplies, creating missing fields', () => {
      expect(after({ _id: 1, a: 1 }, { $inc: { a: 2, b: 5 } })).to.deep.equal({ _id: 1, a: 3, b: 5 });
      expect(after({ _id: 1, a: 1.5 }, { $inc: { a: -0.5 } }).a).to.equal(1);
      expect(after({ _id: 1, a: 3 }, { $mul: { a: 4, b: 7 } })).to.deep.equal({ _id: 1, a: 12, b: 0 });
    });

    it('keeps Long precision and produces Long beyond 2^53', () => {
      const doc = promoted({ _id: 1, n: Long.fromString('9007199254740993') });
      const out = after(doc, { $inc: { n: 2 } });
      expect(String(out.n)).to.equal('9007199254740995');
      const big = after({ _id: 1, n: 9007199254740991 }, { $inc: { n: 2 } });
      expect(String(big.n)).to.equal('9007199254740993');
      expect(String(after(doc, { $mul: { n: 2 } }).n)).to.equal('18014398509481986');
    });

    it('refuses int64 overflow like MongoDB', () => {
      expectEngineError(() => up({ _id: 1, n: Long.MAX_VALUE }, { $inc: { n: 1 } }), 2, /Failed to apply \$inc operations to current value/);
    });

    it('uses double arithmetic with fractional operands on a Long', () => {
      // As in MongoDB, long + double is computed in double: the Long is rounded first.
      expect(after({ _id: 1, n: Long.fromString('9007199254740993') }, { $inc: { n: 0.5 } }).n).to.equal(9007199254740992);
      expect(after({ _id: 1, n: Long.fromString('1152921504606846976') }, { $mul: { n: 1.5 } }).n).to.equal(1.5 * 2 ** 60);
    });

    it('refuses non-numeric fields (14) with MongoDB message', () => {
      expectEngineError(
        () => up({ _id: 1, a: 'x' }, { $inc: { a: 1 } }),
        14,
        "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 'a' of non-numeric type string",
      );
      const id = new ObjectId('65a000000000000000000001');
      expectEngineError(() => up({ _id: id, a: { b: null } }, { $mul: { 'a.b': 2 } }), 14, /\{_id: ObjectId\('65a000000000000000000001'\)\} has the field 'b' of non-numeric type null/);
    });

    it('refuses non-numeric arguments (14)', () => {
      expectEngineError(() => up({ _id: 1 }, { $inc: { a: 'x' } }), 14, 'Cannot increment with non-numeric argument: {a: "x"}');
      expectEngineError(() => up({ _id: 1 }, { $mul: { a: null } }), 14, 'Cannot multiply with non-numeric argument: {a: null}');
    });

    it('refuses Decimal128 arithmetic with NotImplemented', () => {
      const dec = Decimal128.fromString('1.5');
      expectEngineError(() => up({ _id: 1, a: dec }, { $inc: { a: 1 } }), 238, '$inc on Decimal128 values is not supported by this engine');
      expectEngineError(() => up({ _id: 1, a: 2 }, { $mul: { a: dec } }), 238, /\$mul on Decimal128/);
      expect(String(after({ _id: 1 }, { $inc: { a: dec } }).a)).to.equal('1.5'); // creating the field needs no arithmetic
    });
  });

  describe('$min / $max', () => {
    it('replaces only when the argument is smaller / larger, across types', () => {
      expect(after({ _id: 1, a: 5 }, { $min: { a: 3 } }).a).to.equal(3);
      expect(after({ _id: 1, a: 5 }, { $min: { a: 7 } }).a).to.equal(5);
      expect(after({ _id: 1, a: 5 }, { $max: { a: 7, b: 1 } })).to.deep.equal({ _id: 1, a: 7, b: 1 });
      expect(after({ _id: 1, a: 5 }, { $min: { a: null } }).a).to.equal(null); // null sorts below numbers
      expect(after({ _id: 1, a: 5 }, { $max: { a: 'x' } }).a).to.equal('x');
      const d = new Date(2000);
      expect((after({ _id: 1, d: new Date(1000) }, { $max: { d } }).d as Date).getTime()).to.equal(2000);
    });

    it('compares Decimal128 and Long exactly without arithmetic', () => {
      const out = after({ _id: 1, a: 1 }, { $max: { a: Decimal128.fromString('1.0000001') } });
      expect(String(out.a)).to.equal('1.0000001');
    });
  });

  describe('$rename', () => {
    it('moves a field, including into and out of nested documents', () => {
      expect(after({ _id: 1, a: 1, b: 2 }, { $rename: { a: 'c' } })).to.deep.equal({ _id: 1, b: 2, c: 1 });
      expect(after({ _id: 1, a: { b: 1 } }, { $rename: { 'a.b': 'x.y' } })).to.deep.equal({ _id: 1, a: {}, x: { y: 1 } });
      expect(after({ _id: 1, a: 1, c: 9 }, { $rename: { a: 'c' } })).to.deep.equal({ _id: 1, c: 1 });
    });

    it('is a no-op for a missing source', () => {
      expect(up({ _id: 1, b: 1 }, { $rename: { a: 'c' } }).modified).to.equal(false);
    });

    it('validates its arguments', () => {
      expectEngineError(() => up({ _id: 1 }, { $rename: { a: 1 } }), 2, "The 'to' field for $rename must be a string: a: 1");
      expectEngineError(() => up({ _id: 1 }, { $rename: { a: 'a' } }), 2, /must differ/);
      expectEngineError(() => up({ _id: 1 }, { $rename: { a: 'a.b' } }), 2, /must not be on the same path/);
      expectEngineError(() => up({ _id: 1 }, { $rename: { 'a.$': 'b' } }), 2, /may not be dynamic/);
    });

    it('refuses paths through arrays (28)', () => {
      expectEngineError(() => up({ _id: 1, a: [{ b: 1 }] }, { $rename: { 'a.0.b': 'c' } }), 28, /source field cannot be an array element/);
      expectEngineError(() => up({ _id: 1, a: 1, x: [{}] }, { $rename: { a: 'x.0.y' } }), 28, /destination field cannot be an array element/);
    });
  });

  describe('$currentDate', () => {
    const now = new Date('2025-11-15T08:00:00Z');

    it('sets a Date or a Timestamp', () => {
      const out = after({ _id: 1 }, { $currentDate: { a: true, b: { $type: 'date' }, c: { $type: 'timestamp' } } }, { now });
      expect((out.a as Date).getTime()).to.equal(now.getTime());
      expect((out.b as Date).getTime()).to.equal(now.getTime());
      expect(out.c).to.be.instanceOf(Timestamp);
      expect((out.c as Timestamp).t).to.equal(now.getTime() / 1000);
    });

    it('gives increasing timestamps within one second', () => {
      const t1 = after({ _id: 1 }, { $currentDate: { c: { $type: 'timestamp' } } }, { now }).c as Timestamp;
      const t2 = after({ _id: 1 }, { $currentDate: { c: { $type: 'timestamp' } } }, { now }).c as Timestamp;
      expect(t2.i).to.be.greaterThan(t1.i);
    });

    it('validates the type', () => {
      expectEngineError(() => up({ _id: 1 }, { $currentDate: { a: { $type: 'string' } } }), 2, /'date' or 'timestamp'/);
      expectEngineError(() => up({ _id: 1 }, { $currentDate: { a: 1 } }), 2, /not valid type for \$currentDate/);
    });
  });

  describe('$bit', () => {
    it('applies and / or / xor to integers', () => {
      expect(after({ _id: 1, a: 13 }, { $bit: { a: { and: 10 } } }).a).to.equal(8);
      expect(after({ _id: 1, a: 13 }, { $bit: { a: { or: 2 } } }).a).to.equal(15);
      expect(after({ _id: 1, a: 13 }, { $bit: { a: { xor: 1 } } }).a).to.equal(12);
    });

    it('validates operands and field types', () => {
      expectEngineError(() => up({ _id: 1, a: 1 }, { $bit: { a: { nand: 1 } } }), 2, /only supports 'and', 'or', and 'xor'/);
      expectEngineError(() => up({ _id: 1, a: 1 }, { $bit: { a: { and: 1.5 } } }), 2);
      expectEngineError(() => up({ _id: 1, a: 'x' }, { $bit: { a: { and: 1 } } }), 14);
    });
  });
});
