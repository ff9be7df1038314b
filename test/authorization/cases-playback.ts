/**
 * Authorization matrix cases of package playback (server/playback/routes.ts; see cases.ts
 * for the format). Playing acts on the caller's own officer record (`learning.take`), and
 * an officer only plays packages of modules they started ("own": the package is an item
 * of such a module; "other": it is not → 403); accounts without an officer record preview packages
 * they may author (`content.author`): own = a package of A1, other = a package of B1.
 * A manager has neither here. The package files exist: the page opens an attempt.
 * Results and the statement export: the package's authors. Adding a package item to a
 * module: the module's authors.
 */
import path from 'node:path';
import { storePackage } from '../../server/packages/service';
import { scorm12Files, zipOf } from '../packages/fixtures/build';
import type { Case } from './cases';
import type { Scope, World } from './fixture';
import fs from 'node:fs';
import { buildModule } from '../authoring/helpers';
import { buildPublishedModule } from '../learning/fixtures';
import { progressModel } from '../../server/progress/model';
import { trainingYear } from '../../server/progress/year';

let serial = 0;

/** A package of `scope`'s unit; with `started`, also the item of a module the officer role's own officer has started. */
async function playablePackageOf(w: World, scope: Scope, started = false): Promise<string> {
  const { config, db } = w.services;
  // distinct bytes per call: each scope gets its own record
  const bytes = await zipOf(scorm12Files({ 'serial.txt': String(++serial) }));
  const file = path.join(config.DATA_DIR, `matrix-play-${serial}.zip`);
  fs.writeFileSync(file, bytes);
  try {
    const { record } = await storePackage(db, config, { file, size: bytes.length, originalName: 'goi.zip', ownerUnitId: w.unit(scope)._id, uploadedBy: w.accounts.admin._id });
    if (started) {
      const officer = w.officers.own;
      const { moduleId, version } = await buildPublishedModule(db, { items: [{ kind: 'package', key: 'goi', title: 'Gói', packageId: record._id, sco: null }], ownerUnitId: officer.unitId });
      await progressModel(db).create({ officerId: officer._id, moduleId, year: trainingYear(), version: version.version, unitId: officer.unitId, status: 'in-progress', doneItems: [], itemCount: 1, percent: 0, lastItemKey: 'goi', startedAt: new Date() });
    }
    return record._id.toHexString();
  } finally {
    fs.rmSync(file, { force: true });
  }
}

export const playbackCases: Case[] = [
  // the officer plays a package through a module they started (own: the package is its item); otherwise 403
  { route: 'GET /packages/:id/play', allow: { admin: ['own', 'other'], coordinator: ['own'], officer: ['own'] }, request: async (w, s) => ({ method: 'GET', path: `/packages/${await playablePackageOf(w, s, s === 'own')}/play` }) },
  // results of a package: its authors (they see only officers of their own subtree)
  { route: 'GET /authoring/packages/:id/results', allow: { admin: ['own', 'other'], coordinator: ['own'] }, request: async (w, s) => ({ method: 'GET', path: `/authoring/packages/${await playablePackageOf(w, s)}/results` }) },
  { route: 'GET /api/v1/packages/:id/statements', allow: { admin: ['own', 'other'], coordinator: ['own'] }, request: async (w, s) => ({ method: 'GET', path: `/api/v1/packages/${await playablePackageOf(w, s)}/statements` }) },
  // adding a package item to a module: the module's authors, with a package of the same unit
  {
    route: 'POST /authoring/modules/:id/packages',
    allow: { admin: ['own', 'other'], coordinator: ['own'] },
    request: async (w, s) => ({ method: 'POST', path: `/authoring/modules/${(await buildModule(w.services.db, w.unit(s)._id, { published: false }))._id.toHexString()}/packages`, form: { title: 'Gói ma trận', packageId: await playablePackageOf(w, s) } }),
  },
];
