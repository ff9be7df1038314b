/**
 * Issue #17: hashed indexes as MongoDB documents them
 * (https://www.mongodb.com/docs/manual/core/indexes/index-types/index-hashed/): created
 * with `{field: 'hashed'}`, listed so, used for equality lookups; no array values, at most
 * one hashed field, never unique.
 */
import { expect } from 'chai';
import type { Db, MongoClient } from 'mongodb';
import { expectServerError, newClient, planHasStage, uniqueDbName, type Loose } from './harness';

describe('conformance: hashed indexes', function () {
  const dbName = uniqueDbName('hashed');
  let client: MongoClient;
  let db: Db;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
    await db.collection<Loose>('c').insertMany([{ _id: 1, code: 'HN' }, { _id: 2, code: 'HP' }, { _id: 3, code: 'HN' }]);
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it('is created from {field: "hashed"}, listed so, and serves equality lookups', async () => {
    const name = await db.collection<Loose>('c').createIndex({ code: 'hashed' });
    expect(name).to.equal('code_hashed');
    const listed = (await db.collection<Loose>('c').listIndexes().toArray()).find((ix) => ix.name === 'code_hashed');
    expect(listed?.key).to.deep.equal({ code: 'hashed' });
    const found = await db.collection<Loose>('c').find({ code: 'HN' }).sort({ _id: 1 }).toArray();
    expect(found.map((d) => d._id)).to.deep.equal([1, 3]);
    expect(planHasStage(await db.collection<Loose>('c').find({ code: 'HN' }).explain(), 'IXSCAN')).to.equal(true);
    await db.collection<Loose>('c').insertOne({ _id: 4, code: 'HN' });
    expect(await db.collection<Loose>('c').countDocuments({ code: 'HN' })).to.equal(3);
  });

  it('refuses array values in the hashed field (16766); the document is not written', async () => {
    await expectServerError(db.collection<Loose>('c').insertOne({ _id: 5, code: ['HN', 'HP'] }), 16766);
    expect(await db.collection<Loose>('c').countDocuments({ _id: 5 })).to.equal(0);
  });

  it('allows one hashed field (compound included), never unique; can be dropped by key', async () => {
    await db.collection<Loose>('c').createIndex({ unit: 1, code: 'hashed' });
    await expectServerError(db.collection<Loose>('c').createIndex({ a: 'hashed', b: 'hashed' }), 31303);
    await expectServerError(db.collection<Loose>('c').createIndex({ x: 'hashed' }, { unique: true }));
    await db.collection<Loose>('c').dropIndex({ code: 'hashed' } as never);
    const names = (await db.collection<Loose>('c').listIndexes().toArray()).map((ix) => ix.name);
    expect(names).to.have.members(['_id_', 'unit_1_code_hashed']);
  });
});
