import { expect } from 'chai';
import type { Db, Document, MongoClient, UpdateFilter } from 'mongodb';
import { expectServerError, newClient, uniqueDbName, type Loose } from './harness';

/** Update documents the driver's typings are too narrow for (e.g. $push on an untyped field). */
const u = (x: Document) => x as UpdateFilter<Loose>;

describe('conformance: update', function () {
  const dbName = uniqueDbName('update');
  let client: MongoClient;
  let db: Db;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it('operator updates: $set $unset $inc $mul $min $max $rename $push $addToSet $pull $pop', async () => {
    const coll = db.collection<Loose>('ops');
    await coll.insertOne({ _id: 1, a: 1, b: 'x', n: 10, m: 3, lo: 5, hi: 5, old: 'o', arr: [1, 2], set: ['a'], rm: [1, 2, 3, 2], pop: [1, 2, 3] } as Document);
    const res = await coll.updateOne(
      { _id: 1 },
      u({
        $set: { a: 2, 'nested.deep': true },
        $unset: { b: '' },
        $inc: { n: 5 },
        $mul: { m: 2 },
        $min: { lo: 1 },
        $max: { hi: 9 },
        $rename: { old: 'renamed' },
        $push: { arr: { $each: [3, 4] } },
        $addToSet: { set: { $each: ['a', 'b'] } },
        $pull: { rm: 2 },
        $pop: { pop: -1 },
      }),
    );
    expect(res.matchedCount).to.equal(1);
    expect(res.modifiedCount).to.equal(1);
    expect(await coll.findOne({ _id: 1 } as Document)).to.deep.equal({
      _id: 1,
      a: 2,
      n: 15,
      m: 6,
      lo: 1,
      hi: 9,
      arr: [1, 2, 3, 4],
      set: ['a', 'b'],
      rm: [1, 3],
      pop: [2, 3],
      nested: { deep: true },
      renamed: 'o',
    });
  });

  it('a no-op update matches but does not modify', async () => {
    const coll = db.collection<Loose>('noop');
    await coll.insertOne({ _id: 1, a: 1 } as Document);
    const res = await coll.updateOne({ _id: 1 } as Document, { $set: { a: 1 } });
    expect(res.matchedCount).to.equal(1);
    expect(res.modifiedCount).to.equal(0);
  });

  it('updateOne changes one document, updateMany (multi) changes all matches', async () => {
    const coll = db.collection<Loose>('multi');
    await coll.insertMany([{ k: 'x', v: 0 }, { k: 'x', v: 0 }, { k: 'x', v: 0 }, { k: 'y', v: 0 }]);
    const one = await coll.updateOne({ k: 'x' }, { $inc: { v: 1 } });
    expect([one.matchedCount, one.modifiedCount]).to.deep.equal([1, 1]);
    const many = await coll.updateMany({ k: 'x' }, { $inc: { v: 10 } });
    expect([many.matchedCount, many.modifiedCount]).to.deep.equal([3, 3]);
    const vs = (await coll.find({ k: 'x' }).toArray()).map((d) => d.v).sort((a, b) => a - b);
    expect(vs).to.deep.equal([10, 10, 11]);
    expect((await coll.findOne({ k: 'y' }))!.v).to.equal(0);
  });

  it('replacement replaces the whole document but keeps _id', async () => {
    const coll = db.collection<Loose>('replace');
    await coll.insertOne({ _id: 1, a: 1, b: 2 } as Document);
    const res = await coll.replaceOne({ _id: 1 } as Document, { c: 3 });
    expect(res.modifiedCount).to.equal(1);
    expect(await coll.findOne({ _id: 1 } as Document)).to.deep.equal({ _id: 1, c: 3 });
  });

  it('changing _id is rejected with 66 ImmutableField', async () => {
    const coll = db.collection<Loose>('immutable');
    await coll.insertOne({ _id: 1, a: 1 } as Document);
    await expectServerError(coll.replaceOne({ _id: 1 } as Document, { _id: 2, a: 1 } as Document), 66);
    await expectServerError(coll.updateOne({ _id: 1 } as Document, { $set: { _id: 3 } }), 66);
    expect(await coll.findOne({})).to.deep.equal({ _id: 1, a: 1 });
  });

  it('conflicting update paths answer 40 ConflictingUpdateOperators', async () => {
    const coll = db.collection<Loose>('conflict');
    await coll.insertOne({ _id: 1, a: 1 } as Document);
    await expectServerError(coll.updateOne({ _id: 1 } as Document, { $set: { a: 2 }, $inc: { a: 1 } }), 40);
  });

  it('$inc on a non-number answers 14 TypeMismatch and leaves the document unchanged', async () => {
    const coll = db.collection<Loose>('typemismatch');
    await coll.insertOne({ _id: 1, a: 'text' } as Document);
    await expectServerError(coll.updateOne({ _id: 1 } as Document, { $inc: { a: 1 } }), 14);
    expect(await coll.findOne({})).to.deep.equal({ _id: 1, a: 'text' });
  });

  it('upsert inserts from the query equality fields plus $set and $setOnInsert', async () => {
    const coll = db.collection<Loose>('upsert');
    const res = await coll.updateOne(
      { code: 'A1', qty: { $gt: 5 } },
      { $set: { name: 'first' }, $setOnInsert: { createdBy: 'upsert' } },
      { upsert: true },
    );
    expect(res.upsertedCount).to.equal(1);
    expect(res.matchedCount).to.equal(0);
    const doc = await coll.findOne({ _id: res.upsertedId! });
    // range conditions ($gt) do not seed the new document
    expect(doc).to.deep.equal({ _id: res.upsertedId, code: 'A1', name: 'first', createdBy: 'upsert' });
  });

  it('$setOnInsert is ignored when the upsert matches an existing document', async () => {
    const coll = db.collection<Loose>('setoninsert');
    await coll.insertOne({ _id: 1, code: 'B', createdBy: 'original' } as Document);
    const res = await coll.updateOne({ code: 'B' }, { $set: { touched: true }, $setOnInsert: { createdBy: 'upsert' } }, { upsert: true });
    expect(res.upsertedCount).to.equal(0);
    expect(res.matchedCount).to.equal(1);
    expect(await coll.findOne({ _id: 1 } as Document)).to.deep.equal({ _id: 1, code: 'B', createdBy: 'original', touched: true });
  });

  it('upsert takes _id from the query', async () => {
    const coll = db.collection<Loose>('upsertid');
    const res = await coll.updateOne({ _id: 'fixed' } as Document, { $inc: { hits: 1 } }, { upsert: true });
    expect(res.upsertedId).to.equal('fixed');
    await coll.updateOne({ _id: 'fixed' } as Document, { $inc: { hits: 1 } }, { upsert: true });
    expect(await coll.findOne({})).to.deep.equal({ _id: 'fixed', hits: 2 });
  });

  it('replacement upsert inserts the replacement document', async () => {
    const coll = db.collection<Loose>('replupsert');
    const res = await coll.replaceOne({ name: 'x' }, { name: 'x', v: 1 }, { upsert: true });
    expect(res.upsertedCount).to.equal(1);
    expect(await coll.findOne({}, { projection: { _id: 0 } })).to.deep.equal({ name: 'x', v: 1 });
  });

  it('the update command answers n, nModified and upserted[{index,_id}]', async () => {
    await db.collection<Loose>('rawupd').insertOne({ _id: 1, a: 1 } as Document);
    const res = await db.command({
      update: 'rawupd',
      updates: [
        { q: { _id: 1 }, u: { $set: { a: 2 } } },
        { q: { _id: 2 }, u: { $set: { a: 3 } }, upsert: true },
        { q: { _id: 3 }, u: { $set: { a: 4 } } },
      ],
    });
    expect(res.ok).to.equal(1);
    expect(res.n).to.equal(2);
    expect(res.nModified).to.equal(1);
    expect(res.upserted).to.deep.equal([{ index: 1, _id: 2 }]);
  });

  it('positional $ updates the first array element the query matched', async () => {
    const coll = db.collection<Loose>('positional');
    await coll.insertOne({
      _id: 1,
      items: [
        { sku: 'a', qty: 1 },
        { sku: 'b', qty: 2 },
        { sku: 'b', qty: 3 },
      ],
    } as Document);
    await coll.updateOne({ _id: 1, 'items.sku': 'b' } as Document, { $inc: { 'items.$.qty': 10 } });
    expect((await coll.findOne({}))!.items).to.deep.equal([
      { sku: 'a', qty: 1 },
      { sku: 'b', qty: 12 },
      { sku: 'b', qty: 3 },
    ]);
  });

  it('$[] updates every element and arrayFilters $[id] only the matching ones', async () => {
    const coll = db.collection<Loose>('arrayfilters');
    await coll.insertOne({
      _id: 1,
      grades: [
        { s: 70, ok: false },
        { s: 85, ok: false },
        { s: 95, ok: false },
      ],
      tags: [1, 2, 3],
    } as Document);
    await coll.updateOne({ _id: 1 } as Document, { $set: { 'grades.$[g].ok': true } }, { arrayFilters: [{ 'g.s': { $gte: 80 } }] });
    await coll.updateOne({ _id: 1 } as Document, { $inc: { 'tags.$[]': 100 } });
    const doc = await coll.findOne({});
    expect(doc!.grades.map((g: Document) => g.ok)).to.deep.equal([false, true, true]);
    expect(doc!.tags).to.deep.equal([101, 102, 103]);
  });

  it('arrayFilters apply with updateMany across documents', async () => {
    const coll = db.collection<Loose>('afmany');
    await coll.insertMany([
      { _id: 1, xs: [1, 5, 9] },
      { _id: 2, xs: [6, 2] },
    ] as Document[]);
    const res = await coll.updateMany({}, { $set: { 'xs.$[big]': 0 } }, { arrayFilters: [{ big: { $gt: 4 } }] });
    expect(res.modifiedCount).to.equal(2);
    const docs = await coll.find().sort({ _id: 1 }).toArray();
    expect(docs.map((d) => d.xs)).to.deep.equal([
      [1, 0, 0],
      [0, 2],
    ]);
  });

  it('an arrayFilters identifier without a filter is rejected', async () => {
    const coll = db.collection<Loose>('afmissing');
    await coll.insertOne({ _id: 1, xs: [1] } as Document);
    await expectServerError(coll.updateOne({ _id: 1 } as Document, { $set: { 'xs.$[nope]': 0 } }), 2);
  });

  it('$push with $sort and $slice keeps a bounded sorted array', async () => {
    const coll = db.collection<Loose>('pushsort');
    await coll.insertOne({ _id: 1, top: [{ s: 5 }, { s: 1 }] } as Document);
    await coll.updateOne({ _id: 1 } as Document, u({ $push: { top: { $each: [{ s: 9 }, { s: 3 }], $sort: { s: -1 }, $slice: 3 } } }));
    expect((await coll.findOne({}))!.top).to.deep.equal([{ s: 9 }, { s: 5 }, { s: 3 }]);
  });

  it('$currentDate sets a Date', async () => {
    const coll = db.collection<Loose>('currentdate');
    await coll.insertOne({ _id: 1 } as Document);
    const before = Date.now();
    await coll.updateOne({ _id: 1 } as Document, { $currentDate: { at: true } });
    const at = (await coll.findOne({}))!.at;
    expect(at).to.be.instanceOf(Date);
    expect(at.getTime()).to.be.within(before - 5000, Date.now() + 5000);
  });
});
