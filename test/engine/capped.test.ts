/**
 * Issue #17: capped collections as MongoDB documents them
 * (https://www.mongodb.com/docs/manual/core/capped-collections/): `size` required, `max`
 * optional; documents come back in insertion order; the oldest go once either limit is passed.
 */
import { expect } from 'chai';
import type { Db, MongoClient } from 'mongodb';
import { expectServerError, newClient, uniqueDbName, type Loose } from './harness';

describe('conformance: capped collections', function () {
  const dbName = uniqueDbName('capped');
  let client: MongoClient;
  let db: Db;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it('keeps at most max documents, in insertion order, dropping the oldest; isCapped() is true', async () => {
    const c = await db.createCollection<Loose>('log', { capped: true, size: 100000, max: 3 });
    expect(await c.isCapped()).to.equal(true);
    for (const n of [5, 3, 9, 1, 7]) await c.insertOne({ _id: n });
    expect((await c.find().toArray()).map((d) => d._id)).to.deep.equal([9, 1, 7]);
    const [info] = (await db.listCollections({ name: 'log' }).toArray()) as Loose[];
    expect(info.options).to.deep.include({ capped: true, max: 3 });
  });

  it('drops the oldest documents once size (bytes) is passed', async () => {
    const c = await db.createCollection<Loose>('bytes', { capped: true, size: 4096 });
    const pad = 'x'.repeat(1000);
    for (let i = 0; i < 10; i++) await c.insertOne({ _id: i, pad });
    const ids = (await c.find().toArray()).map((d) => d._id);
    expect(ids.length).to.be.within(1, 4);
    expect(ids[ids.length - 1]).to.equal(9);
    expect(ids).to.deep.equal([...ids].sort((a, b) => a - b));
  });

  it("capped without 'size' answers 72 InvalidOptions; $out into a capped collection is refused", async () => {
    await expectServerError(db.createCollection('nosize', { capped: true }), 72);
    // A number is a boolean to MongoDB (mongoose gh-14611 sends {capped: 1024}): still capped, still needs size.
    await expectServerError(db.command({ create: 'nosize', capped: 1024 }), 72);
    const numeric = await db.command({ create: 'numeric', capped: 1, size: 4096 });
    expect(numeric.ok).to.equal(1);
    expect(await db.collection('numeric').isCapped()).to.equal(true);
    await db.collection<Loose>('src').insertOne({ _id: 1 });
    await expectServerError(db.collection<Loose>('src').aggregate([{ $out: 'log' }]).toArray(), 17152);
  });
});
