/**
 * Issue #17: answers that used to be silently wrong, each stated as MongoDB documents it,
 * and the unsupported operators that must be refused by name (238 NotImplemented).
 */
import { expect } from 'chai';
import { Binary, DBRef, ObjectId, UUID, type Db, type MongoClient } from 'mongodb';
import { expectServerError, getTestServer, newClient, uniqueDbName, type Loose } from './harness';

describe('conformance: issue #17 — no silently wrong answer', function () {
  const dbName = uniqueDbName('issue17');
  let client: MongoClient;
  let db: Db;
  const ids = (docs: Loose[]) => docs.map((d) => d._id);

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
  });
  after(async () => {
    await db?.dropDatabase();
  });

  describe('$all', () => {
    before(async () => {
      await db.collection<Loose>('films').insertMany([
        { _id: 1, title: 'Aristocats', meta: { visitors: 4 } },
        { _id: 2, title: ['Aristocats', 'Bambi'], meta: { visitors: [4, 5] } },
        { _id: 3, title: 'Bambi', meta: { visitors: 5 } },
      ]);
    });

    // "{tags: {$all: ['ssl', 'security']}} is equivalent to {$and: [{tags: 'ssl'}, {tags: 'security'}]}"
    it('matches a scalar field equal to the single value, as the equivalent $and of equalities does', async () => {
      expect(ids(await db.collection<Loose>('films').find({ title: { $all: ['Aristocats'] } }).sort({ _id: 1 }).toArray())).to.deep.equal([1, 2]);
    });

    it('matches a scalar field with a regex', async () => {
      expect(ids(await db.collection<Loose>('films').find({ title: { $all: [/^Aris/] } }).sort({ _id: 1 }).toArray())).to.deep.equal([1, 2]);
    });

    it('matches a dotted path to a scalar', async () => {
      expect(ids(await db.collection<Loose>('films').find({ 'meta.visitors': { $all: [4] } }).sort({ _id: 1 }).toArray())).to.deep.equal([1, 2]);
    });

    it('needs every value, and an empty list matches nothing', async () => {
      expect(ids(await db.collection<Loose>('films').find({ title: { $all: ['Aristocats', 'Bambi'] } }).toArray())).to.deep.equal([2]);
      expect(await db.collection<Loose>('films').find({ title: { $all: [] } }).toArray()).to.deep.equal([]);
    });

    it('still takes $elemMatch elements', async () => {
      const found = await db.collection<Loose>('films').find({ 'meta.visitors': { $all: [{ $elemMatch: { $gt: 4 } }] } }).toArray();
      expect(ids(found)).to.deep.equal([2]);
    });
  });

  describe('aggregate hint', () => {
    before(async () => {
      await db.collection<Loose>('hinted').insertMany([{ _id: 1, a: 3 }, { _id: 2, a: 1 }, { _id: 3, a: 2 }]);
      await db.collection<Loose>('hinted').createIndex({ a: 1 });
    });

    it('reads through the hinted index, so documents come in its order', async () => {
      const out = await db.collection<Loose>('hinted').aggregate([{ $project: { _id: 0, a: 1 } }], { hint: { a: 1 } }).toArray();
      expect(out).to.deep.equal([{ a: 1 }, { a: 2 }, { a: 3 }]);
    });

    it('refuses a hint naming a missing index (code 2), like find', async () => {
      await expectServerError(db.collection<Loose>('hinted').aggregate([], { hint: 'nope_1' }).toArray(), 2);
      await expectServerError(db.collection<Loose>('hinted').find({}, { hint: 'nope_1' }).toArray(), 2);
    });
  });

  describe('a field named __proto__', () => {
    // bson keeps "__proto__" as an ordinary key; MongoDB stores it like any other field
    const payload = () => JSON.parse('{"__proto__": "abcd"}') as Loose;

    it('is stored by $set through update', async () => {
      await db.collection<Loose>('proto').insertOne({ _id: 1 });
      await db.collection<Loose>('proto').updateOne({ _id: 1 }, { $set: { path: payload() } });
      const doc = await db.collection<Loose>('proto').findOne({ _id: 1 });
      expect(Object.getOwnPropertyNames(doc!.path)).to.deep.equal(['__proto__']);
      expect(Object.getOwnPropertyDescriptor(doc!.path, '__proto__')!.value).to.equal('abcd');
    });

    it('is stored by $set through findAndModify and by a replacement', async () => {
      await db.collection<Loose>('proto').insertOne({ _id: 2 });
      await db.collection<Loose>('proto').findOneAndUpdate({ _id: 2 }, { $set: { path: payload() } });
      await db.collection<Loose>('proto').replaceOne({ _id: 1 }, { other: payload() });
      const [one, two] = await db.collection<Loose>('proto').find().sort({ _id: 1 }).toArray();
      expect(Object.getOwnPropertyNames(two.path)).to.deep.equal(['__proto__']);
      expect(Object.getOwnPropertyNames(one.other)).to.deep.equal(['__proto__']);
    });
  });

  describe('bitwise query operators on BinData and numbers', () => {
    before(async () => {
      await db.collection<Loose>('bits').insertMany([
        { _id: 1, b: new Binary(Buffer.from([0b00000101])) },
        { _id: 2, b: new Binary(Buffer.from([0b00000010, 0b10000000])) },
        { _id: 3, b: new UUID('00000000-0000-0000-0000-000000000001') },
        { _id: 4, b: -1 },
        { _id: 5, b: 2 ** 40 },
      ]);
    });
    const find = async (filter: Loose) => ids(await db.collection<Loose>('bits').find(filter).sort({ _id: 1 }).toArray());

    // BinData bit 0 is the least significant bit of the first byte; positions past the data are clear
    it('$bitsAllSet / $bitsAnySet read BinData little-endian', async () => {
      expect(await find({ b: { $bitsAllSet: [0, 2] } })).to.deep.equal([1, 4]);
      expect(await find({ b: { $bitsAnySet: [15] } })).to.deep.equal([2, 4]);
      expect(await find({ b: { $bitsAllSet: new Binary(Buffer.from([0b101])) } })).to.deep.equal([1, 4]);
    });

    it('a UUID (BinData subtype 4) is tested bit by bit too', async () => {
      expect(await find({ b: { $bitsAnySet: [120] } })).to.deep.equal([3, 4]);
    });

    it('$bitsAllClear / $bitsAnyClear: numbers are 64-bit two\'s complement, BinData is zero past its end', async () => {
      expect(await find({ b: { $bitsAllClear: [1] } })).to.deep.equal([1, 3, 5]);
      expect(await find({ b: { $bitsAnyClear: [0] } })).to.deep.equal([2, 3, 5]);
      expect(await find({ b: { $bitsAllSet: [40] } })).to.deep.equal([4, 5]);
      expect(await find({ b: { $bitsAllSet: [200] } })).to.deep.equal([4]);
    });
  });

  describe('DBRef fields in queries', () => {
    const oid = new ObjectId();
    before(async () => {
      await db.collection<Loose>('refs').insertMany([
        { _id: 1, members: [new DBRef('users', oid), new DBRef('users', new ObjectId())] },
        { _id: 2, owner: new DBRef('users', oid) },
        { _id: 3, members: [new DBRef('groups', new ObjectId())] },
      ]);
    });

    it('a dotted path reaches $id and $ref', async () => {
      expect(ids(await db.collection<Loose>('refs').find({ 'members.$id': oid }).toArray())).to.deep.equal([1]);
      expect(ids(await db.collection<Loose>('refs').find({ 'owner.$id': oid }).toArray())).to.deep.equal([2]);
      expect(ids(await db.collection<Loose>('refs').find({ 'members.$ref': 'groups' }).toArray())).to.deep.equal([3]);
    });

    it('$elemMatch may name $id and $ref', async () => {
      const found = await db.collection<Loose>('refs').find({ members: { $elemMatch: { $ref: 'users', $id: oid } } }).toArray();
      expect(ids(found)).to.deep.equal([1]);
    });
  });

  describe('honest refusals (embedded engine)', () => {
    let embedded = false;
    before(async () => {
      embedded = (await getTestServer()).embedded;
      await db.collection<Loose>('plain').insertOne({ _id: 1, a: 1 });
    });
    const refused = async (p: Promise<unknown>, name: string) => {
      if (!embedded) return; // a real server implements these
      const err = await expectServerError(p, 238); // 238 NotImplemented (a write error carries no codeName)
      expect(err.message).to.contain(name);
    };

    for (const [name, filter] of [
      ['$text', { $text: { $search: 'x' } }],
      ['$near', { loc: { $near: [0, 0] } }],
      ['$nearSphere', { loc: { $nearSphere: [0, 0] } }],
      ['$geoWithin', { loc: { $geoWithin: { $center: [[0, 0], 1] } } }],
      ['$geoIntersects', { loc: { $geoIntersects: { $geometry: { type: 'Point', coordinates: [0, 0] } } } }],
      ['$where', { $where: 'this.a == 1' }],
    ] as const) {
      it(`${name} answers 238 NotImplemented naming it (find, count, update, aggregate)`, async () => {
        const c = db.collection<Loose>('plain');
        await refused(c.find(filter as Loose).toArray(), name);
        await refused(c.countDocuments(filter as Loose), name);
        await refused(c.updateMany(filter as Loose, { $set: { z: 1 } }), name);
        await refused(c.aggregate([{ $match: { _id: 1 } }, { $match: filter }]).toArray(), name);
      });
    }

    it('$function and $accumulator answer 238 naming them, no internal error', async () => {
      const c = db.collection<Loose>('plain');
      await refused(c.aggregate([{ $project: { x: { $function: { body: 'function () { return 1; }', args: [], lang: 'js' } } } }]).toArray(), '$function');
      const acc = { init: 'function () { return 0; }', accumulate: 'function (s) { return s; }', accumulateArgs: [], merge: 'function (a) { return a; }', lang: 'js' };
      await refused(c.aggregate([{ $group: { _id: null, x: { $accumulator: acc } } }]).toArray(), '$accumulator');
    });

    it('an unknown $project expression is called an unrecognized expression, not an accumulator', async () => {
      const err = await expectServerError(db.collection<Loose>('plain').aggregate([{ $project: { x: { $fooBar: 1 } } }]).toArray(), 168);
      expect(err.message).to.contain("Unrecognized expression '$fooBar'");
      const inGroup = await expectServerError(db.collection<Loose>('plain').aggregate([{ $group: { _id: null, x: { $fooBar: 1 } } }]).toArray(), 15952);
      expect(inGroup.message).to.contain("unknown group operator '$fooBar'");
    });
  });
});
