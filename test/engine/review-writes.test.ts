/**
 * Review: a write that fails must leave nothing behind (MongoDB applies a document write,
 * a transaction and a createIndexes command whole or not at all), and unique indexes
 * compare values exactly.
 */
import { expect } from 'chai';
import { Decimal128, type Db, type MongoClient } from 'mongodb';
import { expectServerError, newClient, uniqueDbName, type Loose } from './harness';

describe('review: failed writes leave nothing behind', function () {
  const dbName = uniqueDbName('review_writes');
  let client: MongoClient;
  let db: Db;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it('an insert refused with 171 CannotIndexParallelArrays is not stored', async () => {
    const coll = db.collection<Loose>('par_insert');
    await coll.createIndex({ a: 1, b: 1 });
    await expectServerError(coll.insertOne({ _id: 1, a: [1, 2], b: [3, 4] }), 171);
    expect(await coll.find({}).toArray()).to.deep.equal([]);
    expect(await coll.countDocuments({})).to.equal(0);
  });

  it('an update refused with 171 CannotIndexParallelArrays leaves the document unchanged', async () => {
    const coll = db.collection<Loose>('par_update');
    await coll.createIndex({ a: 1, b: 1 });
    await coll.insertOne({ _id: 1, a: [1, 2], b: 0 });
    await expectServerError(coll.updateOne({ _id: 1 }, { $set: { b: [3, 4] } }), 171);
    expect(await coll.findOne({ _id: 1 })).to.deep.equal({ _id: 1, a: [1, 2], b: 0 });
    // the old index entries must still find it
    expect(await coll.find({ a: 1, b: 0 }).toArray()).to.have.length(1);
  });

  it('a transaction whose write cannot be indexed (171) commits nothing', async () => {
    const first = db.collection<Loose>('par_txn_first');
    const second = db.collection<Loose>('par_txn_second');
    await first.insertOne({ _id: 'seed' });
    await second.createIndex({ a: 1, b: 1 });
    const session = client.startSession();
    let failed = false;
    try {
      session.startTransaction();
      await first.insertOne({ _id: 1 }, { session });
      await second.insertOne({ _id: 1, a: [1, 2], b: [3, 4] }, { session });
      await session.commitTransaction();
    } catch {
      failed = true;
      if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
    } finally {
      await session.endSession();
    }
    expect(failed, 'the transaction must fail').to.equal(true);
    expect(await first.find({ _id: 1 }).toArray()).to.deep.equal([]);
    expect(await second.find({}).toArray()).to.deep.equal([]);
  });

  it('after a transaction fails at commit, another transaction may write the same documents', async () => {
    const first = db.collection<Loose>('par_txn2_first');
    const second = db.collection<Loose>('par_txn2_second');
    await first.insertOne({ _id: 'seed' });
    await second.createIndex({ a: 1, b: 1 });
    const s1 = client.startSession();
    try {
      s1.startTransaction();
      await first.insertOne({ _id: 7 }, { session: s1 });
      await second.insertOne({ _id: 1, a: [1, 2], b: [3, 4] }, { session: s1 });
      await s1.commitTransaction();
    } catch {
      if (s1.inTransaction()) await s1.abortTransaction().catch(() => undefined);
    }
    // the driver never sends abortTransaction after a commit attempt; the server must not keep the failed one alive
    const s2 = client.startSession();
    try {
      s2.startTransaction();
      await first.updateOne({ _id: 'seed' }, { $set: { x: 1 } }, { session: s2 });
      await first.insertOne({ _id: 7, by: 's2' }, { session: s2 });
      await s2.commitTransaction();
    } finally {
      await s2.endSession();
      await s1.endSession();
    }
    expect(await first.findOne({ _id: 7 })).to.deep.equal({ _id: 7, by: 's2' });
  });

  it('createIndexes with one failing index creates none of them', async () => {
    const coll = db.collection<Loose>('ci_atomic');
    await coll.insertMany([{ _id: 1, u: 1, a: 1 }, { _id: 2, u: 1, a: 2 }]);
    await expectServerError(coll.createIndexes([{ key: { a: 1 }, name: 'a_1' }, { key: { u: 1 }, name: 'u_1', unique: true }]), 11000);
    const names = (await coll.listIndexes().toArray()).map((ix) => ix.name).sort();
    expect(names).to.deep.equal(['_id_']);
  });

  it('a unique index may be built over Decimal128("0.1") and the double 0.1 (different values)', async () => {
    const coll = db.collection<Loose>('uniq_dec');
    await coll.insertMany([{ _id: 1, a: Decimal128.fromString('0.1') }, { _id: 2, a: 0.1 }]);
    await coll.createIndex({ a: 1 }, { unique: true });
    // and inserting them with the index in place is accepted too
    const other = db.collection<Loose>('uniq_dec2');
    await other.createIndex({ a: 1 }, { unique: true });
    await other.insertMany([{ _id: 1, a: Decimal128.fromString('0.1') }, { _id: 2, a: 0.1 }]);
    expect(await other.countDocuments({})).to.equal(2);
  });
});
