/**
 * Authorization matrix cases of the completion dashboards and exports (server/dashboards;
 * see cases.ts for the format). A unit's dashboard: admins anywhere, coordinators and
 * managers in their subtree (A). A campaign's dashboard shows the caller's own subtree
 * only, so every unit role may open any campaign's (it shows nothing outside their units).
 */
import { createCampaign, setStatus } from '../../server/campaigns/service';
import { createCampaignInput } from '../../server/campaigns/schema';
import { trainingYear } from '../../server/progress/year';
import { buildPublishedModule, lesson } from '../learning/fixtures';
import type { Case } from './cases';
import type { Scope, World } from './fixture';

const BOTH = ['own', 'other'] as const;
const OWN = ['own'] as const;
const YEAR = trainingYear();
let serial = 0;

/** A fresh open campaign of A1 or B1 with one module. */
async function freshCampaign(w: World, s: Scope): Promise<string> {
  const moduleId = (await buildPublishedModule(w.services.db, { items: [lesson('bai-1')], title: `Ma trận số liệu ${++serial}` })).moduleId;
  const input = createCampaignInput.parse({ name: `Ma trận số liệu ${serial}`, year: YEAR, ownerUnitId: String(w.unit(s)._id), modules: [{ moduleId: String(moduleId), dueDate: `31/12/${YEAR}` }], audience: { unitIds: [String(w.unit(s)._id)] } });
  const campaign = await setStatus(w.services.db, await createCampaign(w.services.db, input, null, new Date()), 'open', new Date());
  return campaign._id.toHexString();
}

const UNIT_ROLES = { admin: BOTH, coordinator: OWN, manager: OWN } as const;
const EVERY_UNIT_ROLE = { admin: BOTH, coordinator: BOTH, manager: BOTH } as const;

export const dashboardCases: Case[] = [
  { route: 'GET /dashboards/units/:unitId', allow: UNIT_ROLES, request: (w, s) => ({ method: 'GET', path: `/dashboards/units/${w.unit(s)._id}` }) },
  { route: 'GET /api/v1/dashboards/units/:unitId', allow: UNIT_ROLES, request: (w, s) => ({ method: 'GET', path: `/api/v1/dashboards/units/${w.unit(s)._id}?year=${YEAR}` }) },
  { route: 'GET /dashboards/campaigns/:id', allow: EVERY_UNIT_ROLE, request: async (w, s) => ({ method: 'GET', path: `/dashboards/campaigns/${await freshCampaign(w, s)}` }) },
  { route: 'GET /dashboards/units/:unitId/export', allow: UNIT_ROLES, request: (w, s) => ({ method: 'GET', path: `/dashboards/units/${w.unit(s)._id}/export?format=csv&level=unit` }) },
  { route: 'GET /api/v1/dashboards/units/:unitId/export', allow: UNIT_ROLES, request: (w, s) => ({ method: 'GET', path: `/api/v1/dashboards/units/${w.unit(s)._id}/export?level=officer` }) },
  { route: 'GET /api/v1/dashboards/campaigns/:id', allow: EVERY_UNIT_ROLE, request: async (w, s) => ({ method: 'GET', path: `/api/v1/dashboards/campaigns/${await freshCampaign(w, s)}` }) },
];
