import { expect } from 'chai';
import { Long, type Db, type Document, type MongoClient } from 'mongodb';
import {
  asLong,
  expectServerError,
  getTestServer,
  newClient,
  RawConnection,
  setServerParameters,
  sleep,
  uniqueDbName,
  type Loose,
} from './harness';

describe('conformance: cursors (getMore / killCursors / expiry)', function () {
  const dbName = uniqueDbName('cursors');
  let client: MongoClient;
  let db: Db;

  const seed = async (name: string, n: number) => {
    await db.collection<Loose>(name).insertMany(Array.from({ length: n }, (_, i) => ({ _id: i, v: i })) as Document[]);
  };
  const ids = (docs: Document[]) => docs.map((d) => d._id);

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it('find with batchSize returns a first batch and getMore returns the rest, then cursor id 0', async () => {
    await seed('batches', 10);
    const session = client.startSession();
    try {
      const first = await db.command({ find: 'batches', sort: { _id: 1 }, batchSize: 3 }, { session });
      expect(ids(first.cursor.firstBatch)).to.deep.equal([0, 1, 2]);
      expect(first.cursor.ns).to.equal(`${dbName}.batches`);
      const id = asLong(first.cursor.id);
      expect(id.isZero()).to.equal(false);
      const second = await db.command({ getMore: id, collection: 'batches', batchSize: 4 }, { session });
      expect(ids(second.cursor.nextBatch)).to.deep.equal([3, 4, 5, 6]);
      expect(asLong(second.cursor.id).equals(id)).to.equal(true);
      const third = await db.command({ getMore: id, collection: 'batches', batchSize: 5 }, { session });
      expect(ids(third.cursor.nextBatch)).to.deep.equal([7, 8, 9]);
      expect(asLong(third.cursor.id).isZero()).to.equal(true);
    } finally {
      await session.endSession();
    }
  });

  it('the default first batch is 101 documents', async () => {
    await seed('default101', 150);
    const session = client.startSession();
    try {
      const first = await db.command({ find: 'default101', sort: { _id: 1 } }, { session });
      expect(first.cursor.firstBatch).to.have.length(101);
      const rest = await db.command({ getMore: asLong(first.cursor.id), collection: 'default101' }, { session });
      expect(rest.cursor.nextBatch).to.have.length(49);
      expect(asLong(rest.cursor.id).isZero()).to.equal(true);
    } finally {
      await session.endSession();
    }
  });

  it('singleBatch closes the cursor after the first batch', async () => {
    await seed('single', 10);
    const res = await db.command({ find: 'single', sort: { _id: 1 }, batchSize: 3, singleBatch: true });
    expect(ids(res.cursor.firstBatch)).to.deep.equal([0, 1, 2]);
    expect(asLong(res.cursor.id).isZero()).to.equal(true);
  });

  it('limit caps the total across batches and closes the cursor', async () => {
    await seed('limited', 10);
    const session = client.startSession();
    try {
      const first = await db.command({ find: 'limited', sort: { _id: -1 }, batchSize: 2, limit: 5 }, { session });
      const id = asLong(first.cursor.id);
      const got = ids(first.cursor.firstBatch);
      let cursorId = id;
      while (!cursorId.isZero()) {
        const more = await db.command({ getMore: cursorId, collection: 'limited', batchSize: 2 }, { session });
        got.push(...ids(more.cursor.nextBatch));
        cursorId = asLong(more.cursor.id);
      }
      expect(got).to.deep.equal([9, 8, 7, 6, 5]);
    } finally {
      await session.endSession();
    }
  });

  it('the driver iterates a small-batch cursor across many getMores in sort order', async () => {
    await seed('iterate', 25);
    const seen: number[] = [];
    for await (const d of db.collection<Loose>('iterate').find({ v: { $gte: 5 } }, { batchSize: 2, sort: { v: -1 } })) seen.push(d._id);
    expect(seen).to.deep.equal(Array.from({ length: 20 }, (_, i) => 24 - i));
  });

  it('aggregate cursors page with getMore too', async () => {
    await seed('aggcur', 12);
    const docs = await db
      .collection('aggcur')
      .aggregate([{ $match: { v: { $lt: 10 } } }, { $sort: { v: 1 } }, { $project: { _id: 1 } }], { batchSize: 3 })
      .toArray();
    expect(ids(docs)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('closing a driver cursor kills it on the server (getMore then answers 43 CursorNotFound)', async () => {
    await seed('closed', 10);
    const cursor = db.collection<Loose>('closed').find({}, { batchSize: 2 });
    await cursor.next();
    const id = cursor.id;
    expect(id && !id.isZero()).to.equal(true);
    await cursor.close();
    const err = await expectServerError(db.command({ getMore: id!, collection: 'closed' }), 43);
    expect(err.codeName).to.equal('CursorNotFound');
  });

  it('killCursors reports killed and unknown cursor ids', async () => {
    await seed('killme', 10);
    const session = client.startSession();
    try {
      const first = await db.command({ find: 'killme', batchSize: 2 }, { session });
      const id = asLong(first.cursor.id);
      const unknown = Long.fromString('424242424242');
      const res = await db.command({ killCursors: 'killme', cursors: [id, unknown] }, { session, promoteLongs: false });
      expect(res.ok).to.equal(1);
      expect(res.cursorsKilled.map((c: unknown) => asLong(c).toString())).to.deep.equal([id.toString()]);
      expect(res.cursorsNotFound.map((c: unknown) => asLong(c).toString())).to.deep.equal([unknown.toString()]);
      await expectServerError(db.command({ getMore: id, collection: 'killme' }, { session }), 43);
    } finally {
      await session.endSession();
    }
  });

  it('getMore on an exhausted cursor answers 43 CursorNotFound', async () => {
    await seed('exhaust', 4);
    const session = client.startSession();
    try {
      const first = await db.command({ find: 'exhaust', batchSize: 2 }, { session });
      const id = asLong(first.cursor.id);
      const rest = await db.command({ getMore: id, collection: 'exhaust', batchSize: 10 }, { session });
      expect(rest.cursor.nextBatch).to.have.length(2);
      expect(asLong(rest.cursor.id).isZero()).to.equal(true);
      await expectServerError(db.command({ getMore: id, collection: 'exhaust' }, { session }), 43);
    } finally {
      await session.endSession();
    }
  });

  it('an idle cursor outside any session expires after cursorTimeoutMillis', async function () {
    this.timeout(30_000);
    await seed('idle', 10);
    const admin = client.db('admin');
    const timedOutBefore = Number((await admin.command({ serverStatus: 1 })).metrics?.cursor?.timedOut ?? 0);
    await setServerParameters(client, { cursorTimeoutMillis: 1000 });
    // a raw connection sends no lsid, so the cursor belongs to no session (driver cursors always do,
    // and MongoDB >= 5.0 never times out session cursors by cursorTimeoutMillis)
    const raw = await RawConnection.open(client);
    try {
      const first = await raw.command({ find: 'idle', batchSize: 2, $db: dbName });
      expect(first.ok).to.equal(1);
      expect(first.cursor.firstBatch).to.have.length(2);
      const id = asLong(first.cursor.id);
      expect(id.isZero()).to.equal(false);
      // MongoDB's reaper runs every clientCursorMonitorFrequencySecs (4 s): wait until it reports a
      // timed-out cursor, or at most 8 s
      const deadline = Date.now() + 8000;
      await sleep(1500);
      while (Date.now() < deadline) {
        const st = await admin.command({ serverStatus: 1 });
        if (Number(st.metrics?.cursor?.timedOut ?? 0) > timedOutBefore) break;
        await sleep(250);
      }
      const more = await raw.command({ getMore: id, collection: 'idle', $db: dbName });
      expect(more.ok).to.equal(0);
      expect(more.code).to.equal(43);
      expect(more.codeName).to.equal('CursorNotFound');
    } finally {
      raw.destroy();
      await setServerParameters(client, { cursorTimeoutMillis: 600000 });
    }
  });

  it('cursors of a session are cleaned up after endSessions', async function () {
    this.timeout(30_000);
    await seed('ended', 10);
    const { embedded } = await getTestServer();
    const owner = await newClient();
    const session = owner.startSession();
    const first = await owner.db(dbName).command({ find: 'ended', batchSize: 2 }, { session });
    const id = asLong(first.cursor.id);
    expect(id.isZero()).to.equal(false);
    const lsid = session.id!;
    await owner.db('admin').command({ endSessions: [lsid] });
    await session.endSession();
    await owner.close(); // the driver also sends endSessions for its pooled sessions
    if (!embedded) {
      // MongoDB kills ended sessions' cursors at its next logical-session-cache refresh
      // (logicalSessionRefreshMillis, 5 min by default); force one where test commands are enabled
      try {
        await client.db('admin').command({ refreshLogicalSessionCacheNow: 1 });
      } catch (e) {
        if ((e as { code?: number }).code === 59) this.skip();
        throw e;
      }
    }
    // probe without consuming: a getMore that succeeds means the cursor outlived its session
    let last: unknown;
    await sleep(200);
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        await db.command({ getMore: id, collection: 'ended', batchSize: 1 });
        last = new Error('getMore succeeded: the cursor survived endSessions');
        break;
      } catch (e) {
        last = e;
        if ((e as { code?: number }).code === 43) break;
      }
      await sleep(300);
    }
    expect((last as { code?: number } | undefined)?.code, String(last)).to.equal(43);
  });
});
