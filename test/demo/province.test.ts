import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { openTestDatabase, type TestDatabase } from '../database';
import { buildDemoProvince, loadDemoProvince } from '../../server/demo/province';
import { unitModel } from '../../server/units/model';
import { OFFICER_CATEGORIES, officerCategoryLabels, officerModel, type Officer } from '../../server/officers/model';
import { createDemoAccounts } from '../../server/demo/accounts';
import { userModel, type User } from '../../server/users/model';
import type { Unit } from '../../server/units/model';
import { t } from '../../server/i18n';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { unitTree } from '../../server/units/service';
import type { UnitTreeNode } from '../../server/units/presenters';

const levels = (node: UnitTreeNode): number => 1 + Math.max(0, ...node.children.map(levels));

describe('demo province', function () {
  this.timeout(30_000);
  let database: TestDatabase;
  let db: Connection;

  before(async () => {
    database = await openTestDatabase('demo');
    db = database.connection;
  });
  after(async () => database?.close());

  it('is the same data on every build, in NFC with Vietnamese diacritics', () => {
    const demo = buildDemoProvince();
    expect(buildDemoProvince()).to.deep.equal(demo);
    const texts = [...demo.units.map((u) => u.name), ...demo.officers.flatMap((o) => [o.fullName, o.position ?? '', o.rank ?? ''])];
    expect(texts.filter((text) => text !== text.normalize('NFC'))).to.deep.equal([]);
    expect(demo.officers.filter((o) => /[ăâđêôơưàáảãạ]/i.test(o.fullName)).length).to.be.greaterThan(demo.officers.length / 2);
    expect(new Set(demo.officers.map((o) => o.code)).size).to.equal(demo.officers.length);
  });

  it('loads into an empty database once: ~300 officers in a tree three levels deep', async () => {
    const first = await loadDemoProvince(db);
    expect(first.loaded).to.equal(true);
    expect(first.officers).to.be.within(250, 350);
    const Unit = unitModel(db);
    const Officer = officerModel(db);
    const [units, officers] = await Promise.all([Unit.countDocuments(), Officer.countDocuments()]);
    expect({ units, officers }).to.deep.equal({ units: first.units, officers: first.officers });

    const [root, ...others] = await unitTree(db);
    expect(others).to.have.length(0);
    expect(root?.kind).to.equal('province');
    expect(levels(root as UnitTreeNode)).to.equal(3);
    const kinds = (root as UnitTreeNode).children.map((c) => c.kind);
    expect(kinds.filter((k) => k === 'department').length).to.be.within(10, 14);
    expect(kinds.filter((k) => k === 'commune').length).to.be.within(12, 18);

    for (const category of OFFICER_CATEGORIES) expect(await Officer.countDocuments({ category }), category).to.be.greaterThan(0);
    const leaders = await Officer.countDocuments({ isLeader: true });
    expect(leaders).to.be.within(1, officers - 1);
    const chairman = await Officer.findOne({ position: 'Chủ tịch UBND tỉnh' }).lean();
    expect(String(chairman?.unitId)).to.equal(root?.id);

    const second = await loadDemoProvince(db);
    expect(second).to.deep.equal({ loaded: false, units: 0, officers: 0 });
    expect(await Promise.all([Unit.countDocuments(), Officer.countDocuments()])).to.deep.equal([units, officers]);
  });

  it("the README's demo logins describe the demo officer as the data makes them: category and unit (issue #15 defect 9)", async () => {
    await loadDemoProvince(db);
    await createDemoAccounts(db, 'mật khẩu demo thử', 4);
    const account = (await userModel(db).findOne({ username: 'demo.officer' }).lean<User>())!;
    const officer = (await officerModel(db).findById(account.officerId).lean<Officer>())!;
    const unit = (await unitModel(db).findById(officer.unitId).lean<Unit>())!;
    const row = readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8')
      .split('\n')
      .find((line) => line.startsWith('| `demo.officer`'));
    expect(row, 'the README has a row for demo.officer').to.be.a('string');
    expect(row!.toLowerCase()).to.contain(t('vi', officerCategoryLabels[officer.category]).toLowerCase()).and.contain(unit.name.toLowerCase());
  });
});
