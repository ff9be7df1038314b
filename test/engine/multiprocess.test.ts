/**
 * Several processes against one standalone engine: three writer processes (each with
 * 3 single-insert clients and 1 transaction client) write concurrently and the final
 * contents are exact; a second engine on the same --dbpath refuses to start because the
 * directory is locked, and the first keeps serving.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { DB_SCRIPT, describeExit, killAll, parseAcks, Proc, startEngineProcess, startWriter, TXN_SIZE, type EngineProc } from './engine-process';

const WRITERS = 3;
const SINGLES = 3;
const TXNS = 1;
const COUNT = Number(process.env.MULTIPROCESS_COUNT ?? 300);

describe('engine shared by several processes', function () {
  this.timeout(180_000);
  let dir: string;
  let engine: EngineProc;
  let client: MongoClient;

  before(async () => {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'engine-multiproc-'));
    engine = await startEngineProcess(dir);
    client = new MongoClient(engine.uri, { serverSelectionTimeoutMS: 10_000 });
    await client.connect();
  });

  after(async () => {
    await client?.close().catch(() => undefined);
    await killAll();
    if (dir) await fs.promises.rm(dir, { recursive: true, force: true });
  });

  it(`${WRITERS} writer processes writing concurrently leave exact counts`, async () => {
    const t0 = Date.now();
    const writers = Array.from({ length: WRITERS }, (_, i) =>
      startWriter({ uri: engine.uri, base: (i + 1) * 100, singles: SINGLES, txns: TXNS, count: COUNT }),
    );
    const exits = await Promise.all(writers.map((w) => w.waitExit(150_000)));
    exits.forEach((e, i) => {
      expect(e.forced, `${writers[i].name} did not finish within 150 s`).to.equal(false);
      expect(e.code, `${writers[i].name} ${describeExit(e)}: ${writers[i].stderr}`).to.equal(0);
    });

    const expected = new Set<string>();
    for (let i = 0; i < WRITERS; i++) {
      const base = (i + 1) * 100;
      for (let seq = 0; seq < COUNT; seq++) {
        for (let c = 0; c < SINGLES; c++) expected.add(`w${base + c}-${seq}`);
        for (let c = SINGLES; c < SINGLES + TXNS; c++) for (let k = 0; k < TXN_SIZE; k++) expected.add(`t${base + c}-${seq}-${k}`);
      }
    }
    const acks = writers.map((w) => parseAcks(w.lines));
    expect(acks.reduce((n, a) => n + a.singles.length, 0)).to.equal(WRITERS * SINGLES * COUNT);
    expect(acks.reduce((n, a) => n + a.groups.length, 0)).to.equal(WRITERS * TXNS * COUNT);

    const col = client.db('crash').collection<{ _id: string }>('docs');
    const ids = (await col.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
    expect(ids.length, 'documents returned by find').to.equal(expected.size);
    expect(new Set(ids).size, 'distinct _ids').to.equal(expected.size);
    expect(ids.filter((id) => !expected.has(id)), 'unexpected _ids').to.deep.equal([]);
    expect(await col.countDocuments({}), 'countDocuments').to.equal(expected.size);
    expect(await col.estimatedDocumentCount(), 'estimatedDocumentCount').to.equal(expected.size);
    expect(await col.countDocuments({ group: { $exists: true } }), 'transaction documents').to.equal(WRITERS * TXNS * COUNT * TXN_SIZE);
    console.log(`      ${WRITERS} processes × ${SINGLES + TXNS} clients: ${expected.size} documents in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  it('a second engine on the same --dbpath refuses to start and names the lock', async () => {
    const second = new Proc(DB_SCRIPT, ['--dbpath', dir, '--port', '0', '--quiet'], 'second engine');
    const exit = await second.waitExit(30_000);
    expect(exit.forced, `the second engine was still running after 30 s; stdout: ${second.lines.join(' | ')}`).to.equal(false);
    expect(exit.code, `second engine ${describeExit(exit)}`).to.be.a('number').and.not.equal(0);
    expect(second.lines.join('\n'), 'the second engine must not print a URI').not.to.match(/mongodb:\/\//);
    expect(second.stderr, 'error message of the second engine').to.match(/lock/i);

    // The first engine is unaffected and still holds all its data.
    expect((await client.db('admin').command({ ping: 1 })).ok).to.equal(1);
    const n = await client.db('crash').collection('docs').countDocuments({});
    expect(n).to.equal(WRITERS * COUNT * (SINGLES + TXNS * TXN_SIZE));

    // After a clean stop the lock is released: a new engine starts and finds the same data.
    await client.close();
    engine.proc.kill('SIGTERM');
    const stop = await engine.proc.waitExit(60_000);
    expect(stop.code, `first engine after SIGTERM (${describeExit(stop)}): ${engine.proc.stderr}`).to.equal(0);
    engine = await startEngineProcess(dir);
    client = new MongoClient(engine.uri, { serverSelectionTimeoutMS: 10_000 });
    await client.connect();
    expect(await client.db('crash').collection('docs').countDocuments({})).to.equal(n);
  });
});
