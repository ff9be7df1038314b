import { expect } from 'chai';
import { Long, type Db, type MongoClient } from 'mongodb';
import { asLong, expectServerError, newClient, uniqueDbName, type Loose } from './harness';

describe('conformance: admin and diagnostic commands', function () {
  const dbName = uniqueDbName('admin');
  let client: MongoClient;
  let db: Db;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it('ping answers ok: 1 on any database', async () => {
    expect(await client.db('admin').command({ ping: 1 })).to.include({ ok: 1 });
    expect(await db.command({ ping: 1 })).to.include({ ok: 1 });
  });

  it('hello / isMaster describe a writable primary with MongoDB limits', async () => {
    for (const cmd of [{ hello: 1 }, { isMaster: 1 }, { ismaster: 1 }]) {
      const res = await client.db('admin').command(cmd);
      expect(res.ok).to.equal(1);
      if ('hello' in cmd) expect(res.isWritablePrimary).to.equal(true);
      else expect(res.ismaster).to.equal(true);
      expect(res.maxBsonObjectSize).to.equal(16 * 1024 * 1024);
      expect(res.maxMessageSizeBytes).to.equal(48_000_000);
      expect(res.maxWriteBatchSize).to.equal(100_000);
      expect(res.localTime).to.be.instanceOf(Date);
      expect(res.logicalSessionTimeoutMinutes).to.be.a('number');
      expect(res.minWireVersion).to.be.a('number');
      expect(res.maxWireVersion).to.be.at.least(res.minWireVersion);
      expect(res.maxWireVersion).to.be.at.least(17); // MongoDB >= 6.0
      expect(res.connectionId).to.be.a('number');
    }
  });

  it('buildInfo reports a version string and matching versionArray', async () => {
    const res = await client.db('admin').command({ buildInfo: 1 });
    expect(res.ok).to.equal(1);
    expect(res.version).to.match(/^\d+\.\d+\.\d+/);
    expect(res.versionArray).to.be.an('array').with.length.at.least(3);
    expect(res.versionArray.slice(0, 3).join('.')).to.equal(res.version.match(/^\d+\.\d+\.\d+/)[0]);
    expect(Number(res.versionArray[0])).to.be.at.least(6);
  });

  it('fsync flushes on the admin database and is refused on any other', async () => {
    await db.collection<{ _id: number }>('flushed').insertOne({ _id: 1 });
    const res = await client.db('admin').command({ fsync: 1 });
    expect(res.ok).to.equal(1);
    expect(Number(res.numFiles)).to.be.at.least(1);
    await expectServerError(db.command({ fsync: 1 }), 13);
  });

  it('serverStatus reports host, version, uptime, connections and cursor metrics', async () => {
    const res = await client.db('admin').command({ serverStatus: 1 });
    expect(res.ok).to.equal(1);
    expect(res.host).to.be.a('string');
    expect(res.version).to.be.a('string');
    expect(res.process).to.be.a('string');
    expect(Number(res.uptime)).to.be.at.least(0);
    expect(res.localTime).to.be.instanceOf(Date);
    expect(Number(res.connections.current)).to.be.at.least(1);
    expect(Number(res.connections.available)).to.be.a('number');
    expect(Number(res.metrics.cursor.open.total)).to.be.a('number');
  });

  it('serverStatus counts an open cursor in metrics.cursor.open.total until it is closed', async () => {
    await db.collection<Loose>('opencur').insertMany(Array.from({ length: 10 }, (_, i) => ({ i })));
    const open = async () => Number((await client.db('admin').command({ serverStatus: 1 })).metrics.cursor.open.total);
    const before = await open();
    const cursor = db.collection<Loose>('opencur').find({}, { batchSize: 2 });
    await cursor.next();
    expect(await open()).to.equal(before + 1);
    await cursor.close();
    expect(await open()).to.equal(before);
  });

  it('listCollections lists names and types, honours filter and nameOnly', async () => {
    await db.createCollection('alpha');
    await db.collection<Loose>('beta').insertOne({ x: 1 });
    const all = await db.listCollections().toArray();
    const alpha = all.find((c) => c.name === 'alpha');
    expect(alpha).to.include({ name: 'alpha', type: 'collection' });
    expect(all.map((c) => c.name)).to.include.members(['alpha', 'beta']);
    const filtered = await db.listCollections({ name: 'beta' }).toArray();
    expect(filtered.map((c) => c.name)).to.deep.equal(['beta']);
    const names = await db.listCollections({}, { nameOnly: true }).toArray();
    expect(names.find((c) => c.name === 'alpha')).to.deep.equal({ name: 'alpha', type: 'collection' });
    const raw = await db.command({ listCollections: 1, filter: { name: { $in: ['alpha', 'nope'] } } });
    expect(raw.cursor.ns).to.equal(`${dbName}.$cmd.listCollections`);
    expect(raw.cursor.firstBatch.map((c: { name: string }) => c.name)).to.deep.equal(['alpha']);
  });

  it('create on an existing collection answers 48 NamespaceExists', async () => {
    await db.command({ create: 'twice' });
    const err = await expectServerError(db.command({ create: 'twice' }), 48);
    expect(err.codeName).to.equal('NamespaceExists');
  });

  it('drop removes a collection, its documents and its indexes', async () => {
    const coll = db.collection<Loose>('dropme');
    await coll.insertOne({ a: 1 });
    await coll.createIndex({ a: 1 });
    expect(await coll.drop()).to.equal(true);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).to.not.include('dropme');
    expect(await coll.countDocuments()).to.equal(0);
    await coll.insertOne({ a: 1 });
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).to.deep.equal(['_id_']);
  });

  it('listDatabases includes a database once it has data, with sizes; dropDatabase removes it', async () => {
    const otherName = uniqueDbName('admin_other');
    const other = client.db(otherName);
    await other.collection<Loose>('c').insertOne({ a: 1 });
    const res = await client.db('admin').command({ listDatabases: 1 });
    expect(res.ok).to.equal(1);
    const entry = res.databases.find((d: { name: string }) => d.name === otherName);
    expect(entry, 'database listed').to.not.equal(undefined);
    expect(Number(entry.sizeOnDisk)).to.be.a('number');
    expect(entry.empty).to.equal(false);
    expect(Number(res.totalSize)).to.be.a('number');
    const namesOnly = await client.db('admin').command({ listDatabases: 1, nameOnly: true });
    expect(namesOnly.databases.map((d: { name: string }) => d.name)).to.include(otherName);
    expect(await other.dropDatabase()).to.equal(true);
    const after = await client.db('admin').command({ listDatabases: 1, nameOnly: true });
    expect(after.databases.map((d: { name: string }) => d.name)).to.not.include(otherName);
    expect(await other.collection<Loose>('c').countDocuments()).to.equal(0);
  });

  it('endSessions answers ok', async () => {
    const session = client.startSession();
    await db.collection<Loose>('sess').insertOne({ a: 1 }, { session });
    const res = await client.db('admin').command({ endSessions: [session.id!] });
    expect(res.ok).to.equal(1);
    await session.endSession();
  });

  it('killCursors answers cursorsKilled / cursorsNotFound / cursorsAlive / cursorsUnknown', async () => {
    await db.collection<Loose>('kc').insertMany(Array.from({ length: 5 }, (_, i) => ({ i })));
    const session = client.startSession();
    try {
      const res = await db.command({ find: 'kc', batchSize: 1 }, { session });
      const id = asLong(res.cursor.id);
      const gone = Long.fromNumber(987654321);
      const kill = await db.command({ killCursors: 'kc', cursors: [id, gone] }, { session });
      expect(kill.ok).to.equal(1);
      expect(kill.cursorsKilled.map((c: unknown) => asLong(c).toString())).to.deep.equal([id.toString()]);
      expect(kill.cursorsNotFound.map((c: unknown) => asLong(c).toString())).to.deep.equal([gone.toString()]);
      expect(kill.cursorsAlive).to.deep.equal([]);
      expect(kill.cursorsUnknown).to.deep.equal([]);
    } finally {
      await session.endSession();
    }
  });

  it('commands are case-sensitive: "Ping" is not a command', async () => {
    await expectServerError(db.command({ Ping: 1 }), 59);
  });
});
