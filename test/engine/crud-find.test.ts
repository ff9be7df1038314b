import { expect } from 'chai';
import type { Collection, Db, Document, MongoClient } from 'mongodb';
import { asLong, expectServerError, newClient, uniqueDbName, type Loose } from './harness';

describe('conformance: find', function () {
  const dbName = uniqueDbName('find');
  let client: MongoClient;
  let db: Db;
  let people: Collection<Loose>;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
    people = db.collection<Loose>('people');
    await people.insertMany([
      { _id: 1, name: 'An', age: 30, addr: { city: 'Huế', zip: 2 }, tags: ['a', 'b'], scores: [70, 85, 90] },
      { _id: 2, name: 'Bình', age: 25, addr: { city: 'Đà Nẵng', zip: 5 }, tags: ['b'], scores: [60, 65] },
      { _id: 3, name: 'Chi', age: 30, addr: { city: 'Huế', zip: 1 }, tags: [], scores: [95] },
      { _id: 4, name: 'Dũng', age: 41, addr: { city: 'Hà Nội', zip: 9 }, tags: ['c', 'a'], scores: [] },
      { _id: 5, name: 'Em', addr: { city: 'Đà Nẵng', zip: 3 } },
    ] as Document[]);
  });
  after(async () => {
    await db?.dropDatabase();
  });

  const ids = (docs: Document[]) => docs.map((d) => d._id);

  describe('filters', () => {
    it('matches equality, comparison and $in', async () => {
      expect(ids(await people.find({ age: 30 }).sort({ _id: 1 }).toArray())).to.deep.equal([1, 3]);
      expect(ids(await people.find({ age: { $gt: 25, $lte: 41 } }).sort({ _id: 1 }).toArray())).to.deep.equal([1, 3, 4]);
      expect(ids(await people.find({ name: { $in: ['Em', 'An', 'Zed'] } }).sort({ _id: 1 }).toArray())).to.deep.equal([1, 5]);
      expect(ids(await people.find({ age: { $ne: 30 } }).sort({ _id: 1 }).toArray())).to.deep.equal([2, 4, 5]);
      expect(ids(await people.find({ age: { $nin: [30, 25] } }).sort({ _id: 1 }).toArray())).to.deep.equal([4, 5]);
    });

    it('matches nested paths and array elements', async () => {
      expect(ids(await people.find({ 'addr.city': 'Huế' }).sort({ _id: 1 }).toArray())).to.deep.equal([1, 3]);
      expect(ids(await people.find({ tags: 'a' }).sort({ _id: 1 }).toArray())).to.deep.equal([1, 4]);
      expect(ids(await people.find({ scores: { $gt: 88 } }).sort({ _id: 1 }).toArray())).to.deep.equal([1, 3]);
      expect(ids(await people.find({ scores: { $elemMatch: { $gt: 80, $lt: 88 } } }).toArray())).to.deep.equal([1]);
      expect(ids(await people.find({ tags: { $all: ['a', 'c'] } }).toArray())).to.deep.equal([4]);
      expect(ids(await people.find({ tags: { $size: 0 } }).toArray())).to.deep.equal([3]);
      // whole-array equality is exact and ordered
      expect(ids(await people.find({ tags: ['a', 'b'] }).toArray())).to.deep.equal([1]);
      expect(ids(await people.find({ tags: ['b', 'a'] }).toArray())).to.deep.equal([]);
    });

    it('supports $and / $or / $nor / $not / $exists / $regex', async () => {
      expect(ids(await people.find({ $or: [{ age: 25 }, { name: 'Em' }] }).sort({ _id: 1 }).toArray())).to.deep.equal([2, 5]);
      expect(ids(await people.find({ $and: [{ age: 30 }, { 'addr.zip': { $lt: 2 } }] }).toArray())).to.deep.equal([3]);
      expect(ids(await people.find({ $nor: [{ age: 30 }, { age: { $exists: false } }] }).sort({ _id: 1 }).toArray())).to.deep.equal([2, 4]);
      expect(ids(await people.find({ age: { $not: { $gte: 30 } } }).sort({ _id: 1 }).toArray())).to.deep.equal([2, 5]);
      expect(ids(await people.find({ age: { $exists: false } }).toArray())).to.deep.equal([5]);
      expect(ids(await people.find({ name: { $regex: '^b', $options: 'i' } }).toArray())).to.deep.equal([2]);
      expect(ids(await people.find({ name: /ũ/ }).toArray())).to.deep.equal([4]);
    });

    it('compares across types by BSON type bracket (a number never equals a string)', async () => {
      const coll = db.collection<Loose>('types');
      await coll.insertMany([{ _id: 1, v: 1 }, { _id: 2, v: '1' }, { _id: 3, v: 1.0 }, { _id: 4, v: null }] as Document[]);
      expect(ids(await coll.find({ v: 1 }).sort({ _id: 1 }).toArray())).to.deep.equal([1, 3]);
      expect(ids(await coll.find({ v: { $gte: 0 } }).sort({ _id: 1 }).toArray())).to.deep.equal([1, 3]);
      expect(ids(await coll.find({ v: { $gte: '' } }).toArray())).to.deep.equal([2]);
    });
  });

  describe('projection', () => {
    it('inclusion keeps _id and the named fields only', async () => {
      const doc = await people.findOne({ _id: 1 }, { projection: { name: 1, 'addr.city': 1 } });
      expect(doc).to.deep.equal({ _id: 1, name: 'An', addr: { city: 'Huế' } });
    });

    it('inclusion can drop _id', async () => {
      const doc = await people.findOne({ _id: 2 }, { projection: { name: 1, _id: 0 } });
      expect(doc).to.deep.equal({ name: 'Bình' });
    });

    it('exclusion removes only the named fields, nested ones included', async () => {
      const doc = await people.findOne({ _id: 3 }, { projection: { scores: 0, tags: 0, 'addr.zip': 0 } });
      expect(doc).to.deep.equal({ _id: 3, name: 'Chi', age: 30, addr: { city: 'Huế' } });
    });

    it('mixing inclusion and exclusion (other than _id) is rejected', async () => {
      await expectServerError(people.findOne({}, { projection: { name: 1, age: 0 } }));
    });

    it('$elemMatch projection returns only the first matching element', async () => {
      const doc = await people.findOne({ _id: 1 }, { projection: { scores: { $elemMatch: { $gte: 80 } } } });
      expect(doc).to.deep.equal({ _id: 1, scores: [85] });
      const none = await people.findOne({ _id: 2 }, { projection: { scores: { $elemMatch: { $gte: 80 } } } });
      expect(none).to.deep.equal({ _id: 2 });
    });

    it('positional $ projection returns the element the query matched', async () => {
      const coll = db.collection<Loose>('grades');
      await coll.insertOne({
        _id: 1,
        grades: [
          { g: 'A', n: 1 },
          { g: 'B', n: 2 },
          { g: 'B', n: 3 },
        ],
      } as Document);
      const doc = await coll.findOne({ 'grades.g': 'B' }, { projection: { 'grades.$': 1 } });
      expect(doc).to.deep.equal({ _id: 1, grades: [{ g: 'B', n: 2 }] });
    });

    it('$slice projection limits array length', async () => {
      const doc = await people.findOne({ _id: 1 }, { projection: { scores: { $slice: 2 }, name: 1 } });
      expect(doc).to.deep.equal({ _id: 1, name: 'An', scores: [70, 85] });
    });
  });

  describe('sort, skip, limit', () => {
    it('sorts on a compound key with mixed directions', async () => {
      const docs = await people.find({ age: { $exists: true } }).sort({ age: -1, name: 1 }).toArray();
      expect(ids(docs)).to.deep.equal([4, 1, 3, 2]);
    });

    it('sorts on nested paths', async () => {
      const docs = await people.find().sort({ 'addr.city': 1, 'addr.zip': -1 }).toArray();
      // binary (UTF-8 code point) order: "Hu" < "Hà" < "Đà"
      expect(docs.map((d) => `${d.addr.city}/${d.addr.zip}`)).to.deep.equal(['Huế/2', 'Huế/1', 'Hà Nội/9', 'Đà Nẵng/5', 'Đà Nẵng/3']);
    });

    it('missing and null sort before numbers, numbers before strings', async () => {
      const coll = db.collection<Loose>('sortmix');
      await coll.insertMany([{ _id: 1, v: 'b' }, { _id: 2, v: 3 }, { _id: 3 }, { _id: 4, v: -1 }, { _id: 5, v: 'a' }] as Document[]);
      const asc = ids(await coll.find().sort({ v: 1, _id: 1 }).toArray());
      expect(asc).to.deep.equal([3, 4, 2, 5, 1]);
      const desc = ids(await coll.find().sort({ v: -1, _id: 1 }).toArray());
      expect(desc).to.deep.equal([1, 5, 2, 4, 3]);
    });

    it('sorts an array field by its smallest element ascending and largest descending', async () => {
      const coll = db.collection<Loose>('sortarr');
      await coll.insertMany([{ _id: 1, a: [5, 1] }, { _id: 2, a: [3] }, { _id: 3, a: [2, 9] }] as Document[]);
      expect(ids(await coll.find().sort({ a: 1 }).toArray())).to.deep.equal([1, 3, 2]);
      expect(ids(await coll.find().sort({ a: -1 }).toArray())).to.deep.equal([3, 1, 2]);
    });

    it('applies skip then limit after sorting', async () => {
      const docs = await people.find().sort({ _id: -1 }).skip(1).limit(2).toArray();
      expect(ids(docs)).to.deep.equal([4, 3]);
    });

    it('limit larger than the result and skip past the end', async () => {
      expect(await people.find().limit(100).toArray()).to.have.length(5);
      expect(await people.find().skip(10).toArray()).to.have.length(0);
    });

    it('find command answers a cursor document with firstBatch and ns', async () => {
      const res = await db.command({ find: 'people', filter: { age: 30 }, sort: { _id: 1 }, projection: { _id: 1 } });
      expect(res.ok).to.equal(1);
      expect(res.cursor.ns).to.equal(`${dbName}.people`);
      expect(res.cursor.firstBatch).to.deep.equal([{ _id: 1 }, { _id: 3 }]);
      expect(asLong(res.cursor.id).isZero()).to.equal(true);
    });

    it('find on a missing collection returns nothing (no error)', async () => {
      expect(await db.collection<Loose>('nope').find({}).toArray()).to.deep.equal([]);
    });
  });
});
