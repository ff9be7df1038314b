import { expect } from 'chai';
import { MongoServerError, type Db, type MongoClient } from 'mongodb';
import { newClient, uniqueDbName } from './harness';

describe('conformance: transactions after errors, and large transactions', function () {
  const dbName = uniqueDbName('txnerr');
  let client: MongoClient;
  let db: Db;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it('a duplicate key inside a transaction aborts it, and a later transaction may write the same document', async () => {
    const coll = db.collection<{ _id: number; code: string }>('dup');
    await coll.createIndex({ code: 1 }, { unique: true });
    await coll.insertMany([{ _id: 1, code: 'A' }, { _id: 2, code: 'B' }]);
    const session = client.startSession();
    try {
      session.startTransaction();
      const err = await coll.updateOne({ _id: 1 }, { $set: { code: 'B' } }, { session }).then(() => null, (e: unknown) => e);
      expect(err).to.be.instanceOf(MongoServerError);
      expect((err as MongoServerError).code).to.equal(11000);
      await session.abortTransaction().catch(() => {});
      await session.withTransaction(async () => {
        await coll.updateOne({ _id: 1 }, { $set: { code: 'C' } }, { session });
      });
    } finally {
      await session.endSession();
    }
    expect(await coll.findOne({ _id: 1 })).to.deep.equal({ _id: 1, code: 'C' });
  });

  it('a transaction of 5,000 inserts into a collection with a unique index commits, and a duplicate among them is refused', async function () {
    this.timeout(60_000);
    const coll = db.collection<{ _id: number; code: string }>('big');
    await coll.createIndex({ code: 1 }, { unique: true });
    const session = client.startSession();
    try {
      await session.withTransaction(async () => {
        for (let i = 0; i < 5000; i += 500) {
          await coll.insertMany(Array.from({ length: 500 }, (_, k) => ({ _id: i + k, code: `C${i + k}` })), { session });
        }
      });
      session.startTransaction();
      const err = await coll.insertMany([{ _id: 9001, code: 'X' }, { _id: 9002, code: 'X' }], { session }).then(() => null, (e: unknown) => e);
      expect((err as MongoServerError).code).to.equal(11000);
      await session.abortTransaction().catch(() => {});
    } finally {
      await session.endSession();
    }
    expect(await coll.countDocuments()).to.equal(5000);
  });
});
