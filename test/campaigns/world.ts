/**
 * The campaigns tests' province: P → A (A1, A2) and B (B1); a coordinator and a manager of
 * A, an admin, and officers of A1, A2 and B1 who joined last year (so they are not late
 * joiners of this year's campaigns). Clients hold bearer tokens from the sign-in API.
 */
import { expect } from 'chai';
import type { Types } from 'mongoose';
import { createAccount } from '../../server/users/service';
import type { Role, User } from '../../server/users/model';
import type { Unit } from '../../server/units/model';
import type { Officer } from '../../server/officers/model';
import type { CreateOfficerInput } from '../../server/officers/schema';
import { trainingYear } from '../../server/progress/year';
import { buildOfficer, buildUnit } from '../factories';
import { buildPublishedModule, lesson } from '../learning/fixtures';
import type { Client, TestPlatform } from '../http';

export const PASSWORD = 'mật khẩu kế hoạch';
export const YEAR = trainingYear(new Date());
/** joined the service last year: in the audience when this year's campaigns open */
export const LAST_YEAR = new Date(`${YEAR - 1}-06-01T00:00:00+07:00`);

let serial = 0;

export interface CampaignWorld {
  units: { P: Unit; A: Unit; A1: Unit; A2: Unit; B: Unit; B1: Unit };
  clients: { admin: Client; coordinator: Client; manager: Client };
  modules: Types.ObjectId[];
  officer(unit: Unit, overrides?: Partial<CreateOfficerInput>): Promise<Officer>;
  /** a signed-in client of an account of `role`, acting on `unitId` (with `officer` as its own record) */
  client(role: Role, unitId: Types.ObjectId | null, officer?: Officer): Promise<Client>;
}

export async function buildCampaignWorld(tp: TestPlatform): Promise<CampaignWorld> {
  const db = tp.platform.services.db;
  const P = await buildUnit({ name: 'Tỉnh Kế Hoạch' });
  const A = await buildUnit({ parentId: P._id, name: 'Sở A', kind: 'department' });
  const A1 = await buildUnit({ parentId: A._id, name: 'Phòng A1' });
  const A2 = await buildUnit({ parentId: A._id, name: 'Phòng A2' });
  const B = await buildUnit({ parentId: P._id, name: 'Sở B', kind: 'department' });
  const B1 = await buildUnit({ parentId: B._id, name: 'Phòng B1' });
  async function client(role: Role, unitId: Types.ObjectId | null, officer?: Officer): Promise<Client> {
    const login = `kh.${role}.${++serial}`;
    const extra = { ...(unitId ? { unitId } : {}), ...(officer ? { officerId: officer._id, officerCode: officer.code } : {}) };
    const account: User = await createAccount(db, { username: login, displayName: `Kế hoạch ${login}`, role, password: PASSWORD, ...extra }, 4);
    const c = tp.client();
    const reply = await c.request('POST', '/api/v1/auth/login', { json: { login: account.username, password: PASSWORD } });
    expect(reply.status, reply.text).to.equal(200);
    c.bearer = reply.json<{ token: string }>().token;
    return c;
  }
  const modules: Types.ObjectId[] = [];
  for (let i = 0; i < 3; i++) modules.push((await buildPublishedModule(db, { items: [lesson('bai-1')], title: `Học phần kế hoạch ${i + 1}` })).moduleId);
  return {
    units: { P, A, A1, A2, B, B1 },
    clients: { admin: await client('admin', null), coordinator: await client('coordinator', A._id), manager: await client('manager', A._id) },
    modules,
    officer: (unit, overrides = {}) => buildOfficer({ unitId: unit._id, effectiveDate: LAST_YEAR, ...overrides }),
    client,
  };
}
