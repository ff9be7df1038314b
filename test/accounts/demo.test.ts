/**
 * The demo accounts of the xã / phường level: a coordinator and a manager of phường Bình
 * Minh, each linked to a real officer record of the phường, so the accounts pages, the
 * activation sheet and the unit manager's view have something to show.
 */
import { expect } from 'chai';
import { trusted } from 'mongoose';
import { openTestDatabase, type TestDatabase } from '../database';
import { loadDemoProvince } from '../../server/demo/province';
import { createDemoAccounts, DEMO_LOGINS, DEMO_WARD_CODE } from '../../server/demo/accounts';
import { userModel, type User } from '../../server/users/model';
import { unitModel, type Unit } from '../../server/units/model';
import { officerModel, type Officer } from '../../server/officers/model';

describe('demo accounts', function () {
  this.timeout(60_000);
  let database: TestDatabase;

  before(async () => {
    database = await openTestDatabase('demo-accounts');
    await loadDemoProvince(database.connection);
  });
  after(async () => database?.close());

  it('adds a coordinator and a manager of phường Bình Minh, with real officer records of the phường, once', async () => {
    const db = database.connection;
    const created = await createDemoAccounts(db, 'mật khẩu demo', 4);
    expect(created).to.have.members([...DEMO_LOGINS]);
    expect(await createDemoAccounts(db, 'mật khẩu demo', 4)).to.deep.equal([]);

    const ward = (await unitModel(db).findOne({ code: DEMO_WARD_CODE }).lean<Unit>())!;
    const accounts = await userModel(db).find({ username: trusted({ $in: ['demo.ward.coordinator', 'demo.ward.manager'] }) }).lean<User[]>();
    expect(accounts.map((a) => [a.username, a.role])).to.have.deep.members([
      ['demo.ward.coordinator', 'coordinator'],
      ['demo.ward.manager', 'manager'],
    ]);
    for (const account of accounts) {
      expect(account.unitId!.equals(ward._id), account.username!).to.equal(true);
      const officer = (await officerModel(db).findById(account.officerId).lean<Officer>())!;
      expect(officer.code).to.equal(account.officerCode);
      expect(officer.fullName).to.equal(account.displayName);
      const unit = (await unitModel(db).findById(officer.unitId).lean<Unit>())!;
      expect(unit._id.equals(ward._id) || unit.ancestors.some((a) => a.equals(ward._id)), `${account.username} serves in the phường`).to.equal(true);
    }
    expect(accounts.find((a) => a.role === 'manager')!.sortName, 'name keys are filled in').to.be.a('string').and.not.equal('');
  });
});
