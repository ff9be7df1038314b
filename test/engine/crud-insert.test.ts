import { expect } from 'chai';
import { MongoBulkWriteError, ObjectId, type Db, type MongoClient } from 'mongodb';
import { expectServerError, newClient, RawConnection, uniqueDbName, type Loose } from './harness';

describe('conformance: insert', function () {
  const dbName = uniqueDbName('insert');
  let client: MongoClient;
  let db: Db;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it('insertOne adds an ObjectId _id when missing and stores the document', async () => {
    const coll = db.collection<Loose>('one');
    const res = await coll.insertOne({ name: 'Lan', n: 1 });
    expect(res.acknowledged).to.equal(true);
    expect(res.insertedId).to.be.instanceOf(ObjectId);
    const back = await coll.findOne({ _id: res.insertedId });
    expect(back).to.deep.equal({ _id: res.insertedId, name: 'Lan', n: 1 });
  });

  it('keeps client-chosen _id values of any non-array type', async () => {
    const coll = db.collection<Loose>('ids');
    await coll.insertMany([{ _id: 'str' as never }, { _id: 7 as never }, { _id: { a: 1, b: 'x' } as never }]);
    expect(await coll.countDocuments({ _id: 'str' as never })).to.equal(1);
    expect(await coll.countDocuments({ _id: 7 as never })).to.equal(1);
    expect(await coll.countDocuments({ _id: { a: 1, b: 'x' } as never })).to.equal(1);
    // embedded-document equality is field-order sensitive
    expect(await coll.countDocuments({ _id: { b: 'x', a: 1 } as never })).to.equal(0);
  });

  it('moves _id to the first field of the stored document', async () => {
    const coll = db.collection<Loose>('idfirst');
    await coll.insertOne({ b: 1, _id: 5 as never, a: 2 });
    const doc = await coll.findOne({});
    expect(Object.keys(doc!)).to.deep.equal(['_id', 'b', 'a']);
  });

  it('duplicate _id fails with E11000 on index _id_ and keyPattern/keyValue', async () => {
    const coll = db.collection<Loose>('dupid');
    await coll.insertOne({ _id: 1 as never });
    const err = await expectServerError(coll.insertOne({ _id: 1 as never }), 11000);
    expect(err.keyPattern).to.deep.equal({ _id: 1 });
    expect(err.keyValue).to.deep.equal({ _id: 1 });
    expect(err.errmsg).to.equal(`E11000 duplicate key error collection: ${dbName}.dupid index: _id_ dup key: { _id: 1 }`);
  });

  it('ordered insertMany stops at the first error', async () => {
    const coll = db.collection<Loose>('ordered');
    await coll.insertOne({ _id: 3 as never });
    const docs = [1, 2, 3, 4, 5].map((i) => ({ _id: i as never }));
    let err: unknown;
    try {
      await coll.insertMany(docs, { ordered: true });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(MongoBulkWriteError);
    const be = err as MongoBulkWriteError;
    expect(be.code).to.equal(11000);
    expect(be.insertedCount).to.equal(2);
    const writeErrors = Array.isArray(be.writeErrors) ? be.writeErrors : [be.writeErrors];
    expect(writeErrors).to.have.length(1);
    expect(writeErrors[0].index).to.equal(2);
    expect(writeErrors[0].code).to.equal(11000);
    const ids = (await coll.find().sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(ids).to.deep.equal([1, 2, 3]);
  });

  it('unordered insertMany inserts everything that can be inserted and reports each error', async () => {
    const coll = db.collection<Loose>('unordered');
    await coll.insertMany([{ _id: 2 as never }, { _id: 4 as never }]);
    const docs = [1, 2, 3, 4, 5].map((i) => ({ _id: i as never }));
    let err: unknown;
    try {
      await coll.insertMany(docs, { ordered: false });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(MongoBulkWriteError);
    const be = err as MongoBulkWriteError;
    expect(be.insertedCount).to.equal(3);
    const writeErrors = Array.isArray(be.writeErrors) ? be.writeErrors : [be.writeErrors];
    expect(writeErrors.map((w) => w.index).sort()).to.deep.equal([1, 3]);
    expect(await coll.countDocuments()).to.equal(5);
  });

  it('insertMany of one document (kind-1 section) works', async () => {
    const coll = db.collection<Loose>('single');
    const res = await coll.insertMany([{ x: 1 }]);
    expect(res.insertedCount).to.equal(1);
    expect(await coll.countDocuments({ x: 1 })).to.equal(1);
  });

  it('insertMany of 1000 documents inserts them all in order of insertedIds', async () => {
    const coll = db.collection<Loose>('many');
    const docs = Array.from({ length: 1000 }, (_, i) => ({ i, pad: 'x'.repeat(100) }));
    const res = await coll.insertMany(docs);
    expect(res.insertedCount).to.equal(1000);
    expect(Object.keys(res.insertedIds)).to.have.length(1000);
    expect(await coll.countDocuments()).to.equal(1000);
    expect((await coll.findOne({ _id: res.insertedIds[999] }))!.i).to.equal(999);
  });

  it('bulkWrite mixes inserts, updates, replaces and deletes and reports the counts', async () => {
    const coll = db.collection<Loose>('bulk');
    await coll.insertMany([{ _id: 1, v: 1 } as never, { _id: 2, v: 2 } as never, { _id: 3, v: 3 } as never]);
    const res = await coll.bulkWrite([
      { insertOne: { document: { _id: 4, v: 4 } as never } },
      { updateOne: { filter: { _id: 1 }, update: { $set: { v: 10 } } } },
      { updateMany: { filter: { v: { $gte: 2 } }, update: { $inc: { v: 100 } } } },
      { replaceOne: { filter: { _id: 2 }, replacement: { r: true } } },
      { deleteOne: { filter: { _id: 3 } } },
      { updateOne: { filter: { _id: 9 }, update: { $set: { v: 9 } }, upsert: true } },
    ]);
    expect(res.insertedCount).to.equal(1);
    expect(res.matchedCount).to.equal(1 + 4 + 1);
    expect(res.modifiedCount).to.equal(1 + 4 + 1);
    expect(res.deletedCount).to.equal(1);
    expect(res.upsertedCount).to.equal(1);
    expect(res.upsertedIds).to.deep.equal({ 5: 9 });
    const all = await coll.find().sort({ _id: 1 }).toArray();
    expect(all).to.deep.equal([
      { _id: 1, v: 110 },
      { _id: 2, r: true },
      { _id: 4, v: 104 },
      { _id: 9, v: 9 },
    ]);
  });

  it('ordered bulkWrite stops after a failing operation', async () => {
    const coll = db.collection<Loose>('bulkordered');
    let err: unknown;
    try {
      await coll.bulkWrite([
        { insertOne: { document: { _id: 1 } as never } },
        { insertOne: { document: { _id: 1 } as never } },
        { insertOne: { document: { _id: 2 } as never } },
      ]);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(MongoBulkWriteError);
    expect(await coll.countDocuments()).to.equal(1);
  });

  it('insert command with documents in the body (kind-0) answers n', async () => {
    const res = await db.command({ insert: 'rawins', documents: [{ _id: 1 }, { _id: 2 }] });
    expect(res.ok).to.equal(1);
    expect(res.n).to.equal(2);
  });

  it('insert command with documents in an OP_MSG kind-1 sequence (raw socket) answers n', async () => {
    const raw = await RawConnection.open(client);
    try {
      const res = await raw.command({ insert: 'rawseq', $db: dbName }, { documents: [{ _id: 1 }, { _id: 2 }, { _id: 3 }] });
      expect(res.ok).to.equal(1);
      expect(res.n).to.equal(3);
    } finally {
      raw.destroy();
    }
    expect(await db.collection<Loose>('rawseq').countDocuments()).to.equal(3);
  });

  it('insert with w:0 is not acknowledged but is applied', async () => {
    const coll = db.collection<Loose>('w0');
    const res = await coll.insertOne({ q: 1 }, { writeConcern: { w: 0 } });
    expect(res.acknowledged).to.equal(false);
    let n = 0;
    for (let i = 0; i < 50 && n === 0; i++) {
      n = await coll.countDocuments({ q: 1 });
      if (n === 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(n).to.equal(1);
  });

  it('insert creates the collection implicitly', async () => {
    await db.collection<Loose>('implicit').insertOne({ a: 1 });
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).to.include('implicit');
  });
});
