import { expect } from 'chai';
import { MongoServerError, type Db, type MongoClient } from 'mongodb';
import { expectServerError, newClient, RawConnection, uniqueDbName, type Loose } from './harness';

const MiB = 1024 * 1024;

describe('conformance: honesty about what is not supported', function () {
  const dbName = uniqueDbName('honesty');
  let client: MongoClient;
  let db: Db;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
    await db.collection<Loose>('c').insertMany([
      { _id: 1, a: 1, s: 'ABC' },
      { _id: 2, a: 2, s: 'abc' },
      { _id: 3, a: 3, s: 'abd' },
    ]);
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it('an unknown command answers 59 CommandNotFound naming it', async () => {
    const err = await expectServerError(db.command({ fooBarBaz: 1 }), 59);
    expect(err.codeName).to.equal('CommandNotFound');
    expect(err.message).to.contain('fooBarBaz');
  });

  it('an unknown top-level query operator answers an error naming it', async () => {
    const err = await expectServerError(db.collection<Loose>('c').find({ $fooBar: 1 }).toArray(), 2);
    expect(err.message).to.contain('$fooBar');
  });

  it('an unknown field-level query operator answers an error naming it', async () => {
    const err = await expectServerError(db.collection<Loose>('c').find({ a: { $fooBar: 1 } }).toArray(), 2);
    expect(err.message).to.contain('$fooBar');
  });

  it('an unknown aggregation stage answers 40324 naming it', async () => {
    const err = await expectServerError(db.collection<Loose>('c').aggregate([{ $notAStage: {} }]).toArray(), 40324);
    expect(err.message).to.contain('$notAStage');
  });

  it('an unknown expression operator answers an error naming it', async () => {
    const err = await expectServerError(db.collection<Loose>('c').aggregate([{ $project: { x: { $fooBar: ['$a'] } } }]).toArray());
    expect(err.message).to.contain('$fooBar');
  });

  it('an unknown $group accumulator answers an error naming it', async () => {
    const err = await expectServerError(db.collection<Loose>('c').aggregate([{ $group: { _id: null, x: { $fooBar: '$a' } } }]).toArray());
    expect(err.message).to.contain('$fooBar');
  });

  it('an unknown update operator answers an error naming it and changes nothing', async () => {
    const err = await expectServerError(db.collection<Loose>('c').updateOne({ _id: 1 }, { $fooBar: { a: 5 } } as never));
    expect(err.message).to.contain('$fooBar');
    expect((await db.collection<Loose>('c').findOne({ _id: 1 }))!.a).to.equal(1);
  });

  it('an unknown field in a command answers 40415', async () => {
    const err = await expectServerError(db.command({ find: 'c', filter: {}, fooBarOption: true }), 40415);
    expect(err.message).to.contain('fooBarOption');
  });

  it('$text without a text index is an error, not an empty or wrong result', async () => {
    await expectServerError(db.collection<Loose>('c').find({ $text: { $search: 'abc' } }).toArray());
  });

  it('$near without a geo index is an error', async () => {
    await expectServerError(db.collection<Loose>('c').find({ loc: { $near: [0, 0] } }).toArray());
  });

  it('a case-insensitive collation is either honoured or refused, never ignored', async () => {
    let ids: unknown[] | undefined;
    try {
      ids = (await db.collection<Loose>('c').find({ s: 'abc' }, { collation: { locale: 'en', strength: 2 } }).sort({ _id: 1 }).toArray()).map((d) => d._id);
    } catch (e) {
      expect(e).to.be.instanceOf(MongoServerError);
      return;
    }
    expect(ids).to.deep.equal([1, 2]);
  });

  describe('document size limits', function () {
    this.timeout(60_000);

    const bigDoc = (totalBytes: number) => {
      // {_id: 1 (int32), x: "<string>"}: 4 + (1+4+4) + (1+2+4+n+1) + 1 = n + 22 bytes
      return { _id: 1, x: 'a'.repeat(totalBytes - 22) };
    };

    it('a document of exactly 16 MiB is accepted', async () => {
      const res = await db.command({ insert: 'max', documents: [bigDoc(16 * MiB)] });
      expect(res.ok).to.equal(1);
      expect(res.n).to.equal(1);
      expect(res.writeErrors).to.equal(undefined);
      await db.collection<Loose>('max').drop();
    });

    it('a document one byte over 16 MiB is refused with a write error ("object to insert too large")', async () => {
      const res = await db.command({ insert: 'toolarge', documents: [bigDoc(16 * MiB + 1)] });
      expect(res.ok).to.equal(1);
      expect(res.n).to.equal(0);
      expect(res.writeErrors).to.have.length(1);
      expect(res.writeErrors[0].index).to.equal(0);
      expect(res.writeErrors[0].code).to.equal(2); // BadValue
      expect(res.writeErrors[0].errmsg).to.contain('object to insert too large');
      expect(await db.collection<Loose>('toolarge').countDocuments()).to.equal(0);
    });

    it('a command body over 16 MiB + 16 KiB answers 10334 BSONObjectTooLarge and the connection keeps working', async () => {
      const err = await expectServerError(db.command({ insert: 'toolarge2', documents: [bigDoc(16 * MiB + 32 * 1024)] }), 10334);
      expect(err.message).to.contain('BSONObj size');
      expect((await db.command({ ping: 1 })).ok).to.equal(1);
      expect(await db.collection<Loose>('toolarge2').countDocuments()).to.equal(0);
    });
  });

  describe('malformed wire messages', function () {
    this.timeout(30_000);

    const header = (length: number, opCode = 2013) => {
      const b = Buffer.alloc(16);
      b.writeInt32LE(length, 0);
      b.writeInt32LE(1, 4);
      b.writeInt32LE(0, 8);
      b.writeInt32LE(opCode, 12);
      return b;
    };

    const cases: Array<[string, Buffer, boolean]> = [
      ['garbage bytes', Buffer.from('hello garbage!!! this is not a wire message\r\n\r\n'), false],
      ['a 2 GB length field', Buffer.concat([header(0x7fffffff), Buffer.alloc(64)]), false],
      ['a length field smaller than a header', Buffer.concat([header(4), Buffer.alloc(32)]), false],
      ['a negative length field', Buffer.concat([header(-20), Buffer.alloc(32)]), false],
      ['a truncated message followed by end of stream', Buffer.concat([header(200), Buffer.alloc(40)]), true],
    ];

    for (const [name, bytes, halfClose] of cases) {
      it(`${name}: the server closes that connection and keeps serving others`, async () => {
        const bystander = await RawConnection.open(client);
        const bad = await RawConnection.open(client);
        try {
          expect((await bystander.command({ ping: 1, $db: 'admin' })).ok).to.equal(1);
          bad.write(bytes);
          if (halfClose) bad.socket.end();
          expect(await bad.waitClosed(10_000), 'server closed the bad connection').to.equal(true);
          // an existing connection and new ones still work
          expect((await bystander.command({ ping: 1, $db: 'admin' })).ok).to.equal(1);
          expect((await db.command({ ping: 1 })).ok).to.equal(1);
          const fresh = await RawConnection.open(client);
          try {
            expect((await fresh.command({ find: 'c', filter: { _id: 2 }, $db: dbName })).cursor.firstBatch).to.have.length(1);
          } finally {
            fresh.destroy();
          }
        } finally {
          bad.destroy();
          bystander.destroy();
        }
      });
    }
  });
});
