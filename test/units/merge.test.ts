import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { openTestDatabase, type TestDatabase } from '../database';
import { buildOfficer, buildUnit } from '../factories';
import { expectAppError } from '../assertions';
import { deactivateUnit, mergeUnits } from '../../server/units/service';
import { unitModel, type Unit } from '../../server/units/model';
import { officerModel } from '../../server/officers/model';
import { updateOfficer } from '../../server/officers/service';

const JOINED = new Date('2024-01-01T00:00:00Z');
const MERGED = new Date('2025-07-01T00:00:00Z');

describe('units: merging two units (the 2025 reorganisation)', function () {
  this.timeout(30_000);
  let database: TestDatabase;
  let db: Connection;

  before(async () => {
    database = await openTestDatabase('units-merge');
    db = database.connection;
  });
  after(async () => database?.close());

  /** root → source → (child → grandchild), root → target; officers in source. */
  async function scenario() {
    const root = await buildUnit({ kind: 'province' });
    const source = await buildUnit({ parentId: root._id, kind: 'commune' });
    const target = await buildUnit({ parentId: root._id, kind: 'commune' });
    const child = await buildUnit({ parentId: source._id });
    const grandchild = await buildUnit({ parentId: child._id });
    const serving = await buildOfficer({ unitId: source._id, effectiveDate: JOINED });
    const onLeave = await buildOfficer({ unitId: source._id, effectiveDate: JOINED, status: 'on-leave' });
    const retired = await buildOfficer({ unitId: source._id, effectiveDate: JOINED });
    await updateOfficer(db, retired._id, { status: 'retired', effectiveDate: new Date('2025-01-01T00:00:00Z') });
    const childOfficer = await buildOfficer({ unitId: child._id, effectiveDate: JOINED });
    return { root, source, target, child, grandchild, serving, onLeave, retired, childOfficer };
  }

  async function snapshot() {
    const [units, officers] = await Promise.all([unitModel(db).find().sort({ code: 1 }).lean(), officerModel(db).find().sort({ code: 1 }).lean()]);
    return JSON.stringify({ units, officers });
  }

  it('moves serving officers with their history, re-parents sub-units and retires the source', async () => {
    const s = await scenario();
    const result = await mergeUnits(db, s.source._id.toHexString(), s.target._id.toHexString(), '2025-07-01T00:00:00Z');
    expect({ officersMoved: result.officersMoved, subUnitsMoved: result.subUnitsMoved }).to.deep.equal({ officersMoved: 2, subUnitsMoved: 2 });
    expect({ active: result.source.active, mergedInto: String(result.source.mergedInto) }).to.deep.equal({ active: false, mergedInto: String(s.target._id) });

    const Officer = officerModel(db);
    for (const officer of [s.serving, s.onLeave]) {
      const moved = await Officer.findById(officer._id).lean();
      expect(String(moved?.unitId)).to.equal(String(s.target._id));
      expect(moved?.memberships.map((m) => ({ unitId: String(m.unitId), from: m.from.toISOString(), to: m.to?.toISOString() ?? null }))).to.deep.equal([
        { unitId: String(s.source._id), from: JOINED.toISOString(), to: MERGED.toISOString() },
        { unitId: String(s.target._id), from: MERGED.toISOString(), to: null },
      ]);
    }
    const retired = await Officer.findById(s.retired._id).lean();
    expect(String(retired?.unitId)).to.equal(String(s.source._id));
    expect(retired?.memberships).to.have.length(1);
    expect(String((await Officer.findById(s.childOfficer._id).lean())?.unitId)).to.equal(String(s.child._id));

    const Unit = unitModel(db);
    const child = (await Unit.findById(s.child._id).lean()) as Unit;
    const grandchild = (await Unit.findById(s.grandchild._id).lean()) as Unit;
    expect(String(child.parentId)).to.equal(String(s.target._id));
    expect(child.ancestors.map(String)).to.deep.equal([s.root._id, s.target._id].map(String));
    expect(grandchild.ancestors.map(String)).to.deep.equal([s.root._id, s.target._id, s.child._id].map(String));
    expect(grandchild.depth).to.equal(3);
    // the source is now an empty, inactive shell
    await expectAppError(deactivateUnit(db, s.source._id), 409, 'unit_inactive');
  });

  it('is all-or-nothing: a failure after the officers moved leaves every document as it was', async () => {
    const s = await scenario();
    const before = await snapshot();
    const Unit = unitModel(db);
    const original = Unit.bulkWrite;
    // the sub-unit rewrite runs after both officer updates: fail it to abort midway
    Unit.bulkWrite = (async () => {
      throw new Error('forced failure while re-parenting sub-units');
    }) as unknown as typeof Unit.bulkWrite;
    try {
      let failed: unknown;
      await mergeUnits(db, s.source._id, s.target._id, MERGED).catch((error: unknown) => (failed = error));
      expect((failed as Error | undefined)?.message).to.match(/forced failure/);
    } finally {
      Unit.bulkWrite = original;
    }
    expect(await snapshot()).to.equal(before);
    // the aborted transaction released everything it touched: the merge can now go through
    expect((await mergeUnits(db, s.source._id, s.target._id, MERGED)).officersMoved).to.equal(2);
  });

  it('refuses merging a unit into itself, into its descendant, an inactive unit or before an officer joined', async () => {
    const s = await scenario();
    const before = await snapshot();
    await expectAppError(mergeUnits(db, s.source._id, s.source._id, MERGED), 400, 'unit_merge_same');
    await expectAppError(mergeUnits(db, s.source._id, s.grandchild._id, MERGED), 409, 'unit_merge_into_descendant');
    await expectAppError(mergeUnits(db, s.source._id, s.target._id, new Date('2023-01-01T00:00:00Z')), 400, 'membership_date_before_start');
    await expectAppError(mergeUnits(db, s.source._id, s.target._id, 'not a date'), 422, 'validation_failed');
    expect(await snapshot()).to.equal(before);
    const closed = await buildUnit({ parentId: s.root._id });
    await deactivateUnit(db, closed._id);
    await expectAppError(mergeUnits(db, closed._id, s.target._id, MERGED), 409, 'unit_inactive');
    await expectAppError(mergeUnits(db, s.source._id, closed._id, MERGED), 409, 'unit_inactive');
  });
});
