/**
 * Issue #17: `explain` of an aggregation and database-level `{aggregate: 1}` with
 * `$documents`, as MongoDB documents them.
 */
import { expect } from 'chai';
import type { Db, MongoClient } from 'mongodb';
import { expectServerError, newClient, planHasStage, uniqueDbName, type Loose } from './harness';

describe('conformance: aggregate explain and $documents', function () {
  const dbName = uniqueDbName('aggextra');
  let client: MongoClient;
  let db: Db;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
    await db.collection<Loose>('units').insertMany([{ _id: 1, level: 1 }, { _id: 2, level: 2 }, { _id: 3, level: 2 }]);
    await db.collection<Loose>('units').createIndex({ level: 1 });
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it('explain describes the plan of the leading $match (an index scan here) and runs nothing', async () => {
    const plan = await db.collection<Loose>('units').aggregate([{ $match: { level: 2 } }, { $group: { _id: null, n: { $sum: 1 } } }]).explain();
    expect(planHasStage(plan, 'IXSCAN')).to.equal(true);
    expect(JSON.stringify(plan)).to.contain('$group');
  });

  it('the explain command accepts an aggregate', async () => {
    const plan = await db.command({ explain: { aggregate: 'units', pipeline: [{ $match: { _id: 1 } }], cursor: {} }, verbosity: 'queryPlanner' });
    expect(plan.ok).to.equal(1);
    expect(plan.queryPlanner).to.be.an('object');
  });

  it('{aggregate: 1} with $documents runs the pipeline over the given documents', async () => {
    const out = await db.aggregate([{ $documents: [{ x: 10 }, { x: 2 }, { x: 5 }] }, { $match: { x: { $gt: 3 } } }, { $sort: { x: 1 } }]).toArray();
    expect(out).to.deep.equal([{ x: 5 }, { x: 10 }]);
  });

  it('$documents can feed a $lookup into a collection of the database', async () => {
    const out = await db.aggregate([
      { $documents: [{ level: 2 }] },
      { $lookup: { from: 'units', localField: 'level', foreignField: 'level', as: 'units' } },
      { $project: { n: { $size: '$units' } } },
    ]).toArray();
    expect(out).to.deep.equal([{ n: 2 }]);
  });

  it('$documents anywhere but first in a database-level pipeline is an error', async () => {
    await expectServerError(db.collection<Loose>('units').aggregate([{ $documents: [{ x: 1 }] }]).toArray());
    await expectServerError(db.aggregate([{ $match: {} }, { $documents: [{ x: 1 }] }]).toArray());
  });
});
