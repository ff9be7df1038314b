import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { openTestDatabase, type TestDatabase } from '../database';
import { buildOfficer, buildUnit } from '../factories';
import { upsertOfficers } from '../../server/officers/upsert';
import { listOfficers } from '../../server/officers/service';
import { officerModel } from '../../server/officers/model';
import type { OfficerInput } from '../../server/officers/schema';
import { deactivateUnit } from '../../server/units/service';
import type { Unit } from '../../server/units/model';

describe('officers: bulk upsert (the import core)', function () {
  this.timeout(30_000);
  let database: TestDatabase;
  let db: Connection;
  let unitA: Unit;
  let unitB: Unit;

  before(async () => {
    database = await openTestDatabase('officers-upsert');
    db = database.connection;
    unitA = await buildUnit({ code: 'IMP-A' });
    unitB = await buildUnit({ code: 'IMP-B' });
  });
  after(async () => database?.close());

  let serial = 0;
  const row = (overrides: Partial<OfficerInput> = {}): OfficerInput => {
    serial++;
    return { code: `IMP${serial}`, fullName: `Trần Thị Nhập ${serial}`, unitCode: 'imp-a', category: 'cong-chuc', ...overrides };
  };
  const count = () => officerModel(db).countDocuments();

  it('creates, then a second run of the same rows changes nothing', async () => {
    const rows = [row({ email: 'nhap1@sonha.example', isLeader: true }), row({ unitCode: 'IMP-B', status: 'on-leave' }), row({ phone: '0912 345 678', position: 'Chuyên viên' })];
    const first = await upsertOfficers(db, rows, { dryRun: false });
    expect(first).to.deep.equal({ created: 3, updated: 0, unchanged: 0, errors: [] });
    const stored = await officerModel(db).findOne({ code: rows[1]?.code }).lean();
    expect(String(stored?.unitId)).to.equal(String(unitB._id));
    expect(stored?.memberships).to.have.length(1);
    const second = await upsertOfficers(db, rows, { dryRun: false });
    expect(second).to.deep.equal({ created: 0, updated: 0, unchanged: 3, errors: [] });
  });

  it('updates only changed rows and records a unit change in the membership history', async () => {
    const rows = [row(), row(), row()];
    await upsertOfficers(db, rows, { dryRun: false, effectiveDate: new Date('2025-01-01T00:00:00Z') });
    const changed = [rows[0] as OfficerInput, { ...rows[1], position: 'Phó Trưởng phòng' } as OfficerInput, { ...rows[2], unitCode: 'IMP-B' } as OfficerInput];
    const result = await upsertOfficers(db, changed, { dryRun: false, effectiveDate: new Date('2025-07-01T00:00:00Z') });
    expect(result).to.deep.equal({ created: 0, updated: 2, unchanged: 1, errors: [] });
    const moved = await officerModel(db).findOne({ code: rows[2]?.code }).lean();
    expect(moved?.memberships.map((m) => [String(m.unitId), m.to?.toISOString() ?? null])).to.deep.equal([
      [String(unitA._id), '2025-07-01T00:00:00.000Z'],
      [String(unitB._id), null],
    ]);
  });

  it('a dry run reports what would happen and writes nothing', async () => {
    const existing = row();
    await upsertOfficers(db, [existing], { dryRun: false });
    const before = await count();
    const result = await upsertOfficers(db, [row(), row(), { ...existing, rank: 'Chuyên viên chính' }], { dryRun: true });
    expect(result).to.deep.equal({ created: 2, updated: 1, unchanged: 0, errors: [] });
    expect(await count()).to.equal(before);
    expect((await officerModel(db).findOne({ code: existing.code }).lean())?.rank).to.equal(undefined);
  });

  it('reports every problem by row and field and then writes nothing', async () => {
    const taken = await buildOfficer({ email: 'da.co@sonha.example' });
    const closed = await buildUnit({ code: 'IMP-CLOSED' });
    await deactivateUnit(db, closed._id);
    const before = await count();
    const rows = [
      row(),
      row({ unitCode: 'KHONG-CO' }),
      row({ code: 'IMP-DUP' }),
      row({ code: ' imp-dup ' }),
      row({ email: 'không hợp lệ' }),
      row({ fullName: '   ', category: 'x' as never }),
      row({ email: 'Da.Co@sonha.example' }),
      row({ unitCode: 'IMP-CLOSED' }),
      row({ email: 'chung@sonha.example' }),
      row({ email: 'chung@sonha.example' }),
    ];
    const result = await upsertOfficers(db, rows, { dryRun: false });
    expect(result.errors).to.deep.equal([
      { row: 2, field: 'unitCode', id: 'unit_code_unknown' },
      { row: 4, field: 'code', id: 'officer_code_duplicate_in_file' },
      { row: 5, field: 'email', id: 'email_invalid' },
      { row: 6, field: 'fullName', id: 'field_required' },
      { row: 6, field: 'category', id: 'field_invalid_choice' },
      { row: 7, field: 'email', id: 'officer_email_taken' },
      { row: 8, field: 'unitCode', id: 'unit_inactive' },
      { row: 10, field: 'email', id: 'officer_email_duplicate_in_file' },
    ]);
    expect({ created: result.created, updated: result.updated, unchanged: result.unchanged }).to.deep.equal({ created: 0, updated: 0, unchanged: 0 });
    expect(await count()).to.equal(before);
    expect(String(taken.email)).to.equal('da.co@sonha.example');
  });

  it('stores text in NFC whatever the input form, so NFD and NFC rows are the same row', async () => {
    const nfc = row({ fullName: 'Phạm Thị Thúy Hằng', position: 'Phó Chánh Văn phòng', rank: 'Chuyên viên chính' });
    const nfd = { ...nfc, fullName: nfc.fullName.normalize('NFD'), position: nfc.position?.normalize('NFD'), rank: nfc.rank?.normalize('NFD') };
    expect(nfd.fullName).to.not.equal(nfc.fullName);
    expect(await upsertOfficers(db, [nfd], { dryRun: false })).to.include({ created: 1 });
    const stored = await officerModel(db).findOne({ code: nfc.code }).lean();
    expect({ fullName: stored?.fullName, position: stored?.position, rank: stored?.rank }).to.deep.equal({ fullName: nfc.fullName, position: nfc.position, rank: nfc.rank });
    expect(await upsertOfficers(db, [nfc], { dryRun: false })).to.include({ unchanged: 1, updated: 0 });
    expect(await upsertOfficers(db, [nfd], { dryRun: false })).to.include({ unchanged: 1, updated: 0 });
  });

  it('lets two officers swap e-mail addresses in one import', async () => {
    const [a, b] = [row({ email: 'swap.a@sonha.example' }), row({ email: 'swap.b@sonha.example' })];
    await upsertOfficers(db, [a, b], { dryRun: false });
    const swapped = await upsertOfficers(db, [{ ...a, email: b.email }, { ...b, email: a.email }], { dryRun: false });
    expect(swapped).to.deep.equal({ created: 0, updated: 2, unchanged: 0, errors: [] });
    expect((await officerModel(db).findOne({ code: a.code }).lean())?.email).to.equal('swap.b@sonha.example');
  });

  it('undoes what it wrote when a write fails midway', async () => {
    const rows = [row({ email: 'undo.a@sonha.example' }), row({ email: 'undo.b@sonha.example' })];
    await upsertOfficers(db, rows, { dryRun: false });
    const Officer = officerModel(db);
    const snapshot = async () => JSON.parse(JSON.stringify(await Officer.find().sort({ code: 1 }).lean()));
    const before = await snapshot();
    const original = Officer.insertMany;
    // inserts run after the updates: failing them leaves updated officers to restore
    Officer.insertMany = (async () => {
      throw new Error('forced failure while inserting');
    }) as unknown as typeof Officer.insertMany;
    try {
      const changed = [{ ...rows[0], email: rows[1]?.email, unitCode: 'IMP-B' } as OfficerInput, { ...rows[1], email: rows[0]?.email } as OfficerInput, row()];
      let failed: unknown;
      await upsertOfficers(db, changed, { dryRun: false }).catch((error: unknown) => (failed = error));
      expect((failed as Error | undefined)?.message).to.match(/forced failure/);
    } finally {
      Officer.insertMany = original;
    }
    expect(await snapshot()).to.deep.equal(before);
  });

  it('imports 60,000 rows in one run', async function () {
    this.timeout(120_000);
    const units = await Promise.all(Array.from({ length: 20 }, (_, i) => buildUnit({ code: `BULK-${i}` })));
    const rows: OfficerInput[] = Array.from({ length: 60_000 }, (_, i) => ({
      code: `BULK${String(i).padStart(6, '0')}`,
      fullName: `Nguyễn Văn Số ${i}`,
      unitCode: `BULK-${i % units.length}`,
      category: i % 7 === 0 ? 'vien-chuc' : 'cong-chuc',
      email: i % 3 === 0 ? `bulk${i}@sonha.example` : undefined,
    }));
    const before = await count();
    const started = Date.now();
    const result = await upsertOfficers(db, rows, { dryRun: false });
    const seconds = (Date.now() - started) / 1000;
    expect(result).to.deep.equal({ created: 60_000, updated: 0, unchanged: 0, errors: [] });
    expect(await count()).to.equal(before + 60_000);
    const sample = await officerModel(db).findOne({ code: 'BULK059999' }).lean();
    expect({ unit: String(sample?.unitId), name: sample?.fullName, memberships: sample?.memberships.length }).to.deep.equal({ unit: String(units[59_999 % 20]?._id), name: 'Nguyễn Văn Số 59999', memberships: 1 });
    expect(await officerModel(db).countDocuments({ unitId: units[3]?._id })).to.equal(3_000);
    expect(await officerModel(db).countDocuments({ email: 'bulk59997@sonha.example' })).to.equal(1);
    // at this size the list walks the name index: its order must still be Vietnamese order
    const page = await listOfficers(db, { unitIds: units.map((unit) => unit._id), page: 3, pageSize: 7 });
    const expected = rows.map((r) => r.fullName).sort(new Intl.Collator('vi').compare).slice(14, 21);
    expect({ total: page.total, names: page.items.map((o) => o.fullName) }).to.deep.equal({ total: 60_000, names: expected });
    console.log(`      60,000-row upsert: ${seconds.toFixed(1)} s`);
  });
});
