/**
 * Issue #17: what collMod, $out and hashed indexes change survives a kill -9 and restart
 * (replayed from the journal), as it does on a MongoDB server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { killAll, startEngineProcess } from './engine-process';
import { expectServerError, type Loose } from './harness';

describe('engine: validators, $out and hashed indexes after kill -9', function () {
  if (process.env.MONGODB_URI) return; // needs the embedded engine's process
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-features-')); });
  after(async () => {
    await killAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the validator and its level, the $out contents and a hashed index', async () => {
    const first = await startEngineProcess(dir);
    let client = await MongoClient.connect(first.uri);
    let db = client.db('d');
    await db.createCollection('v', { validator: { $jsonSchema: { required: ['name'] } } });
    await db.command({ collMod: 'v', validationLevel: 'moderate' });
    await db.collection<Loose>('src').insertMany([{ _id: 1, name: 'An' }, { _id: 2, name: 'Bình' }]);
    await db.collection<Loose>('src').aggregate([{ $match: { _id: 2 } }, { $out: 'copy' }]).toArray();
    await db.collection<Loose>('src').createIndex({ name: 'hashed' });
    await client.close();
    first.proc.kill('SIGKILL');
    await first.proc.exited;

    const second = await startEngineProcess(dir);
    client = await MongoClient.connect(second.uri);
    db = client.db('d');
    const [info] = (await db.listCollections({ name: 'v' }).toArray()) as Loose[];
    expect(info.options).to.deep.include({ validationLevel: 'moderate', validationAction: 'error' });
    await expectServerError(db.collection<Loose>('v').insertOne({ _id: 1 }), 121);
    expect(await db.collection<Loose>('copy').find().toArray()).to.deep.equal([{ _id: 2, name: 'Bình' }]);
    const names = (await db.collection<Loose>('src').listIndexes().toArray()).map((ix) => ix.name);
    expect(names).to.include('name_hashed');
    await client.close();
  });
});
