/**
 * What both package route modules (the JSON API and the coordinator page) do: accept an
 * upload for the caller's home unit, list the caller's packages, load one package the
 * caller may author. Authorization happens here, through the route context.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { AppError } from '../errors';
import type { SignedInContext } from '../http/route';
import { callerScope, unitRef, type Scope } from '../units/scope';
import { subtreeIds } from '../units/service';
import { unitModel, type Unit } from '../units/model';
import { packageModel, type ContentPackage } from './model';
import { storePackage } from './service';
import { discardUpload, uploadedFile } from './upload';

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
export async function authorizedPackage(ctx: SignedInContext<{ id: Types.ObjectId }>): Promise<ContentPackage> {
  const record = await packageModel(ctx.services.db).findById(ctx.input.id).lean<ContentPackage>();
  if (!record) throw new AppError(404, 'package_not_found');
  const owner = record.ownerUnitId ? await unitModel(ctx.services.db).findById(record.ownerUnitId).lean<Unit>() : null;
  ctx.authorize('content.author', { owner: owner ? unitRef(owner) : null });
  return record;
}

/**
 * The packages a module author may put in a module: those of their subtree and the
 * province-wide ones (no owner); an admin (no scope root) may use all. Newest first, at most 500.
 */
export async function usablePackages(db: Connection, scope: Scope): Promise<ContentPackage[]> {
  const filter = scope.root ? { ownerUnitId: trusted({ $in: [...(await subtreeIds(db, scope.root._id)), null] }) } : {};
  return packageModel(db).find(filter).sort({ createdAt: -1 }).limit(500).lean<ContentPackage[]>();
}

/** The package `packageId` if it is one of `usablePackages(scope)`, else null. */
export async function usablePackage(db: Connection, scope: Scope, packageId: Types.ObjectId): Promise<ContentPackage | null> {
  const record = await packageModel(db).findById(packageId).lean<ContentPackage>();
  if (!record) return null;
  if (!scope.root || record.ownerUnitId === null) return record;
  return (await subtreeIds(db, scope.root._id)).some((id) => id.equals(record.ownerUnitId!)) ? record : null;
}
