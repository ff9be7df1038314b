/**
 * Issue #17: collMod changes an index's `hidden` flag and TTL as MongoDB documents;
 * validators are tested in validation.test.ts; the other collMod options are refused by name (embedded engine).
 */
import { expect } from 'chai';
import type { Db, MongoClient } from 'mongodb';
import { expectServerError, getTestServer, newClient, planHasStage, uniqueDbName, type Loose } from './harness';

describe('conformance: collMod', function () {
  const dbName = uniqueDbName('collmod');
  let client: MongoClient;
  let db: Db;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
    await db.collection<Loose>('c').insertMany([{ _id: 1, a: 1, at: new Date() }, { _id: 2, a: 2, at: new Date() }]);
    await db.collection<Loose>('c').createIndex({ a: 1 });
    await db.collection<Loose>('c').createIndex({ at: 1 }, { expireAfterSeconds: 3600 });
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it('hides an index from the planner (listed as hidden) and unhides it', async () => {
    const res = await db.command({ collMod: 'c', index: { keyPattern: { a: 1 }, hidden: true } });
    expect(res).to.include({ hidden_old: false, hidden_new: true });
    const listed = (await db.collection<Loose>('c').listIndexes().toArray()).find((ix) => ix.name === 'a_1');
    expect(listed?.hidden).to.equal(true);
    const hiddenPlan = await db.collection<Loose>('c').find({ a: 1 }).explain();
    expect(planHasStage(hiddenPlan, 'IXSCAN')).to.equal(false);
    expect((await db.collection<Loose>('c').find({ a: 1 }).toArray()).map((d) => d._id)).to.deep.equal([1]);
    await db.command({ collMod: 'c', index: { name: 'a_1', hidden: false } });
    expect(planHasStage(await db.collection<Loose>('c').find({ a: 1 }).explain(), 'IXSCAN')).to.equal(true);
  });

  it("changes a TTL index's expireAfterSeconds", async () => {
    const res = await db.command({ collMod: 'c', index: { keyPattern: { at: 1 }, expireAfterSeconds: 60 } });
    expect(res).to.include({ expireAfterSeconds_old: 3600, expireAfterSeconds_new: 60 });
    const listed = (await db.collection<Loose>('c').listIndexes().toArray()).find((ix) => ix.name === 'at_1');
    expect(listed?.expireAfterSeconds).to.equal(60);
  });

  it('an unknown index answers 27 IndexNotFound; a missing collection 26', async () => {
    await expectServerError(db.command({ collMod: 'c', index: { name: 'nope', hidden: true } }), 27);
    await expectServerError(db.command({ collMod: 'missing', index: { name: 'a_1', hidden: true } }), 26);
  });

  it('an option the engine does not implement (cappedSize) is refused by name with 238 (embedded engine)', async () => {
    if (!(await getTestServer()).embedded) return;
    const err = await expectServerError(db.command({ collMod: 'c', cappedSize: 4096 }), 238);
    expect(err.message).to.contain('cappedSize');
  });
});
