import { expect } from 'chai';
import type { Collection, Db, Document, MongoClient } from 'mongodb';
import { newClient, uniqueDbName, type Loose } from './harness';

describe('conformance: count and distinct', function () {
  const dbName = uniqueDbName('count');
  let client: MongoClient;
  let db: Db;
  let coll: Collection<Loose>;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
    coll = db.collection<Loose>('items');
    await coll.insertMany([
      { _id: 1, cat: 'a', tags: ['x', 'y'], n: 1, unit: { name: 'Sở Nội vụ' } },
      { _id: 2, cat: 'b', tags: ['y'], n: 2, unit: { name: 'UBND xã' } },
      { _id: 3, cat: 'a', tags: [], n: 3, unit: { name: 'Sở Nội vụ' } },
      { _id: 4, cat: 'c', tags: ['z', 'x'], n: 4 },
      { _id: 5, n: 5, tags: 'y' },
      { _id: 6, cat: null, n: '6' },
    ] as Document[]);
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it('estimatedDocumentCount (count command without query) answers the collection size', async () => {
    expect(await coll.estimatedDocumentCount()).to.equal(6);
  });

  it('countDocuments counts matches, honouring skip and limit', async () => {
    expect(await coll.countDocuments()).to.equal(6);
    expect(await coll.countDocuments({ cat: 'a' })).to.equal(2);
    expect(await coll.countDocuments({ n: { $gte: 2 } })).to.equal(4);
    expect(await coll.countDocuments({}, { skip: 4 })).to.equal(2);
    expect(await coll.countDocuments({}, { limit: 3 })).to.equal(3);
    expect(await coll.countDocuments({ cat: 'zzz' })).to.equal(0);
  });

  it('the count command answers n with query, skip and limit', async () => {
    const res = await db.command({ count: 'items', query: { tags: 'y' } });
    expect(res.ok).to.equal(1);
    expect(res.n).to.equal(3);
    expect((await db.command({ count: 'items', query: {}, skip: 5, limit: 10 })).n).to.equal(1);
  });

  it('counting a missing collection answers 0', async () => {
    expect(await db.collection<Loose>('missing').countDocuments()).to.equal(0);
    expect(await db.collection<Loose>('missing').estimatedDocumentCount()).to.equal(0);
    expect((await db.command({ count: 'missing' })).n).to.equal(0);
  });

  it('count follows inserts and deletes', async () => {
    const c = db.collection<Loose>('moving');
    await c.insertMany(Array.from({ length: 30 }, (_, i) => ({ i })));
    await c.deleteMany({ i: { $lt: 10 } });
    expect(await c.countDocuments()).to.equal(20);
    expect(await c.estimatedDocumentCount()).to.equal(20);
  });

  it('distinct returns each value once, unwinding arrays and skipping missing fields', async () => {
    const cats = await coll.distinct('cat');
    expect(cats).to.have.deep.members(['a', 'b', 'c', null]);
    expect(cats).to.have.length(4);
    const tags = await coll.distinct('tags');
    expect(tags).to.have.members(['x', 'y', 'z']);
    expect(tags).to.have.length(3);
  });

  it('distinct honours a filter and nested paths', async () => {
    expect(await coll.distinct('cat', { n: { $lte: 3 } })).to.have.members(['a', 'b']);
    expect(await coll.distinct('unit.name')).to.have.members(['Sở Nội vụ', 'UBND xã']);
  });

  it('distinct keeps values of different types apart', async () => {
    const ns = await coll.distinct('n');
    expect(ns).to.have.deep.members([1, 2, 3, 4, 5, '6']);
  });

  it('distinct on a missing collection answers []', async () => {
    expect(await db.collection<Loose>('missing').distinct('a')).to.deep.equal([]);
    const res = await db.command({ distinct: 'missing', key: 'a' });
    expect(res.ok).to.equal(1);
    expect(res.values).to.deep.equal([]);
  });
});
