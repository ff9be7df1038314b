import { expect } from 'chai';
import { MongoServerError, type Db, type MongoClient } from 'mongodb';
import { expectServerError, newClient, uniqueDbName, type Loose } from './harness';

describe('conformance: multi-document transactions', function () {
  const dbName = uniqueDbName('txn');
  let client: MongoClient;
  let other: MongoClient;
  let db: Db;

  const coll = (name: string) => db.collection<Loose>(name);
  const otherColl = (name: string) => other.db(dbName).collection<Loose>(name);

  before(async () => {
    client = await newClient();
    other = await newClient();
    db = client.db(dbName);
    for (const name of ['commit', 'abort', 'isolation', 'ownwrites', 'withtxn', 'conflict', 'retry', 'dupabort', 'multi']) {
      await db.createCollection(name);
    }
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it('commitTransaction makes all writes visible at once', async () => {
    const session = client.startSession();
    try {
      session.startTransaction();
      await coll('commit').insertOne({ _id: 1 }, { session });
      await coll('commit').insertOne({ _id: 2 }, { session });
      await coll('commit').updateOne({ _id: 1 }, { $set: { x: 1 } }, { session });
      await session.commitTransaction();
    } finally {
      await session.endSession();
    }
    expect(await otherColl('commit').find().sort({ _id: 1 }).toArray()).to.deep.equal([{ _id: 1, x: 1 }, { _id: 2 }]);
  });

  it('abortTransaction discards every write of the transaction', async () => {
    await coll('abort').insertOne({ _id: 'keep', v: 1 });
    const session = client.startSession();
    try {
      session.startTransaction();
      await coll('abort').insertOne({ _id: 'new' }, { session });
      await coll('abort').updateOne({ _id: 'keep' }, { $set: { v: 2 } }, { session });
      await coll('abort').deleteOne({ _id: 'keep' }, { session });
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    expect(await coll('abort').find().toArray()).to.deep.equal([{ _id: 'keep', v: 1 }]);
  });

  it('uncommitted writes are invisible to other clients until commit', async () => {
    await coll('isolation').insertOne({ _id: 'a', v: 0 });
    const session = client.startSession();
    try {
      session.startTransaction();
      await coll('isolation').insertOne({ _id: 'b', v: 1 }, { session });
      await coll('isolation').updateOne({ _id: 'a' }, { $set: { v: 9 } }, { session });
      expect(await otherColl('isolation').countDocuments()).to.equal(1);
      expect((await otherColl('isolation').findOne({ _id: 'a' }))!.v).to.equal(0);
      // also invisible to the same client outside the session
      expect(await coll('isolation').countDocuments()).to.equal(1);
      await session.commitTransaction();
    } finally {
      await session.endSession();
    }
    expect(await otherColl('isolation').countDocuments()).to.equal(2);
    expect((await otherColl('isolation').findOne({ _id: 'a' }))!.v).to.equal(9);
  });

  it('a transaction reads its own writes (find, count, aggregate)', async () => {
    await coll('ownwrites').insertOne({ _id: 1, n: 1 });
    const session = client.startSession();
    try {
      session.startTransaction();
      await coll('ownwrites').insertOne({ _id: 2, n: 2 }, { session });
      await coll('ownwrites').updateOne({ _id: 1 }, { $inc: { n: 10 } }, { session });
      expect(await coll('ownwrites').find({}, { session }).sort({ _id: 1 }).toArray()).to.deep.equal([
        { _id: 1, n: 11 },
        { _id: 2, n: 2 },
      ]);
      expect(await coll('ownwrites').countDocuments({}, { session })).to.equal(2);
      const [sum] = await coll('ownwrites').aggregate([{ $group: { _id: null, t: { $sum: '$n' } } }], { session }).toArray();
      expect(sum.t).to.equal(13);
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    expect(await coll('ownwrites').find().toArray()).to.deep.equal([{ _id: 1, n: 1 }]);
  });

  it('a transaction spanning two collections commits both', async () => {
    await db.createCollection('multi2');
    const session = client.startSession();
    try {
      await session.withTransaction(async () => {
        await coll('multi').insertOne({ _id: 1 }, { session });
        await coll('multi2').insertOne({ _id: 1 }, { session });
      });
    } finally {
      await session.endSession();
    }
    expect(await otherColl('multi').countDocuments()).to.equal(1);
    expect(await otherColl('multi2').countDocuments()).to.equal(1);
  });

  it('withTransaction commits on success and aborts when the callback throws', async () => {
    const session = client.startSession();
    try {
      await session.withTransaction(async () => {
        await coll('withtxn').insertOne({ _id: 'ok' }, { session });
      });
      let thrown: unknown;
      try {
        await session.withTransaction(async () => {
          await coll('withtxn').insertOne({ _id: 'rolledback' }, { session });
          throw new Error('application failure');
        });
      } catch (e) {
        thrown = e;
      }
      expect((thrown as Error).message).to.equal('application failure');
    } finally {
      await session.endSession();
    }
    expect(await otherColl('withtxn').find().toArray()).to.deep.equal([{ _id: 'ok' }]);
  });

  it('a server error inside the transaction (duplicate key) leaves nothing behind after abort', async () => {
    await coll('dupabort').insertOne({ _id: 1 });
    const session = client.startSession();
    try {
      session.startTransaction();
      await coll('dupabort').insertOne({ _id: 2 }, { session });
      await expectServerError(coll('dupabort').insertOne({ _id: 1 }, { session }), 11000);
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    expect(await coll('dupabort').countDocuments()).to.equal(1);
  });

  it('two transactions writing the same document: the second gets 112 WriteConflict labelled TransientTransactionError', async () => {
    await coll('conflict').insertOne({ _id: 1, v: 0 });
    const s1 = client.startSession();
    const s2 = other.startSession();
    try {
      s1.startTransaction();
      s2.startTransaction();
      await coll('conflict').updateOne({ _id: 1 }, { $inc: { v: 1 } }, { session: s1 });
      const err = await expectServerError(otherColl('conflict').updateOne({ _id: 1 }, { $inc: { v: 10 } }, { session: s2 }), 112);
      expect(err.codeName).to.equal('WriteConflict');
      expect(err.hasErrorLabel('TransientTransactionError')).to.equal(true);
      await s2.abortTransaction();
      await s1.commitTransaction();
    } finally {
      await s1.endSession();
      await s2.endSession();
    }
    expect((await coll('conflict').findOne({ _id: 1 }))!.v).to.equal(1);
  });

  it('withTransaction retries the callback after a write conflict and then succeeds', async () => {
    await coll('retry').insertOne({ _id: 1, v: 0 });
    const blocker = client.startSession();
    const session = other.startSession();
    let attempts = 0;
    const seenCodes: number[] = [];
    try {
      blocker.startTransaction();
      await coll('retry').updateOne({ _id: 1 }, { $inc: { v: 1 } }, { session: blocker });
      await session.withTransaction(async () => {
        attempts++;
        try {
          await otherColl('retry').updateOne({ _id: 1 }, { $inc: { v: 10 } }, { session });
        } catch (e) {
          if (e instanceof MongoServerError) seenCodes.push(e.code as number);
          // let the competing transaction finish so the driver's retry can succeed
          if (blocker.inTransaction()) await blocker.commitTransaction();
          throw e;
        }
      });
    } finally {
      if (blocker.inTransaction()) await blocker.abortTransaction();
      await blocker.endSession();
      await session.endSession();
    }
    expect(seenCodes).to.deep.equal([112]);
    expect(attempts).to.equal(2);
    expect((await coll('retry').findOne({ _id: 1 }))!.v).to.equal(11);
  });

  it('retrying commitTransaction after a successful commit answers ok again', async () => {
    const session = client.startSession();
    try {
      session.startTransaction();
      await coll('commit').insertOne({ _id: 'late' }, { session });
      await session.commitTransaction();
      await session.commitTransaction(); // the driver re-sends commitTransaction for the same txnNumber
    } finally {
      await session.endSession();
    }
    expect(await otherColl('commit').countDocuments({ _id: 'late' })).to.equal(1);
  });
});
