import { expect } from 'chai';
import type { Collection, Db, Document, MongoClient } from 'mongodb';
import { newClient, uniqueDbName, type Loose } from './harness';

describe('conformance: aggregate', function () {
  const dbName = uniqueDbName('agg');
  let client: MongoClient;
  let db: Db;
  let officers: Collection<Loose>;
  let units: Collection<Loose>;

  before(async () => {
    client = await newClient();
    db = client.db(dbName);
    officers = db.collection<Loose>('officers');
    units = db.collection<Loose>('units');
    await units.insertMany([
      { _id: 'u1', name: 'Sở Nội vụ', parent: null },
      { _id: 'u2', name: 'UBND xã Đắk Rơ Wa', parent: 'u1' },
      { _id: 'u3', name: 'Phòng Tư pháp', parent: 'u1' },
    ] as Document[]);
    await officers.insertMany([
      { _id: 1, name: 'An', unit: 'u1', score: 90, modules: ['thai-do', 'giao-tiep'], at: new Date('2024-03-15T20:30:00Z') },
      { _id: 2, name: 'Bình', unit: 'u1', score: 70, modules: ['thai-do'], at: new Date('2024-03-31T18:00:00Z') },
      { _id: 3, name: 'Chi', unit: 'u2', score: 85, modules: [], at: new Date('2024-04-02T01:00:00Z') },
      { _id: 4, name: 'Dũng', unit: 'u2', score: 40, modules: ['dao-duc', 'thai-do', 'ky-luat'], at: new Date('2024-07-10T10:00:00Z') },
      { _id: 5, name: 'Em', unit: 'u9', score: 100, at: new Date('2024-12-31T23:59:59Z') },
    ] as Document[]);
  });
  after(async () => {
    await db?.dropDatabase();
  });

  it('$match + $group with accumulators + $sort', async () => {
    const res = await officers
      .aggregate([
        { $match: { score: { $gte: 50 } } },
        { $sort: { _id: 1 } },
        {
          $group: {
            _id: '$unit',
            n: { $sum: 1 },
            total: { $sum: '$score' },
            avg: { $avg: '$score' },
            min: { $min: '$score' },
            max: { $max: '$score' },
            names: { $push: '$name' },
          },
        },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(res).to.deep.equal([
      { _id: 'u1', n: 2, total: 160, avg: 80, min: 70, max: 90, names: ['An', 'Bình'] },
      { _id: 'u2', n: 1, total: 85, avg: 85, min: 85, max: 85, names: ['Chi'] },
      { _id: 'u9', n: 1, total: 100, avg: 100, min: 100, max: 100, names: ['Em'] },
    ]);
  });

  it('$group with _id null and $addToSet', async () => {
    const [res] = await officers.aggregate([{ $group: { _id: null, units: { $addToSet: '$unit' }, count: { $sum: 1 } } }]).toArray();
    expect(res._id).to.equal(null);
    expect(res.count).to.equal(5);
    expect(res.units).to.have.members(['u1', 'u2', 'u9']);
  });

  it('$project with expressions and $addFields', async () => {
    const res = await officers
      .aggregate([
        { $match: { _id: { $in: [1, 4] } } },
        { $sort: { _id: 1 } },
        { $project: { _id: 0, label: { $concat: ['$name', ' (', '$unit', ')'] }, pass: { $gte: ['$score', 50] } } },
        { $addFields: { bonus: { $cond: ['$pass', 10, 0] }, len: { $strLenCP: '$label' } } },
      ])
      .toArray();
    expect(res).to.deep.equal([
      { label: 'An (u1)', pass: true, bonus: 10, len: 7 },
      { label: 'Dũng (u2)', pass: false, bonus: 0, len: 9 },
    ]);
  });

  it('$sort + $skip + $limit', async () => {
    const res = await officers.aggregate([{ $sort: { score: -1 } }, { $skip: 1 }, { $limit: 2 }, { $project: { _id: 1 } }]).toArray();
    expect(res).to.deep.equal([{ _id: 1 }, { _id: 3 }]);
  });

  it('$unwind drops empty/missing arrays; preserveNullAndEmptyArrays and includeArrayIndex keep them', async () => {
    const plain = await officers.aggregate([{ $sort: { _id: 1 } }, { $unwind: '$modules' }, { $project: { _id: 1, modules: 1 } }]).toArray();
    expect(plain.map((d) => `${d._id}:${d.modules}`)).to.deep.equal(['1:thai-do', '1:giao-tiep', '2:thai-do', '4:dao-duc', '4:thai-do', '4:ky-luat']);
    const kept = await officers
      .aggregate([{ $sort: { _id: 1 } }, { $unwind: { path: '$modules', preserveNullAndEmptyArrays: true, includeArrayIndex: 'i' } }, { $project: { _id: 1, modules: 1, i: 1 } }])
      .toArray();
    expect(kept).to.have.length(8);
    expect(kept.find((d) => d._id === 3)).to.deep.equal({ _id: 3, i: null });
    expect(kept.find((d) => d._id === 5)).to.deep.equal({ _id: 5, i: null });
    expect(kept.filter((d) => d._id === 4).map((d) => d.i)).to.deep.equal([0, 1, 2]);
  });

  it('$lookup joins another collection of the same database (localField/foreignField)', async () => {
    const res = await officers
      .aggregate([
        { $match: { _id: { $in: [1, 3, 5] } } },
        { $sort: { _id: 1 } },
        { $lookup: { from: 'units', localField: 'unit', foreignField: '_id', as: 'u' } },
        { $project: { _id: 1, unitNames: '$u.name' } },
      ])
      .toArray();
    expect(res).to.deep.equal([
      { _id: 1, unitNames: ['Sở Nội vụ'] },
      { _id: 3, unitNames: ['UBND xã Đắk Rơ Wa'] },
      { _id: 5, unitNames: [] },
    ]);
  });

  it('$lookup with let/pipeline', async () => {
    const res = await units
      .aggregate([
        { $match: { _id: 'u1' } },
        {
          $lookup: {
            from: 'officers',
            let: { uid: '$_id' },
            pipeline: [{ $match: { $expr: { $eq: ['$unit', '$$uid'] } } }, { $sort: { score: -1 } }, { $project: { _id: 0, name: 1 } }],
            as: 'staff',
          },
        },
      ])
      .toArray();
    expect(res[0].staff).to.deep.equal([{ name: 'An' }, { name: 'Bình' }]);
  });

  it('$facet runs sub-pipelines over the same input', async () => {
    const [res] = await officers
      .aggregate([
        {
          $facet: {
            top: [{ $sort: { score: -1 } }, { $limit: 1 }, { $project: { _id: 1 } }],
            byUnit: [{ $group: { _id: '$unit', n: { $sum: 1 } } }, { $sort: { _id: 1 } }],
            total: [{ $count: 'n' }],
          },
        },
      ])
      .toArray();
    expect(res).to.deep.equal({
      top: [{ _id: 5 }],
      byUnit: [
        { _id: 'u1', n: 2 },
        { _id: 'u2', n: 2 },
        { _id: 'u9', n: 1 },
      ],
      total: [{ n: 5 }],
    });
  });

  it('$count names the output field; no input gives no document', async () => {
    expect(await officers.aggregate([{ $match: { score: { $lt: 80 } } }, { $count: 'low' }]).toArray()).to.deep.equal([{ low: 2 }]);
    expect(await officers.aggregate([{ $match: { score: 1000 } }, { $count: 'none' }]).toArray()).to.deep.equal([]);
  });

  it('$bucket groups by boundaries with a default bucket and output', async () => {
    const res = await officers
      .aggregate([
        { $sort: { _id: 1 } },
        {
          $bucket: {
            groupBy: '$score',
            boundaries: [0, 50, 80, 100],
            default: 'perfect',
            output: { n: { $sum: 1 }, who: { $push: '$_id' } },
          },
        },
      ])
      .toArray();
    expect(res).to.deep.equal([
      { _id: 0, n: 1, who: [4] },
      { _id: 50, n: 1, who: [2] },
      { _id: 80, n: 2, who: [1, 3] },
      { _id: 'perfect', n: 1, who: [5] },
    ]);
  });

  it('$dateToString formats in UTC and in a named time zone', async () => {
    const res = await officers
      .aggregate([
        { $match: { _id: { $in: [1, 5] } } },
        { $sort: { _id: 1 } },
        {
          $project: {
            utc: { $dateToString: { date: '$at', format: '%Y-%m-%d %H:%M:%S' } },
            vn: { $dateToString: { date: '$at', format: '%d/%m/%Y %H:%M', timezone: 'Asia/Ho_Chi_Minh' } },
            iso: { $dateToString: { date: '$at' } },
          },
        },
      ])
      .toArray();
    expect(res).to.deep.equal([
      { _id: 1, utc: '2024-03-15 20:30:00', vn: '16/03/2024 03:30', iso: '2024-03-15T20:30:00.000Z' },
      { _id: 5, utc: '2024-12-31 23:59:59', vn: '01/01/2025 06:59', iso: '2024-12-31T23:59:59.000Z' },
    ]);
  });

  it('$dateTrunc truncates to month, to Monday-started weeks and to binned hours', async () => {
    const res = await officers
      .aggregate([
        { $match: { _id: { $in: [2, 4] } } },
        { $sort: { _id: 1 } },
        {
          $project: {
            month: { $dateTrunc: { date: '$at', unit: 'month' } },
            monthVn: { $dateTrunc: { date: '$at', unit: 'month', timezone: 'Asia/Ho_Chi_Minh' } },
            week: { $dateTrunc: { date: '$at', unit: 'week', startOfWeek: 'monday' } },
            h6: { $dateTrunc: { date: '$at', unit: 'hour', binSize: 6 } },
          },
        },
      ])
      .toArray();
    expect(res).to.deep.equal([
      {
        _id: 2, // 2024-03-31T18:00Z is a Sunday; in Vietnam it is already 1 April 01:00
        month: new Date('2024-03-01T00:00:00Z'),
        monthVn: new Date('2024-03-31T17:00:00Z'),
        week: new Date('2024-03-25T00:00:00Z'),
        h6: new Date('2024-03-31T18:00:00Z'),
      },
      {
        _id: 4, // 2024-07-10T10:00Z is a Wednesday
        month: new Date('2024-07-01T00:00:00Z'),
        monthVn: new Date('2024-06-30T17:00:00Z'),
        week: new Date('2024-07-08T00:00:00Z'),
        h6: new Date('2024-07-10T06:00:00Z'),
      },
    ]);
  });

  it('$group by a $dateToString key (monthly report)', async () => {
    const res = await officers
      .aggregate([
        { $group: { _id: { $dateToString: { date: '$at', format: '%Y-%m', timezone: '+07:00' } }, n: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(res).to.deep.equal([
      { _id: '2024-03', n: 1 },
      { _id: '2024-04', n: 2 },
      { _id: '2024-07', n: 1 },
      { _id: '2025-01', n: 1 },
    ]);
  });

  it('aggregate on a missing collection returns no documents', async () => {
    expect(await db.collection<Loose>('missing').aggregate([{ $match: {} }]).toArray()).to.deep.equal([]);
  });
});
