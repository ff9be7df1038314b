/**
 * The world the authorization matrix runs in: a province P with two departments, A (with
 * a division A1) and B (with B1). Each role acts from A: the coordinator and manager on A's
 * subtree, the officer works in A1. "own" targets lie in A's subtree, "other" targets in B.
 */
import type { Types } from 'mongoose';
import type { Services } from '../../server/http/context';
import { signSession } from '../../server/auth/tokens';
import { SESSION_COOKIE } from '../../server/auth/session';
import { createAccount } from '../../server/users/service';
import { userModel, type Role, type User } from '../../server/users/model';
import type { Unit } from '../../server/units/model';
import type { Officer } from '../../server/officers/model';
import { buildOfficer, buildUnit } from '../factories';
import { Client } from '../http';

export type Actor = 'anonymous' | Role;
export type Scope = 'own' | 'other';

export interface World {
  services: Services;
  base: string;
  units: { P: Unit; A: Unit; A1: Unit; B: Unit; B1: Unit };
  /** a serving officer in A1 (the officer role's own record) and one in B1 */
  officers: { own: Officer; other: Officer };
  accounts: Record<Role, User>;
  /** a fresh unit below A or B for commands that change or consume it */
  freshUnit(scope: Scope): Promise<Unit>;
  /** a fresh serving officer (with an e-mail) in A1 or B1 */
  freshOfficer(scope: Scope): Promise<Officer>;
  /** a client signed in as `actor` (a minted session cookie; no sign-in round trip) */
  clientAs(actor: Actor): Promise<Client>;
  /** the unit / officer a route acts on for `scope` */
  unit(scope: Scope): Unit;
  officer(scope: Scope): Officer;
}

let counter = 0;

export async function buildWorld(services: Services, base: string): Promise<World> {
  const P = await buildUnit({ name: 'Tỉnh thử' });
  const A = await buildUnit({ parentId: P._id, name: 'Sở A', kind: 'department' });
  const A1 = await buildUnit({ parentId: A._id, name: 'Phòng A1' });
  const B = await buildUnit({ parentId: P._id, name: 'Sở B', kind: 'department' });
  const B1 = await buildUnit({ parentId: B._id, name: 'Phòng B1' });
  const own = await buildOfficer({ unitId: A1._id, email: 'own.officer@example.vn' });
  const other = await buildOfficer({ unitId: B1._id, email: 'other.officer@example.vn' });
  const make = (role: Role, unitId: Types.ObjectId | null, officer?: Officer) =>
    createAccount(
      services.db,
      {
        username: `matrix.${role}`,
        displayName: `Ma trận ${role}`,
        role,
        password: 'mật khẩu ma trận',
        ...(unitId ? { unitId } : {}),
        ...(officer ? { officerId: officer._id, officerCode: officer.code } : {}),
      },
      4,
    );
  const accounts = { admin: await make('admin', null), coordinator: await make('coordinator', A._id), manager: await make('manager', A._id), officer: await make('officer', A1._id, own) };
  const units = { P, A, A1, B, B1 };
  return {
    services,
    base,
    units,
    officers: { own, other },
    accounts,
    freshUnit: (scope) => buildUnit({ parentId: (scope === 'own' ? A : B)._id, name: `Đơn vị mới ${++counter}` }),
    freshOfficer: (scope) => buildOfficer({ unitId: (scope === 'own' ? A1 : B1)._id, email: `moi.${++counter}@example.vn` }),
    async clientAs(actor) {
      const client = new Client(base);
      if (actor === 'anonymous') return client;
      // the current token version: some routes (log out everywhere) bump it
      const account = (await userModel(services.db).findById(accounts[actor]._id).lean<User>())!;
      const { token } = signSession({ id: account._id.toHexString(), tokenVersion: account.tokenVersion }, services.secret, 60);
      client.cookies.set(SESSION_COOKIE, token);
      return client;
    },
    unit: (scope) => (scope === 'own' ? A1 : B1),
    officer: (scope) => (scope === 'own' ? own : other),
  };
}
