/**
 * Issue #17: the engine presents itself as the primary of a one-member replica set, as
 * production's MongoDB replica set does, so `?replicaSet=` URIs, transactions and
 * mongoose's `withSession` / `transaction` behave the same against both.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import mongoose, { Schema } from 'mongoose';
import { MongoClient, Timestamp, type Db } from 'mongodb';
import { getTestServer, newClient, serverAddress, uniqueDbName, type Loose } from './harness';
import { startEmbeddedMongo } from '../../server/db/engine';

describe('conformance: single-node replica set', function () {
  const dbName = uniqueDbName('replset');
  let client: MongoClient;
  let db: Db;
  let hello: Loose;
  /** `mongodb://host:port/db?replicaSet=<name>`, the form production URIs take. */
  let replicaSetUri: string;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
    hello = await db.admin().command({ hello: 1 });
    const address = await serverAddress(client);
    const host = 'path' in address && address.path ? encodeURIComponent(address.path) : `${(address as Loose).host}:${(address as Loose).port}`;
    replicaSetUri = `mongodb://${host}/${dbName}?replicaSet=${hello.setName}`;
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it('hello describes a writable primary that lists itself as the only member', () => {
    expect(hello.setName).to.be.a('string').and.not.equal('');
    expect(hello.isWritablePrimary).to.equal(true);
    expect(hello.secondary).to.equal(false);
    expect(hello.hosts).to.deep.equal([hello.primary]);
    expect(hello.me).to.equal(hello.primary);
    expect(hello.setVersion).to.be.a('number');
  });

  it('every reply carries a $clusterTime and an operationTime that never go back', async () => {
    const first = await db.command({ ping: 1 });
    const second = await db.command({ ping: 1 });
    expect(first.operationTime).to.be.instanceOf(Timestamp);
    expect(first.$clusterTime.clusterTime).to.be.instanceOf(Timestamp);
    expect(second.operationTime.greaterThan(first.operationTime)).to.equal(true);
  });

  it('a ?replicaSet= URI connects and discovers the primary', async () => {
    const rs = new MongoClient(replicaSetUri, { serverSelectionTimeoutMS: 10_000 });
    try {
      await rs.connect();
      await rs.db('admin').command({ ping: 1 });
      expect((rs as Loose).topology.description.type).to.equal('ReplicaSetWithPrimary');
      await rs.db(dbName).collection<Loose>('viaSet').insertOne({ _id: 1 });
      expect(await rs.db(dbName).collection<Loose>('viaSet').countDocuments()).to.equal(1);
    } finally {
      await rs.close();
    }
  });

  it("the driver's withTransaction commits over a ?replicaSet= URI, and aborts on error", async () => {
    const rs = new MongoClient(replicaSetUri, { serverSelectionTimeoutMS: 10_000 });
    try {
      await rs.connect();
      const coll = rs.db(dbName).collection<Loose>('txn');
      await coll.insertOne({ _id: 0 });
      await rs.withSession((s) => s.withTransaction(async () => {
        await coll.insertOne({ _id: 1 }, { session: s });
        await coll.insertOne({ _id: 2 }, { session: s });
      }));
      const failed = rs.withSession((s) => s.withTransaction(async () => {
        await coll.insertOne({ _id: 3 }, { session: s });
        throw new Error('rolled back');
      }));
      await failed.then(() => expect.fail('should have thrown'), (e: Error) => expect(e.message).to.equal('rolled back'));
      expect((await coll.find().sort({ _id: 1 }).toArray()).map((d) => d._id)).to.deep.equal([0, 1, 2]);
    } finally {
      await rs.close();
    }
  });

  it("mongoose's connection.transaction and withSession run against it", async () => {
    const conn = mongoose.createConnection(replicaSetUri, { serverSelectionTimeoutMS: 10_000 });
    try {
      await conn.asPromise();
      const Officer = conn.model('Officer', new Schema({ name: String }));
      await Officer.createCollection();
      await conn.transaction(async (session) => {
        await Officer.create([{ name: 'Nguyễn Văn An' }], { session });
        // read-your-own-writes inside the transaction, invisible outside until commit
        expect(await Officer.countDocuments().session(session)).to.equal(1);
        expect(await Officer.countDocuments()).to.equal(0);
      });
      const seen = await conn.withSession(async (session) => Officer.findOne({ name: 'Nguyễn Văn An' }).session(session).lean());
      expect(seen?.name).to.equal('Nguyễn Văn An');
    } finally {
      await conn.close();
    }
  });

  it('replicaSet: false answers as a standalone server (embedded engine only)', async function () {
    if (!(await getTestServer()).embedded) return; // an option of the embedded engine
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'engine-standalone-'));
    const engine = await startEmbeddedMongo({ dataDir: dir, port: 0, replicaSet: false });
    const standalone = new MongoClient(engine.uri);
    try {
      const reply = await standalone.db('admin').command({ hello: 1 });
      expect(reply.setName).to.equal(undefined);
      expect(reply.isWritablePrimary).to.equal(true);
      expect(reply.operationTime).to.equal(undefined);
    } finally {
      await standalone.close();
      await engine.stop();
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  });
});
