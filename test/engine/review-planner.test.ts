/**
 * Review: index plans must give the same answers as a collection scan (MongoDB's
 * documented query semantics), in particular "exact" plans that skip the filter re-check.
 * Each case runs the same query on an unindexed collection and an indexed one.
 */
import { expect } from 'chai';
import { Decimal128, Long, type Db, type MongoClient } from 'mongodb';
import { newClient, uniqueDbName, type Loose } from './harness';

describe('review: index plans agree with MongoDB semantics', function () {
  const dbName = uniqueDbName('review_planner');
  let client: MongoClient;
  let db: Db;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
  });
  after(async () => {
    await db?.dropDatabase();
  });

  /** Inserts docs into an unindexed and an indexed collection; returns both. */
  async function pair(name: string, docs: Loose[], key: Record<string, 1 | -1>) {
    const plain = db.collection<Loose>(`${name}_plain`);
    const indexed = db.collection<Loose>(`${name}_ix`);
    await indexed.createIndex(key);
    await plain.insertMany(docs.map((d) => ({ ...d })));
    await indexed.insertMany(docs.map((d) => ({ ...d })));
    return { plain, indexed };
  }
  const ids = (docs: Loose[]) => docs.map((d) => d._id).sort((a, b) => Number(a) - Number(b));

  it('$eq combined with a range on the same indexed field applies both ({a: {$eq: 5, $gt: 10}} matches nothing)', async () => {
    const { plain, indexed } = await pair('eqrange', [{ _id: 1, a: 5 }, { _id: 2, a: 20 }], { a: 1 });
    const filter = { a: { $eq: 5, $gt: 10 } };
    expect(ids(await plain.find(filter).toArray())).to.deep.equal([]);
    expect(ids(await indexed.find(filter).toArray())).to.deep.equal([]);
  });

  it('$in combined with a range on the same indexed field applies both', async () => {
    const { plain, indexed } = await pair('inrange', [{ _id: 1, a: 1 }, { _id: 2, a: 5 }, { _id: 3, a: 20 }], { a: 1 });
    const filter = { a: { $in: [1, 5, 20], $gt: 3 } };
    expect(ids(await plain.find(filter).toArray())).to.deep.equal([2, 3]);
    expect(ids(await indexed.find(filter).toArray())).to.deep.equal([2, 3]);
    expect(await indexed.countDocuments(filter)).to.equal(2);
  });

  it('two lower bounds on one indexed field both apply ({$gt: 5, $gte: 1})', async () => {
    const { plain, indexed } = await pair('twolow', [{ _id: 1, a: 2 }, { _id: 2, a: 5 }, { _id: 3, a: 7 }], { a: 1 });
    const filter = { a: { $gt: 5, $gte: 1 } };
    expect(ids(await plain.find(filter).toArray())).to.deep.equal([3]);
    expect(ids(await indexed.find(filter).toArray())).to.deep.equal([3]);
  });

  it('Decimal128("0.1") is not equal to the double 0.1, with or without an index', async () => {
    const { plain, indexed } = await pair('dec01', [{ _id: 1, a: Decimal128.fromString('0.1') }, { _id: 2, a: 0.1 }], { a: 1 });
    expect(ids(await plain.find({ a: 0.1 }).toArray())).to.deep.equal([2]);
    expect(ids(await indexed.find({ a: 0.1 }).toArray())).to.deep.equal([2]);
  });

  it('a Long beyond 2^53 is not equal to the nearest double, with or without an index', async () => {
    const { plain, indexed } = await pair('long53', [{ _id: 1, a: Long.fromString('9007199254740993') }], { a: 1 });
    // 9007199254740992 is sent as a double; NumberLong(9007199254740993) is one more than it
    expect(ids(await plain.find({ a: 9007199254740992 }).toArray())).to.deep.equal([]);
    expect(ids(await indexed.find({ a: 9007199254740992 }).toArray())).to.deep.equal([]);
  });

  it('a Decimal128 just above a double bound is found by $gt through an index', async () => {
    // 0.10000000000000001 > 0.1000000000000000055511151231257827 (the double 0.1)
    const { plain, indexed } = await pair('decgt', [{ _id: 1, a: Decimal128.fromString('0.10000000000000001') }], { a: 1 });
    expect(ids(await plain.find({ a: { $gt: 0.1 } }).toArray())).to.deep.equal([1]);
    expect(ids(await indexed.find({ a: { $gt: 0.1 } }).toArray())).to.deep.equal([1]);
  });

  it('a descending index finds the empty string for $lt / $lte string ranges', async () => {
    const docs = [{ _id: 1, s: '' }, { _id: 2, s: 'a' }, { _id: 3, s: 'c' }];
    const { plain, indexed } = await pair('descempty', docs, { s: -1 });
    expect(ids(await plain.find({ s: { $lt: 'b' } }).toArray())).to.deep.equal([1, 2]);
    expect(ids(await indexed.find({ s: { $lt: 'b' } }).toArray())).to.deep.equal([1, 2]);
    expect(ids(await indexed.find({ s: { $lte: 'a' } }).toArray())).to.deep.equal([1, 2]);
    expect(await indexed.countDocuments({ s: { $lt: 'b' } })).to.equal(2);
  });

  it('strings compare by code point (UTF-8 byte order) through an index: U+1F600 sorts after U+FF71', async () => {
    const docs = [{ _id: 1, s: '\u{1F600}' }, { _id: 2, s: '\uFF71' }, { _id: 3, s: 'a' }];
    const { plain, indexed } = await pair('utf8', docs, { s: 1 });
    expect((await plain.find().sort({ s: 1 }).toArray()).map((d) => d._id)).to.deep.equal([3, 2, 1]);
    expect((await indexed.find().sort({ s: 1 }).toArray()).map((d) => d._id)).to.deep.equal([3, 2, 1]);
    expect(ids(await plain.find({ s: { $gt: '\uFF71' } }).toArray())).to.deep.equal([1]);
    expect(ids(await indexed.find({ s: { $gt: '\uFF71' } }).toArray())).to.deep.equal([1]);
  });

  it('NaN matches no $lt / $gt range on a number (only equality with NaN)', async () => {
    const docs = [{ _id: 1, a: NaN }, { _id: 2, a: 1 }];
    const { plain, indexed } = await pair('nan', docs, { a: 1 });
    expect(ids(await plain.find({ a: { $lt: 5 } }).toArray())).to.deep.equal([2]);
    expect(ids(await indexed.find({ a: { $lt: 5 } }).toArray())).to.deep.equal([2]);
    expect(ids(await plain.find({ a: { $lte: 5 } }).toArray())).to.deep.equal([2]);
  });
});
