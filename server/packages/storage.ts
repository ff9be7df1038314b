/**
 * Where package files live. Layout (PACKAGES_DIR, default DATA_DIR/packages):
 *
 *   PACKAGES_DIR/<sha256>/…          one extracted tree per distinct uploaded file, never
 *                                    changed once in place (the playback step serves
 *                                    <sha256>/<launch> from the content origin)
 *   PACKAGES_DIR/.staging/<random>/  extraction in progress; renamed into place when
 *                                    complete, removed on any failure
 *   DATA_DIR/tmp/uploads/<random>/   multer's temporary upload file, removed when the
 *                                    request ends, whatever the outcome
 *
 * Several app instances share one platform by mounting the same PACKAGES_DIR (NFS, a
 * cloud volume, a bind mount). Staging lives inside PACKAGES_DIR so the final step is a
 * rename within one file system, which is atomic: a tree either exists complete or not
 * at all, and a reader never sees half a package. Two instances extracting the same file
 * at once both build their own staging copy; the first rename wins, the second finds the
 * target present (EEXIST / ENOTEMPTY) and drops its copy — same bytes, same tree.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const SHA256 = /^[0-9a-f]{64}$/;

/** The folder of the extracted tree of the file with this digest (it may not exist). */
export function packageTreePath(packagesDir: string, sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error(`not a sha256 digest: ${sha256}`);
  return path.join(packagesDir, sha256);
}

/** A fresh, empty staging folder for one extraction. */
export async function stagingFolder(packagesDir: string): Promise<string> {
  const root = path.join(packagesDir, '.staging');
  await fs.promises.mkdir(root, { recursive: true });
  return fs.promises.mkdtemp(path.join(root, `${process.pid}-`));
}

/** A fresh, empty folder for one upload under DATA_DIR/tmp/uploads. */
export async function uploadFolder(dataDir: string): Promise<string> {
  const root = path.join(dataDir, 'tmp', 'uploads');
  await fs.promises.mkdir(root, { recursive: true });
  return fs.promises.mkdtemp(path.join(root, `${crypto.randomBytes(4).toString('hex')}-`));
}

export function treeExists(packagesDir: string, sha256: string): boolean {
  return fs.existsSync(packageTreePath(packagesDir, sha256));
}

/**
 * Moves a complete staging folder into place as the tree of `sha256`. Returns false when
 * another upload put the same tree there first (the staging copy is then removed).
 */
export async function installTree(packagesDir: string, staging: string, sha256: string): Promise<boolean> {
  const target = packageTreePath(packagesDir, sha256);
  try {
    await fs.promises.rename(staging, target);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTEMPTY' && code !== 'EPERM') throw error;
    await fs.promises.rm(staging, { recursive: true, force: true });
    return false;
  }
}

/** Removes a temporary folder (never throws: cleanup must not hide the real outcome). */
export async function removeQuietly(folder: string | null | undefined): Promise<void> {
  if (folder) await fs.promises.rm(folder, { recursive: true, force: true }).catch(() => undefined);
}

/** Leftovers older than this are from a crashed process (no upload or extraction takes a day). */
const STALE_MS = 24 * 60 * 60 * 1000;

/**
 * Removes staging and upload folders left by a process that died mid-request (a crash,
 * a kill -9). Safe with several instances: only folders untouched for a day go.
 */
export async function sweepStaleTemporaries(dataDir: string, packagesDir: string): Promise<void> {
  for (const root of [path.join(packagesDir, '.staging'), path.join(dataDir, 'tmp', 'uploads')]) {
    const names = await fs.promises.readdir(root).catch(() => [] as string[]);
    for (const name of names) {
      const folder = path.join(root, name);
      const stat = await fs.promises.stat(folder).catch(() => null);
      if (stat && Date.now() - stat.mtimeMs > STALE_MS) await removeQuietly(folder);
    }
  }
}
