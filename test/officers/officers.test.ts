import { expect } from 'chai';
import { givenNameFirst } from '../../server/i18n/vietnamese';
import type { Connection } from 'mongoose';
import { openTestDatabase, type TestDatabase } from '../database';
import { buildOfficer, buildUnit } from '../factories';
import { expectAppError } from '../assertions';
import { createOfficer, listOfficers, transferOfficer, updateOfficer } from '../../server/officers/service';
import { presentOfficer } from '../../server/officers/presenters';
import { deactivateUnit, subtreeIds } from '../../server/units/service';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const history = (officer: { memberships: Array<{ unitId: unknown; from: Date; to: Date | null }> }) =>
  officer.memberships.map((m) => [String(m.unitId), m.from.toISOString().slice(0, 10), m.to ? m.to.toISOString().slice(0, 10) : null]);

describe('officers: create, update, transfer, list', function () {
  this.timeout(30_000);
  let database: TestDatabase;
  let db: Connection;

  before(async () => {
    database = await openTestDatabase('officers');
    db = database.connection;
  });
  after(async () => database?.close());

  it('createOfficer normalises code, name and e-mail and opens the first membership', async () => {
    const unit = await buildUnit();
    const officer = await createOfficer(db, {
      code: ' cb-001 ',
      fullName: ' Nguyễn Thị Ánh '.normalize('NFD'),
      email: ' Anh.NT@SonHa.example ',
      unitId: unit._id.toHexString(),
      category: 'vien-chuc',
      effectiveDate: '2024-03-01T00:00:00Z',
    });
    expect(officer).to.include({ code: 'CB-001', fullName: 'Nguyễn Thị Ánh'.normalize('NFC'), email: 'anh.nt@sonha.example', status: 'active', isLeader: false });
    expect(history(officer)).to.deep.equal([[String(unit._id), '2024-03-01', null]]);
    const view = presentOfficer(officer);
    expect(view).to.not.have.any.keys('sortName', 'searchText', '_id', '__v');
    expect(view).to.include({ id: officer._id.toHexString(), unitId: unit._id.toHexString(), phone: null });
  });

  it('createOfficer refuses taken codes and e-mails, inactive units and invalid fields', async () => {
    const existing = await buildOfficer({ email: 'taken@sonha.example' });
    await expectAppError(buildOfficer({ code: existing.code.toLowerCase() }), 409, 'officer_code_taken');
    await expectAppError(buildOfficer({ email: 'TAKEN@sonha.example' }), 409, 'officer_email_taken');
    // officers without e-mail do not collide (the unique index is partial)
    await buildOfficer();
    await buildOfficer({ email: '' });
    const closed = await buildUnit();
    await deactivateUnit(db, closed._id);
    await expectAppError(buildOfficer({ unitId: closed._id }), 409, 'unit_inactive');
    const error = await expectAppError(createOfficer(db, { code: 'X1', fullName: 'A', email: 'không-phải-email', category: 'giam-doc' as never, unitId: existing.unitId, phone: 'abc' }), 422, 'validation_failed');
    expect(error.details).to.deep.equal([
      { field: 'email', id: 'email_invalid' },
      { field: 'phone', id: 'phone_invalid' },
      { field: 'category', id: 'field_invalid_choice' },
    ]);
  });

  it('transferOfficer closes the open membership and opens one in the new unit', async () => {
    const [from, to] = [await buildUnit(), await buildUnit()];
    const officer = await buildOfficer({ unitId: from._id, effectiveDate: day('2023-01-01') });
    const moved = await transferOfficer(db, officer._id.toHexString(), to._id.toHexString(), '2025-07-01T00:00:00Z');
    expect(String(moved.unitId)).to.equal(String(to._id));
    expect(history(moved)).to.deep.equal([
      [String(from._id), '2023-01-01', '2025-07-01'],
      [String(to._id), '2025-07-01', null],
    ]);
    await expectAppError(transferOfficer(db, officer._id, to._id, day('2025-08-01')), 409, 'officer_already_in_unit');
    await expectAppError(transferOfficer(db, officer._id, from._id, day('2025-01-01')), 400, 'membership_date_before_start');
    await expectAppError(transferOfficer(db, '0123456789abcdef01234567', from._id, day('2025-08-01')), 404, 'officer_not_found');
    await updateOfficer(db, officer._id, { status: 'retired', effectiveDate: day('2025-09-01') });
    await expectAppError(transferOfficer(db, officer._id, from._id, day('2025-10-01')), 409, 'officer_not_employed');
  });

  it('updateOfficer changes fields, clears e-mail with "" and records leaving and returning', async () => {
    const officer = await buildOfficer({ email: 'a@sonha.example', effectiveDate: day('2020-01-01') });
    const updated = await updateOfficer(db, officer._id, { position: 'Trưởng phòng', isLeader: true, email: '' });
    expect(updated).to.include({ position: 'Trưởng phòng', isLeader: true });
    expect(updated.email).to.equal(undefined);
    expect(history(updated)).to.deep.equal(history(officer));
    const retired = await updateOfficer(db, officer._id, { status: 'retired', effectiveDate: '2025-06-30T00:00:00Z' });
    expect(history(retired)).to.deep.equal([[String(officer.unitId), '2020-01-01', '2025-06-30']]);
    const back = await updateOfficer(db, officer._id, { status: 'active', effectiveDate: '2025-09-01T00:00:00Z' });
    expect(history(back)[1]).to.deep.equal([String(officer.unitId), '2025-09-01', null]);
    await expectAppError(updateOfficer(db, officer._id, { unitId: officer.unitId } as never), 422, 'validation_failed');
    const other = await buildOfficer({ email: 'b@sonha.example' });
    await expectAppError(updateOfficer(db, officer._id, { code: other.code }), 409, 'officer_code_taken');
    await expectAppError(updateOfficer(db, officer._id, { email: 'B@sonha.example' }), 409, 'officer_email_taken');
    await expectAppError(updateOfficer(db, 'not-an-id', { isLeader: false }), 422, 'validation_failed');
  });

  it('listOfficers pages a unit subtree in Vietnamese name order, filtered and searched', async () => {
    const root = await buildUnit();
    const child = await buildUnit({ parentId: root._id });
    const elsewhere = await buildUnit();
    const names = ['Đỗ Văn Bình', 'Nguyễn Thị Ánh', 'Dương Minh Châu', 'Nguyễn Thị An', 'Bùi Thị Hà', 'nguyễn văn An', 'Ân Văn Hải', 'Lê Thị Hoa', 'Đặng Quốc Việt', 'Nguyễn Thị Ân'];
    for (const [i, fullName] of names.entries()) {
      await buildOfficer({ fullName, unitId: i % 2 ? root._id : child._id, category: i < 3 ? 'vien-chuc' : 'cong-chuc', status: i === 9 ? 'on-leave' : 'active' });
    }
    await buildOfficer({ fullName: 'Nguyễn Văn Ngoài', unitId: elsewhere._id });
    const unitIds = (await subtreeIds(db, root._id)).map(String);
    const all = await listOfficers(db, { unitIds, pageSize: 100 });
    const collator = new Intl.Collator('vi');
    // Vietnamese lists order by the given name (tên), then family and middle names
    const listOrder = (a: string, b: string) => collator.compare(givenNameFirst(a), givenNameFirst(b));
    expect(all.total).to.equal(names.length);
    expect(all.items.map((o) => o.fullName)).to.deep.equal([...names].sort(listOrder));
    expect(all.items.slice(0, 2).map((o) => o.fullName)).to.deep.equal(['Nguyễn Thị An', 'nguyễn văn An']);
    const page2 = await listOfficers(db, { unitIds, page: 2, pageSize: 4 });
    expect({ total: page2.total, page: page2.page, names: page2.items.map((o) => o.fullName) }).to.deep.equal({ total: 10, page: 2, names: [...names].sort(listOrder).slice(4, 8) });
    const search = async (q: string) => (await listOfficers(db, { unitIds, q, pageSize: 100 })).items.map((o) => o.fullName).sort(collator.compare);
    expect(await search('nguyen thi')).to.deep.equal(['Nguyễn Thị An', 'Nguyễn Thị Ánh', 'Nguyễn Thị Ân']);
    expect(await search('ĐỖ')).to.deep.equal(['Đỗ Văn Bình']);
    expect(await search('a.*')).to.deep.equal([]);
    expect((await listOfficers(db, { unitIds, category: 'vien-chuc' })).total).to.equal(3);
    expect((await listOfficers(db, { unitIds, status: 'on-leave' })).items.map((o) => o.fullName)).to.deep.equal(['Nguyễn Thị Ân']);
    expect((await listOfficers(db, { unitIds: [], pageSize: 10 })).total).to.equal(0);
    await expectAppError(listOfficers(db, { unitIds, pageSize: 10_000 }), 422, 'validation_failed');
  });
});
