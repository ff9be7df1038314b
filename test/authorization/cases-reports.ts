/**
 * Authorization matrix cases of the annual reports (server/reports; see cases.ts for the
 * format). own = a unit below A (the coordinator's and manager's), other = one below B.
 * Each request acts on a fresh unit in the state the command needs, so a refusal can
 * only come from authorization. The province consolidation is for admins and a
 * coordinator of the province itself; the matrix's coordinator acts from A, below it.
 */
import { freezeReport } from '../../server/reports/service';
import { trainingYear } from '../../server/progress/year';
import type { Case } from './cases';
import type { Scope, World } from './fixture';

const BOTH = ['own', 'other'] as const;
const OWN = ['own'] as const;
const EDITORS = { admin: BOTH, coordinator: OWN, manager: OWN } as const;
const YEAR = trainingYear();

const fresh = async (w: World, s: Scope) => (await w.freshUnit(s))._id.toHexString();
async function frozen(w: World, s: Scope) {
  const unit = await w.freshUnit(s);
  await freezeReport(w.services.db, unit, YEAR, { id: null, name: 'Ma trận' }, new Date());
  return unit._id.toHexString();
}
const api = (unitId: string, tail = '') => `/api/v1/reports/${unitId}/${YEAR}${tail}`;
const page = (unitId: string, tail = '') => `/reports/${unitId}/${YEAR}${tail}`;

export const reportCases: Case[] = [
  { route: 'GET /api/v1/reports', allow: { admin: BOTH, coordinator: BOTH, manager: BOTH }, request: () => ({ method: 'GET', path: `/api/v1/reports?year=${YEAR}` }) },
  { route: 'GET /api/v1/reports/:unitId/:year', allow: EDITORS, request: (w, s) => ({ method: 'GET', path: api(w.unit(s)._id.toHexString()) }) },
  { route: 'PUT /api/v1/reports/:unitId/:year', allow: EDITORS, request: async (w, s) => ({ method: 'PUT', path: api(await fresh(w, s)), json: { signerName: 'Nguyễn Văn Ký' } }) },
  { route: 'POST /api/v1/reports/:unitId/:year/freeze', allow: EDITORS, request: async (w, s) => ({ method: 'POST', path: api(await fresh(w, s), '/freeze') }) },
  { route: 'POST /api/v1/reports/:unitId/:year/reopen', allow: EDITORS, request: async (w, s) => ({ method: 'POST', path: api(await frozen(w, s), '/reopen') }) },
  { route: 'POST /api/v1/reports/:unitId/:year/submit', allow: EDITORS, request: async (w, s) => ({ method: 'POST', path: api(await frozen(w, s), '/submit') }) },
];
export { page as reportPage };
