import { expect } from 'chai';
import {
  Binary,
  BSONRegExp,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
  UUID,
  type Db,
  type MongoClient,
} from 'mongodb';
import { newClient, uniqueDbName, type Loose } from './harness';

describe('conformance: BSON types round-trip', function () {
  const dbName = uniqueDbName('types');
  let client: MongoClient;
  let db: Db;
  const coll = (name: string) => db.collection<Loose>(name);

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it('ObjectId and Date (ms precision, before 1970 and far future) come back equal', async () => {
    const oid = new ObjectId();
    const dates = [new Date('2024-02-29T23:59:59.999Z'), new Date(-86_400_000 * 365 * 30 - 123), new Date('9999-12-31T23:59:59.999Z'), new Date(0)];
    await coll('dates').insertOne({ _id: 1, ref: oid, dates });
    const back = await coll('dates').findOne({ _id: 1 });
    expect(back!.ref).to.be.instanceOf(ObjectId);
    expect(back!.ref.toHexString()).to.equal(oid.toHexString());
    expect(back!.dates.map((d: Date) => d.getTime())).to.deep.equal(dates.map((d) => d.getTime()));
    expect(await coll('dates').countDocuments({ ref: oid })).to.equal(1);
    expect(await coll('dates').countDocuments({ dates: new Date(0) })).to.equal(1);
  });

  it('Buffer / Binary (subtypes 0 and 4, all byte values, empty) come back byte-exact', async () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const uuid = new UUID();
    await coll('bin').insertOne({ _id: 1, buf: all, empty: Buffer.alloc(0), uuid, custom: new Binary(Buffer.from('xyz'), 0x80) });
    const back = await coll('bin').findOne({ _id: 1 });
    expect(back!.buf).to.be.instanceOf(Binary);
    expect(Buffer.from(back!.buf.buffer).equals(all)).to.equal(true);
    expect(back!.buf.sub_type).to.equal(0);
    expect(back!.empty.length()).to.equal(0);
    expect(back!.uuid.sub_type).to.equal(4);
    expect(new UUID(back!.uuid.buffer).toHexString()).to.equal(uuid.toHexString());
    expect(back!.custom.sub_type).to.equal(0x80);
    expect(Buffer.from(back!.custom.buffer).toString()).to.equal('xyz');
    expect(await coll('bin').countDocuments({ buf: all })).to.equal(1);
  });

  it('Decimal128 values are stored and returned exactly (digits, trailing zeros, sign, specials)', async () => {
    const values = ['0.10', '1234567890.123456789012345678901234', '-0', '-0.000', '1E+10', '5E-6176', '9.999999999999999999999999999999999E+6144', 'NaN', 'Infinity', '-Infinity', '0.1'];
    await coll('dec').insertMany(values.map((v, i) => ({ _id: i, d: Decimal128.fromString(v) })));
    const back = await coll('dec').find().sort({ _id: 1 }).toArray();
    expect(back.map((d) => d.d)).to.satisfy((ds: unknown[]) => ds.every((d) => d instanceof Decimal128));
    expect(back.map((d) => d.d.toString())).to.deep.equal(values);
    // decimal 0.1 is not the double 0.1; decimal 0.10 equals decimal 0.1 numerically
    expect(await coll('dec').countDocuments({ d: Decimal128.fromString('0.1') })).to.equal(2);
    expect(await coll('dec').countDocuments({ d: 0.1 })).to.equal(0);
  });

  it('Int32, Long and Double keep their BSON types (promoteValues: false)', async () => {
    await coll('nums').insertOne({ _id: 1, i: new Int32(5), l: Long.fromNumber(5), d: new Double(5), big: Long.fromString('9007199254740993'), neg: Long.MIN_VALUE });
    const raw = await coll('nums').findOne({ _id: 1 }, { promoteValues: false });
    expect(raw!.i).to.be.instanceOf(Int32);
    expect(raw!.i.value).to.equal(5);
    expect(raw!.l).to.be.instanceOf(Long);
    expect(raw!.l.toString()).to.equal('5');
    expect(raw!.d).to.be.instanceOf(Double);
    expect(raw!.d.value).to.equal(5);
    expect(raw!.big.toString()).to.equal('9007199254740993');
    expect(raw!.neg.toString()).to.equal('-9223372036854775808');
    const asBigInt = await coll('nums').findOne({ _id: 1 }, { useBigInt64: true });
    expect(asBigInt!.big).to.equal(9007199254740993n);
    expect(asBigInt!.neg).to.equal(-9223372036854775808n);
    expect(asBigInt!.i).to.equal(5);
  });

  it('$type distinguishes int, long, double, decimal, objectId and the rest', async () => {
    await coll('typed').insertMany([
      { _id: 'int', v: new Int32(1) },
      { _id: 'long', v: Long.fromNumber(1) },
      { _id: 'double', v: new Double(1) },
      { _id: 'decimal', v: Decimal128.fromString('1') },
      { _id: 'objectId', v: new ObjectId() },
      { _id: 'string', v: '1' },
      { _id: 'bool', v: true },
      { _id: 'date', v: new Date() },
      { _id: 'null', v: null },
      { _id: 'array', v: [] },
      { _id: 'object', v: {} },
      { _id: 'binData', v: Buffer.from('a') },
      { _id: 'regex', v: /a/i },
    ]);
    for (const t of ['int', 'long', 'double', 'decimal', 'objectId', 'string', 'bool', 'date', 'null', 'object', 'binData', 'regex']) {
      const found = (await coll('typed').find({ v: { $type: t } }).toArray()).map((d) => d._id);
      expect(found, `$type ${t}`).to.deep.equal([t]);
    }
    const numbers = (await coll('typed').find({ v: { $type: 'number' } }).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(numbers).to.deep.equal(['decimal', 'double', 'int', 'long']);
    // numeric equality ignores the numeric type
    const ones = (await coll('typed').find({ v: 1 }).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(ones).to.deep.equal(['decimal', 'double', 'int', 'long']);
  });

  it('a Double 5.0 stays a Double after an unrelated $set, and after $inc by an int', async () => {
    await coll('dbl').insertOne({ _id: 1, d: new Double(5), other: 0 });
    await coll('dbl').updateOne({ _id: 1 }, { $set: { other: 1 } });
    let raw = await coll('dbl').findOne({ _id: 1 }, { promoteValues: false });
    expect(raw!.d).to.be.instanceOf(Double);
    expect(raw!.d.value).to.equal(5);
    expect(await coll('dbl').countDocuments({ d: { $type: 'double' } })).to.equal(1);
    await coll('dbl').updateOne({ _id: 1 }, { $inc: { d: new Int32(1) } });
    raw = await coll('dbl').findOne({ _id: 1 }, { promoteValues: false });
    expect(raw!.d).to.be.instanceOf(Double);
    expect(raw!.d.value).to.equal(6);
  });

  it('$inc past the int32 range promotes to a Long; int + int stays an int', async () => {
    await coll('overflow').insertOne({ _id: 1, i: new Int32(2147483646), j: new Int32(1) });
    await coll('overflow').updateOne({ _id: 1 }, { $inc: { i: new Int32(2), j: new Int32(1) } });
    const raw = await coll('overflow').findOne({ _id: 1 }, { promoteValues: false });
    expect(raw!.i).to.be.instanceOf(Long);
    expect(raw!.i.toString()).to.equal('2147483648');
    expect(raw!.j).to.be.instanceOf(Int32);
    expect(raw!.j.value).to.equal(2);
  });

  it('null and missing: {a: null} matches both, {a: {$exists: false}} only missing', async () => {
    await coll('nulls').insertMany([{ _id: 'null', a: null }, { _id: 'missing' }, { _id: 'value', a: 0 }, { _id: 'nested', a: { b: null } }]);
    const ids = async (f: object) => (await coll('nulls').find(f).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(await ids({ a: null })).to.deep.equal(['missing', 'null']);
    expect(await ids({ a: { $exists: false } })).to.deep.equal(['missing']);
    expect(await ids({ a: { $exists: true } })).to.deep.equal(['nested', 'null', 'value']);
    expect(await ids({ a: { $type: 'null' } })).to.deep.equal(['null']);
    expect(await ids({ a: { $ne: null } })).to.deep.equal(['nested', 'value']);
    expect(await ids({ 'a.b': null })).to.deep.equal(['missing', 'nested', 'null', 'value']);
    const back = await coll('nulls').findOne({ _id: 'null' });
    expect(Object.prototype.hasOwnProperty.call(back, 'a')).to.equal(true);
    expect(back!.a).to.equal(null);
  });

  it('nested documents and arrays round-trip with field order preserved', async () => {
    const doc = {
      _id: 'deep',
      z: 1,
      a: { y: [1, [2, [3, { x: [] }]], { w: { v: [null, true, 'ü'] } }], b: {} },
      m: [[], [[]], [{}]],
      k: 'last',
    };
    await coll('nested').insertOne(doc);
    const back = await coll('nested').findOne({ _id: 'deep' });
    expect(back).to.deep.equal(doc);
    expect(Object.keys(back!)).to.deep.equal(['_id', 'z', 'a', 'm', 'k']);
    expect(Object.keys(back!.a)).to.deep.equal(['y', 'b']);
    expect(await coll('nested').countDocuments({ 'a.y.2.w.v': true })).to.equal(1);
  });

  it('Vietnamese strings come back byte-for-byte in NFC and NFD forms, and stay distinct', async () => {
    const nfc = 'Nguyễn Thị Ánh Tuyết — Ủy ban nhân dân xã Đắk Rơ Wa'.normalize('NFC');
    const nfd = nfc.normalize('NFD');
    expect(nfc).to.not.equal(nfd);
    await coll('vi').insertMany([
      { _id: 'nfc', s: nfc, [nfc.slice(0, 6)]: 'key' },
      { _id: 'nfd', s: nfd },
    ]);
    const c = await coll('vi').findOne({ _id: 'nfc' });
    const d = await coll('vi').findOne({ _id: 'nfd' });
    expect(Buffer.from(c!.s, 'utf8').equals(Buffer.from(nfc, 'utf8'))).to.equal(true);
    expect(Buffer.from(d!.s, 'utf8').equals(Buffer.from(nfd, 'utf8'))).to.equal(true);
    expect(c![nfc.slice(0, 6)]).to.equal('key');
    // comparison is binary: each form only matches itself
    expect((await coll('vi').find({ s: nfc }).toArray()).map((x) => x._id)).to.deep.equal(['nfc']);
    expect((await coll('vi').find({ s: nfd }).toArray()).map((x) => x._id)).to.deep.equal(['nfd']);
    const [agg] = await coll('vi').aggregate([{ $match: { _id: 'nfc' } }, { $project: { n: { $strLenCP: '$s' }, b: { $strLenBytes: '$s' } } }]).toArray();
    expect(agg.n).to.equal([...nfc].length);
    expect(agg.b).to.equal(Buffer.byteLength(nfc, 'utf8'));
  });

  it('regular expressions, booleans, Timestamp, MinKey and MaxKey round-trip', async () => {
    await coll('misc').insertOne({ _id: 1, re: new BSONRegExp('^Đắk\\s+Rơ', 'imsu'), t: true, f: false, ts: new Timestamp({ t: 1700000000, i: 7 }), lo: new MinKey(), hi: new MaxKey() });
    const back = await coll('misc').findOne({ _id: 1 }, { bsonRegExp: true });
    expect(back!.re).to.be.instanceOf(BSONRegExp);
    expect(back!.re.pattern).to.equal('^Đắk\\s+Rơ');
    expect(back!.re.options).to.equal('imsu');
    expect(back!.t).to.equal(true);
    expect(back!.f).to.equal(false);
    expect(back!.ts).to.be.instanceOf(Timestamp);
    expect([back!.ts.t, back!.ts.i]).to.deep.equal([1700000000, 7]);
    expect(back!.lo).to.be.instanceOf(MinKey);
    expect(back!.hi).to.be.instanceOf(MaxKey);
  });
});
