/**
 * retype / promote: numeric BSON types survive an update round trip
 * (stored bytes → promoted → update → retype → serialize).
 */
import { expect } from 'chai';
import { deserialize, Double, Int32, Long, ObjectId, serialize } from 'bson';
import { promote, retype } from '../../../server/db/engine/query/retype';
import { applyUpdate } from '../../../server/db/engine/query/update';

/** Stores `doc`, applies `update` the way the engine does, and returns the stored result in exact form. */
function roundTrip(doc: Record<string, unknown>, update: Record<string, unknown>): Record<string, unknown> {
  const stored = serialize(doc);
  const { doc: updated } = applyUpdate(deserialize(stored), deserialize(serialize(update)));
  const rewritten = serialize(retype(updated, deserialize(stored, { promoteValues: false })));
  return deserialize(rewritten, { promoteValues: false });
}

const tagOf = (v: unknown) => (v as { _bsontype?: string })._bsontype;

describe('query/retype', () => {
  it('keeps a Double 5.0 a Double after an unrelated $set', () => {
    const out = roundTrip({ _id: 1, price: new Double(5), name: 'a' }, { $set: { name: 'b' } });
    expect(tagOf(out.price)).to.equal('Double');
    expect((out.price as Double).value).to.equal(5);
  });

  it('keeps a Long a Long after $inc, and an Int32 an Int32', () => {
    const out = roundTrip({ _id: 1, big: Long.fromNumber(10), small: new Int32(3) }, { $inc: { big: 5, small: 1 } });
    expect(tagOf(out.big)).to.equal('Long');
    expect(String(out.big)).to.equal('15');
    expect(tagOf(out.small)).to.equal('Int32');
    expect((out.small as Int32).value).to.equal(4);
  });

  it('turns an Int32 that overflows into a Long (as MongoDB) and a fraction into a Double', () => {
    const out = roundTrip({ _id: 1, a: new Int32(2147483647), b: new Int32(3) }, { $inc: { a: 1 }, $mul: { b: 0.5 } });
    expect(tagOf(out.a)).to.equal('Long');
    expect(String(out.a)).to.equal('2147483648');
    expect(tagOf(out.b)).to.equal('Double');
    expect((out.b as Double).value).to.equal(1.5);
  });

  it('turns a Long that becomes fractional into a Double', () => {
    const out = roundTrip({ _id: 1, a: Long.fromNumber(3) }, { $mul: { a: 0.5 } });
    expect(tagOf(out.a)).to.equal('Double');
  });

  it('keeps a Double that grows beyond 2^53 a Double', () => {
    const out = roundTrip({ _id: 1, a: new Double(2 ** 53 - 1) }, { $inc: { a: 2 } });
    expect(tagOf(out.a)).to.equal('Double');
  });

  it('keeps a large Long exact through $inc', () => {
    const out = roundTrip({ _id: 1, a: Long.fromString('9007199254740993') }, { $inc: { a: 1 } });
    expect(String(out.a)).to.equal('9007199254740994');
  });

  it('walks nested documents and arrays index by index', () => {
    const doc = { _id: 1, u: { score: new Double(7), list: [new Double(1), new Int32(2), Long.fromNumber(3)] } };
    const out = roundTrip(doc, { $set: { 'u.other': 1 } });
    const u = out.u as Record<string, unknown>;
    expect(tagOf(u.score)).to.equal('Double');
    expect((u.list as unknown[]).map(tagOf)).to.deep.equal(['Double', 'Int32', 'Long']);
    expect(tagOf(u.other)).to.equal('Int32');
  });

  it('passes new fields and non-numbers through (a number replacing a string is new)', () => {
    const id = new ObjectId();
    const out = roundTrip({ _id: id, s: 'x', d: new Date(5) }, { $set: { s: 2.5, n: 4 } });
    expect(tagOf(out.s)).to.equal('Double');
    expect(tagOf(out.n)).to.equal('Int32');
    expect((out._id as ObjectId).equals(id)).to.equal(true);
    expect((out.d as Date).getTime()).to.equal(5);
  });

  it('does not modify its inputs and handles a missing old document', () => {
    const fresh = { _id: 1, a: 1, b: [2.5] };
    const out = retype(fresh, undefined);
    expect(out).to.deep.equal(fresh);
    expect(out).to.not.equal(fresh);
  });

  describe('promote', () => {
    it('converts number wrappers to numbers, keeping unsafe Longs', () => {
      const exactDoc = deserialize(serialize({ a: new Int32(1), b: new Double(2.5), c: Long.fromNumber(3), d: Long.fromString('9007199254740993'), e: [{ f: new Int32(4) }] }), {
        promoteValues: false,
      });
      const p = promote(exactDoc);
      expect(p.a).to.equal(1);
      expect(p.b).to.equal(2.5);
      expect(p.c).to.equal(3);
      expect(tagOf(p.d)).to.equal('Long');
      expect(p.e).to.deep.equal([{ f: 4 }]);
    });

    it('matches what deserialize does by default', () => {
      const buf = serialize({ a: new Int32(1), b: Long.fromNumber(7), c: { d: [new Double(1.5)] } });
      expect(promote(deserialize(buf, { promoteValues: false }))).to.deep.equal(deserialize(buf));
    });
  });
});
