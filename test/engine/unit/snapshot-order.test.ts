/**
 * Snapshots carry each index's order in many small records (so a checkpoint of a large
 * collection never stops serving reads for long); recovery must put them together and
 * build every index from its stored order, without sorting.
 */
import { expect } from 'chai';
import { UUID } from 'bson';
import { toBson } from '../../../server/db/engine/bson-raw';
import { Catalog } from '../../../server/db/engine/catalog/catalog';
import { Collection } from '../../../server/db/engine/catalog/collection';
import { ChangeSet, decodeChangeSet } from '../../../server/db/engine/catalog/oplog';

describe('engine snapshots: index orders in small records', () => {
  const DOCS = 10_000;

  function loaded(): Catalog {
    const live = new Catalog();
    const changes = new ChangeSet();
    changes.add({ o: 'createCollection', ns: 'd.c', options: {}, uuid: new UUID().toBinary() });
    changes.add({ o: 'createIndex', ns: 'd.c', spec: { name: 'v_1', key: { v: 1 } } });
    for (let i = 0; i < DOCS; i++) changes.put('d.c', toBson({ _id: i, v: (i * 7919) % 10_007 }));
    live.applyRecord(changes.encode(), 'live');
    return live;
  }

  it('writes an index order as several records and recovery rebuilds every index from them without sorting', () => {
    const live = loaded();
    const records = [...live.snapshotRecords()()];
    const orderRecords = records.filter((r) => decodeChangeSet(r).ops.some((op) => op.o === 'indexOrder' && op.name === 'v_1'));
    expect(orderRecords.length, 'records holding the order of v_1').to.be.greaterThan(1);

    const restored = new Catalog();
    for (const record of records) restored.applyRecord(record, 'snapshot');
    const builtTheUsualWay: string[] = [];
    const original = Collection.prototype.loadIndexes;
    Collection.prototype.loadIndexes = function (this: Collection, targets) {
      builtTheUsualWay.push(...targets.map((ix) => ix.name));
      return original.call(this, targets);
    };
    try {
      restored.rebuildAllIndexes();
    } finally {
      Collection.prototype.loadIndexes = original;
    }
    expect(builtTheUsualWay, 'indexes rebuilt by decoding and sorting').to.deep.equal([]);
    const order = (c: Catalog, name: string) => [...c.get('d', 'c')!.indexes.get(name)!.all(1)];
    expect(order(restored, 'v_1')).to.deep.equal(order(live, 'v_1'));
    expect(order(restored, '_id_')).to.deep.equal(order(live, '_id_'));
    expect(restored.get('d', 'c')!.docs.size).to.equal(DOCS);
  });
});
