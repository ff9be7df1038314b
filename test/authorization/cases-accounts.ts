/**
 * Authorization matrix cases of account management and activation sheets
 * (server/accounts; see cases.ts for the format). Targets: own = an account or unit in
 * A1 (below the coordinator's A), other = one in B1. Each request is valid and changes a
 * fresh record, so a refusal can only come from authorization. Lists and the appointment
 * form act on the caller's own scope: "own" and "other" are the same request there.
 */
import { createAccount } from '../../server/users/service';
import type { Role, User } from '../../server/users/model';
import { setAccountActive } from '../../server/users/service';
import { buildOfficer, buildUnit } from '../factories';
import type { Case } from './cases';
import type { Scope, World } from './fixture';

const BOTH = ['own', 'other'] as const;
const OWN = ['own'] as const;
const MANAGERS = { admin: BOTH, coordinator: OWN } as const;

let serial = 0;

/** A fresh account of a fresh officer (with an e-mail) serving in A1 or B1; `role` acts on that same unit. */
async function freshAccount(w: World, s: Scope, options: { role?: Role; password?: boolean; active?: boolean } = {}): Promise<User> {
  const unit = w.unit(s);
  const officer = await w.freshOfficer(s);
  const account = await createAccount(
    w.services.db,
    { displayName: officer.fullName, role: options.role ?? 'officer', unitId: unit._id, officerId: officer._id, officerCode: officer.code, email: officer.email!, ...(options.password === false ? {} : { password: 'mật khẩu ma trận' }) },
    4,
  );
  if (options.active === false) return setAccountActive(w.services.db, account._id, false);
  return account;
}

/** A fresh unit below A1 or B1 with one serving officer without e-mail: a sheet has something to print. */
async function sheetUnit(w: World, s: Scope): Promise<string> {
  const unit = await buildUnit({ parentId: w.unit(s)._id, name: `Tổ phiếu ${++serial}` });
  await buildOfficer({ unitId: unit._id });
  return String(unit._id);
}

const id = (account: User) => account._id.toHexString();

export const accountCases: Case[] = [
  { route: 'GET /accounts', allow: MANAGERS, request: (w, s) => ({ method: 'GET', path: `/accounts?unitId=${w.unit(s)._id}` }) },
  { route: 'GET /accounts/appoint', allow: { admin: BOTH, coordinator: BOTH }, request: () => ({ method: 'GET', path: '/accounts/appoint' }) },
  {
    route: 'POST /accounts/appoint',
    allow: MANAGERS,
    request: async (w, s) => ({ method: 'POST', path: '/accounts/appoint', form: { source: 'officer', officerCode: (await w.freshOfficer(s)).code, role: 'manager', unitId: String(w.unit(s)._id) } }),
  },
  { route: 'GET /accounts/:id', allow: MANAGERS, request: async (w, s) => ({ method: 'GET', path: `/accounts/${id(await freshAccount(w, s))}` }) },
  { route: 'POST /accounts/:id/role', allow: MANAGERS, request: async (w, s) => ({ method: 'POST', path: `/accounts/${id(await freshAccount(w, s))}/role`, form: { role: 'manager', unitId: String(w.unit(s)._id) } }) },
  { route: 'POST /accounts/:id/deactivate', allow: MANAGERS, request: async (w, s) => ({ method: 'POST', path: `/accounts/${id(await freshAccount(w, s))}/deactivate`, form: {} }) },
  { route: 'POST /accounts/:id/reactivate', allow: MANAGERS, request: async (w, s) => ({ method: 'POST', path: `/accounts/${id(await freshAccount(w, s, { active: false }))}/reactivate`, form: {} }) },
  { route: 'POST /accounts/:id/unlock', allow: MANAGERS, request: async (w, s) => ({ method: 'POST', path: `/accounts/${id(await freshAccount(w, s))}/unlock`, form: {} }) },
  { route: 'POST /accounts/:id/send-link', allow: MANAGERS, request: async (w, s) => ({ method: 'POST', path: `/accounts/${id(await freshAccount(w, s, { password: false }))}/send-link`, form: {} }) },

  { route: 'GET /api/v1/accounts', allow: MANAGERS, request: (w, s) => ({ method: 'GET', path: `/api/v1/accounts?unitId=${w.unit(s)._id}` }) },
  { route: 'GET /api/v1/accounts/:id', allow: MANAGERS, request: async (w, s) => ({ method: 'GET', path: `/api/v1/accounts/${id(await freshAccount(w, s))}` }) },
  {
    route: 'POST /api/v1/accounts',
    allow: MANAGERS,
    request: async (w, s) => ({ method: 'POST', path: '/api/v1/accounts', json: { source: 'officer', officerId: String((await w.freshOfficer(s))._id), role: 'manager', unitId: String(w.unit(s)._id) } }),
  },
  { route: 'PATCH /api/v1/accounts/:id', allow: MANAGERS, request: async (w, s) => ({ method: 'PATCH', path: `/api/v1/accounts/${id(await freshAccount(w, s))}`, json: { role: 'manager', unitId: String(w.unit(s)._id) } }) },
  { route: 'POST /api/v1/accounts/:id/deactivate', allow: MANAGERS, request: async (w, s) => ({ method: 'POST', path: `/api/v1/accounts/${id(await freshAccount(w, s))}/deactivate` }) },
  { route: 'POST /api/v1/accounts/:id/reactivate', allow: MANAGERS, request: async (w, s) => ({ method: 'POST', path: `/api/v1/accounts/${id(await freshAccount(w, s, { active: false }))}/reactivate` }) },
  { route: 'POST /api/v1/accounts/:id/unlock', allow: MANAGERS, request: async (w, s) => ({ method: 'POST', path: `/api/v1/accounts/${id(await freshAccount(w, s))}/unlock` }) },
  { route: 'POST /api/v1/accounts/:id/send-link', allow: MANAGERS, request: async (w, s) => ({ method: 'POST', path: `/api/v1/accounts/${id(await freshAccount(w, s, { password: false }))}/send-link` }) },

  { route: 'GET /units/:id/activation-sheet', allow: MANAGERS, request: (w, s) => ({ method: 'GET', path: `/units/${w.unit(s)._id}/activation-sheet` }) },
  { route: 'POST /units/:id/activation-sheet', allow: MANAGERS, request: async (w, s) => ({ method: 'POST', path: `/units/${await sheetUnit(w, s)}/activation-sheet`, form: {} }) },
  { route: 'POST /api/v1/units/:id/activation-codes', allow: MANAGERS, request: async (w, s) => ({ method: 'POST', path: `/api/v1/units/${await sheetUnit(w, s)}/activation-codes` }) },
];

/** The activation page is public: the person cannot sign in yet. */
export const ACCOUNT_PUBLIC_ROUTES = ['GET /activate', 'POST /activate'] as const;
