/**
 * Package items in module progress: when a package attempt played inside a module
 * (attempt context = module, item, year) reaches completion, the item counts as done and
 * the module rolls up — the same way a read lesson or a passed quiz does. The package's
 * score stays on the attempt (coordinator reports); it is never mixed into the module's
 * quiz score (bestScore / lastScore).
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { moduleVersionModel, type ModuleVersion } from '../modules/model';
import { packageModel, type ContentPackage } from '../packages/model';
import { attemptModel, type PackageAttempt } from '../playback/model';
import { onPackageProgress, type PackageResult } from '../playback/results';
import { progressModel, type ModuleProgress } from './model';
import { itemRuleDone } from './package-rules';
import { findProgress, pinnedVersion, recordEvent, rollUp } from './service';

export { packageAttemptDone } from './package-rules';

/**
 * Takes a package result into module_progress when it meets the item's completion rule
 * (package-rules.ts; results are announced when an attempt is opened too, for 'viewed'):
 * the item done once (a conditional
 * $addToSet, so duplicate or reordered commits never count twice, and a later
 * "incomplete" never undoes it), a package_completed event, the roll-up. Ignores previews,
 * attempts without a module context, and a context that does not name a package item of
 * this package in the officer's pinned version. Returns the progress when it changed.
 */
export async function recordPackageResult(db: Connection, result: PackageResult, now: Date): Promise<ModuleProgress | null> {
  const { context, officerId } = result;
  if (result.preview || !context || !officerId) return null;
  const progress = await findProgress(db, officerId, context.moduleId, context.year);
  if (!progress || progress.doneItems.includes(context.itemKey)) return null;
  const version = await pinnedVersion(db, progress);
  const item = version.content.items.find((i) => i.key === context.itemKey);
  if (!item || item.kind !== 'package' || !item.packageId.equals(result.packageId)) return null;
  const record = await packageModel(db).findById(result.packageId, { scos: 1, h5p: 1 }).lean<Pick<ContentPackage, 'scos' | 'h5p'>>();
  const done = (r: Parameters<typeof itemRuleDone>[2]) => itemRuleDone(item, record?.h5p?.mainLibrary ?? null, r);
  if (!done(result) || !(await everyScoDone(db, item.sco, record?.scos ?? [], result, done))) return null;
  const added = await progressModel(db)
    .findOneAndUpdate({ _id: progress._id, doneItems: trusted({ $ne: item.key }) }, { $addToSet: { doneItems: item.key } }, { returnDocument: 'after' })
    .lean<ModuleProgress>();
  if (!added) return null;
  await recordEvent(db, {
    type: 'package_completed',
    at: now,
    officerId,
    moduleId: progress.moduleId,
    year: progress.year,
    version: progress.version,
    itemKey: item.key,
    details: { attemptId: result.attemptId, packageId: result.packageId, success: result.success, scoreScaled: result.scoreScaled },
  });
  return rollUp(db, added, version.content.items, now);
}

/**
 * A multi-SCO package: an item naming one SCO is done with that SCO; an item naming none
 * (the whole package) when every SCO has an attempt in the same context that is `done`.
 */
async function everyScoDone(db: Connection, sco: string | null, scos: readonly { identifier: string }[], result: PackageResult, done: (attempt: Pick<PackageAttempt, 'kind' | 'completion' | 'success' | 'scoreScaled'>) => boolean): Promise<boolean> {
  if (sco !== null) return sco === result.scoIdentifier;
  if (result.kind === 'h5p') return true;
  const others = scos.map((s) => s.identifier).filter((id) => id !== result.scoIdentifier);
  if (others.length === 0) return true;
  const { context } = result;
  const attempts = await attemptModel(db)
    .find({ officerId: result.officerId, packageId: result.packageId, scoIdentifier: trusted({ $in: others }), 'context.moduleId': context!.moduleId, 'context.itemKey': context!.itemKey, 'context.year': context!.year, preview: false }, { scoIdentifier: 1, kind: 1, completion: 1, success: 1, scoreScaled: 1 })
    .lean<Pick<PackageAttempt, 'scoIdentifier' | 'kind' | 'completion' | 'success' | 'scoreScaled'>[]>();
  return others.every((id) => attempts.some((a) => a.scoIdentifier === id && done(a)));
}

/**
 * Listens to package results for one platform (its database); returns the function that
 * stops listening (the platform's close). Listeners are process-wide, so with several
 * platforms in one process (tests) each hears every result — one of another database
 * finds no progress record here and changes nothing.
 */
export function trackPackageProgress(db: Connection): () => void {
  return onPackageProgress(async (result) => {
    await recordPackageResult(db, result, new Date());
  });
}

/**
 * The package item an officer may play `packageId` through: an item of a module they
 * started in `year` (in the version their progress pins), or null.
 */
export async function startedPackageItem(db: Connection, officerId: Types.ObjectId, packageId: Types.ObjectId, year: number): Promise<{ moduleId: Types.ObjectId; itemKey: string } | null> {
  const started = await progressModel(db).find({ officerId, year }, { moduleId: 1, version: 1 }).lean<Pick<ModuleProgress, 'moduleId' | 'version'>[]>();
  if (started.length === 0) return null;
  const versions = await moduleVersionModel(db)
    .find({ moduleId: trusted({ $in: started.map((p) => p.moduleId) }) }, { moduleId: 1, version: 1, 'content.items': 1 })
    .lean<Pick<ModuleVersion, 'moduleId' | 'version' | 'content'>[]>();
  for (const progress of started) {
    const version = versions.find((v) => v.moduleId.equals(progress.moduleId) && v.version === progress.version);
    const item = version?.content.items.find((i) => i.kind === 'package' && i.packageId.equals(packageId));
    if (item) return { moduleId: progress.moduleId, itemKey: item.key };
  }
  return null;
}
