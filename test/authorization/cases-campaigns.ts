/**
 * Authorization matrix cases of the yearly plan (server/campaigns; see cases.ts for the
 * format). own = a campaign owned by A1 (inside the coordinator's and manager's A),
 * other = one owned by B1. Each request is valid and acts on a fresh campaign, so a
 * refusal can only come from authorization.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { exemptionModel, proposeExemption } from '../../server/campaigns/exemptions';
import { createCampaign, setModuleStopped, setStatus } from '../../server/campaigns/service';
import type { Campaign } from '../../server/campaigns/model';
import { createCampaignInput } from '../../server/campaigns/schema';
import { trainingYear } from '../../server/progress/year';
import { buildPublishedModule, lesson } from '../learning/fixtures';
import type { Case } from './cases';
import type { Scope, World } from './fixture';

const BOTH = ['own', 'other'] as const;
const OWN = ['own'] as const;
const PLANNERS = { admin: BOTH, coordinator: OWN } as const;
const YEAR = trainingYear();
const DUE = `31/12/${YEAR}`;

let serial = 0;
const freshModule = async (w: World) => (await buildPublishedModule(w.services.db, { items: [lesson('bai-1')], title: `Ma trận kế hoạch ${++serial}` })).moduleId;

/** A fresh officer of A1 or B1, enrolled in a fresh open campaign of that unit. */
async function enrolledOfficer(w: World, s: Scope) {
  const officer = await w.freshOfficer(s);
  const moduleId = await freshModule(w);
  const input = createCampaignInput.parse({ name: `Ma trận cán bộ ${++serial}`, year: YEAR, ownerUnitId: String(w.unit(s)._id), modules: [{ moduleId: String(moduleId), dueDate: `30/12/${YEAR}` }], audience: { officerIds: [String(officer._id)] } });
  await setStatus(w.services.db, await createCampaign(w.services.db, input, null, new Date()), 'open', new Date());
  return { officer, moduleId };
}

/** A proposed exemption of an enrolled officer, proposed by another account than `actor` (no one decides their own). */
async function proposedExemption(w: World, s: Scope, actor: string) {
  const { officer } = await enrolledOfficer(w, s);
  const proposer = actor === 'admin' ? w.accounts.manager : w.accounts.admin;
  return proposeExemption(w.services.db, { officerId: officer._id, unitId: officer.unitId, year: YEAR, kind: 'khac', reason: 'Ma trận', evidence: null }, proposer._id, new Date());
}

/** A fresh campaign of A1 or B1 with one module, open unless asked for a draft. */
async function freshCampaign(w: World, s: Scope, status: 'draft' | 'open' = 'open'): Promise<{ campaign: Campaign; moduleId: string }> {
  const moduleId = await freshModule(w);
  const input = createCampaignInput.parse({ name: `Ma trận ${++serial}`, year: YEAR, ownerUnitId: String(w.unit(s)._id), modules: [{ moduleId: String(moduleId), dueDate: DUE }] });
  const draft = await createCampaign(w.services.db, input, null, new Date());
  const campaign = status === 'open' ? await setStatus(w.services.db, draft, 'open', new Date()) : draft;
  return { campaign, moduleId: String(moduleId) };
}
const path = ({ campaign }: { campaign: Campaign }) => `/api/v1/campaigns/${campaign._id.toHexString()}`;
const page = ({ campaign }: { campaign: Campaign }) => `/campaigns/${campaign._id.toHexString()}`;

export const campaignCases: Case[] = [
  { route: 'GET /api/v1/campaigns', allow: { admin: BOTH, coordinator: BOTH, manager: BOTH }, request: () => ({ method: 'GET', path: `/api/v1/campaigns?year=${YEAR}` }) },
  {
    route: 'POST /api/v1/campaigns',
    allow: PLANNERS,
    request: async (w, s) => ({ method: 'POST', path: '/api/v1/campaigns', json: { name: `Ma trận mới ${++serial}`, year: YEAR, ownerUnitId: String(w.unit(s)._id), modules: [{ moduleId: String(await freshModule(w)), dueDate: DUE }] } }),
  },
  { route: 'GET /api/v1/campaigns/:id', allow: { admin: BOTH, coordinator: OWN, manager: OWN }, request: async (w, s) => ({ method: 'GET', path: path(await freshCampaign(w, s)) }) },
  {
    route: 'POST /api/v1/campaigns/:id/modules',
    allow: PLANNERS,
    request: async (w, s) => ({ method: 'POST', path: `${path(await freshCampaign(w, s))}/modules`, json: { moduleId: String(await freshModule(w)), dueDate: DUE } }),
  },
  {
    route: 'POST /api/v1/campaigns/:id/modules/:moduleId/due-date',
    allow: PLANNERS,
    request: async (w, s) => {
      const fresh = await freshCampaign(w, s);
      return { method: 'POST', path: `${path(fresh)}/modules/${fresh.moduleId}/due-date`, json: { dueDate: `30/12/${YEAR}` } };
    },
  },
  {
    route: 'POST /api/v1/campaigns/:id/modules/:moduleId/stop',
    allow: PLANNERS,
    request: async (w, s) => {
      const fresh = await freshCampaign(w, s);
      return { method: 'POST', path: `${path(fresh)}/modules/${fresh.moduleId}/stop`, json: { confirm: true } };
    },
  },
  {
    route: 'POST /api/v1/campaigns/:id/modules/:moduleId/restart',
    allow: PLANNERS,
    request: async (w, s) => {
      const fresh = await freshCampaign(w, s);
      await setModuleStopped(w.services.db, fresh.campaign, fresh.campaign.modules[0]!.moduleId, true, new Date());
      return { method: 'POST', path: `${path(fresh)}/modules/${fresh.moduleId}/restart`, json: {} };
    },
  },
  {
    route: 'PUT /api/v1/campaigns/:id/audience',
    allow: PLANNERS,
    request: async (w, s) => ({ method: 'PUT', path: `${path(await freshCampaign(w, s))}/audience`, json: { audience: { unitIds: [String(w.unit(s)._id)] } } }),
  },
  { route: 'POST /api/v1/campaigns/:id/status', allow: PLANNERS, request: async (w, s) => ({ method: 'POST', path: `${path(await freshCampaign(w, s, 'draft'))}/status`, json: { status: 'open' } }) },
  { route: 'POST /api/v1/campaigns/:id/clone', allow: PLANNERS, request: async (w, s) => ({ method: 'POST', path: `${path(await freshCampaign(w, s))}/clone`, json: { year: YEAR + 1 } }) },
  {
    route: 'POST /api/v1/officers/:id/overrides',
    allow: { admin: BOTH, coordinator: OWN },
    request: async (w, s) => {
      const { officer, moduleId } = await enrolledOfficer(w, s);
      return { method: 'POST', path: `/api/v1/officers/${officer._id.toHexString()}/overrides`, json: { moduleId: String(moduleId), kind: 'extra-attempt', reason: 'Ma trận phân quyền' } };
    },
  },
  { route: 'GET /api/v1/officers/:id/overrides', allow: { admin: BOTH, coordinator: OWN, manager: OWN, officer: OWN }, request: (w, s) => ({ method: 'GET', path: `/api/v1/officers/${w.officer(s)._id.toHexString()}/overrides` }) },
  {
    route: 'POST /api/v1/officers/:id/exemptions',
    allow: { admin: BOTH, coordinator: OWN, manager: OWN },
    request: async (w, s) => ({ method: 'POST', path: `/api/v1/officers/${(await enrolledOfficer(w, s)).officer._id.toHexString()}/exemptions`, json: { kind: 'om-dai-ngay', reason: 'Ma trận phân quyền' } }),
  },
  { route: 'GET /api/v1/exemptions', allow: { admin: BOTH, coordinator: BOTH, manager: BOTH }, request: () => ({ method: 'GET', path: '/api/v1/exemptions' }) },
  {
    route: 'POST /api/v1/exemptions/:id/decision',
    allow: { admin: BOTH, coordinator: OWN },
    request: async (w, s, actor) => ({ method: 'POST', path: `/api/v1/exemptions/${(await proposedExemption(w, s, actor))._id.toHexString()}/decision`, json: { decision: 'refuse' } }),
  },
  {
    route: 'GET /api/v1/exemptions/:id/evidence',
    allow: { admin: BOTH, coordinator: OWN },
    request: async (w, s, actor) => {
      const exemption = await proposedExemption(w, s, actor);
      const file = `matrix-${++serial}`;
      fs.mkdirSync(nodePath.join(w.services.config.DATA_DIR, 'evidence'), { recursive: true });
      fs.writeFileSync(nodePath.join(w.services.config.DATA_DIR, 'evidence', file), '%PDF-1.4\n');
      await exemptionModel(w.services.db).updateOne({ _id: exemption._id }, { $set: { evidence: { file, name: 'minh-chung.pdf', mime: 'application/pdf', size: 9 } } });
      return { method: 'GET', path: `/api/v1/exemptions/${exemption._id.toHexString()}/evidence` };
    },
  },
  // the pages (server/campaigns/page-routes.ts): the same rules as the API routes they mirror
  { route: 'GET /campaigns', allow: { admin: BOTH, coordinator: BOTH, manager: BOTH }, request: () => ({ method: 'GET', path: `/campaigns?year=${YEAR}` }) },
  { route: 'GET /campaigns/new', allow: { admin: BOTH, coordinator: BOTH }, request: () => ({ method: 'GET', path: '/campaigns/new' }) },
  {
    route: 'POST /campaigns',
    allow: PLANNERS,
    request: async (w, s) => ({ method: 'POST', path: '/campaigns', form: { name: `Ma trận trang ${++serial}`, year: String(YEAR), ownerUnitId: String(w.unit(s)._id), module_1: String(await freshModule(w)), due_1: DUE } }),
  },
  { route: 'GET /campaigns/:id', allow: { admin: BOTH, coordinator: OWN, manager: OWN }, request: async (w, s) => ({ method: 'GET', path: page(await freshCampaign(w, s)) }) },
  { route: 'POST /campaigns/:id/status', allow: PLANNERS, request: async (w, s) => ({ method: 'POST', path: `${page(await freshCampaign(w, s, 'draft'))}/status`, form: { status: 'open' } }) },
  {
    route: 'POST /campaigns/:id/modules/:moduleId/due-date',
    allow: PLANNERS,
    request: async (w, s) => {
      const fresh = await freshCampaign(w, s);
      return { method: 'POST', path: `${page(fresh)}/modules/${fresh.moduleId}/due-date`, form: { dueDate: `30/12/${YEAR}` } };
    },
  },
  {
    route: 'POST /campaigns/:id/modules/:moduleId/stop',
    allow: PLANNERS,
    request: async (w, s) => {
      const fresh = await freshCampaign(w, s);
      return { method: 'POST', path: `${page(fresh)}/modules/${fresh.moduleId}/stop`, form: { confirm: '1' } };
    },
  },
  {
    route: 'POST /campaigns/:id/modules/:moduleId/restart',
    allow: PLANNERS,
    request: async (w, s) => {
      const fresh = await freshCampaign(w, s);
      await setModuleStopped(w.services.db, fresh.campaign, fresh.campaign.modules[0]!.moduleId, true, new Date());
      return { method: 'POST', path: `${page(fresh)}/modules/${fresh.moduleId}/restart`, form: {} };
    },
  },
  {
    route: 'POST /campaigns/:id/modules',
    allow: PLANNERS,
    request: async (w, s) => ({ method: 'POST', path: `${page(await freshCampaign(w, s))}/modules`, form: { moduleId: String(await freshModule(w)), dueDate: DUE } }),
  },
  {
    route: 'POST /campaigns/:id/audience',
    allow: PLANNERS,
    request: async (w, s) => ({ method: 'POST', path: `${page(await freshCampaign(w, s))}/audience`, form: { unitIds: String(w.unit(s)._id), leadersOnly: 'on' } }),
  },
  {
    route: 'POST /campaigns/:id/certificates',
    allow: PLANNERS,
    request: async (w, s) => ({ method: 'POST', path: `${page(await freshCampaign(w, s))}/certificates`, form: { certificatePerModule: 'on' } }),
  },
  { route: 'GET /officers/:id/plan', allow: { admin: BOTH, coordinator: OWN, manager: OWN, officer: OWN }, request: (w, s) => ({ method: 'GET', path: `/officers/${w.officer(s)._id.toHexString()}/plan` }) },
  {
    route: 'POST /officers/:id/overrides',
    allow: { admin: BOTH, coordinator: OWN },
    request: async (w, s) => {
      const { officer, moduleId } = await enrolledOfficer(w, s);
      return { method: 'POST', path: `/officers/${officer._id.toHexString()}/overrides`, form: { year: String(YEAR), moduleId: String(moduleId), kind: 'extra-attempt', reason: 'Ma trận phân quyền' } };
    },
  },
  { route: 'POST /campaigns/:id/clone', allow: PLANNERS, request: async (w, s) => ({ method: 'POST', path: `${page(await freshCampaign(w, s))}/clone`, form: { year: String(YEAR + 1) } }) },
  { route: 'GET /exemptions', allow: { admin: BOTH, coordinator: BOTH, manager: BOTH }, request: () => ({ method: 'GET', path: '/exemptions' }) },
  {
    route: 'POST /exemptions',
    allow: { admin: BOTH, coordinator: OWN, manager: OWN },
    request: async (w, s) => ({ method: 'POST', path: '/exemptions', form: { officerCode: (await enrolledOfficer(w, s)).officer.code, kind: 'om-dai-ngay', reason: 'Ma trận phân quyền' } }),
  },
  {
    route: 'POST /exemptions/:id/decision',
    allow: { admin: BOTH, coordinator: OWN },
    request: async (w, s, actor) => ({ method: 'POST', path: `/exemptions/${(await proposedExemption(w, s, actor))._id.toHexString()}/decision`, form: { decision: 'refuse' } }),
  },
  {
    route: 'GET /api/v1/me/notices',
    allow: { admin: BOTH, coordinator: BOTH, manager: BOTH, officer: BOTH },
    request: () => ({ method: 'GET', path: '/api/v1/me/notices' }),
  },
];
