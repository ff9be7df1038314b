import { expect } from 'chai';
import { ObjectId, type Db, type Document, type MongoClient } from 'mongodb';
import { expectServerError, newClient, uniqueDbName, type Loose } from './harness';

describe('conformance: findAndModify', function () {
  const dbName = uniqueDbName('fam');
  let client: MongoClient;
  let db: Db;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it('findOneAndUpdate returns the document before the update by default', async () => {
    const coll = db.collection<Loose>('before');
    await coll.insertOne({ _id: 1, n: 1 } as Document);
    const doc = await coll.findOneAndUpdate({ _id: 1 } as Document, { $inc: { n: 1 } });
    expect(doc).to.deep.equal({ _id: 1, n: 1 });
    expect(await coll.findOne({})).to.deep.equal({ _id: 1, n: 2 });
  });

  it("returnDocument: 'after' returns the updated document", async () => {
    const coll = db.collection<Loose>('after');
    await coll.insertOne({ _id: 1, n: 1 } as Document);
    const doc = await coll.findOneAndUpdate({ _id: 1 } as Document, { $inc: { n: 5 } }, { returnDocument: 'after' });
    expect(doc).to.deep.equal({ _id: 1, n: 6 });
  });

  it('no match and no upsert returns null and changes nothing', async () => {
    const coll = db.collection<Loose>('nomatch');
    await coll.insertOne({ _id: 1 } as Document);
    expect(await coll.findOneAndUpdate({ _id: 2 } as Document, { $set: { x: 1 } })).to.equal(null);
    expect(await coll.countDocuments()).to.equal(1);
  });

  it('upsert with new: returns the inserted document; without new: returns null', async () => {
    const coll = db.collection<Loose>('upsert');
    const after = await coll.findOneAndUpdate(
      { key: 'a' },
      { $set: { v: 1 }, $setOnInsert: { created: true } },
      { upsert: true, returnDocument: 'after' },
    );
    expect(after).to.include({ key: 'a', v: 1, created: true });
    expect(after!._id).to.be.instanceOf(ObjectId);
    const before = await coll.findOneAndUpdate({ key: 'b' }, { $set: { v: 2 } }, { upsert: true });
    expect(before).to.equal(null);
    expect(await coll.countDocuments()).to.equal(2);
  });

  it('sort chooses which of several matches is modified', async () => {
    const coll = db.collection<Loose>('sorted');
    await coll.insertMany([
      { _id: 1, q: 'x', pri: 2 },
      { _id: 2, q: 'x', pri: 9 },
      { _id: 3, q: 'x', pri: 5 },
    ] as Document[]);
    const top = await coll.findOneAndUpdate({ q: 'x' }, { $set: { taken: true } }, { sort: { pri: -1 }, returnDocument: 'after' });
    expect(top!._id).to.equal(2);
    const low = await coll.findOneAndDelete({ q: 'x' }, { sort: { pri: 1 } });
    expect(low!._id).to.equal(1);
  });

  it('projection (fields) shapes the returned document only', async () => {
    const coll = db.collection<Loose>('fields');
    await coll.insertOne({ _id: 1, a: 1, b: 2, c: 3 } as Document);
    const doc = await coll.findOneAndUpdate({ _id: 1 } as Document, { $set: { c: 30 } }, { projection: { c: 1, _id: 0 }, returnDocument: 'after' });
    expect(doc).to.deep.equal({ c: 30 });
    expect(await coll.findOne({})).to.deep.equal({ _id: 1, a: 1, b: 2, c: 30 });
  });

  it('findOneAndDelete (remove) returns and removes the document', async () => {
    const coll = db.collection<Loose>('remove');
    await coll.insertMany([{ _id: 1 }, { _id: 2 }] as Document[]);
    expect(await coll.findOneAndDelete({ _id: 2 } as Document)).to.deep.equal({ _id: 2 });
    expect(await coll.countDocuments()).to.equal(1);
    expect(await coll.findOneAndDelete({ _id: 2 } as Document)).to.equal(null);
  });

  it('findOneAndReplace replaces and keeps _id', async () => {
    const coll = db.collection<Loose>('replace');
    await coll.insertOne({ _id: 1, a: 1 } as Document);
    const doc = await coll.findOneAndReplace({ _id: 1 } as Document, { b: 2 }, { returnDocument: 'after' });
    expect(doc).to.deep.equal({ _id: 1, b: 2 });
  });

  it('the raw command answers value and lastErrorObject for update, upsert and remove', async () => {
    await db.collection<Loose>('raw').insertOne({ _id: 1, n: 0 } as Document);
    const upd = await db.command({ findAndModify: 'raw', query: { _id: 1 }, update: { $inc: { n: 1 } }, new: true });
    expect(upd.ok).to.equal(1);
    expect(upd.value).to.deep.equal({ _id: 1, n: 1 });
    expect(upd.lastErrorObject).to.deep.equal({ n: 1, updatedExisting: true });

    const ups = await db.command({ findAndModify: 'raw', query: { _id: 2 }, update: { $set: { n: 5 } }, upsert: true });
    expect(ups.value).to.equal(null);
    expect(ups.lastErrorObject).to.deep.equal({ n: 1, updatedExisting: false, upserted: 2 });

    const rem = await db.command({ findAndModify: 'raw', query: { _id: 2 }, remove: true, fields: { n: 1 } });
    expect(rem.value).to.deep.equal({ _id: 2, n: 5 });
    expect(rem.lastErrorObject).to.deep.equal({ n: 1 });

    const none = await db.command({ findAndModify: 'raw', query: { _id: 99 }, remove: true });
    expect(none.value).to.equal(null);
    expect(none.lastErrorObject).to.deep.equal({ n: 0 });
  });

  it('includeResultMetadata returns the full result', async () => {
    const coll = db.collection<Loose>('meta');
    await coll.insertOne({ _id: 1, v: 1 } as Document);
    const res = await coll.findOneAndUpdate({ _id: 1 } as Document, { $set: { v: 2 } }, { includeResultMetadata: true });
    expect(res.ok).to.equal(1);
    expect(res.value).to.deep.equal({ _id: 1, v: 1 });
    expect(res.lastErrorObject).to.deep.equal({ n: 1, updatedExisting: true });
  });

  it('a duplicate key answers a top-level 11000 DuplicateKey with keyPattern/keyValue', async () => {
    const coll = db.collection<Loose>('dup');
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertMany([
      { _id: 1, email: 'a@x.vn' },
      { _id: 2, email: 'b@x.vn' },
    ] as Document[]);
    const err = await expectServerError(coll.findOneAndUpdate({ _id: 2 } as Document, { $set: { email: 'a@x.vn' } }), 11000);
    expect(err.codeName).to.equal('DuplicateKey');
    expect(err.keyPattern).to.deep.equal({ email: 1 });
    expect(err.keyValue).to.deep.equal({ email: 'a@x.vn' });
    expect(err.errmsg).to.equal(`E11000 duplicate key error collection: ${dbName}.dup index: email_1 dup key: { email: "a@x.vn" }`);
    expect((await coll.findOne({ _id: 2 } as Document))!.email).to.equal('b@x.vn');
  });

  it('update and remove together are rejected', async () => {
    await db.collection<Loose>('both').insertOne({ _id: 1 } as Document);
    await expectServerError(db.command({ findAndModify: 'both', query: {}, update: { $set: { a: 1 } }, remove: true }));
  });
});
