/** Authorization matrix cases of the content routes (see cases.ts for the format). */
import type { Case, MatrixRequest } from './cases';
import type { Scope, World } from './fixture';
import { moduleModel } from '../../server/modules/model';
import { publishModule } from '../../server/modules/versions';
import { bundleJson, makeZip } from '../content/helpers';

const BOTH = ['own', 'other'] as const;
const OWN = ['own'] as const;
let serial = 0;

/** A published module owned by the scope's unit (A1 / B1). */
async function moduleIn(w: World, s: Scope): Promise<string> {
  const created = await moduleModel(w.services.db).create({
    code: `MX-BUNDLE-${++serial}`,
    ownerUnitId: w.unit(s)._id,
    draft: { title: 'Học phần ma trận', topic: 'ky-luat', description: '', estimatedMinutes: 5, items: [{ kind: 'lesson', key: 'bai-1', title: 'Bài 1', body: '<p>Kỷ luật</p>', attachments: [] }] },
  });
  await publishModule(w.services.db, created._id, null);
  return created._id.toHexString();
}

/** An upload of a valid bundle with a code not used yet (importing never depends on the scope: it lands in the caller's unit). */
async function bundleUpload(path: string): Promise<MatrixRequest> {
  const zip = await makeZip([['bundle.json', bundleJson(`MX-GOI-${++serial}`, (b) => b.questions.forEach((q: { ref: string }) => (q.ref = `mx-${serial}-${q.ref}`)))]]);
  return { method: 'POST', path, multipart: {}, file: { name: 'goi.zip', content: new Uint8Array(zip) } };
}

export const contentCases: Case[] = [
  { route: 'GET /authoring/modules/:id/bundle', allow: { admin: BOTH, coordinator: OWN }, request: async (w, s) => ({ method: 'GET', path: `/authoring/modules/${await moduleIn(w, s)}/bundle` }) },
  { route: 'GET /authoring/bundles/import', allow: { admin: BOTH, coordinator: BOTH }, request: () => ({ method: 'GET', path: '/authoring/bundles/import' }) },
  { route: 'POST /authoring/bundles/import', allow: { admin: BOTH, coordinator: BOTH }, request: () => bundleUpload('/authoring/bundles/import') },
  { route: 'POST /api/v1/bundles', allow: { admin: BOTH, coordinator: BOTH }, request: () => bundleUpload('/api/v1/bundles') },
];
