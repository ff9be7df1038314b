/**
 * Issue #17: schema validation as MongoDB documents it
 * (https://www.mongodb.com/docs/manual/core/schema-validation/): a collection's
 * `validator` (query operators and `$jsonSchema`), `validationLevel`, `validationAction`,
 * `bypassDocumentValidation`; a failing write answers 121 DocumentValidationFailure.
 */
import { expect } from 'chai';
import { Double, Int32, type Db, type MongoClient, type MongoServerError } from 'mongodb';
import { expectServerError, newClient, uniqueDbName, type Loose } from './harness';

const officerSchema = {
  bsonType: 'object',
  required: ['name', 'unit'],
  properties: {
    name: { bsonType: 'string', minLength: 2, maxLength: 40 },
    unit: { enum: ['UBND', 'Sở GD'] },
    age: { bsonType: 'int', minimum: 18, maximum: 65 },
    code: { bsonType: 'string', pattern: '^[A-Z]{2}[0-9]{3}$' },
    score: { bsonType: 'double' },
    tags: { bsonType: 'array', items: { bsonType: 'string' }, maxItems: 3 },
  },
  additionalProperties: false,
  patternProperties: { '^_id$': {} },
};

/** The write error of a failed insertOne / updateOne (the driver throws it). */
async function validationError(p: Promise<unknown>): Promise<MongoServerError> {
  const err = await expectServerError(p, 121);
  expect(err.errInfo?.failingDocumentId).to.not.equal(undefined);
  return err;
}

describe('conformance: document validation', function () {
  const dbName = uniqueDbName('validation');
  let client: MongoClient;
  let db: Db;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
    await db.createCollection('officers', { validator: { $jsonSchema: officerSchema } });
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it('accepts a document that satisfies the schema; listCollections shows the options with the default level and action', async () => {
    await db.collection<Loose>('officers').insertOne({ _id: 1, name: 'Nguyễn An', unit: 'UBND', age: 30, code: 'HN001', score: new Double(8.5), tags: ['a'] });
    const [info] = (await db.listCollections({ name: 'officers' }).toArray()) as Loose[];
    expect(info.options).to.deep.include({ validationLevel: 'strict', validationAction: 'error' });
    expect(info.options.validator.$jsonSchema.required).to.deep.equal(['name', 'unit']);
  });

  it('refuses an insert breaking each kind of rule with 121 and an errInfo naming the rule', async () => {
    const c = db.collection<Loose>('officers');
    const missing = await validationError(c.insertOne({ _id: 2, name: 'Bình' }));
    expect(JSON.stringify(missing.errInfo)).to.contain('missingProperties').and.contain('unit');
    const cases: Array<[Loose, string]> = [
      [{ _id: 3, name: 5, unit: 'UBND' }, 'bsonType'],
      [{ _id: 4, name: 'C', unit: 'UBND' }, 'minLength'],
      [{ _id: 5, name: 'Chi', unit: 'Bộ' }, 'enum'],
      [{ _id: 6, name: 'Chi', unit: 'UBND', age: 70 }, 'maximum'],
      [{ _id: 7, name: 'Chi', unit: 'UBND', code: 'hn001' }, 'pattern'],
      [{ _id: 8, name: 'Chi', unit: 'UBND', tags: ['a', 1] }, 'items'],
      [{ _id: 9, name: 'Chi', unit: 'UBND', extra: true }, 'additionalProperties'],
      [{ _id: 10, name: 'Chi', unit: 'UBND', score: new Int32(8) }, 'bsonType'],
    ];
    for (const [doc, rule] of cases) {
      const err = await validationError(c.insertOne(doc));
      expect(JSON.stringify(err.errInfo), rule).to.contain(`"${rule}"`);
    }
    expect(await c.countDocuments()).to.equal(1);
  });

  it('checks updates too (strict); bypassDocumentValidation skips the check', async () => {
    const c = db.collection<Loose>('officers');
    await validationError(c.updateOne({ _id: 1 }, { $set: { age: 10 } }));
    await validationError(c.findOneAndUpdate({ _id: 1 }, { $unset: { unit: '' } }));
    expect((await c.findOne({ _id: 1 }))?.age).to.equal(30);
    await c.insertOne({ _id: 20, name: 'X' }, { bypassDocumentValidation: true });
    await c.updateOne({ _id: 1 }, { $set: { age: 10 } }, { bypassDocumentValidation: true });
    expect((await c.findOne({ _id: 1 }))?.age).to.equal(10);
  });

  it('moderate: updates to documents that were already invalid are not checked; inserts and valid ones are', async () => {
    await db.command({ collMod: 'officers', validationLevel: 'moderate' });
    const c = db.collection<Loose>('officers');
    await c.updateOne({ _id: 20 }, { $set: { note: 'still invalid' } }); // _id 20 was invalid before
    expect((await c.findOne({ _id: 20 }))?.note).to.equal('still invalid');
    await c.updateOne({ _id: 1 }, { $set: { age: 40 } }, { bypassDocumentValidation: true });
    await validationError(c.updateOne({ _id: 1 }, { $set: { age: 99 } }));
    await validationError(c.insertOne({ _id: 21, name: 'Y' }));
  });

  it("validationAction 'warn' lets an invalid write through; level 'off' checks nothing", async () => {
    const c = db.collection<Loose>('officers');
    await db.command({ collMod: 'officers', validationLevel: 'strict', validationAction: 'warn' });
    await c.insertOne({ _id: 30, name: 'Z' });
    await db.command({ collMod: 'officers', validationLevel: 'off', validationAction: 'error' });
    await c.insertOne({ _id: 31, name: 'Z' });
    expect(await c.countDocuments({ _id: { $in: [30, 31] } })).to.equal(2);
    const [info] = (await db.listCollections({ name: 'officers' }).toArray()) as Loose[];
    expect(info.options).to.deep.include({ validationLevel: 'off', validationAction: 'error' });
  });

  it('collMod sets a query-operator validator on an existing collection', async () => {
    const c = db.collection<Loose>('plain');
    await c.insertOne({ _id: 1, qty: 5 });
    await db.command({ collMod: 'plain', validator: { qty: { $gte: 0 }, status: { $in: ['A', 'B'] } } });
    await c.insertOne({ _id: 2, qty: 1, status: 'A' });
    const err = await validationError(c.insertOne({ _id: 3, qty: -1, status: 'A' }));
    expect(JSON.stringify(err.errInfo)).to.contain('$gte');
    expect(await c.countDocuments()).to.equal(2);
  });

  it('$jsonSchema also works as a query operator in find', async () => {
    const ids = (await db.collection<Loose>('officers').find({ $jsonSchema: { required: ['note'] } }).toArray()).map((d) => d._id);
    expect(ids).to.deep.equal([20]);
  });

  it('a malformed validator or level is refused and nothing is created', async () => {
    await expectServerError(db.createCollection('bad1', { validator: { $jsonSchema: { bsonType: 'nope' } } }));
    await expectServerError(db.createCollection('bad2', { validator: { $jsonSchema: { foo: 1 } } }), 9);
    await expectServerError(db.createCollection('bad3', { validator: { a: 1 }, validationLevel: 'sometimes' as never }), 2);
    const names = (await db.listCollections().toArray()).map((i) => i.name);
    expect(names).to.not.include.members(['bad1', 'bad2', 'bad3']);
  });

  it('$out and $merge apply the target validator unless bypassDocumentValidation', async () => {
    await db.createCollection('target', { validator: { n: { $type: 'int' } } });
    const src = db.collection<Loose>('src');
    await src.insertMany([{ _id: 1, n: 'x' }]);
    await expectServerError(src.aggregate([{ $merge: 'target' }]).toArray(), 121);
    await expectServerError(src.aggregate([{ $out: 'target' }]).toArray(), 121);
    await src.aggregate([{ $merge: 'target' }], { bypassDocumentValidation: true }).toArray();
    expect(await db.collection<Loose>('target').countDocuments()).to.equal(1);
  });
});
