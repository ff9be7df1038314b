/**
 * The authorization matrix: for every route, which roles may use it on their own unit's
 * subtree ("own") and on another unit's ("other"). A role missing from `allow` must get
 * 403; anonymous callers of a signed-in route are sent to sign in (pages) or get 401 (API).
 * Each request is valid input, so that a refusal can only come from authorization.
 */
import { trusted } from 'mongoose';
import { jobModel } from '../../server/jobs/model';
import type { Role } from '../../server/users/model';
import { getImportJob, startImportJob } from '../../server/imports';
import { getInvitationJob, startInvitationJob } from '../../server/auth/invitation-jobs';
import { learningCases } from './cases-learning';
import { authoringCases } from './cases-authoring';
import { contentCases } from './cases-content';
import { packageCases } from './cases-packages';
import { playbackCases } from './cases-playback';
import { ACCOUNT_PUBLIC_ROUTES, accountCases } from './cases-accounts';
import { campaignCases } from './cases-campaigns';
import { reportCases } from './cases-reports';
import { dashboardCases } from './cases-dashboards';
import { reminderCases } from './cases-reminders';
import { CERTIFICATE_PUBLIC_ROUTES, certificateCases } from './cases-certificates';
import type { Actor, Scope, World } from './fixture';

export interface MatrixRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  form?: Record<string, string>;
  json?: unknown;
  /** multipart fields, with `file` as the upload */
  multipart?: Record<string, string>;
  file?: { name: string; content: string | Uint8Array<ArrayBuffer> };
}

export interface Case {
  /** "METHOD /path" exactly as registered */
  route: string;
  allow: Partial<Record<Role, readonly Scope[]>>;
  /** `actor` matters only for records that belong to one account (an import job) */
  request(world: World, scope: Scope, actor: Actor): Promise<MatrixRequest> | MatrixRequest;
}

const BOTH: readonly Scope[] = ['own', 'other'];
const OWN: readonly Scope[] = ['own'];
/** Self-service routes: every signed-in role, the "scope" is the account itself. */
const EVERY_ROLE = { admin: BOTH, coordinator: BOTH, manager: BOTH, officer: BOTH } as const;

/** Routes anyone may call; the walk checks they are declared public, and nothing else is. */
export const PUBLIC_ROUTES = new Set([
  'GET /healthz',
  'GET /sw.js',
  'GET /readyz',
  // the API description (server/apidocs): what the API looks like is not a secret
  'GET /api/v1/openapi.json',
  'GET /api/docs',
  // Prometheus metrics: guarded by address / METRICS_TOKEN (server/metrics/access.ts), not by a session
  'GET /metrics',
  'GET /login',
  'POST /login',
  'POST /language',
  'POST /api/v1/auth/login',
  'GET /password/forgot',
  'POST /password/forgot',
  'GET /password/reset',
  'POST /password/reset',
  ...ACCOUNT_PUBLIC_ROUTES,
  ...CERTIFICATE_PUBLIC_ROUTES,
]);

let serial = 0;
/** tomorrow as yyyy-mm-dd: after the start of a fresh officer's membership (created "now") */
const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

/**
 * A finished clean dry run owned by `actor` (someone who may import), or by the admin for
 * actors who may not: they are refused before the job is even looked up.
 */
async function importJobOf(w: World, actor: Actor): Promise<string> {
  const owner = actor === 'coordinator' ? w.accounts.coordinator : w.accounts.admin;
  const data = Buffer.from(`Mã cán bộ,Họ và tên,Mã đơn vị,Đối tượng\nMX-JOB-${++serial},Lê Thị Việc,${w.units.A1.code},Viên chức\n`);
  const ownerId = owner._id.toHexString();
  const { id } = await startImportJob(w.services, { data, filename: 'ds.csv', dryRun: true, ownerId, scopeRootId: null, now: new Date() });
  while (['queued', 'running'].includes((await getImportJob(w.services.jobs, id, ownerId))?.status ?? '')) await new Promise((resolve) => setTimeout(resolve, 20));
  // the commit an earlier case made runs in the background and holds the one writing-import
  // slot (issue #10 finding 9: a second one is refused 409): wait for it to end
  while ((await jobModel(w.services.db).countDocuments({ exclusiveKey: trusted({ $exists: true }) })) > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  return id;
}

/** A finished invitation job of `actor` (admin or another signed-in role) on the unit of scope `s`, started without the route. */
async function invitationJobOf(w: World, s: Scope, actor: Actor): Promise<string> {
  const owner = actor === 'anonymous' ? w.accounts.admin : w.accounts[actor];
  const unit = w.unit(s);
  const start = () => startInvitationJob(w.services, { _id: unit._id, name: unit.name, ancestors: unit.ancestors }, { id: owner._id, name: owner.displayName, ip: null, requestId: null });
  let id: string | undefined;
  // one run per user at a time: a job started by an earlier case may still be finishing
  while (!id) {
    try {
      id = (await start()).id;
    } catch (error) {
      if ((error as { status?: number }).status !== 429) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  while (['queued', 'running'].includes((await getInvitationJob(w.services.jobs, id, owner._id.toHexString()))?.status ?? '')) await new Promise((resolve) => setTimeout(resolve, 20));
  return id;
}

export const CASES: Case[] = [
  ...learningCases,
  ...certificateCases,
  ...authoringCases,
  ...contentCases,
  ...packageCases,
  ...playbackCases,
  ...accountCases,
  ...campaignCases,
  ...reportCases,
  ...dashboardCases,
  ...reminderCases,
  { route: 'GET /', allow: EVERY_ROLE, request: () => ({ method: 'GET', path: '/' }) },
  { route: 'GET /password/change', allow: EVERY_ROLE, request: () => ({ method: 'GET', path: '/password/change' }) },
  {
    route: 'POST /password/change',
    allow: EVERY_ROLE,
    request: () => ({ method: 'POST', path: '/password/change', form: { currentPassword: 'mật khẩu ma trận', newPassword: 'mật khẩu ma trận', confirmPassword: 'mật khẩu ma trận' } }),
  },
  { route: 'POST /logout', allow: EVERY_ROLE, request: () => ({ method: 'POST', path: '/logout', form: {} }) },
  { route: 'POST /logout-everywhere', allow: EVERY_ROLE, request: () => ({ method: 'POST', path: '/logout-everywhere', form: {} }) },
  { route: 'GET /api/v1/me', allow: EVERY_ROLE, request: () => ({ method: 'GET', path: '/api/v1/me' }) },
  { route: 'POST /api/v1/auth/logout', allow: EVERY_ROLE, request: () => ({ method: 'POST', path: '/api/v1/auth/logout' }) },

  // units and officers (server/units/routes.ts, server/officers/routes.ts and their api-routes.ts);
  // targets: own = A1 / the officer in A1, other = B1 / the officer in B1
  { route: 'GET /units', allow: { admin: BOTH, coordinator: BOTH, manager: BOTH }, request: () => ({ method: 'GET', path: '/units' }) },
  { route: 'GET /units/:id', allow: { admin: BOTH, coordinator: OWN, manager: OWN, officer: OWN }, request: (w, s) => ({ method: 'GET', path: `/units/${w.unit(s)._id}` }) },
  { route: 'POST /units/:id/children', allow: { admin: BOTH, coordinator: OWN }, request: (w, s) => ({ method: 'POST', path: `/units/${w.unit(s)._id}/children`, form: { code: `MX.C${++serial}`, name: 'Phòng ma trận', kind: 'division' } }) },
  { route: 'POST /units/:id/rename', allow: { admin: BOTH, coordinator: OWN }, request: async (w, s) => ({ method: 'POST', path: `/units/${(await w.freshUnit(s))._id}/rename`, form: { name: 'Tên mới ma trận' } }) },
  { route: 'POST /units/:id/move', allow: { admin: BOTH, coordinator: OWN }, request: async (w, s) => ({ method: 'POST', path: `/units/${(await w.freshUnit(s))._id}/move`, form: { parentId: String(w.unit(s)._id) } }) },
  { route: 'POST /units/:id/deactivate', allow: { admin: BOTH, coordinator: OWN }, request: async (w, s) => ({ method: 'POST', path: `/units/${(await w.freshUnit(s))._id}/deactivate`, form: {} }) },
  { route: 'POST /units/:id/merge', allow: { admin: BOTH, coordinator: OWN }, request: async (w, s) => ({ method: 'POST', path: `/units/${(await w.freshUnit(s))._id}/merge`, form: { targetId: String(w.unit(s)._id), effectiveDate: tomorrow() } }) },
  { route: 'GET /api/v1/units', allow: { admin: BOTH, coordinator: BOTH, manager: BOTH }, request: () => ({ method: 'GET', path: '/api/v1/units' }) },
  { route: 'GET /api/v1/units/:id', allow: { admin: BOTH, coordinator: OWN, manager: OWN, officer: OWN }, request: (w, s) => ({ method: 'GET', path: `/api/v1/units/${w.unit(s)._id}` }) },
  { route: 'POST /api/v1/units', allow: { admin: BOTH, coordinator: OWN }, request: (w, s) => ({ method: 'POST', path: '/api/v1/units', json: { code: `MX.A${++serial}`, name: 'Phòng API', kind: 'division', parentId: String(w.unit(s)._id) } }) },
  { route: 'PATCH /api/v1/units/:id', allow: { admin: BOTH, coordinator: OWN }, request: async (w, s) => ({ method: 'PATCH', path: `/api/v1/units/${(await w.freshUnit(s))._id}`, json: { name: 'Tên API' } }) },
  { route: 'GET /officers', allow: { admin: BOTH, coordinator: OWN, manager: OWN }, request: (w, s) => ({ method: 'GET', path: `/officers?unitId=${w.unit(s)._id}` }) },
  { route: 'GET /officers/new', allow: { admin: BOTH, coordinator: OWN }, request: (w, s) => ({ method: 'GET', path: `/officers/new?unitId=${w.unit(s)._id}` }) },
  { route: 'POST /officers', allow: { admin: BOTH, coordinator: OWN }, request: (w, s) => ({ method: 'POST', path: '/officers', form: { code: `MX-${++serial}`, fullName: 'Cán bộ ma trận', unitId: String(w.unit(s)._id), category: 'cong-chuc' } }) },
  { route: 'GET /officers/:id', allow: { admin: BOTH, coordinator: OWN, manager: OWN, officer: OWN }, request: (w, s) => ({ method: 'GET', path: `/officers/${w.officer(s)._id}` }) },
  { route: 'GET /officers/:id/edit', allow: { admin: BOTH, coordinator: OWN }, request: (w, s) => ({ method: 'GET', path: `/officers/${w.officer(s)._id}/edit` }) },
  {
    route: 'POST /officers/:id',
    allow: { admin: BOTH, coordinator: OWN },
    request: async (w, s) => {
      const officer = await w.freshOfficer(s);
      return { method: 'POST', path: `/officers/${officer._id}`, form: { code: officer.code, fullName: 'Tên sửa', category: 'vien-chuc', status: 'active' } };
    },
  },
  // transfers go to A / B: in the same scope as the officer, and not the unit they are in
  { route: 'POST /officers/:id/transfer', allow: { admin: BOTH, coordinator: OWN }, request: async (w, s) => ({ method: 'POST', path: `/officers/${(await w.freshOfficer(s))._id}/transfer`, form: { unitId: String((s === 'own' ? w.units.A : w.units.B)._id), effectiveDate: tomorrow() } }) },
  { route: 'GET /api/v1/officers', allow: { admin: BOTH, coordinator: OWN, manager: OWN }, request: (w, s) => ({ method: 'GET', path: `/api/v1/officers?unitId=${w.unit(s)._id}` }) },
  { route: 'GET /api/v1/officers/:id', allow: { admin: BOTH, coordinator: OWN, manager: OWN, officer: OWN }, request: (w, s) => ({ method: 'GET', path: `/api/v1/officers/${w.officer(s)._id}` }) },
  { route: 'POST /api/v1/officers', allow: { admin: BOTH, coordinator: OWN }, request: (w, s) => ({ method: 'POST', path: '/api/v1/officers', json: { code: `MX-API-${++serial}`, fullName: 'Cán bộ API', unitId: String(w.unit(s)._id), category: 'cong-chuc' } }) },
  { route: 'PATCH /api/v1/officers/:id', allow: { admin: BOTH, coordinator: OWN }, request: async (w, s) => ({ method: 'PATCH', path: `/api/v1/officers/${(await w.freshOfficer(s))._id}`, json: { position: 'Chuyên viên' } }) },
  { route: 'POST /api/v1/officers/:id/transfer', allow: { admin: BOTH, coordinator: OWN }, request: async (w, s) => ({ method: 'POST', path: `/api/v1/officers/${(await w.freshOfficer(s))._id}/transfer`, json: { unitId: String((s === 'own' ? w.units.A : w.units.B)._id), effectiveDate: tomorrow() } }) },

  // officer import (a coordinator's own subtree; "other" makes no difference: the scope is the caller's)
  { route: 'GET /officers/import', allow: { admin: BOTH, coordinator: BOTH }, request: () => ({ method: 'GET', path: '/officers/import' }) },
  { route: 'GET /officers/import/template.:format', allow: { admin: BOTH, coordinator: BOTH }, request: () => ({ method: 'GET', path: '/officers/import/template.csv' }) },
  {
    route: 'POST /officers/import',
    allow: { admin: BOTH, coordinator: BOTH },
    request: (w, s) => ({ method: 'POST', path: '/officers/import', multipart: { mode: 'dry-run' }, file: { name: 'ds.csv', content: `Mã cán bộ,Họ và tên,Mã đơn vị,Đối tượng\nMX-IMP-${++serial},Lê Văn Nhập,${w.unit(s).code},Công chức\n` } }),
  },
  { route: 'GET /officers/import/jobs/:id', allow: { admin: BOTH, coordinator: BOTH }, request: async (w, _s, actor) => ({ method: 'GET', path: `/officers/import/jobs/${await importJobOf(w, actor)}` }) },
  { route: 'GET /officers/import/jobs/:id/status', allow: { admin: BOTH, coordinator: BOTH }, request: async (w, _s, actor) => ({ method: 'GET', path: `/officers/import/jobs/${await importJobOf(w, actor)}/status` }) },
  { route: 'POST /officers/import/jobs/:id/commit', allow: { admin: BOTH, coordinator: BOTH }, request: async (w, _s, actor) => ({ method: 'POST', path: `/officers/import/jobs/${await importJobOf(w, actor)}/commit`, form: {} }) },

  // invitations
  { route: 'POST /officers/:id/invite', allow: { admin: BOTH, coordinator: OWN }, request: async (w, s) => ({ method: 'POST', path: `/officers/${(await w.freshOfficer(s))._id}/invite`, form: {} }) },
  { route: 'POST /units/:id/invite-all', allow: { admin: BOTH, coordinator: OWN }, request: async (w, s) => ({ method: 'POST', path: `/units/${(await w.freshUnit(s))._id}/invite-all`, form: {} }) },
  { route: 'GET /invitations/jobs/:id', allow: { admin: BOTH, coordinator: OWN }, request: async (w, s, actor) => ({ method: 'GET', path: `/invitations/jobs/${await invitationJobOf(w, s, actor)}` }) },
  { route: 'GET /invitations/jobs/:id/status', allow: { admin: BOTH, coordinator: OWN }, request: async (w, s, actor) => ({ method: 'GET', path: `/invitations/jobs/${await invitationJobOf(w, s, actor)}/status` }) },

  // administration
  { route: 'GET /admin/outbox', allow: { admin: BOTH }, request: () => ({ method: 'GET', path: '/admin/outbox' }) },
  {
    route: 'GET /admin/outbox/:id',
    allow: { admin: BOTH },
    request: async (w) => ({ method: 'GET', path: `/admin/outbox/${(await w.services.mailer.send({ to: 'm@example.vn', subject: 'Thử', text: 'Nội dung' })).id}` }),
  },
  { route: 'GET /admin/audit', allow: { admin: BOTH }, request: () => ({ method: 'GET', path: '/admin/audit' }) },
];

export { BOTH, OWN, EVERY_ROLE };
