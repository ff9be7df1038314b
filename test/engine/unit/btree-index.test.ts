import { expect } from 'chai';
import { Decimal128, Long, ObjectId, MinKey, MaxKey, Timestamp, Binary } from 'bson';
import { BTreeIndex } from '../../../server/db/engine/catalog/btree-index';
import { encodeAscending, encodeComponent } from '../../../server/db/engine/catalog/key-encoding';
import { compareValues } from '../../../server/db/engine/query/compare';

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);
const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('engine index keys: order-preserving encoding', () => {
  const values: unknown[] = [
    new MinKey(), null, -Infinity, -1e300, -5.5, Long.fromNumber(-3), -1, 0, 0.5, 1, new Decimal128('1.5'), 2, 2 ** 40, Long.fromString('9007199254740993'), Infinity,
    '', 'a', 'a\u0000', 'ab', 'b', 'Nguyễn Văn Ánh', 'Nguyễn Văn Bình', 'z',
    new Binary(Buffer.from([1])), new Binary(Buffer.from([1, 2])), new ObjectId('000000000000000000000000'), new ObjectId('65a0000000000000000000ff'), new ObjectId('ffffffffffffffffffffffff'),
    false, true, new Date(-1000), new Date(0), new Date(1_700_000_000_000), new Timestamp({ t: 1, i: 2 }), new Timestamp({ t: 2, i: 1 }), new MaxKey(),
  ];

  it('sorts every pair of values of different and equal types as compareValues does', () => {
    for (const a of values) {
      for (const b of values) {
        const expected = sign(compareValues(a, b));
        expect(cmpStr(encodeAscending(a).key, encodeAscending(b).key), `${String(a)} vs ${String(b)}`).to.equal(expected);
        expect(cmpStr(encodeComponent(a, -1).key, encodeComponent(b, -1).key), `desc ${String(a)} vs ${String(b)}`).to.equal(-expected);
      }
    }
  });

  it('encodes numerically equal values of different BSON types identically (1, 1.0, Long(1), Decimal128(1))', () => {
    const keys = [1, Long.fromNumber(1), new Decimal128('1'), new Decimal128('1.0')].map((v) => encodeAscending(v).key);
    expect(new Set(keys).size).to.equal(1);
  });
});

describe('engine index: B+tree over encoded keys', () => {
  const docKeyOf = (i: number) => `n${i}`;
  const docs = Array.from({ length: 5000 }, (_, i) => ({ _id: i, a: (i * 7919) % 1000, b: i % 3 === 0 ? 'x' : i % 3 === 1 ? 'y' : null }));

  function brute(lo: number, hi: number, b?: string): string[] {
    return docs.filter((d) => d.a >= lo && d.a < hi && (b === undefined || d.b === b)).map((d) => docKeyOf(d._id)).sort();
  }

  for (const mode of ['bulk', 'one by one']) {
    it(`answers ranges and point + range lookups exactly after a ${mode} build, and after changes`, () => {
      const ix = new BTreeIndex({ name: 'a_1', key: { a: 1 } });
      const ixc = new BTreeIndex({ name: 'b_1_a_-1', key: { b: 1, a: -1 } });
      if (mode === 'bulk') {
        // shuffled input: the loader must sort it
        const shuffled = [...docs].sort((x, y) => ((x._id * 104729) % 5000) - ((y._id * 104729) % 5000));
        ix.loadEntries(shuffled.flatMap((d) => ix.entriesOf(d, docKeyOf(d._id))), shuffled.map((d) => docKeyOf(d._id)));
        ixc.loadEntries(shuffled.flatMap((d) => ixc.entriesOf(d, docKeyOf(d._id))), shuffled.map((d) => docKeyOf(d._id)));
      } else {
        for (const d of docs) {
          ix.add(d, docKeyOf(d._id));
          ixc.add(d, docKeyOf(d._id));
        }
      }
      expect(ix.size).to.equal(docs.length);
      expect([...ix.range([[100, 200, false, true]], 1)].sort()).to.deep.equal(brute(100, 200));
      expect([...ixc.range([['x', 'x'], [100, 200, false, true]], -1)].sort()).to.deep.equal(brute(100, 200, 'x'));
      // remove a third, add them back with new values, and compare again
      for (const d of docs.filter((x) => x._id % 3 === 0)) {
        ix.remove(d, docKeyOf(d._id));
        ixc.remove(d, docKeyOf(d._id));
        d.a = (d.a + 500) % 1000;
        ix.add(d, docKeyOf(d._id));
        ixc.add(d, docKeyOf(d._id));
      }
      expect([...ix.range([[100, 200, false, true]], 1)].sort()).to.deep.equal(brute(100, 200));
      expect([...ixc.range([['x', 'x'], [100, 200, false, true]], 1)].sort()).to.deep.equal(brute(100, 200, 'x'));
      const forward = [...ix.all(1)];
      expect(forward).to.have.length(docs.length);
      expect([...ix.all(-1)]).to.deep.equal([...forward].reverse());
    });
  }
});
