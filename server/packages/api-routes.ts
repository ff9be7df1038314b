/**
 * The package JSON API (/api/v1/packages). Bearer token or cookie + CSRF (the form field
 * `_csrf` of the multipart body, or X-CSRF-Token). Uploading is `content.create` on the
 * caller's home unit, which owns the package (an admin's packages are province-wide);
 * reading one is `content.author` on its owner. Failures answer `{error: {id, message}}`.
 */
import type { Router } from 'express';
import { trusted, type Connection, type Types } from 'mongoose';
import { z } from 'zod';
import { AppError } from '../errors';
import type { Services } from '../http/context';
import { route, type SignedInContext } from '../http/route';
import { callerScope, skipUnlessObjectId, unitRef, type Scope } from '../units/scope';
import { subtreeIds } from '../units/service';
import { unitModel, type Unit } from '../units/model';
import { objectId } from '../validation';
import { packageModel, type ContentPackage } from './model';
import { presentPackage } from './presenters';
import { storePackage } from './service';
import { discardUpload, receivePackage, uploadedFile } from './upload';

/** Validates and stores the request's upload for the caller's home unit; always removes the upload. */
export async function acceptUpload(ctx: SignedInContext<unknown>): Promise<{ record: ContentPackage; created: boolean }> {
  const { db, config } = ctx.services;
  try {
    const scope = await callerScope(db, ctx.actor);
    ctx.authorize('content.create', scope.ref);
    const file = uploadedFile(ctx.req);
    if (!file || file.size === 0) throw new AppError(422, 'package_no_file');
    // browsers send file names as latin1 bytes of UTF-8 (busboy's default)
    const originalName = Buffer.from(file.originalname, 'latin1').toString('utf8').normalize('NFC');
    const stored = await storePackage(db, config, { file: file.path, size: file.size, originalName, ownerUnitId: scope.root?._id ?? null, uploadedBy: ctx.account._id });
    if (stored.created) {
      const { record } = stored;
      await ctx.audit({ action: 'package.upload', subject: { type: 'package', id: record._id }, unitId: record.ownerUnitId, details: { title: record.title, kind: record.kind, sha256: record.sha256, bytes: record.size } });
    }
    return stored;
  } finally {
    await discardUpload(ctx.res);
  }
}

/** The packages owned by units of `scope` (the whole installation: all), newest first, at most 500. */
export async function listPackages(db: Connection, scope: Scope): Promise<ContentPackage[]> {
  const filter = scope.root ? { ownerUnitId: trusted({ $in: await subtreeIds(db, scope.root._id) }) } : {};
  return packageModel(db).find(filter).sort({ createdAt: -1 }).limit(500).lean<ContentPackage[]>();
}

/** The package `id` if the caller may author content of its owner; 404 when it does not exist. */
async function authorizedPackage(ctx: SignedInContext<{ id: Types.ObjectId }>): Promise<ContentPackage> {
  const record = await packageModel(ctx.services.db).findById(ctx.input.id).lean<ContentPackage>();
  if (!record) throw new AppError(404, 'package_not_found');
  const owner = record.ownerUnitId ? await unitModel(ctx.services.db).findById(record.ownerUnitId).lean<Unit>() : null;
  ctx.authorize('content.author', { owner: owner ? unitRef(owner) : null });
  return record;
}

export function registerPackageApiRoutes(router: Router, services: Services): void {
  const { db, config } = services;

  /** POST /api/v1/packages (multipart `file`) → 201 `{id, kind, title, launch, …}`; the same file again → 200 with the same record. */
  route(router, services, {
    method: 'post',
    path: '/api/v1/packages',
    access: 'signed-in',
    before: [receivePackage(config.DATA_DIR, config.PACKAGES_DIR, config.PACKAGE_MAX_MB)],
    handle: async (ctx) => {
      const { record, created } = await acceptUpload(ctx);
      ctx.res.status(created ? 201 : 200).json(presentPackage(record));
    },
  });

  /** GET /api/v1/packages → `{items}`: the packages owned by the caller's subtree (an admin: all), newest first. */
  route(router, services, {
    method: 'get',
    path: '/api/v1/packages',
    access: 'signed-in',
    handle: async (ctx) => {
      const scope = await callerScope(db, ctx.actor);
      ctx.authorize('content.create', scope.ref);
      ctx.res.json({ items: (await listPackages(db, scope)).map(presentPackage) });
    },
  });

  /** GET /api/v1/packages/:id → the package. */
  route(router, services, {
    method: 'get',
    path: '/api/v1/packages/:id',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: z.object({ id: objectId }),
    handle: async (ctx) => {
      ctx.res.json(presentPackage(await authorizedPackage(ctx)));
    },
  });
}
