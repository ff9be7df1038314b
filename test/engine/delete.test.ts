import { expect } from 'chai';
import type { Db, Document, MongoClient } from 'mongodb';
import { newClient, uniqueDbName, type Loose } from './harness';

describe('conformance: delete', function () {
  const dbName = uniqueDbName('delete');
  let client: MongoClient;
  let db: Db;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it('deleteOne removes exactly one of several matches', async () => {
    const coll = db.collection<Loose>('one');
    await coll.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }]);
    const res = await coll.deleteOne({ k: 1 });
    expect(res.deletedCount).to.equal(1);
    expect(await coll.countDocuments({ k: 1 })).to.equal(1);
    expect(await coll.countDocuments()).to.equal(2);
  });

  it('deleteMany removes every match and nothing else', async () => {
    const coll = db.collection<Loose>('many');
    await coll.insertMany(Array.from({ length: 20 }, (_, i) => ({ i, even: i % 2 === 0 })));
    const res = await coll.deleteMany({ even: true });
    expect(res.deletedCount).to.equal(10);
    expect(await coll.countDocuments({ even: true })).to.equal(0);
    expect(await coll.countDocuments({ even: false })).to.equal(10);
  });

  it('a delete that matches nothing answers deletedCount 0', async () => {
    const coll = db.collection<Loose>('none');
    await coll.insertOne({ a: 1 });
    expect((await coll.deleteMany({ a: 2 })).deletedCount).to.equal(0);
    expect((await db.collection<Loose>('missing').deleteOne({ a: 1 })).deletedCount).to.equal(0);
  });

  it('deleteMany({}) empties the collection but keeps it and its indexes', async () => {
    const coll = db.collection<Loose>('empty');
    await coll.createIndex({ a: 1 });
    await coll.insertMany([{ a: 1 }, { a: 2 }]);
    expect((await coll.deleteMany({})).deletedCount).to.equal(2);
    expect(await coll.countDocuments()).to.equal(0);
    const names = (await coll.listIndexes().toArray()).map((i) => i.name).sort();
    expect(names).to.deep.equal(['_id_', 'a_1']);
  });

  it('the delete command answers n for limit 1 and limit 0 statements', async () => {
    await db.collection<Loose>('raw').insertMany([{ t: 'a' }, { t: 'a' }, { t: 'b' }, { t: 'b' }, { t: 'b' }]);
    const res = await db.command({
      delete: 'raw',
      deletes: [
        { q: { t: 'a' }, limit: 1 },
        { q: { t: 'b' }, limit: 0 },
      ],
    });
    expect(res.ok).to.equal(1);
    expect(res.n).to.equal(4);
    expect(await db.collection<Loose>('raw').countDocuments()).to.equal(1);
  });

  it('a deleted _id can be inserted again', async () => {
    const coll = db.collection<Loose>('reinsert');
    await coll.insertOne({ _id: 7, v: 1 } as Document);
    await coll.deleteOne({ _id: 7 } as Document);
    await coll.insertOne({ _id: 7, v: 2 } as Document);
    expect(await coll.findOne({ _id: 7 } as Document)).to.deep.equal({ _id: 7, v: 2 });
  });

  it('deletes use nested and array filters like find', async () => {
    const coll = db.collection<Loose>('filters');
    await coll.insertMany([
      { _id: 1, a: { b: [1, 2] } },
      { _id: 2, a: { b: [3] } },
      { _id: 3, a: { b: 2 } },
    ] as Document[]);
    expect((await coll.deleteMany({ 'a.b': 2 })).deletedCount).to.equal(2);
    expect((await coll.find().toArray()).map((d) => d._id)).to.deep.equal([2]);
  });
});
