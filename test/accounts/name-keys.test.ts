/**
 * The accounts list sorts and searches by name keys stored on each account. They follow
 * displayName whichever command writes it, and accounts from before the list existed get
 * them at start-up.
 */
import { expect } from 'chai';
import { openTestDatabase, type TestDatabase } from '../database';
import { personSortKey } from '../../server/i18n/vietnamese';
import { userModel, type User } from '../../server/users/model';
import { createAccount, fillAccountNameKeys } from '../../server/users/service';

describe('accounts: name keys', function () {
  this.timeout(30_000);
  let database: TestDatabase;

  before(async () => {
    database = await openTestDatabase('account-name-keys');
  });
  after(async () => database?.close());

  const read = async (id: unknown) => (await userModel(database.connection).findById(id).lean<User>())!;

  it('are set on creation and follow every update of displayName', async () => {
    const db = database.connection;
    const account = await createAccount(db, { username: 'ten.cu', displayName: 'Nguyễn Văn Cũ', role: 'officer' }, 4);
    expect(account).to.include({ sortName: personSortKey('Nguyễn Văn Cũ'), searchText: 'nguyen van cu' });
    await userModel(db).updateOne({ _id: account._id }, { $set: { displayName: 'Trần Thị Mới' } });
    expect(await read(account._id)).to.include({ sortName: personSortKey('Trần Thị Mới'), searchText: 'tran thi moi' });
    await userModel(db).findByIdAndUpdate(account._id, { displayName: 'Lê Ánh' });
    expect(await read(account._id)).to.include({ sortName: personSortKey('Lê Ánh'), searchText: 'le anh' });
    await userModel(db).updateOne({ _id: account._id }, { $set: { locale: 'en' } });
    expect((await read(account._id)).searchText, 'other updates leave them alone').to.equal('le anh');
  });

  it('are filled in for accounts stored without them, once', async () => {
    const db = database.connection;
    const { insertedId } = await userModel(db).collection.insertOne({ username: 'tai.khoan.cu', displayName: 'Phạm Thị Cũ', role: 'officer', active: true, tokenVersion: 0, revokedSessions: [], locale: 'vi', passwordHash: null });
    expect(await fillAccountNameKeys(db)).to.equal(1);
    expect(await read(insertedId)).to.include({ sortName: personSortKey('Phạm Thị Cũ'), searchText: 'pham thi cu' });
    expect(await fillAccountNameKeys(db)).to.equal(0);
  });
});
