/**
 * Issue #17: pipeline-style updates (an array of `$set` / `$addFields` / `$unset` /
 * `$project` / `$replaceWith` / `$replaceRoot` stages) and the `$`-prefixed field names
 * MongoDB 5+ stores, as the manual's "Dollar-Prefixed Field Names" page describes.
 */
import { expect } from 'chai';
import type { Db, MongoClient } from 'mongodb';
import { expectServerError, newClient, uniqueDbName, type Loose } from './harness';

describe('conformance: pipeline-style updates and $-prefixed field names', function () {
  const dbName = uniqueDbName('pipeupd');
  let client: MongoClient;
  let db: Db;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it('$set / $addFields / $unset stages compute from the document itself', async () => {
    const c = db.collection<Loose>('scores');
    await c.insertMany([{ _id: 1, a: 2, b: 3, tmp: 1 }, { _id: 2, a: 10, b: 1, tmp: 1 }]);
    const res = await c.updateMany({}, [{ $set: { total: { $add: ['$a', '$b'] } } }, { $addFields: { double: { $multiply: ['$total', 2] } } }, { $unset: 'tmp' }]);
    expect(res.modifiedCount).to.equal(2);
    expect(await c.find().sort({ _id: 1 }).toArray()).to.deep.equal([
      { _id: 1, a: 2, b: 3, total: 5, double: 10 },
      { _id: 2, a: 10, b: 1, total: 11, double: 22 },
    ]);
  });

  it('$project, $replaceWith and $replaceRoot reshape the document, keeping _id', async () => {
    const c = db.collection<Loose>('shapes');
    await c.insertOne({ _id: 1, name: 'Lan', inner: { x: 1 }, drop: true });
    await c.updateOne({ _id: 1 }, [{ $project: { name: 1, inner: 1 } }]);
    expect(await c.findOne({ _id: 1 })).to.deep.equal({ _id: 1, name: 'Lan', inner: { x: 1 } });
    await c.updateOne({ _id: 1 }, [{ $replaceWith: { _id: '$_id', x: '$inner.x', upper: { $toUpper: '$name' } } }]);
    expect(await c.findOne({ _id: 1 })).to.deep.equal({ _id: 1, x: 1, upper: 'LAN' });
    await c.updateOne({ _id: 1 }, [{ $replaceRoot: { newRoot: { _id: '$_id', y: '$x' } } }]);
    expect(await c.findOne({ _id: 1 })).to.deep.equal({ _id: 1, y: 1 });
  });

  it('findAndModify and upserts take a pipeline', async () => {
    const c = db.collection<Loose>('counters');
    const after = await c.findOneAndUpdate({ _id: 'x' }, [{ $set: { n: { $add: [{ $ifNull: ['$n', 0] }, 1] } } }], { upsert: true, returnDocument: 'after' });
    expect(after).to.deep.equal({ _id: 'x', n: 1 });
    const again = await c.findOneAndUpdate({ _id: 'x' }, [{ $set: { n: { $add: ['$n', 1] } } }], { returnDocument: 'after' });
    expect(again).to.deep.equal({ _id: 'x', n: 2 });
  });

  it('a stage not allowed in an update is refused and nothing changes; _id may not change', async () => {
    const c = db.collection<Loose>('guarded');
    await c.insertOne({ _id: 1, a: 1 });
    await expectServerError(c.updateOne({ _id: 1 }, [{ $match: { a: 1 } }] as Loose));
    await expectServerError(c.updateOne({ _id: 1 }, [{ $set: { _id: 2 } }]), 66);
    expect(await c.findOne({ _id: 1 })).to.deep.equal({ _id: 1, a: 1 });
  });

  it('inserts keep $-prefixed field names, top-level and nested; $getField reads them and $setField writes them', async () => {
    const c = db.collection<Loose>('sales');
    await c.insertOne({ _id: 1, $price: 50, quantity: 30, location: { $db: 'novels', $inc: true } });
    expect(await c.findOne({ _id: 1 })).to.deep.equal({ _id: 1, $price: 50, quantity: 30, location: { $db: 'novels', $inc: true } });
    const cheap = await c.find({ $expr: { $lt: [{ $getField: { $literal: '$price' } }, 60] } }).toArray();
    expect(cheap.map((d) => d._id)).to.deep.equal([1]);
    await c.updateOne({ _id: 1 }, [{ $replaceWith: { $setField: { field: { $literal: '$price' }, input: '$$ROOT', value: 45 } } }]);
    expect((await c.findOne({ _id: 1 }))!.$price).to.equal(45);
  });

  it('an update may modify a nested $-prefixed field; a top-level one only when an upsert inserts (else code 52)', async () => {
    const c = db.collection<Loose>('housing');
    await c.insertOne({ _id: 'E123', address: { $number: 123, $street: 'Elm Road' } });
    await c.updateOne({ _id: 'E123' }, { $set: { 'address.$street': 'Elm Ave' } });
    expect((await c.findOne({ _id: 'E123' }))!.address).to.deep.equal({ $number: 123, $street: 'Elm Ave' });
    // "You could use an update operator that replaces an existing document to modify the address.$street
    // field" (MongoDB manual, Dollar-Prefixed Field Names): a whole embedded document may carry them.
    await c.updateOne({ _id: 'E123' }, { $set: { address: { $number: 124, $street: 'Elm Lane' } } });
    expect((await c.findOne({ _id: 'E123' }))!.address).to.deep.equal({ $number: 124, $street: 'Elm Lane' });
    await expectServerError(c.updateOne({ _id: 'E123' }, { $set: { $hotel: 320 } }), 52);
    await c.updateOne({ _id: 'new' }, { $set: { phone: 25, $hotel: 320 } }, { upsert: true });
    expect(await c.findOne({ _id: 'new' })).to.deep.equal({ _id: 'new', phone: 25, $hotel: 320 });
  });

  it("a collation locale written with an underscore (en_US) works in an aggregation's $sort", async () => {
    const c = db.collection<Loose>('words');
    await c.insertMany([{ _id: 1, w: 'b' }, { _id: 2, w: 'A' }, { _id: 3, w: 'a' }]);
    const out = await c.aggregate([{ $project: { _id: 0, w: 1 } }, { $sort: { w: 1 } }], { collation: { locale: 'en_US', strength: 1 } }).toArray();
    expect(out.map((d) => d.w.toLowerCase())).to.deep.equal(['a', 'a', 'b']);
  });
});
