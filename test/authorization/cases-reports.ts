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
  { route: 'GET /api/v1/reports/:unitId/:year/:format', allow: EDITORS, request: (w, s) => ({ method: 'GET', path: api(w.unit(s)._id.toHexString(), '/pdf') }) },
  { route: 'GET /reports', allow: { admin: BOTH, coordinator: BOTH, manager: BOTH }, request: () => ({ method: 'GET', path: `/reports?year=${YEAR}` }) },
  { route: 'GET /reports/:unitId/:year', allow: EDITORS, request: (w, s) => ({ method: 'GET', path: page(w.unit(s)._id.toHexString()) }) },
  { route: 'POST /reports/:unitId/:year', allow: EDITORS, request: async (w, s) => ({ method: 'POST', path: page(await fresh(w, s)), form: { number: '1/BC-MT', place: 'Kiên Giang', signerTitle: 'Giám đốc', signerName: 'Ma Trận', recipients: 'Sở Nội vụ', daysAhead: '30', minAverage: '90', results: 'Kết quả.', strengths: 'Ưu điểm.', shortcomings: 'Hạn chế.', proposals: 'Đề xuất.' } }) },
  { route: 'POST /reports/:unitId/:year/freeze', allow: EDITORS, request: async (w, s) => ({ method: 'POST', path: page(await fresh(w, s), '/freeze'), form: {} }) },
  { route: 'POST /reports/:unitId/:year/reopen', allow: EDITORS, request: async (w, s) => ({ method: 'POST', path: page(await frozen(w, s), '/reopen'), form: {} }) },
  { route: 'POST /reports/:unitId/:year/submit', allow: EDITORS, request: async (w, s) => ({ method: 'POST', path: page(await frozen(w, s), '/submit'), form: {} }) },
  { route: 'GET /reports/:unitId/:year/:format', allow: EDITORS, request: (w, s) => ({ method: 'GET', path: page(w.unit(s)._id.toHexString(), '/docx') }) },
  // the province (P) is above everyone's unit: only admins consolidate in this world
  { route: 'GET /reports/province/:year', allow: { admin: BOTH }, request: () => ({ method: 'GET', path: `/reports/province/${YEAR}` }) },
  { route: 'GET /reports/province/:year/:format', allow: { admin: BOTH }, request: () => ({ method: 'GET', path: `/reports/province/${YEAR}/pdf` }) },
  { route: 'POST /reports/province/:year/remind', allow: { admin: BOTH }, request: () => ({ method: 'POST', path: `/reports/province/${YEAR}/remind`, form: {} }) },
  { route: 'GET /api/v1/reports/province/:year', allow: { admin: BOTH }, request: () => ({ method: 'GET', path: `/api/v1/reports/province/${YEAR}` }) },
  { route: 'POST /api/v1/reports/province/:year/remind', allow: { admin: BOTH }, request: () => ({ method: 'POST', path: `/api/v1/reports/province/${YEAR}/remind` }) },
];
