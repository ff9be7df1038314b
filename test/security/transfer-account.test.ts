/**
 * Finding 7 of issue #10: after POST /api/v1/officers/:id/transfer the officer's account
 * kept the old unit — the officer could still read the old unit (200) and not the new one
 * (403). An account follows its officer; an appointment made for the old unit ends.
 */
import { expect } from 'chai';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { buildOfficer, buildUnit } from '../factories';
import { createAccount } from '../../server/users/service';
import { userModel, type User } from '../../server/users/model';
import type { Unit } from '../../server/units/model';

describe('security #10.7: a transferred officer’s account follows them', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let province: Unit;
  let coordinator: Client;

  before(async () => {
    tp = await startTestPlatform('transfer-account');
    province = await buildUnit({ code: 'TINH-CHUYEN', name: 'Tỉnh thử chuyển công tác' });
    await createAccount(tp.platform.services.db, { username: 'dieu.phoi.chuyen', displayName: 'Điều phối', role: 'coordinator', unitId: province._id, password: 'mật khẩu thử' }, 4);
    coordinator = tp.client();
    const login = await coordinator.request('POST', '/api/v1/auth/login', { json: { login: 'dieu.phoi.chuyen', password: 'mật khẩu thử' } });
    coordinator.bearer = login.json().token;
  });
  after(() => tp?.close());

  async function bearerOf(login: string): Promise<Client> {
    const client = tp.client();
    const reply = await client.request('POST', '/api/v1/auth/login', { json: { login, password: 'mật khẩu thử' } });
    expect(reply.status, reply.text).to.equal(200);
    client.bearer = reply.json().token;
    return client;
  }

  async function transfer(officerId: string, unitId: string) {
    const reply = await coordinator.request('POST', `/api/v1/officers/${officerId}/transfer`, { json: { unitId: unitId, effectiveDate: new Date().toISOString() } });
    expect(reply.status, reply.text).to.equal(200);
  }

  it('the officer reads the new unit and no longer the old one', async () => {
    const [from, to] = [await buildUnit({ parentId: province._id }), await buildUnit({ parentId: province._id })];
    const officer = await buildOfficer({ unitId: from._id });
    await createAccount(tp.platform.services.db, { username: 'can.bo.chuyen', displayName: officer.fullName, role: 'officer', unitId: from._id, officerId: officer._id, password: 'mật khẩu thử' }, 4);
    const learner = await bearerOf('can.bo.chuyen');
    expect((await learner.get(`/api/v1/units/${from._id.toHexString()}`)).status).to.equal(200);

    await transfer(officer._id.toHexString(), to._id.toHexString());

    expect((await learner.get(`/api/v1/units/${to._id.toHexString()}`)).status).to.equal(200);
    expect((await learner.get(`/api/v1/units/${from._id.toHexString()}`)).status).to.equal(403);
    const account = await userModel(tp.platform.services.db).findOne({ username: 'can.bo.chuyen' }).lean<User>();
    expect(account!.unitId!.toHexString()).to.equal(to._id.toHexString());
  });

  it('a manager appointed for the old unit keeps no power there and gets none in the new one', async () => {
    const [from, to] = [await buildUnit({ parentId: province._id }), await buildUnit({ parentId: province._id })];
    const officer = await buildOfficer({ unitId: from._id });
    await createAccount(tp.platform.services.db, { username: 'thu.truong.chuyen', displayName: officer.fullName, role: 'manager', unitId: from._id, officerId: officer._id, password: 'mật khẩu thử' }, 4);
    const manager = await bearerOf('thu.truong.chuyen');
    expect((await manager.get(`/api/v1/officers/${officer._id.toHexString()}`)).status).to.equal(200);

    await transfer(officer._id.toHexString(), to._id.toHexString());

    const account = await userModel(tp.platform.services.db).findOne({ username: 'thu.truong.chuyen' }).lean<User>();
    expect(account).to.include({ role: 'officer' });
    expect(account!.unitId!.toHexString()).to.equal(to._id.toHexString());
    const colleague = await buildOfficer({ unitId: from._id });
    expect((await manager.get(`/api/v1/officers/${colleague._id.toHexString()}`)).status).to.equal(403);
    expect((await manager.get(`/api/v1/units/${to._id.toHexString()}`)).status).to.equal(200);
  });
});
