import { expect } from 'chai';
import mongoose, { Schema, Types, type Connection } from 'mongoose';
import { getTestServer, sleep, uniqueDbName } from './harness';

describe('conformance: mongoose features', function () {
  const dbName = uniqueDbName('mongoose');
  let conn: Connection;

  before(async () => {
    const { uri } = await getTestServer();
    conn = mongoose.createConnection(uri, { dbName, serverSelectionTimeoutMS: 10_000 });
    await conn.asPromise();
  });
  after(async () => {
    if (conn) {
      await conn.dropDatabase();
      await conn.close();
    }
  });

  const collectionNames = async () => (await conn.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  const indexNames = async (coll: string) => (await conn.db!.collection(coll).listIndexes().toArray()).map((i) => i.name).sort();

  it('timestamps: createdAt/updatedAt are set on create and updatedAt moves on update', async () => {
    const Note = conn.model('Note', new Schema({ text: String }, { timestamps: true }));
    const created = await Note.create({ text: 'a' });
    expect(created.get('createdAt')).to.be.instanceOf(Date);
    expect(created.get('updatedAt').getTime()).to.equal(created.get('createdAt').getTime());
    await sleep(20);
    created.set('text', 'b');
    await created.save();
    const reread = await Note.findById(created._id).lean();
    expect(reread!.text).to.equal('b');
    expect((reread as { createdAt: Date }).createdAt.getTime()).to.equal(created.get('createdAt').getTime());
    expect((reread as { updatedAt: Date }).updatedAt.getTime()).to.be.greaterThan(created.get('createdAt').getTime());
    await sleep(20);
    const viaUpdate = await Note.findOneAndUpdate({ _id: created._id }, { $set: { text: 'c' } }, { returnDocument: 'after' }).lean();
    expect((viaUpdate as { updatedAt: Date }).updatedAt.getTime()).to.be.greaterThan((reread as { updatedAt: Date }).updatedAt.getTime());
    const raw = await conn.db!.collection('notes').findOne({ _id: created._id });
    expect(raw!.createdAt).to.be.instanceOf(Date);
  });

  it('populate resolves refs (single, array, with select) across collections', async () => {
    const Unit = conn.model('Unit', new Schema({ name: String, code: String }));
    const Officer = conn.model(
      'Officer',
      new Schema({ name: String, unit: { type: Schema.Types.ObjectId, ref: 'Unit' }, past: [{ type: Schema.Types.ObjectId, ref: 'Unit' }] }),
    );
    const [u1, u2] = await Unit.create([
      { name: 'Sở Nội vụ', code: 'SNV' },
      { name: 'UBND xã Đắk Rơ Wa', code: 'DRW' },
    ]);
    await Officer.create({ name: 'Nguyễn Thị Ánh Tuyết', unit: u2._id, past: [u1._id, u2._id] });
    const o = await Officer.findOne({ name: 'Nguyễn Thị Ánh Tuyết' }).populate('unit').populate({ path: 'past', select: 'code -_id' }).lean();
    expect((o!.unit as unknown as { name: string }).name).to.equal('UBND xã Đắk Rơ Wa');
    expect(o!.past).to.deep.equal([{ code: 'SNV' }, { code: 'DRW' }]);
  });

  it('unique → E11000 with MongoDB keyPattern/keyValue and errmsg', async () => {
    const User = conn.model('User', new Schema({ email: { type: String, unique: true }, name: String }));
    await User.init();
    await User.create({ email: 'tuyet@ubnd.gov.vn', name: 'A' });
    let err: (Error & { code?: number; keyPattern?: unknown; keyValue?: unknown; errmsg?: string }) | undefined;
    try {
      await User.create({ email: 'tuyet@ubnd.gov.vn', name: 'B' });
    } catch (e) {
      err = e as typeof err;
    }
    expect(err, 'duplicate create must fail').to.not.equal(undefined);
    expect(err!.code).to.equal(11000);
    expect(err!.keyPattern).to.deep.equal({ email: 1 });
    expect(err!.keyValue).to.deep.equal({ email: 'tuyet@ubnd.gov.vn' });
    expect(err!.errmsg ?? err!.message).to.equal(
      `E11000 duplicate key error collection: ${dbName}.users index: email_1 dup key: { email: "tuyet@ubnd.gov.vn" }`,
    );
    expect(await User.countDocuments()).to.equal(1);
  });

  it('autoCreate creates the collection at init; create on an existing one answers 48 which init tolerates', async () => {
    const Empty = conn.model('EmptyThing', new Schema({ x: Number }));
    await Empty.init();
    expect(await collectionNames()).to.include('emptythings');
    let code: number | undefined;
    try {
      await conn.db!.command({ create: 'emptythings' });
    } catch (e) {
      code = (e as { code?: number }).code;
    }
    expect(code).to.equal(48);
    const Again = conn.model('EmptyThingAgain', new Schema({ x: Number }), 'emptythings');
    await Again.init(); // must not throw
  });

  it('autoIndex builds schema indexes (single, compound, unique) at init', async () => {
    const schema = new Schema({ unit: String, year: Number, code: { type: String, index: true }, serial: { type: String, unique: true } });
    schema.index({ unit: 1, year: -1 });
    const Cert = conn.model('Cert', schema);
    await Cert.init();
    expect(await indexNames('certs')).to.deep.equal(['_id_', 'code_1', 'serial_1', 'unit_1_year_-1']);
    const serial = (await conn.db!.collection('certs').listIndexes().toArray()).find((i) => i.name === 'serial_1');
    expect(serial!.unique).to.equal(true);
  });

  it('syncIndexes drops indexes no longer in the schema and builds new ones', async () => {
    const v1 = new Schema({ a: String, b: String, c: String });
    v1.index({ a: 1 });
    v1.index({ b: 1 });
    const V1 = conn.model('SyncV1', v1, 'synced');
    await V1.init();
    expect(await indexNames('synced')).to.deep.equal(['_id_', 'a_1', 'b_1']);
    const v2 = new Schema({ a: String, b: String, c: String }, { autoIndex: false });
    v2.index({ b: 1 });
    v2.index({ c: 1 });
    const V2 = conn.model('SyncV2', v2, 'synced');
    const dropped = await V2.syncIndexes();
    expect(dropped).to.deep.equal(['a_1']);
    expect(await indexNames('synced')).to.deep.equal(['_id_', 'b_1', 'c_1']);
  });

  it('Model.bulkWrite reports inserted, matched, modified, deleted and upserted counts', async () => {
    const Item = conn.model('Item', new Schema({ sku: String, qty: Number }));
    await Item.create([
      { sku: 'a', qty: 1 },
      { sku: 'b', qty: 2 },
    ]);
    const res = await Item.bulkWrite([
      { insertOne: { document: { sku: 'c', qty: 3 } } },
      { updateOne: { filter: { sku: 'a' }, update: { $inc: { qty: 10 } } } },
      { deleteOne: { filter: { sku: 'b' } } },
      { updateOne: { filter: { sku: 'd' }, update: { $set: { qty: 4 } }, upsert: true } },
    ]);
    expect(res.insertedCount).to.equal(1);
    expect(res.matchedCount).to.equal(1);
    expect(res.modifiedCount).to.equal(1);
    expect(res.deletedCount).to.equal(1);
    expect(res.upsertedCount).to.equal(1);
    const all = await Item.find().sort({ sku: 1 }).lean();
    expect(all.map((i) => `${i.sku}:${i.qty}`)).to.deep.equal(['a:11', 'c:3', 'd:4']);
  });

  it('Model.find().cursor() streams every document in order across batches', async () => {
    const Row = conn.model('Row', new Schema({ n: Number }));
    await Row.insertMany(Array.from({ length: 23 }, (_, n) => ({ n })));
    const seen: number[] = [];
    for await (const doc of Row.find({ n: { $gte: 3 } }).sort({ n: -1 }).batchSize(4).cursor()) seen.push(doc.get('n') as number);
    expect(seen).to.deep.equal(Array.from({ length: 20 }, (_, i) => 22 - i));
    let count = 0;
    await Row.find().cursor({ batchSize: 5 }).eachAsync(() => {
      count++;
    });
    expect(count).to.equal(23);
  });

  it('upsert applies schema defaults through $setOnInsert only when inserting', async () => {
    const Progress = conn.model('Progress', new Schema({ key: String, status: { type: String, default: 'not-started' }, score: Number }));
    const created = await Progress.findOneAndUpdate({ key: 'k1' }, { $set: { score: 5 } }, { upsert: true, returnDocument: 'after' }).lean();
    expect(created).to.include({ key: 'k1', status: 'not-started', score: 5 });
    await Progress.updateOne({ key: 'k1' }, { $set: { status: 'done' } });
    const again = await Progress.findOneAndUpdate({ key: 'k1' }, { $set: { score: 9 } }, { upsert: true, returnDocument: 'after' }).lean();
    expect(again).to.include({ key: 'k1', status: 'done', score: 9 });
    expect(await Progress.countDocuments()).to.equal(1);
  });

  it('countDocuments, estimatedDocumentCount and distinct work through mongoose', async () => {
    const Tag = conn.model('Tag', new Schema({ topic: String }));
    await Tag.insertMany([{ topic: 'thai-do' }, { topic: 'giao-tiep' }, { topic: 'thai-do' }]);
    expect(await Tag.countDocuments({ topic: 'thai-do' })).to.equal(2);
    expect(await Tag.estimatedDocumentCount()).to.equal(3);
    expect((await Tag.distinct('topic')).sort()).to.deep.equal(['giao-tiep', 'thai-do']);
  });

  it('Decimal128, Buffer and nested subdocuments round-trip through mongoose', async () => {
    const Blob = conn.model(
      'Blob',
      new Schema({ amount: Schema.Types.Decimal128, data: Buffer, meta: { title: String, tags: [String] } }),
    );
    const doc = await Blob.create({ amount: Types.Decimal128.fromString('12345.6789'), data: Buffer.from([0, 1, 254, 255]), meta: { title: 'Ủy ban', tags: ['a'] } });
    const back = await Blob.findById(doc._id);
    expect(String(back!.get('amount'))).to.equal('12345.6789');
    expect(Buffer.from(back!.get('data') as Uint8Array).equals(Buffer.from([0, 1, 254, 255]))).to.equal(true);
    expect(back!.get('meta.title')).to.equal('Ủy ban');
    expect([...back!.get('meta.tags')]).to.deep.equal(['a']);
  });

  it('connection.transaction commits on success and rolls back on error', async () => {
    const Ledger = conn.model('Ledger', new Schema({ who: String, amount: Number }));
    await Ledger.init();
    await conn.transaction(async (session) => {
      await Ledger.create([{ who: 'a', amount: 1 }], { session });
      await Ledger.create([{ who: 'b', amount: 2 }], { session });
    });
    let failed = false;
    try {
      await conn.transaction(async (session) => {
        await Ledger.create([{ who: 'c', amount: 3 }], { session });
        throw new Error('boom');
      });
    } catch {
      failed = true;
    }
    expect(failed).to.equal(true);
    expect((await Ledger.find().sort({ who: 1 }).lean()).map((l) => l.who)).to.deep.equal(['a', 'b']);
  });
});
