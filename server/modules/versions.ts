/**
 * Publishing: the module's draft becomes a new immutable version. The version document
 * and the module's pointer change in one transaction, so readers see either the old
 * version or the new one, and two coordinators publishing at once make versions n+1
 * and n+2 (the unique index on moduleId × version and the driver's retry on a write
 * conflict see to it), never two versions n+1.
 */
import type { Connection, Types } from 'mongoose';
import { inTransaction } from '../db/transaction';
import { moduleModel, moduleVersionModel, readyModuleVersionModel, type ModuleVersion } from './model';

export async function publishModule(db: Connection, moduleId: Types.ObjectId, by: Types.ObjectId | null, now = new Date()): Promise<ModuleVersion> {
  const versions = await readyModuleVersionModel(db);
  const modules = moduleModel(db);
  return inTransaction(db, async (session) => {
    const module = await modules.findOneAndUpdate({ _id: moduleId }, { $inc: { publishedVersion: 1 }, $set: { draftDirty: false } }, { returnDocument: 'after', session }).lean();
    if (!module) throw new Error(`module ${String(moduleId)} not found`);
    const [version] = await versions.create([{ moduleId, code: module.code, version: module.publishedVersion, content: module.draft, publishedAt: now, publishedBy: by }], { session });
    return version!.toObject();
  });
}

/** A published version, or null (the module has none, or not that one). */
export async function findVersion(db: Connection, moduleId: Types.ObjectId, version: number): Promise<ModuleVersion | null> {
  return moduleVersionModel(db).findOne({ moduleId, version }).lean<ModuleVersion>();
}

/** The newest published version of a module, or null before the first publish. */
export async function latestVersion(db: Connection, moduleId: Types.ObjectId): Promise<ModuleVersion | null> {
  const module = await moduleModel(db).findById(moduleId, { publishedVersion: 1 }).lean();
  if (!module || module.publishedVersion === 0) return null;
  return findVersion(db, moduleId, module.publishedVersion);
}
