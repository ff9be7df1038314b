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

/**
 * Published versions never change, and every learning request needs one (the items of
 * the module an officer works through) — with all its lesson HTML, tens of kilobytes to
 * decode. So they are kept in memory per connection, a bounded number of them, frozen
 * so that no caller can change the shared copy. Safe with several app instances: there
 * is nothing to invalidate.
 */
const VERSION_CACHE_SIZE = 500;
const versionCache = new WeakMap<Connection, Map<string, ModuleVersion>>();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** A published version, or null (the module has none, or not that one). The result is frozen. */
export async function findVersion(db: Connection, moduleId: Types.ObjectId, version: number): Promise<ModuleVersion | null> {
  let cache = versionCache.get(db);
  if (!cache) versionCache.set(db, (cache = new Map()));
  const key = `${moduleId.toHexString()}:${version}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const found = await moduleVersionModel(db).findOne({ moduleId, version }).lean<ModuleVersion>();
  if (!found) return null;
  // oldest out first: a Map iterates in insertion order
  if (cache.size >= VERSION_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, deepFreeze(found));
  return found;
}

/** The newest published version of a module, or null before the first publish. */
export async function latestVersion(db: Connection, moduleId: Types.ObjectId): Promise<ModuleVersion | null> {
  const module = await moduleModel(db).findById(moduleId, { publishedVersion: 1 }).lean();
  if (!module || module.publishedVersion === 0) return null;
  return findVersion(db, moduleId, module.publishedVersion);
}
