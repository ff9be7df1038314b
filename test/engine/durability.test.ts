/**
 * Engine-level durability behaviour that needs a fault injected, so it runs the engine
 * in-process (startServer) with a journal sync hook; everything is still driven through
 * the driver over the wire.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { MongoClient, MongoServerError } from 'mongodb';
import { startServer, type RunningServer } from '../../server/db/engine';
import { killAll, startEngineProcess } from './engine-process';

describe('engine durability: a journal sync error stops writes, reads go on', function () {
  if (process.env.MONGODB_URI) return; // needs the embedded engine's fault injection
  let dir: string;
  let server: RunningServer;
  let client: MongoClient;
  let failSyncs = false;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-fsync-'));
    server = await startServer({
      dataDir: dir,
      port: 0,
      syncHook: async (fd) => {
        if (failSyncs) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
        fs.fdatasyncSync(fd);
      },
    });
    client = await MongoClient.connect(server.uri);
  });
  after(async () => {
    await client?.close();
    await server?.close().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('acknowledges nothing after the failed sync, answers a clear error, and keeps serving reads', async () => {
    const coll = client.db('d').collection<{ _id: number; ok?: boolean }>('c');
    await coll.insertOne({ _id: 1, ok: true });
    failSyncs = true;
    const first = await coll.insertOne({ _id: 2 }).then(() => null, (e: unknown) => e);
    expect(first).to.be.instanceOf(MongoServerError);
    expect((first as Error).message).to.match(/journal|nhật ký/i);
    failSyncs = false; // even with a healthy disk again, the engine must not carry on writing
    const later = await coll.updateOne({ _id: 1 }, { $set: { ok: false } }).then(() => null, (e: unknown) => e);
    expect(later).to.be.instanceOf(MongoServerError);
    expect((later as Error).message).to.match(/stopped accepting writes/);
    expect(await coll.findOne({ _id: 1 })).to.deep.equal({ _id: 1, ok: true });
    const status = await client.db('admin').command({ serverStatus: 1 });
    expect(status.storageEngine.writeFailure).to.be.a('string');
  });
});

describe('engine durability: fsync writes a checkpoint', function () {
  if (process.env.MONGODB_URI) return; // reads the embedded engine's recovery log
  this.timeout(60_000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-fsync-cmd-'));
  });
  after(async () => {
    await killAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('puts every earlier write in a snapshot: after a crash only later writes are replayed from the journal', async () => {
    const { proc, uri } = await startEngineProcess(dir);
    const client = await MongoClient.connect(uri);
    try {
      const coll = client.db('d').collection<{ _id: number }>('c');
      for (let i = 0; i < 20; i++) await coll.insertOne({ _id: i }); // 20 journal records
      expect(await client.db('admin').command({ fsync: 1 })).to.include({ ok: 1 });
      await coll.insertOne({ _id: 20 }); // after the checkpoint: in the journal only
      const locked = await client.db('admin').command({ fsync: 1, lock: true }).then(() => null, (e: unknown) => e);
      expect(locked).to.be.instanceOf(MongoServerError);
      expect((locked as Error).message).to.match(/'lock'.*not supported/);
    } finally {
      await client.close();
    }
    proc.kill('SIGKILL'); // no clean-stop checkpoint
    await proc.exited;
    const lines: string[] = [];
    const again = await startServer({ dataDir: dir, port: 0, log: (m) => lines.push(m) });
    const client2 = await MongoClient.connect(again.uri);
    try {
      expect(await client2.db('d').collection('c').countDocuments()).to.equal(21);
      expect(lines.join('\n')).to.match(/recovered \d+ snapshot \+ 1 journal records/);
    } finally {
      await client2.close();
      await again.close();
    }
  });
});

describe('engine durability: checkpoints on a time and record cadence', function () {
  if (process.env.MONGODB_URI) return; // reads the embedded engine's files
  this.timeout(60_000);
  let dir: string;
  let server: RunningServer | null = null;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-cadence-'));
  });
  afterEach(async () => {
    await server?.close();
    server = null;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Waits (polling, up to 20 s) until the engine has published a snapshot. */
  async function snapshotAppears(): Promise<string[]> {
    for (let i = 0; i < 200; i++) {
      const snaps = fs.readdirSync(dir).filter((n) => n.endsWith('.snap'));
      if (snaps.length) return snaps;
      await new Promise((r) => setTimeout(r, 100));
    }
    return [];
  }

  it('a quiet database still gets its recent writes into a snapshot after checkpointSeconds', async () => {
    server = await startServer({ dataDir: dir, port: 0, checkpointSeconds: 1 });
    const client = await MongoClient.connect(server.uri);
    try {
      await client.db('d').collection<{ _id: number }>('c').insertOne({ _id: 1 });
      expect(await snapshotAppears()).to.deep.equal(['snapshot-000002.snap']);
    } finally {
      await client.close();
    }
  });

  it('checkpoints after checkpointRecords journal records', async () => {
    server = await startServer({ dataDir: dir, port: 0, checkpointSeconds: 0, checkpointRecords: 10 });
    const client = await MongoClient.connect(server.uri);
    try {
      const coll = client.db('d').collection<{ _id: number }>('c');
      for (let i = 0; i < 9; i++) await coll.insertOne({ _id: i });
      expect(fs.readdirSync(dir).filter((n) => n.endsWith('.snap'))).to.deep.equal([]);
      await coll.insertOne({ _id: 9 });
      expect(await snapshotAppears()).to.deep.equal(['snapshot-000002.snap']);
    } finally {
      await client.close();
    }
  });
});
