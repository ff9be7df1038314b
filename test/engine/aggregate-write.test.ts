/**
 * Issue #17: the writing stages `$out` and `$merge` into the same database, as MongoDB
 * documents them (https://www.mongodb.com/docs/manual/reference/operator/aggregation/out/,
 * …/merge/).
 */
import { expect } from 'chai';
import type { Db, MongoClient } from 'mongodb';
import { expectServerError, getTestServer, newClient, uniqueDbName, type Loose } from './harness';

describe('conformance: $out and $merge', function () {
  const dbName = uniqueDbName('aggwrite');
  let client: MongoClient;
  let db: Db;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
    await db.collection<Loose>('staff').insertMany([
      { _id: 1, unit: 'A', name: 'An', score: 7 },
      { _id: 2, unit: 'A', name: 'Bình', score: 9 },
      { _id: 3, unit: 'B', name: 'Chi', score: 5 },
    ]);
  });
  after(async () => {
    await db?.dropDatabase();
  });

  const sorted = (name: string) => db.collection<Loose>(name).find().sort({ _id: 1 }).toArray();

  describe('$out', () => {
    it('writes the results into a new collection and answers an empty cursor', async () => {
      const reply = await db.collection<Loose>('staff').aggregate([{ $group: { _id: '$unit', total: { $sum: '$score' } } }, { $out: 'totals' }]).toArray();
      expect(reply).to.deep.equal([]);
      expect(await sorted('totals')).to.deep.equal([{ _id: 'A', total: 16 }, { _id: 'B', total: 5 }]);
    });

    it('replaces an existing target whole and keeps its indexes', async () => {
      await db.collection<Loose>('report').insertMany([{ _id: 'old', x: 1 }, { _id: 'A', x: 2 }]);
      await db.collection<Loose>('report').createIndex({ total: 1 }, { name: 'by_total' });
      await db.collection<Loose>('staff').aggregate([{ $match: { unit: 'A' } }, { $project: { _id: '$name', total: '$score' } }, { $out: { db: dbName, coll: 'report' } }]).toArray();
      expect(await sorted('report')).to.deep.equal([{ _id: 'An', total: 7 }, { _id: 'Bình', total: 9 }]);
      const names = (await db.collection<Loose>('report').listIndexes().toArray()).map((ix) => ix.name);
      expect(names).to.have.members(['_id_', 'by_total']);
      expect((await db.collection<Loose>('report').find({ total: 9 }).toArray()).map((d) => d._id)).to.deep.equal(['Bình']);
    });

    it('leaves the target untouched when the results break a unique index of it (all or nothing)', async () => {
      await db.collection<Loose>('uniq').insertOne({ _id: 'keep', unit: 'Z' });
      await db.collection<Loose>('uniq').createIndex({ unit: 1 }, { unique: true });
      await expectServerError(db.collection<Loose>('staff').aggregate([{ $project: { unit: 1 } }, { $out: 'uniq' }]).toArray(), 11000);
      expect(await sorted('uniq')).to.deep.equal([{ _id: 'keep', unit: 'Z' }]);
    });

    it('may replace the collection the pipeline reads, and gives results without _id a new one', async () => {
      await db.collection<Loose>('self').insertMany([{ _id: 1, v: 1 }, { _id: 2, v: 2 }]);
      await db.collection<Loose>('self').aggregate([{ $project: { _id: 0, v: { $multiply: ['$v', 10] } } }, { $out: 'self' }]).toArray();
      const docs = await db.collection<Loose>('self').find().sort({ v: 1 }).toArray();
      expect(docs.map((d) => d.v)).to.deep.equal([10, 20]);
      expect(docs.every((d) => d._id && d._id._bsontype === 'ObjectId')).to.equal(true);
    });

    it('must be the last stage (40601) and is not allowed in a transaction (263)', async () => {
      await expectServerError(db.collection<Loose>('staff').aggregate([{ $out: 'x' }, { $match: {} }]).toArray(), 40601);
      if (!(await getTestServer()).embedded) return; // a standalone MongoDB has no transactions
      const session = client.startSession();
      try {
        session.startTransaction();
        await expectServerError(db.collection<Loose>('staff').aggregate([{ $out: 'x' }], { session }).toArray(), 263);
      } finally {
        await session.abortTransaction().catch(() => undefined);
        await session.endSession();
      }
    });

    it('into another database is refused by name with 238 (embedded engine)', async () => {
      if (!(await getTestServer()).embedded) return;
      const err = await expectServerError(db.collection<Loose>('staff').aggregate([{ $out: { db: 'elsewhere', coll: 'x' } }]).toArray(), 238);
      expect(err.message).to.contain('elsewhere');
    });
  });

  describe('$merge', () => {
    beforeEach(async () => {
      await db.collection<Loose>('totals').drop().catch(() => undefined);
      await db.collection<Loose>('totals').insertMany([{ _id: 'A', total: 1, note: 'giữ' }, { _id: 'C', total: 3 }]);
    });
    const byUnit = [{ $group: { _id: '$unit', total: { $sum: '$score' } } }];

    it('defaults: on _id, whenMatched merge (fields set, others kept), whenNotMatched insert', async () => {
      const reply = await db.collection<Loose>('staff').aggregate([...byUnit, { $merge: 'totals' }]).toArray();
      expect(reply).to.deep.equal([]);
      expect(await sorted('totals')).to.deep.equal([{ _id: 'A', total: 16, note: 'giữ' }, { _id: 'B', total: 5 }, { _id: 'C', total: 3 }]);
    });

    it('whenMatched replace / keepExisting, whenNotMatched discard', async () => {
      await db.collection<Loose>('staff').aggregate([...byUnit, { $merge: { into: 'totals', whenMatched: 'replace', whenNotMatched: 'discard' } }]).toArray();
      expect(await sorted('totals')).to.deep.equal([{ _id: 'A', total: 16 }, { _id: 'C', total: 3 }]);
      await db.collection<Loose>('staff').aggregate([{ $project: { _id: '$unit', total: { $literal: 0 } } }, { $merge: { into: 'totals', whenMatched: 'keepExisting' } }]).toArray();
      expect(await sorted('totals')).to.deep.equal([{ _id: 'A', total: 16 }, { _id: 'B', total: 0 }, { _id: 'C', total: 3 }]);
    });

    it('whenMatched fail answers 11000; whenNotMatched fail answers 13113', async () => {
      await expectServerError(db.collection<Loose>('staff').aggregate([...byUnit, { $merge: { into: 'totals', whenMatched: 'fail' } }]).toArray(), 11000);
      await expectServerError(db.collection<Loose>('staff').aggregate([{ $match: { unit: 'B' } }, ...byUnit, { $merge: { into: 'totals', whenNotMatched: 'fail' } }]).toArray(), 13113);
    });

    it('whenMatched with a pipeline reads the result as $$new (or let variables)', async () => {
      await db.collection<Loose>('staff').aggregate([...byUnit, {
        $merge: { into: 'totals', whenMatched: [{ $set: { total: { $add: ['$total', '$$new.total'] } } }], whenNotMatched: 'discard' },
      }]).toArray();
      expect((await sorted('totals'))[0]).to.deep.equal({ _id: 'A', total: 17, note: 'giữ' });
      await db.collection<Loose>('staff').aggregate([...byUnit, {
        $merge: { into: 'totals', let: { t: '$total' }, whenMatched: [{ $set: { last: '$$t' } }], whenNotMatched: 'discard' },
      }]).toArray();
      expect((await sorted('totals'))[0]).to.deep.equal({ _id: 'A', total: 17, note: 'giữ', last: 16 });
    });

    it("'on' other fields needs a unique index on them (51183), then matches by them", async () => {
      await db.collection<Loose>('byName').insertOne({ _id: 100, name: 'An', unit: '?' });
      await expectServerError(db.collection<Loose>('staff').aggregate([{ $project: { _id: 0, name: 1, unit: 1 } }, { $merge: { into: 'byName', on: 'name' } }]).toArray(), 51183);
      await db.collection<Loose>('byName').createIndex({ name: 1 }, { unique: true });
      await db.collection<Loose>('staff').aggregate([{ $project: { _id: 0, name: 1, unit: 1 } }, { $merge: { into: 'byName', on: 'name' } }]).toArray();
      const docs = await db.collection<Loose>('byName').find().sort({ name: 1 }).toArray();
      expect(docs.map((d) => [d.name, d.unit])).to.deep.equal([['An', 'A'], ['Bình', 'A'], ['Chi', 'B']]);
      expect(docs[0]._id).to.equal(100);
      await expectServerError(db.collection<Loose>('staff').aggregate([{ $project: { _id: 0, unit: 1 } }, { $merge: { into: 'byName', on: 'name' } }]).toArray(), 51132);
    });

    it('must be the last stage (40601)', async () => {
      await expectServerError(db.collection<Loose>('staff').aggregate([{ $merge: 'totals' }, { $match: {} }]).toArray(), 40601);
    });
  });
});
