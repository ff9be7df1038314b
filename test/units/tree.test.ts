import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { openTestDatabase, type TestDatabase } from '../database';
import { buildOfficer, buildUnit } from '../factories';
import { expectAppError } from '../assertions';
import { createUnit, deactivateUnit, moveUnit, renameUnit, subtreeIds, unitTree } from '../../server/units/service';
import { unitModel } from '../../server/units/model';
import { updateOfficer } from '../../server/officers/service';
import { presentUnit } from '../../server/units/presenters';

const ids = (list: Array<{ toHexString(): string }>) => list.map((id) => id.toHexString()).sort();

describe('units: tree, subtree, rename, move, deactivate', function () {
  this.timeout(30_000);
  let database: TestDatabase;
  let db: Connection;

  before(async () => {
    database = await openTestDatabase('units');
    db = database.connection;
  });
  after(async () => database?.close());

  it('createUnit stores the materialised path, trims and upper-cases the code', async () => {
    const root = await buildUnit();
    const child = await createUnit(db, { code: '  snv ', name: 'Sở Nội vụ', kind: 'department', parentId: root._id.toHexString() });
    const grandchild = await buildUnit({ parentId: child._id });
    expect(child.code).to.equal('SNV');
    expect({ depth: root.depth, parentId: root.parentId, ancestors: root.ancestors }).to.deep.equal({ depth: 0, parentId: null, ancestors: [] });
    expect(child.depth).to.equal(1);
    expect(ids(grandchild.ancestors)).to.deep.equal(ids([root._id, child._id]));
    expect(grandchild.depth).to.equal(2);
    expect(presentUnit(grandchild)).to.include({ code: grandchild.code, parentId: child._id.toHexString(), depth: 2 });
  });

  it('createUnit refuses a taken code, a missing parent and invalid fields with their ids', async () => {
    const unit = await buildUnit();
    await expectAppError(createUnit(db, { code: unit.code.toLowerCase(), name: 'Khác', kind: 'province' }), 409, 'unit_code_taken');
    await expectAppError(createUnit(db, { code: 'NEW1', name: 'Khác', kind: 'division', parentId: '0123456789abcdef01234567' }), 404, 'unit_parent_not_found');
    const error = await expectAppError(createUnit(db, { code: 'mã sở', name: '  ', kind: 'ministry' as never, parentId: 'x' }), 422, 'validation_failed');
    expect(error.details).to.deep.equal([
      { field: 'code', id: 'code_invalid' },
      { field: 'name', id: 'field_required' },
      { field: 'kind', id: 'field_invalid_choice' },
      { field: 'parentId', id: 'field_invalid_id' },
    ]);
  });

  it('subtreeIds returns the unit and every descendant, nothing else', async () => {
    const root = await buildUnit();
    const a = await buildUnit({ parentId: root._id });
    const b = await buildUnit({ parentId: root._id });
    const a1 = await buildUnit({ parentId: a._id });
    const a11 = await buildUnit({ parentId: a1._id });
    expect(ids(await subtreeIds(db, root._id))).to.deep.equal(ids([root._id, a._id, b._id, a1._id, a11._id]));
    expect(ids(await subtreeIds(db, a._id.toHexString()))).to.deep.equal(ids([a._id, a1._id, a11._id]));
    expect(ids(await subtreeIds(db, b._id))).to.deep.equal(ids([b._id]));
    await expectAppError(subtreeIds(db, '0123456789abcdef01234567'), 404, 'unit_not_found');
  });

  it('unitTree nests the subtree with children in Vietnamese order and leaves out inactive units', async () => {
    const root = await buildUnit({ name: 'UBND tỉnh' });
    const names = ['Phòng Đông', 'Phòng Ánh', 'Phòng Bình', 'Phòng An', 'Phòng Dương', 'phòng Ân'];
    for (const name of names) await buildUnit({ parentId: root._id, name });
    const closed = await buildUnit({ parentId: root._id, name: 'Phòng Cũ' });
    await buildUnit({ parentId: (await buildUnit({ parentId: root._id, name: 'Phòng Ba' }))._id, name: 'Tổ 1' });
    await deactivateUnit(db, closed._id);
    const [tree] = await unitTree(db, root._id);
    expect(tree?.name).to.equal('UBND tỉnh');
    expect(tree?.children.map((c) => c.name)).to.deep.equal(['Phòng An', 'Phòng Ánh', 'phòng Ân', 'Phòng Ba', 'Phòng Bình', 'Phòng Dương', 'Phòng Đông']);
    expect(tree?.children[3]?.children.map((c) => c.name)).to.deep.equal(['Tổ 1']);
    const [withInactive] = await unitTree(db, root._id.toHexString(), { includeInactive: true });
    expect(withInactive?.children.map((c) => c.name)).to.include('Phòng Cũ');
    const forest = await unitTree(db);
    expect(forest.map((node) => node.id)).to.include(root._id.toHexString());
    expect(forest.every((node) => node.parentId === null)).to.equal(true);
  });

  it('renameUnit stores the name in NFC', async () => {
    const unit = await buildUnit();
    const renamed = await renameUnit(db, unit._id, '  Sở Nông nghiệp và Môi trường '.normalize('NFD'));
    expect(renamed.name).to.equal('Sở Nông nghiệp và Môi trường'.normalize('NFC'));
    await expectAppError(renameUnit(db, unit._id, ''), 422, 'validation_failed');
  });

  it('moveUnit rewrites the ancestors of the whole subtree', async () => {
    const root = await buildUnit();
    const from = await buildUnit({ parentId: root._id });
    const to = await buildUnit({ parentId: root._id });
    const moving = await buildUnit({ parentId: from._id });
    const child = await buildUnit({ parentId: moving._id });
    const grandchild = await buildUnit({ parentId: child._id });
    const moved = await moveUnit(db, moving._id, to._id.toHexString());
    expect(ids(moved.ancestors)).to.deep.equal(ids([root._id, to._id]));
    const Unit = unitModel(db);
    const [c, g] = await Promise.all([Unit.findById(child._id).lean(), Unit.findById(grandchild._id).lean()]);
    expect(c?.ancestors.map(String)).to.deep.equal([root._id, to._id, moving._id].map(String));
    expect(g?.ancestors.map(String)).to.deep.equal([root._id, to._id, moving._id, child._id].map(String));
    expect([moved.depth, c?.depth, g?.depth]).to.deep.equal([2, 3, 4]);
    expect(ids(await subtreeIds(db, from._id))).to.deep.equal(ids([from._id]));
    expect(ids(await subtreeIds(db, to._id))).to.deep.equal(ids([to._id, moving._id, child._id, grandchild._id]));
    const madeRoot = await moveUnit(db, moving._id, null);
    expect({ parentId: madeRoot.parentId, depth: madeRoot.depth }).to.deep.equal({ parentId: null, depth: 0 });
    expect((await Unit.findById(grandchild._id).lean())?.ancestors.map(String)).to.deep.equal([moving._id, child._id].map(String));
  });

  it('moveUnit refuses to move a unit under itself or its descendant, changing nothing', async () => {
    const root = await buildUnit();
    const unit = await buildUnit({ parentId: root._id });
    const child = await buildUnit({ parentId: unit._id });
    const grandchild = await buildUnit({ parentId: child._id });
    await expectAppError(moveUnit(db, unit._id, unit._id), 409, 'unit_move_cycle');
    await expectAppError(moveUnit(db, unit._id, grandchild._id), 409, 'unit_move_cycle');
    await expectAppError(moveUnit(db, unit._id, '0123456789abcdef01234567'), 404, 'unit_parent_not_found');
    const after = await unitModel(db).findById(grandchild._id).lean();
    expect(after?.ancestors.map(String)).to.deep.equal([root._id, unit._id, child._id].map(String));
  });

  it('deactivateUnit refuses while active sub-units or serving officers remain', async () => {
    const unit = await buildUnit();
    const sub = await buildUnit({ parentId: unit._id });
    await expectAppError(deactivateUnit(db, unit._id), 409, 'unit_has_active_subunits');
    await deactivateUnit(db, sub._id);
    const officer = await buildOfficer({ unitId: unit._id, status: 'on-leave' });
    const error = await expectAppError(deactivateUnit(db, unit._id), 409, 'unit_has_active_officers');
    expect(error.params).to.deep.equal({ count: 1 });
    await updateOfficer(db, officer._id, { status: 'retired' });
    const deactivated = await deactivateUnit(db, unit._id);
    expect(deactivated.active).to.equal(false);
    await expectAppError(deactivateUnit(db, unit._id), 409, 'unit_inactive');
    await expectAppError(buildUnit({ parentId: unit._id }), 409, 'unit_parent_inactive');
  });
});
