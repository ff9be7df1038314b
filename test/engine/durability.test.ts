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
