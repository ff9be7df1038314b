/**
 * Authorization matrix cases of the package API (server/packages/api-routes.ts; see
 * cases.ts for the format) and of the coordinator's page (server/packages/routes.ts). Uploading and listing act on the caller's own unit, so
 * "own" and "other" are the same request; reading one package acts on its owner:
 * own = a package of A1, other = a package of B1.
 */
import { Types } from 'mongoose';
import { packageModel } from '../../server/packages/model';
import { scorm12Files, zipOf } from '../packages/fixtures/build';
import type { Case } from './cases';
import type { Scope, World } from './fixture';

const BOTH = ['own', 'other'] as const;
const OWN = ['own'] as const;

let serial = 0;

/** A package record owned by A1 or B1 (the files are not needed to read the record). */
async function packageOf(w: World, scope: Scope): Promise<string> {
  const record = await packageModel(w.services.db).create({
    sha256: (++serial).toString(16).padStart(64, '0'),
    kind: 'scorm12',
    title: 'Gói ma trận',
    launch: 'index.html',
    scos: [{ identifier: 'item1', title: 'Bài 1', launch: 'index.html' }],
    size: 1,
    unpackedSize: 1,
    fileCount: 1,
    ownerUnitId: w.unit(scope)._id,
    uploadedBy: new Types.ObjectId(),
  });
  return record._id.toHexString();
}

export const packageCases: Case[] = [
  {
    route: 'POST /api/v1/packages',
    allow: { admin: BOTH, coordinator: BOTH },
    request: async () => ({ method: 'POST', path: '/api/v1/packages', multipart: {}, file: { name: 'goi.zip', content: new Uint8Array(await zipOf(scorm12Files())) } }),
  },
  { route: 'GET /authoring/packages', allow: { admin: BOTH, coordinator: BOTH }, request: () => ({ method: 'GET', path: '/authoring/packages' }) },
  {
    route: 'POST /authoring/packages',
    allow: { admin: BOTH, coordinator: BOTH },
    request: async () => ({ method: 'POST', path: '/authoring/packages', multipart: {}, file: { name: 'goi.zip', content: new Uint8Array(await zipOf(scorm12Files())) } }),
  },
  { route: 'GET /api/v1/packages', allow: { admin: BOTH, coordinator: BOTH }, request: () => ({ method: 'GET', path: '/api/v1/packages' }) },
  { route: 'GET /api/v1/packages/:id', allow: { admin: BOTH, coordinator: OWN }, request: async (w, s) => ({ method: 'GET', path: `/api/v1/packages/${await packageOf(w, s)}` }) },
];
