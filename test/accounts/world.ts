/**
 * The province the account tests act in, over HTTP: P → department A (divisions A1, A2)
 * and department B (division B1). An admin, and a coordinator of A with an officer record
 * in A, sign in through the login form; helpers give fresh officers and accounts.
 */
import type { Types } from 'mongoose';
import { buildOfficer, buildUnit } from '../factories';
import type { Client, TestPlatform } from '../http';
import { createAccount } from '../../server/users/service';
import { userModel, type Role, type User } from '../../server/users/model';
import type { Unit } from '../../server/units/model';
import type { Officer } from '../../server/officers/model';
import { auditModel, type AuditEvent } from '../../server/audit/model';

export const PASSWORD = 'mật khẩu thử nghiệm dài';

export interface AccountsWorld {
  units: { P: Unit; A: Unit; A1: Unit; A2: Unit; B: Unit; B1: Unit };
  admin: User;
  /** coordinator of A, with an officer record in A */
  coordinator: User;
  asAdmin: Client;
  asCoordinator: Client;
  /** a serving officer in `unit` (with an e-mail unless told otherwise) */
  officer(unit: Unit, overrides?: { email?: string | null; fullName?: string }): Promise<Officer>;
  /** an account with a password: of a fresh officer of `unit` when role is officer, else without officer record */
  account(role: Role, unit: Unit | null, options?: { officer?: Officer; email?: string | null; password?: boolean }): Promise<User>;
  reload(id: Types.ObjectId | string): Promise<User>;
  /** the audit events about account `id`, oldest first */
  auditOf(id: Types.ObjectId | string): Promise<AuditEvent[]>;
}

let serial = 0;

export async function buildAccountsWorld(tp: TestPlatform): Promise<AccountsWorld> {
  const { db } = tp.platform.services;
  const P = await buildUnit({ name: 'Tỉnh Thử Nghiệm' });
  const A = await buildUnit({ parentId: P._id, name: 'Sở A', kind: 'department' });
  const A1 = await buildUnit({ parentId: A._id, name: 'Phòng A1' });
  const A2 = await buildUnit({ parentId: A._id, name: 'Phòng A2' });
  const B = await buildUnit({ parentId: P._id, name: 'Sở B', kind: 'department' });
  const B1 = await buildUnit({ parentId: B._id, name: 'Phòng B1' });
  const officer: AccountsWorld['officer'] = (unit, overrides = {}) => {
    const n = ++serial;
    const email = overrides.email === undefined ? `can.bo.${n}@example.vn` : overrides.email;
    return buildOfficer({ unitId: unit._id, ...(email ? { email } : {}), ...(overrides.fullName ? { fullName: overrides.fullName } : {}) });
  };
  const account: AccountsWorld['account'] = async (role, unit, options = {}) => {
    const n = ++serial;
    const record = options.officer ?? (role === 'officer' && unit ? await officer(unit) : null);
    const email = options.email === undefined ? (record?.email ?? `tai.khoan.${n}@example.vn`) : options.email;
    return createAccount(
      db,
      {
        displayName: record?.fullName ?? `Tài khoản thử ${n}`,
        role,
        ...(unit ? { unitId: unit._id } : {}),
        ...(record ? { officerId: record._id, officerCode: record.code } : { username: `tk.${n}` }),
        ...(email ? { email } : {}),
        ...(options.password === false ? {} : { password: PASSWORD }),
      },
      4,
    );
  };
  const admin = await createAccount(db, { username: 'qt.vien', displayName: 'Quản Trị Viên', role: 'admin', password: PASSWORD }, 4);
  const coordinatorRecord = await officer(A, { fullName: 'Lê Thị Điều Phối' });
  const coordinator = await account('coordinator', A, { officer: coordinatorRecord });
  const asAdmin = tp.client();
  await asAdmin.signIn('qt.vien', PASSWORD);
  const asCoordinator = tp.client();
  await asCoordinator.signIn(coordinatorRecord.code, PASSWORD);
  return {
    units: { P, A, A1, A2, B, B1 },
    admin,
    coordinator,
    asAdmin,
    asCoordinator,
    officer,
    account,
    reload: async (id) => (await userModel(db).findById(id).lean<User>())!,
    auditOf: (id) => auditModel(db).find({ subjectType: 'account', subjectId: String(id) }).sort({ at: 1 }).lean<AuditEvent[]>(),
  };
}

/** JSON API call with the page session's CSRF token (the cookie session rides along). */
export async function api(client: Client, method: 'GET' | 'POST' | 'PATCH', url: string, json?: unknown) {
  const headers: Record<string, string> = method === 'GET' ? {} : { 'x-csrf-token': await client.csrf('/password/change') };
  return client.request(method, url, { headers, ...(json !== undefined ? { json } : {}) });
}
