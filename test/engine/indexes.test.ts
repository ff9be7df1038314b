import { expect } from 'chai';
import { Long, ObjectId, type Db, type Document, type MongoClient } from 'mongodb';
import { expectServerError, newClient, planHasStage, setServerParameters, sleep, uniqueDbName, type Loose } from './harness';

describe('conformance: indexes', function () {
  const dbName = uniqueDbName('indexes');
  let client: MongoClient;
  let db: Db;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
  });
  after(async () => {
    await db?.dropDatabase();
  });

  const keyAndName = (ix: Document[]) => ix.map((i) => ({ key: i.key, name: i.name })).sort((a, b) => (a.name < b.name ? -1 : 1));

  it('every collection has the _id_ index', async () => {
    await db.createCollection('idonly');
    const ix = await db.collection<Loose>('idonly').listIndexes().toArray();
    expect(keyAndName(ix)).to.deep.equal([{ key: { _id: 1 }, name: '_id_' }]);
  });

  it('createIndex makes single-field and compound indexes with MongoDB default names', async () => {
    const coll = db.collection<Loose>('named');
    expect(await coll.createIndex({ a: 1 })).to.equal('a_1');
    expect(await coll.createIndex({ b: -1, 'c.d': 1 })).to.equal('b_-1_c.d_1');
    expect(await coll.createIndex({ e: 1 }, { name: 'custom' })).to.equal('custom');
    expect(keyAndName(await coll.listIndexes().toArray())).to.deep.equal([
      { key: { _id: 1 }, name: '_id_' },
      { key: { a: 1 }, name: 'a_1' },
      { key: { b: -1, 'c.d': 1 }, name: 'b_-1_c.d_1' },
      { key: { e: 1 }, name: 'custom' },
    ]);
  });

  it('creating the same index again is a no-op; same keys under another name answers 85', async () => {
    const coll = db.collection<Loose>('again');
    await coll.createIndex({ a: 1 });
    expect(await coll.createIndex({ a: 1 })).to.equal('a_1');
    await expectServerError(coll.createIndex({ a: 1 }, { name: 'other' }), 85);
    expect(await coll.listIndexes().toArray()).to.have.length(2);
  });

  it('a unique index rejects duplicates with E11000 naming the index, keyPattern and keyValue', async () => {
    const coll = db.collection<Loose>('uniq');
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertOne({ email: 'a@b.vn' });
    const err = await expectServerError(coll.insertOne({ email: 'a@b.vn' }), 11000);
    expect(err.keyPattern).to.deep.equal({ email: 1 });
    expect(err.keyValue).to.deep.equal({ email: 'a@b.vn' });
    expect(err.errmsg).to.equal(`E11000 duplicate key error collection: ${dbName}.uniq index: email_1 dup key: { email: "a@b.vn" }`);
    expect(await coll.countDocuments()).to.equal(1);
    // an update that would create a duplicate is rejected as well
    await coll.insertOne({ email: 'c@d.vn' });
    await expectServerError(coll.updateOne({ email: 'c@d.vn' }, { $set: { email: 'a@b.vn' } }), 11000);
  });

  it('updates keep every index exact, whether they change its key or not', async () => {
    const coll = db.collection<Loose>('updated');
    await coll.createIndex({ unit: 1, state: 1 });
    await coll.createIndex({ n: 1 });
    await coll.insertMany([{ _id: 1, unit: 'a', state: 'x', n: 1 }, { _id: 2, unit: 'a', state: 'x', n: 2 }]);
    await coll.updateOne({ _id: 1 }, { $inc: { n: 10 }, $set: { note: 'không đổi khoá' } });
    await coll.updateOne({ _id: 2 }, { $set: { state: 'y' } });
    await coll.updateOne({ _id: 2 }, { $set: { note: 'chỉ ghi chú' } });
    const ids = async (filter: Document) => (await coll.find(filter).project({ _id: 1 }).toArray()).map((d) => d._id as number).sort();
    expect(await ids({ unit: 'a', state: 'x' })).to.deep.equal([1]);
    expect(await ids({ unit: 'a', state: 'y' })).to.deep.equal([2]);
    expect(await ids({ n: 1 })).to.deep.equal([]);
    expect(await ids({ n: { $gte: 2 } })).to.deep.equal([1, 2]);
    const ex = await coll.find({ unit: 'a', state: 'y' }).explain('executionStats');
    expect(ex.executionStats.totalKeysExamined).to.equal(1);
  });

  it('index keys of every scalar type stay exact through insert, unchanged-key update and delete', async () => {
    // inserts read top-level scalar keys from the bytes, updates and deletes from the decoded
    // document: a key that differed between the two would be found twice or left behind
    const coll = db.collection<Loose>('keytypes');
    await coll.createIndex({ v: 1 });
    await coll.createIndex({ v: -1, w: 1 });
    const values: unknown[] = [5, 5.5, -0.25, Long.fromNumber(7), Long.fromString('1152921504606846976'), 'ấp Đông', '', new Date(Date.UTC(2026, 11, 7)), true, false, null, new ObjectId(), [1, 2], { a: 1 }];
    await coll.insertMany([...values.map((v, i) => ({ _id: i, v, w: i })), { _id: 'missing', w: -1 }]);
    await coll.updateMany({}, { $set: { note: 'khoá không đổi' } });
    for (const [i, v] of values.entries()) {
      const found = (await coll.find({ v: Array.isArray(v) ? v[0] : v }).hint({ v: 1 }).project({ _id: 1 }).toArray()).map((d) => d._id);
      expect(found, `v = ${String(v)}`).to.include(i);
      expect(new Set(found).size, `v = ${String(v)}`).to.equal(found.length);
    }
    expect((await coll.find({ v: null }).hint({ v: -1, w: 1 }).project({ _id: 1 }).toArray()).map((d) => d._id)).to.have.members([10, 'missing']);
    await coll.deleteMany({});
    for (const hint of [{ v: 1 }, { v: -1, w: 1 }]) {
      const ex = await coll.find({}).hint(hint).explain('executionStats');
      expect(ex.executionStats.totalKeysExamined, JSON.stringify(hint)).to.equal(0);
    }
  });

  it('a unique index treats a missing field as null (only one such document)', async () => {
    const coll = db.collection<Loose>('uniqnull');
    await coll.createIndex({ code: 1 }, { unique: true });
    await coll.insertOne({ x: 1 });
    const err = await expectServerError(coll.insertOne({ x: 2 }), 11000);
    expect(err.keyValue).to.deep.equal({ code: null });
  });

  it('a compound unique index only rejects the full key', async () => {
    const coll = db.collection<Loose>('uniqcompound');
    await coll.createIndex({ unit: 1, year: 1 }, { unique: true });
    await coll.insertMany([
      { unit: 'u1', year: 2024 },
      { unit: 'u1', year: 2025 },
      { unit: 'u2', year: 2024 },
    ]);
    const err = await expectServerError(coll.insertOne({ unit: 'u1', year: 2024 }), 11000);
    expect(err.keyPattern).to.deep.equal({ unit: 1, year: 1 });
    expect(err.keyValue).to.deep.equal({ unit: 'u1', year: 2024 });
    expect(err.errmsg).to.match(/index: unit_1_year_1 dup key: \{ unit: "u1", year: 2024 \}$/);
  });

  it('building a unique index over existing duplicates fails with 11000', async () => {
    const coll = db.collection<Loose>('uniqbuild');
    await coll.insertMany([{ k: 1 }, { k: 1 }]);
    await expectServerError(coll.createIndex({ k: 1 }, { unique: true }), 11000);
    const names = (await coll.listIndexes().toArray()).map((i) => i.name);
    expect(names).to.deep.equal(['_id_']);
  });

  it('a unique index with partialFilterExpression only constrains matching documents', async () => {
    const coll = db.collection<Loose>('uniqpartial');
    await coll.createIndex({ code: 1 }, { unique: true, partialFilterExpression: { status: 'active' } });
    await coll.insertMany([
      { code: 'X', status: 'archived' },
      { code: 'X', status: 'archived' },
      { code: 'X', status: 'active' },
    ]);
    await expectServerError(coll.insertOne({ code: 'X', status: 'active' }), 11000);
    const [ix] = (await coll.listIndexes().toArray()).filter((i) => i.name === 'code_1');
    expect(ix.unique).to.equal(true);
    expect(ix.partialFilterExpression).to.deep.equal({ status: 'active' });
  });

  it('dropIndexes drops by name, by key pattern and "*" (never _id_)', async () => {
    const coll = db.collection<Loose>('drops');
    await coll.createIndexes([{ key: { a: 1 } }, { key: { b: 1 } }, { key: { c: 1 } }]);
    await coll.dropIndex('a_1');
    await coll.dropIndex({ b: 1 } as never);
    expect((await coll.listIndexes().toArray()).map((i) => i.name).sort()).to.deep.equal(['_id_', 'c_1']);
    await coll.createIndex({ d: 1 });
    await coll.dropIndexes();
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).to.deep.equal(['_id_']);
  });

  it('dropping a missing index answers 27 IndexNotFound; dropping _id_ is refused (72)', async () => {
    const coll = db.collection<Loose>('dropbad');
    await coll.insertOne({ a: 1 });
    await expectServerError(coll.dropIndex('nope_1'), 27);
    await expectServerError(coll.dropIndex('_id_'), 72);
  });

  it('listIndexes on a missing collection answers 26 NamespaceNotFound', async () => {
    await expectServerError(db.command({ listIndexes: 'does_not_exist' }), 26);
  });

  describe('index use (explain executionStats)', () => {
    before(async () => {
      const coll = db.collection<Loose>('big');
      await coll.insertMany(Array.from({ length: 2000 }, (_, i) => ({ _id: i, a: i, b: i % 10, s: `k${String(i).padStart(5, '0')}`, pad: 'x'.repeat(50) })));
      await coll.createIndex({ a: 1 });
      await coll.createIndex({ b: 1, a: -1 });
      await coll.createIndex({ s: 1 });
    });

    const explain = (filter: Document, sort?: Document, limit?: number) => {
      let cur = db.collection<Loose>('big').find(filter);
      if (sort) cur = cur.sort(sort);
      if (limit) cur = cur.limit(limit);
      return cur.explain('executionStats');
    };

    it('an equality filter on an indexed field examines one document via IXSCAN', async () => {
      const ex = await explain({ a: 1234 });
      expect(planHasStage(ex.queryPlanner.winningPlan, 'IXSCAN')).to.equal(true);
      expect(ex.executionStats.nReturned).to.equal(1);
      expect(ex.executionStats.totalDocsExamined).to.equal(1);
    });

    it('a range filter examines only the documents in range', async () => {
      const ex = await explain({ a: { $gte: 100, $lt: 120 } });
      expect(planHasStage(ex.queryPlanner.winningPlan, 'IXSCAN')).to.equal(true);
      expect(ex.executionStats.nReturned).to.equal(20);
      expect(ex.executionStats.totalDocsExamined).to.equal(20);
    });

    it('a string range / prefix filter uses the index', async () => {
      const ex = await explain({ s: { $gte: 'k01990', $lt: 'k01995' } });
      expect(planHasStage(ex.queryPlanner.winningPlan, 'IXSCAN')).to.equal(true);
      expect(ex.executionStats.nReturned).to.equal(5);
      expect(ex.executionStats.totalDocsExamined).to.equal(5);
    });

    it('a compound index serves equality on its prefix plus a range on the next key', async () => {
      const ex = await explain({ b: 3, a: { $lt: 100 } });
      expect(planHasStage(ex.queryPlanner.winningPlan, 'IXSCAN')).to.equal(true);
      expect(ex.executionStats.nReturned).to.equal(10);
      expect(ex.executionStats.totalDocsExamined).to.be.at.most(10);
    });

    it('a sort on an indexed field with limit reads only the first index entries (no SORT stage)', async () => {
      const ex = await explain({}, { a: -1 }, 5);
      expect(planHasStage(ex.queryPlanner.winningPlan, 'IXSCAN')).to.equal(true);
      expect(planHasStage(ex.queryPlanner.winningPlan, 'SORT')).to.equal(false);
      expect(ex.executionStats.nReturned).to.equal(5);
      expect(ex.executionStats.totalDocsExamined).to.equal(5);
      const docs = await db.collection<Loose>('big').find({}).sort({ a: -1 }).limit(5).project({ _id: 1 }).toArray();
      expect(docs.map((d) => d._id)).to.deep.equal([1999, 1998, 1997, 1996, 1995]);
    });

    it('a long $in (a batch read by ids) seeks each value instead of scanning', async () => {
      // 1,500 values, duplicates and one that matches nothing: each document once
      const wanted = Array.from({ length: 1500 }, (_, i) => (i * 7) % 1999);
      const values = [...wanted, ...wanted.slice(0, 10), 99_999];
      const ex = await explain({ a: { $in: values } });
      const distinct = new Set(wanted).size;
      expect(planHasStage(ex.queryPlanner.winningPlan, 'IXSCAN')).to.equal(true);
      expect(ex.executionStats.nReturned).to.equal(distinct);
      expect(ex.executionStats.totalDocsExamined).to.equal(distinct);
      const docs = await db.collection<Loose>('big').find({ a: { $in: wanted }, b: { $in: [0, 1, 2] } }).project({ _id: 1 }).toArray();
      expect(docs.map((d) => d._id as number).sort((x, y) => x - y)).to.deep.equal([...new Set(wanted)].filter((a) => a % 10 <= 2).sort((x, y) => x - y));
    });

    it('an unindexed filter scans the collection (COLLSCAN)', async () => {
      const ex = await explain({ pad: 'nothing' });
      expect(planHasStage(ex.queryPlanner.winningPlan, 'COLLSCAN')).to.equal(true);
      expect(ex.executionStats.totalDocsExamined).to.equal(2000);
    });
  });

  it('TTL: documents past expireAfterSeconds are removed by the TTL monitor', async function () {
    this.timeout(90_000);
    const coll = db.collection<Loose>('ttl');
    await setServerParameters(client, { ttlMonitorSleepSecs: 1 });
    try {
      await coll.createIndex({ at: 1 }, { expireAfterSeconds: 1 });
      const [ix] = (await coll.listIndexes().toArray()).filter((i) => i.name === 'at_1');
      expect(ix.expireAfterSeconds).to.equal(1);
      const old = new Date(Date.now() - 60_000);
      await coll.insertMany([
        { _id: 'old', at: old },
        { _id: 'oldInArray', at: [new Date(Date.now() + 3_600_000), old] },
        { _id: 'future', at: new Date(Date.now() + 3_600_000) },
        { _id: 'notADate', at: 'yesterday' },
        { _id: 'missing' },
      ]);
      const deadline = Date.now() + 65_000;
      let left: string[] = [];
      while (Date.now() < deadline) {
        left = (await coll.find({}).sort({ _id: 1 }).toArray()).map((d) => d._id);
        if (!left.includes('old') && !left.includes('oldInArray')) break;
        await sleep(500);
      }
      // an array of dates expires on its earliest date; non-dates and missing fields never expire
      expect(left).to.deep.equal(['future', 'missing', 'notADate']);
    } finally {
      await setServerParameters(client, { ttlMonitorSleepSecs: 60 });
    }
  });
});
