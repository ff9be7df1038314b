/**
 * Lesson attachments (video, PDF, images) stored by content: the file's sha256 is its
 * name, under DATA_DIR/media/ab/abcdef…, so the same file uploaded twice (or arriving
 * again in a bundle) is stored once, and a stored file never changes. Writes go to a
 * temporary name first and are renamed into place, so a reader never sees half a file.
 * Several app instances share the folder when DATA_DIR is on shared storage.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const SHA256 = /^[0-9a-f]{64}$/;

export function isSha256(value: string): boolean {
  return SHA256.test(value);
}

/** Where the file with this digest lives (it may not exist). */
export function mediaPath(dataDir: string, sha256: string): string {
  if (!isSha256(sha256)) throw new Error(`not a sha256 digest: ${sha256}`);
  return path.join(dataDir, 'media', sha256.slice(0, 2), sha256);
}

/** Stores `bytes` (idempotent) and returns their digest. */
export async function storeMedia(dataDir: string, bytes: Buffer): Promise<string> {
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  const target = mediaPath(dataDir, sha256);
  if (fs.existsSync(target)) return sha256;
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  await fs.promises.writeFile(temporary, bytes, { flag: 'wx' });
  await fs.promises.rename(temporary, target);
  return sha256;
}

/** Moves an already-hashed temporary file (e.g. a multer upload) into the store. */
export async function adoptMediaFile(dataDir: string, file: string, sha256: string): Promise<void> {
  const target = mediaPath(dataDir, sha256);
  if (fs.existsSync(target)) {
    await fs.promises.rm(file, { force: true });
    return;
  }
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  try {
    await fs.promises.rename(file, target);
  } catch (error) {
    // another filesystem (the upload folder on tmpfs): copy, then drop the original
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    const temporary = `${target}.${process.pid}.tmp`;
    await fs.promises.copyFile(file, temporary);
    await fs.promises.rename(temporary, target);
    await fs.promises.rm(file, { force: true });
  }
}

/** sha256 of a file on disk, streamed (uploads can be hundreds of MB). */
export async function hashFile(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
