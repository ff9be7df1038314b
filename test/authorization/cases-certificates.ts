/**
 * Authorization matrix cases of certificates (server/certificates; see cases.ts for the
 * format). own = a certificate of the officer role's own record (in A1, inside the
 * coordinator's and manager's A), other = one of the officer of B1. Each request acts on
 * a fresh certificate (a module certificate of a fresh module id: one valid per module),
 * so that revoking in one case never changes another.
 */
import { Types } from 'mongoose';
import { issueCertificate } from '../../server/certificates/issue';
import type { Certificate } from '../../server/certificates/model';
import { getZipJob, startZipJob } from '../../server/certificates/jobs';
import { trainingYear } from '../../server/progress/year';
import type { Case } from './cases';
import type { Actor, Scope, World } from './fixture';

const BOTH = ['own', 'other'] as const;
const OWN = ['own'] as const;
const READERS = { admin: BOTH, coordinator: OWN, manager: OWN } as const;
const YEAR = trainingYear();

async function freshCertificate(w: World, s: Scope): Promise<Certificate> {
  const officer = w.officer(s);
  const unit = w.unit(s);
  const made = await issueCertificate(w.services.db, { kind: 'module', year: YEAR, moduleId: new Types.ObjectId(), officer, unit, modules: [{ moduleId: new Types.ObjectId(), title: 'Học phần ma trận' }] }, new Date());
  return made!;
}
const idOf = async (w: World, s: Scope) => (await freshCertificate(w, s))._id.toHexString();

/** A finished ZIP job of the unit of scope `s`, owned by `actor` (the admin's for anonymous callers). */
async function zipJobOf(w: World, s: Scope, actor: Actor): Promise<string> {
  await freshCertificate(w, s);
  const owner = (actor === 'anonymous' ? w.accounts.admin : w.accounts[actor])._id.toHexString();
  const unit = w.unit(s);
  let id: string | undefined;
  // a few jobs per owner at a time: one started by an earlier case may still be finishing
  while (!id) {
    try {
      id = (await startZipJob(w.services.jobs, { unitId: unit._id.toHexString(), unitCode: unit.code, unitName: unit.name, year: YEAR }, owner)).id;
    } catch (error) {
      if ((error as { status?: number }).status !== 429) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  while (['queued', 'running'].includes((await getZipJob(w.services.jobs, id, owner))?.status ?? '')) await new Promise((resolve) => setTimeout(resolve, 20));
  return id;
}

export const CERTIFICATE_PUBLIC_ROUTES = ['GET /verify/:code', 'GET /api/v1/verify/:code'] as const;

export const certificateCases: Case[] = [
  { route: 'GET /certificates', allow: { admin: BOTH, coordinator: BOTH, manager: BOTH, officer: BOTH }, request: () => ({ method: 'GET', path: '/certificates' }) },
  { route: 'GET /certificates/units/:id', allow: READERS, request: (w, s) => ({ method: 'GET', path: `/certificates/units/${w.unit(s)._id.toHexString()}?year=${YEAR}` }) },
  { route: 'GET /certificates/:id', allow: { ...READERS, officer: OWN }, request: async (w, s) => ({ method: 'GET', path: `/certificates/${await idOf(w, s)}` }) },
  { route: 'GET /certificates/:id/pdf', allow: { ...READERS, officer: OWN }, request: async (w, s) => ({ method: 'GET', path: `/certificates/${await idOf(w, s)}/pdf` }) },
  { route: 'POST /certificates/:id/revoke', allow: { admin: BOTH, coordinator: OWN }, request: async (w, s) => ({ method: 'POST', path: `/certificates/${await idOf(w, s)}/revoke`, form: { reason: 'Ma trận thu hồi' } }) },
  { route: 'POST /certificates/:id/reissue', allow: { admin: BOTH, coordinator: OWN }, request: async (w, s) => ({ method: 'POST', path: `/certificates/${await idOf(w, s)}/reissue`, form: { reason: 'Ma trận cấp lại' } }) },
  {
    route: 'POST /certificates/units/:id/zip',
    allow: READERS,
    request: async (w, s) => {
      await freshCertificate(w, s);
      return { method: 'POST', path: `/certificates/units/${w.unit(s)._id.toHexString()}/zip`, form: { year: String(YEAR) } };
    },
  },
  { route: 'GET /certificates/jobs/:id', allow: READERS, request: async (w, s, actor) => ({ method: 'GET', path: `/certificates/jobs/${await zipJobOf(w, s, actor)}` }) },
  { route: 'GET /certificates/jobs/:id/status', allow: READERS, request: async (w, s, actor) => ({ method: 'GET', path: `/certificates/jobs/${await zipJobOf(w, s, actor)}/status` }) },
  { route: 'GET /certificates/jobs/:id/download', allow: READERS, request: async (w, s, actor) => ({ method: 'GET', path: `/certificates/jobs/${await zipJobOf(w, s, actor)}/download` }) },
  { route: 'GET /admin/certificates', allow: { admin: BOTH }, request: () => ({ method: 'GET', path: '/admin/certificates' }) },
  { route: 'POST /admin/certificates', allow: { admin: BOTH }, request: () => ({ method: 'POST', path: '/admin/certificates', multipart: { parentAgency: 'Ủy ban nhân dân tỉnh Thử', issuer: 'Sở Nội vụ', place: 'Thử', signerTitle: 'Giám đốc', signerName: 'Lê Văn Ký' } }) },
  { route: 'GET /admin/certificates/sample', allow: { admin: BOTH }, request: () => ({ method: 'GET', path: '/admin/certificates/sample' }) },
];
