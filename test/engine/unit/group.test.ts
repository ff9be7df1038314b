import { expect } from 'chai';
import { Aggregator } from 'mingo';
import { Long } from 'bson';
import { fastGroup } from '../../../server/db/engine/commands/group';

describe('engine $group fast path', () => {
  const statuses = ['assigned', 'completed', 'overdue', null, undefined];
  const docs = Array.from({ length: 2000 }, (_, i) => {
    const d: Record<string, unknown> = { _id: i, unit: `u${i % 7}`, score: i % 5 === 0 ? null : i % 11 === 0 ? 'n/a' : (i * 37) % 101, at: new Date(1_700_000_000_000 + i * 1000) };
    const st = statuses[i % statuses.length];
    if (st !== undefined) d.status = st;
    return d;
  });
  const byId = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a._id).localeCompare(String(b._id));

  const specs = [
    { _id: '$status', n: { $sum: 1 }, avg: { $avg: '$score' }, total: { $sum: '$score' } },
    { _id: '$unit', lo: { $min: '$score' }, hi: { $max: '$score' }, first: { $min: '$at' }, c: { $count: {} } },
    { _id: null, n: { $sum: 1 }, avg: { $avg: '$score' } },
  ];
  specs.forEach((spec, i) => {
    it(`gives the same groups as the general pipeline (spec ${i + 1})`, () => {
      const fast = fastGroup(docs, spec);
      expect(fast).to.not.equal(null);
      const general = new Aggregator([{ $group: spec }]).run(docs) as Array<Record<string, unknown>>;
      expect([...fast!].sort(byId)).to.deep.equal([...general].sort(byId));
    });
  });

  it('steps aside for shapes and values it does not handle exactly', () => {
    expect(fastGroup(docs, { _id: '$unit', v: { $push: '$score' } })).to.equal(null);
    expect(fastGroup(docs, { _id: { u: '$unit' }, n: { $sum: 1 } })).to.equal(null);
    expect(fastGroup(docs, { _id: '$a.b', n: { $sum: 1 } })).to.equal(null);
    expect(fastGroup([{ _id: 1, v: Long.fromString('9007199254740993') }], { _id: null, s: { $sum: '$v' } })).to.equal(null);
  });
});
