/**
 * The embedded engine's direct link (server/db/engine-link.ts) and raw.ts's reads and writes
 * over it, against the real engine over its unix socket: the same answers as the driver's
 * own path, errors as the driver's MongoServerError, replies matched to their requests, and
 * a link that outlives the engine going away and coming back.
 */
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Long, MongoClient, MongoServerError, ObjectId, type Collection, type Document } from 'mongodb';
import { connectDatabase, type Database } from '../../server/db/connect';
import { defaultListenOptions, startEmbeddedMongo, startServer } from '../../server/db/engine';
import { EngineLink, engineLinkOf } from '../../server/db/engine-link';
import { findFirst, findMany, findOneAndUpdate, insertOne, updateOne, type UpdateOperators } from '../../server/db/raw';

const BAD_VALUE = 2;
const DUPLICATE_KEY = 11000;

const tempDir = (name: string) => fsp.mkdtemp(join(tmpdir(), `vhcv-link-${name}-`));

/** The unix socket the embedded engine listens on for `dataDir` (connectDatabase's `dataDir/db`). */
function socketOf(dataDir: string): string {
  const listen = defaultListenOptions(dataDir);
  if (!('socketPath' in listen)) throw new Error('no unix socket on this platform');
  return listen.socketPath;
}

/** `promise`'s rejection; fails when it resolves, or when it has not settled within `ms` (a hang). */
async function rejectionOf(promise: Promise<unknown>, ms = 10_000): Promise<Error> {
  const outcome = await within(ms, promise.then(() => null, (e: Error) => e));
  if (!outcome) throw new Error('expected a rejection, got an answer');
  return outcome;
}

/** `promise`, or a failure once `ms` have passed: a hang fails with a message rather than the suite's timeout. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Awaits `promise` and checks it failed as the driver fails: a MongoServerError of `code`. */
async function expectServerError(promise: Promise<unknown>, code: number): Promise<void> {
  const error = await rejectionOf(promise);
  expect(error, String(error)).to.be.instanceOf(MongoServerError);
  expect((error as MongoServerError).code, error.message).to.equal(code);
}

const nfc = (s: string) => s.normalize('NFC');
const at = new Date('2026-03-08T01:02:03.456Z');
const ids = [new ObjectId(), new ObjectId(), new ObjectId()];
/** Documents of every shape the platform stores: ObjectId, Date, nested arrays and objects, Vietnamese text, null, numbers. */
const sample: Array<Document & { _id: ObjectId }> = [
  { _id: ids[0], rank: 1, name: nfc('Nguyễn Thị Ánh Tuyết'), at, score: 9.5, count: 3, big: Long.fromString('9007199254740993'), tags: ['an toàn', ['lớp', 2]], unit: { code: 'HN-01', levels: [1, 2, { deep: null }] }, note: null },
  { _id: ids[1], rank: 2, name: nfc('Trần Quốc Việt'), at, score: -0.25, count: 0, big: 2 ** 31, tags: [], unit: { code: 'HP-02', levels: [] }, note: nfc('Đã hoàn thành') },
  { _id: ids[2], rank: 3, name: nfc('Lê Đức Thọ'), at: new Date(0), score: 7, count: 12, big: -1, tags: [['ưu tiên']], unit: { code: 'ĐN-03', levels: [{ a: [null] }] }, note: null },
];

describe('db: the embedded engine link (server/db/engine-link.ts, raw.ts)', function () {
  if (process.platform === 'win32') return; // no unix socket: the embedded engine listens on TCP and keeps the driver
  this.timeout(60_000);
  let dataDir: string;
  let database: Database;
  let driverOnly: MongoClient;
  before(async () => {
    dataDir = await tempDir('embedded');
    database = await connectDatabase({ dataDir });
    driverOnly = await MongoClient.connect(`mongodb://${encodeURIComponent(socketOf(join(dataDir, 'db')))}/?directConnection=true`);
  });
  after(async () => {
    await driverOnly?.close();
    await database?.close();
    await fsp.rm(dataDir, { recursive: true, force: true });
  });

  describe('connectDatabase', () => {
    it('attaches a link to the embedded engine (no URI), none to a URI', async () => {
      expect(engineLinkOf(database.connection.getClient())).to.be.instanceOf(EngineLink);
      const standaloneDir = await tempDir('standalone');
      const standalone = await startServer({ dataDir: standaloneDir, socketPath: join(standaloneDir, 'engine.sock') });
      const byUri = await connectDatabase({ uri: standalone.uri, dataDir: standaloneDir });
      try {
        expect(byUri.embedded).to.equal(false);
        expect(engineLinkOf(byUri.connection.getClient())).to.equal(undefined);
      } finally {
        await byUri.close();
        await standalone.close();
        await fsp.rm(standaloneDir, { recursive: true, force: true });
      }
    });
  });

  // The same assertions on both paths, against the same engine: mongoose's client (with the link) and a plain driver client (none).
  const paths = [
    { name: 'the direct link', client: () => database.connection.getClient(), linked: true },
    { name: 'the driver alone', client: () => driverOnly, linked: false },
  ];
  let collections = 0;
  for (const path of paths) {
    describe(`raw.ts over ${path.name}`, () => {
      let c: Collection<Document>;
      beforeEach(async () => {
        c = path.client().db('linktest').collection(`c${++collections}`);
        for (const doc of sample) await insertOne(c, doc);
      });

      it(path.linked ? 'goes over a link' : 'has no link', () => {
        expect(engineLinkOf(path.client()) !== undefined).to.equal(path.linked);
      });

      it('findMany / findFirst return the documents as stored, with projection, sort and limit', async () => {
        expect(await findMany(c, {}, { sort: { rank: 1 } })).to.deep.equal(sample);
        const [first] = await findMany(c, { _id: ids[0] });
        expect(first!['_id']).to.be.instanceOf(ObjectId);
        expect(first!['at']).to.be.instanceOf(Date);
        expect(first!['big']).to.be.instanceOf(Long);
        expect(first!['name'].normalize('NFC')).to.equal(first!['name']);
        expect(await findMany(c, { rank: { $gte: 1 } }, { projection: { name: 1, 'unit.code': 1 }, sort: { rank: -1 }, limit: 2 })).to.deep.equal([
          { _id: ids[2], name: sample[2]!['name'], unit: { code: nfc('ĐN-03') } },
          { _id: ids[1], name: sample[1]!['name'], unit: { code: 'HP-02' } },
        ]);
        expect(await findMany(c, { note: null }, { sort: { rank: -1 }, projection: { _id: 0, rank: 1 } })).to.deep.equal([{ rank: 3 }, { rank: 1 }]);
        expect(await findMany(c, { rank: 99 })).to.deep.equal([]);
        expect(await findFirst(c, { name: nfc('Trần Quốc Việt') })).to.deep.equal(sample[1]);
        expect(await findFirst(c, {}, { sort: { score: 1 }, projection: { _id: 0, rank: 1 } })).to.deep.equal({ rank: 2 });
        expect(await findFirst(c, { 'tags.0': 'an toàn' }, { projection: { tags: 1, _id: 0 } })).to.deep.equal({ tags: sample[0]!['tags'] });
        expect(await findFirst(c, { rank: 99 })).to.equal(null);
      });

      it('updateOne counts matched and modified documents (0/0, 1/0, 1/1)', async () => {
        expect(await updateOne(c, { rank: 99 }, { $set: { count: 1 } })).to.deep.equal({ matchedCount: 0, modifiedCount: 0 });
        expect(await updateOne(c, { _id: ids[1] }, { $set: { count: 0 } })).to.deep.equal({ matchedCount: 1, modifiedCount: 0 });
        expect(await updateOne(c, { _id: ids[1] }, { $set: { note: nfc('Đạt') }, $push: { tags: 'mới' } })).to.deep.equal({ matchedCount: 1, modifiedCount: 1 });
        expect(await findFirst(c, { _id: ids[1] })).to.deep.equal({ ...sample[1], note: nfc('Đạt'), tags: ['mới'] });
      });

      it('findOneAndUpdate returns the document after the update, null when none matched', async () => {
        expect(await findOneAndUpdate(c, { _id: ids[0] }, { $inc: { count: 2 }, $set: { 'unit.code': 'HN-09' } })).to.deep.equal({ ...sample[0], count: 5, unit: { ...sample[0]!['unit'], code: 'HN-09' } });
        expect(await findOneAndUpdate(c, { rank: 99 }, { $inc: { count: 1 } })).to.equal(null);
        expect(await findFirst(c, { _id: ids[0] }, { projection: { count: 1, _id: 0 } })).to.deep.equal({ count: 5 });
      });

      it('an update without operators is refused before it is sent, and replaces nothing', async () => {
        const replacement = { count: 0 } as unknown as UpdateOperators;
        for (const write of [() => updateOne(c, { _id: ids[0] }, replacement), () => findOneAndUpdate(c, { _id: ids[0] }, replacement)]) {
          const refused = await write().then(() => null, (e: Error) => e);
          expect(refused?.message).to.match(/operators/);
        }
        expect(await findFirst(c, { _id: ids[0] })).to.deep.equal(sample[0]);
      });

      it("an invalid operator rejects with the engine's code while the reads around it still answer right", async () => {
        const reads = Array.from({ length: 60 }, (_, i) => findFirst(c, { _id: ids[i % 3] }));
        await expectServerError(findMany(c, { rank: { $nope: 1 } }), BAD_VALUE);
        await expectServerError(findFirst(c, { rank: { $nope: 1 } }), BAD_VALUE);
        const answers = await Promise.all(reads);
        answers.forEach((doc, i) => expect(doc).to.deep.equal(sample[i % 3]));
      });

      it('insertOne of a duplicate _id rejects with 11000 and leaves the stored document as it was', async () => {
        await expectServerError(insertOne(c, { _id: ids[2], rank: 30, name: 'other' }), DUPLICATE_KEY);
        expect(await findFirst(c, { _id: ids[2] })).to.deep.equal(sample[2]);
      });

      it('300 parallel findFirst each get their own document; 100 parallel insertOne all land', async () => {
        const many = Array.from({ length: 300 }, (_, i) => ({ _id: new ObjectId(), i, name: nfc(`Học viên ${i}`) }));
        await c.insertMany(many.map((doc) => ({ ...doc })));
        const found = await within(20_000, Promise.all(many.map((doc) => findFirst(c, { _id: doc._id }))));
        expect(found).to.deep.equal(many);
        const written = Array.from({ length: 100 }, (_, i) => ({ _id: new ObjectId(), written: i }));
        await within(20_000, Promise.all(written.map((doc) => insertOne(c, doc))));
        expect(await findMany(c, { written: { $exists: true } }, { sort: { written: 1 } })).to.deep.equal(written);
      });

      it('findMany returns every document of a long answer (2,500, past one batch of 1,000)', async () => {
        await c.insertMany(Array.from({ length: 2500 }, (_, i) => ({ long: i })));
        const docs = await findMany(c, { long: { $gte: 0 } }, { sort: { long: 1 }, projection: { _id: 0 } });
        expect(docs).to.have.length(2500);
        expect(docs.every((doc, i) => doc['long'] === i)).to.equal(true);
        expect(await findMany(c, { long: { $gte: 0 } }, { limit: 1500 })).to.have.length(1500);
      });

      it('findMany returns every document of an answer past 16 MiB in fewer than 1,000 documents, and leaves no cursor open', async () => {
        const pad = 'đ'.repeat(250_000); // 500 kB
        await c.insertMany(Array.from({ length: 40 }, (_, i) => ({ heavy: i, pad })));
        const docs = await findMany(c, { heavy: { $gte: 0 } }, { sort: { heavy: 1 } });
        expect(docs.map((doc) => doc['heavy'])).to.deep.equal([...Array(40).keys()]);
        expect(docs.every((doc) => doc['pad'] === pad)).to.equal(true);
        const status = await path.client().db('admin').command({ serverStatus: 1 });
        expect(status['metrics'].cursor.open.total).to.equal(0);
      });
    });
  }

  describe('the link itself', () => {
    it('rejects every command once closed', async () => {
      const link = new EngineLink(socketOf(join(dataDir, 'db')));
      expect((await link.command('linktest', { ping: 1 }))['ok']).to.equal(1);
      link.close();
      expect((await rejectionOf(link.command('linktest', { ping: 1 }))).message).to.match(/closed/);
      expect((await rejectionOf(link.command('linktest', { insert: 'c', documents: [{}] }, 'write'))).message).to.match(/closed/);
    });

    it('rejects rather than hangs when the engine goes away, and answers again once it is back on the same socket', async () => {
      const ownDir = await tempDir('restart');
      const listen = { socketPath: socketOf(ownDir) };
      let engine = await startEmbeddedMongo({ dataDir: ownDir, ...listen });
      const link = new EngineLink(listen.socketPath);
      try {
        const doc = { _id: new ObjectId(), name: nfc('Phạm Văn Đồng') };
        await link.command('linktest', { insert: 'c', documents: [doc] }, 'write');
        const find = () => link.command('linktest', { find: 'c', filter: { _id: doc._id } });
        // requests in flight while the engine stops: each answers right or rejects, none hangs
        const inFlight = Promise.allSettled(Array.from({ length: 200 }, () => find()));
        await engine.stop();
        for (const outcome of await within(10_000, inFlight)) {
          if (outcome.status === 'fulfilled') expect(outcome.value['cursor'].firstBatch).to.deep.equal([doc]);
        }
        await rejectionOf(find());
        await rejectionOf(link.command('linktest', { insert: 'c', documents: [{}] }, 'write'));
        engine = await startEmbeddedMongo({ dataDir: ownDir, ...listen });
        expect((await within(10_000, find()))['cursor'].firstBatch).to.deep.equal([doc]);
        await within(10_000, link.command('linktest', { insert: 'c', documents: [{ after: true }] }, 'write'));
      } finally {
        link.close();
        await engine.stop();
        await fsp.rm(ownDir, { recursive: true, force: true });
      }
    });
  });
});
