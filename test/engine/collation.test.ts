/**
 * Issue #17: collation as MongoDB documents it — locale-aware comparison and order of
 * strings on find / sort / count / update / aggregate, `strength` 1–3, `numericOrdering`,
 * a collection's default collation, and indexes that carry one.
 */
import { expect } from 'chai';
import type { Db, MongoClient } from 'mongodb';
import { expectServerError, getTestServer, newClient, uniqueDbName, type Loose } from './harness';

describe('conformance: collation', function () {
  const dbName = uniqueDbName('collation');
  let client: MongoClient;
  let db: Db;
  const names = (docs: Loose[]) => docs.map((d) => d.name);
  const vi = { locale: 'vi' };

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
    await db.collection<Loose>('officers').insertMany([
      { _id: 1, name: 'Phạm Thị Bình', code: 'A10' },
      { _id: 2, name: 'Nguyễn Văn An', code: 'A9' },
      { _id: 3, name: 'Đặng Minh Châu', code: 'A100' },
      { _id: 4, name: 'Dương Thu Hà', code: 'a9' },
      { _id: 5, name: 'nguyễn văn an', code: 'A2' },
    ]);
    await db.collection<Loose>('officers').createIndex({ name: 1 });
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it("sorts Vietnamese names in Vietnamese order with locale 'vi' (Đ after D, Nguyễn before Phạm)", async () => {
    const sorted = await db.collection<Loose>('officers').find({}, { collation: vi }).sort({ name: 1, _id: 1 }).toArray();
    expect(names(sorted)).to.deep.equal(['Dương Thu Hà', 'Đặng Minh Châu', 'nguyễn văn an', 'Nguyễn Văn An', 'Phạm Thị Bình']);
  });

  it("'simple' (and no collation) keeps binary order", async () => {
    const sorted = await db.collection<Loose>('officers').find({}, { collation: { locale: 'simple' } }).sort({ name: 1 }).toArray();
    expect(names(sorted)).to.deep.equal(['Dương Thu Hà', 'Nguyễn Văn An', 'Phạm Thị Bình', 'nguyễn văn an', 'Đặng Minh Châu']);
  });

  it('strength 1 ignores case and accents, 2 ignores case only, 3 (default) compares both', async () => {
    const find = async (strength: number, name: string) =>
      (await db.collection<Loose>('officers').find({ name }, { collation: { locale: 'vi', strength } }).sort({ _id: 1 }).toArray()).map((d) => d._id);
    // in Vietnamese, ê and ă are letters of their own; the tone marks are the accents
    expect(await find(1, 'NGUYÊN VĂN AN')).to.deep.equal([2, 5]);
    expect(await find(1, 'nguyen van an')).to.deep.equal([]);
    expect(await find(2, 'nguyên văn an')).to.deep.equal([]);
    expect(await find(2, 'NGUYỄN VĂN AN')).to.deep.equal([2, 5]);
    expect(await find(3, 'NGUYỄN VĂN AN')).to.deep.equal([]);
    expect(await find(3, 'Nguyễn Văn An')).to.deep.equal([2]);
  });

  it('ranges and $in compare with the collation', async () => {
    const c = db.collection<Loose>('officers');
    const ranged = await c.find({ name: { $gte: 'd', $lt: 'e' } }, { collation: { locale: 'vi', strength: 1 } }).sort({ _id: 1 }).toArray();
    expect(ranged.map((d) => d._id)).to.deep.equal([3, 4]);
    const inList = await c.find({ name: { $in: ['PHẠM THỊ BÌNH'] } }, { collation: { locale: 'vi', strength: 2 } }).toArray();
    expect(inList.map((d) => d._id)).to.deep.equal([1]);
  });

  it('numericOrdering compares digit runs as numbers', async () => {
    const c = db.collection<Loose>('officers');
    const sorted = await c.find({ code: { $in: ['A2', 'A9', 'A10', 'A100'] } }, { collation: { locale: 'en', numericOrdering: true } }).sort({ code: 1 }).toArray();
    expect(sorted.map((d) => d.code)).to.deep.equal(['A2', 'A9', 'A10', 'A100']);
    const plain = await c.find({ code: { $in: ['A2', 'A9', 'A10', 'A100'] } }).sort({ code: 1 }).toArray();
    expect(plain.map((d) => d.code)).to.deep.equal(['A10', 'A100', 'A2', 'A9']);
  });

  it('count, update, delete and findAndModify take the collation', async () => {
    const c = db.collection<Loose>('officers');
    const ci = { locale: 'vi', strength: 2 };
    expect(await c.countDocuments({ name: 'NGUYỄN VĂN AN' }, { collation: ci })).to.equal(2);
    const updated = await c.updateMany({ name: 'NGUYỄN VĂN AN' }, { $set: { flagged: true } }, { collation: ci });
    expect(updated.modifiedCount).to.equal(2);
    const found = await c.findOneAndUpdate({ name: 'PHẠM THỊ BÌNH' }, { $set: { seen: 1 } }, { collation: ci, returnDocument: 'after' });
    expect(found?._id).to.equal(1);
    expect(await c.countDocuments({ flagged: true })).to.equal(2);
  });

  it('aggregate: $match and $sort use the collation', async () => {
    const out = await db.collection<Loose>('officers').aggregate([
      { $match: { name: { $in: ['NGUYỄN VĂN AN', 'ĐẶNG MINH CHÂU', 'PHẠM THỊ BÌNH', 'DƯƠNG THU HÀ'] }, _id: { $ne: 5 } } },
      { $project: { _id: 0, name: 1 } },
      { $sort: { name: -1 } },
    ], { collation: { locale: 'vi', strength: 2 } }).toArray();
    expect(names(out)).to.deep.equal(['Phạm Thị Bình', 'Nguyễn Văn An', 'Đặng Minh Châu', 'Dương Thu Hà']);
  });

  it("a collection's default collation applies to its queries and indexes", async () => {
    await db.createCollection('people', { collation: { locale: 'vi', strength: 2 } });
    const c = db.collection<Loose>('people');
    await c.insertMany([{ _id: 1, name: 'Trần An' }, { _id: 2, name: 'trần an' }, { _id: 3, name: 'Tran An' }]);
    expect((await c.find({ name: 'TRẦN AN' }).sort({ _id: 1 }).toArray()).map((d) => d._id)).to.deep.equal([1, 2]);
    // a query naming 'simple' overrides the default
    expect((await c.find({ name: 'TRẦN AN' }, { collation: { locale: 'simple' } }).toArray())).to.deep.equal([]);
    await c.createIndex({ name: 1 });
    const index = (await c.listIndexes().toArray()).find((ix) => ix.name === 'name_1');
    expect(index?.collation).to.include({ locale: 'vi', strength: 2 });
    const info = (await db.listCollections({ name: 'people' }).toArray())[0] as Loose;
    expect(info.options.collation).to.include({ locale: 'vi', strength: 2 });
  });

  it('an index may carry a collation, and a query with that collation still answers correctly', async () => {
    const c = db.collection<Loose>('officers');
    await c.createIndex({ name: 1 }, { name: 'name_vi', collation: { locale: 'vi', strength: 1 } });
    const found = await c.find({ name: 'NGUYÊN VĂN AN' }, { collation: { locale: 'vi', strength: 1 } }).sort({ _id: 1 }).toArray();
    expect(found.map((d) => d._id)).to.deep.equal([2, 5]);
    const index = (await c.listIndexes().toArray()).find((ix) => ix.name === 'name_vi');
    expect(index?.collation).to.include({ locale: 'vi', strength: 1 });
  });

  it('an unknown locale is refused (code 2); a unique index with a collation is refused by name (embedded engine)', async () => {
    await expectServerError(db.collection<Loose>('officers').find({}, { collation: { locale: 'xx_NOPE' } }).toArray());
    if (!(await getTestServer()).embedded) return;
    const err = await expectServerError(db.collection<Loose>('officers').createIndex({ code: 1 }, { unique: true, collation: vi }), 238);
    expect(err.message).to.contain('collation');
  });
});
