import { expect } from 'chai';
import type { Db, MongoClient } from 'mongodb';
import { newClient, uniqueDbName, type Loose } from './harness';

describe('conformance: many connections and atomic visibility', function () {
  this.timeout(60_000);
  const dbName = uniqueDbName('concurrency');
  let client: MongoClient;
  let db: Db;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it('20 clients inserting in parallel: every document lands exactly once', async () => {
    const clients = await Promise.all(Array.from({ length: 20 }, () => newClient({ maxPoolSize: 5 })));
    try {
      await Promise.all(
        clients.map(async (c, ci) => {
          const coll = c.db(dbName).collection<Loose>('parallel');
          const singles = Array.from({ length: 25 }, (_, i) => coll.insertOne({ client: ci, i }));
          const batch = coll.insertMany(Array.from({ length: 25 }, (_, i) => ({ client: ci, i: 25 + i })));
          await Promise.all([...singles, batch]);
        }),
      );
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
    const coll = db.collection<Loose>('parallel');
    expect(await coll.countDocuments()).to.equal(1000);
    expect(await coll.estimatedDocumentCount()).to.equal(1000);
    const perClient = await coll.aggregate([{ $group: { _id: '$client', n: { $sum: 1 }, is: { $addToSet: '$i' } } }]).toArray();
    expect(perClient).to.have.length(20);
    for (const g of perClient) {
      expect(g.n).to.equal(50);
      expect(g.is).to.have.length(50);
    }
  });

  it('$inc from 20 clients at once loses no increment', async () => {
    await db.collection<Loose>('counter').insertOne({ _id: 'c', n: 0 });
    const clients = await Promise.all(Array.from({ length: 20 }, () => newClient()));
    try {
      await Promise.all(
        clients.map((c) =>
          Promise.all(Array.from({ length: 25 }, () => c.db(dbName).collection<Loose>('counter').updateOne({ _id: 'c' }, { $inc: { n: 1 } }))),
        ),
      );
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
    expect((await db.collection<Loose>('counter').findOne({ _id: 'c' }))!.n).to.equal(500);
  });

  it('findOneAndUpdate claims from 10 competing clients: each job is taken exactly once', async () => {
    const jobs = db.collection<Loose>('jobs');
    await jobs.insertMany(Array.from({ length: 100 }, (_, i) => ({ _id: i, state: 'new' })));
    const clients = await Promise.all(Array.from({ length: 10 }, () => newClient()));
    const claims: Array<[number, number]> = [];
    try {
      await Promise.all(
        clients.map(async (c, ci) => {
          const coll = c.db(dbName).collection<Loose>('jobs');
          for (;;) {
            const job = await coll.findOneAndUpdate({ state: 'new' }, { $set: { state: 'taken', by: ci } }, { returnDocument: 'after' });
            if (!job) return;
            expect(job.by).to.equal(ci);
            claims.push([job._id, ci]);
          }
        }),
      );
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
    expect(claims).to.have.length(100);
    expect(new Set(claims.map(([id]) => id)).size).to.equal(100);
    expect(await jobs.countDocuments({ state: 'taken' })).to.equal(100);
  });

  it('readers never see half of a committed multi-document transaction', async () => {
    await db.createCollection('batches');
    const writerClient = await newClient();
    const readerClient = await newClient();
    const reader = readerClient.db(dbName).collection<Loose>('batches');
    const observed: number[] = [];
    let writing = true;
    const readLoop = (async () => {
      let k = 0;
      while (writing) {
        observed.push(k++ % 2 === 0 ? await reader.countDocuments() : (await reader.find({}, { projection: { _id: 1 } }).toArray()).length);
      }
    })();
    try {
      const coll = writerClient.db(dbName).collection<Loose>('batches');
      for (let t = 0; t < 10; t++) {
        const session = writerClient.startSession();
        try {
          await session.withTransaction(async () => {
            for (let i = 0; i < 10; i++) {
              await coll.insertOne({ t, i }, { session });
              if (i === 4) await new Promise((r) => setImmediate(r)); // give the reader a chance mid-transaction
            }
          });
        } finally {
          await session.endSession();
        }
      }
    } finally {
      writing = false;
      await readLoop;
    }
    expect(observed.length).to.be.greaterThan(0);
    const torn = observed.filter((n) => n % 10 !== 0);
    expect(torn, `counts seen: ${[...new Set(observed)].join(',')}`).to.deep.equal([]);
    expect(await reader.countDocuments()).to.equal(100);
  });
});
