/** Small file-system helpers shared by the storage layer. */
import { promises as fsp, writevSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/**
 * Writes every byte of `bufs` at file offset `position` (bytes), retrying short writes.
 * libuv already loops internally, but a short write must never be mistaken for success.
 */
export async function writeAll(fh: FileHandle, bufs: Buffer[], position: number): Promise<void> {
  let rest = bufs.filter((b) => b.length > 0);
  let pos = position;
  while (rest.length > 0) {
    const { bytesWritten } = await fh.writev(rest, pos);
    pos += bytesWritten;
    rest = remainingAfter(rest, bytesWritten);
  }
}

/** Synchronous form of writeAll (the journal's hot path; see JournalWriter.sync). */
export function writeAllSync(fd: number, bufs: Buffer[], position: number): void {
  let rest = bufs.filter((b) => b.length > 0);
  let pos = position;
  while (rest.length > 0) {
    const bytesWritten = writevSync(fd, rest, pos);
    pos += bytesWritten;
    rest = remainingAfter(rest, bytesWritten);
  }
}

/** The part of `bufs` not yet written after a (possibly short) write of `written` bytes. */
function remainingAfter(bufs: Buffer[], written: number): Buffer[] {
  if (written <= 0) throw new Error('write made no progress');
  let n = written;
  let i = 0;
  while (i < bufs.length && n >= bufs[i]!.length) n -= bufs[i++]!.length;
  const rest = bufs.slice(i);
  if (n > 0) rest[0] = rest[0]!.subarray(n);
  return rest;
}

/** Reads up to `length` bytes at `position` into `buf` at `offset`, looping until full or EOF; returns bytes read. */
export async function readFully(fh: FileHandle, buf: Buffer, offset: number, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, offset + done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/**
 * fsyncs a directory so that creations, renames and deletions inside it survive a power
 * loss (a file's own fsync does not persist its directory entry). Windows cannot open a
 * directory for syncing; there the rename itself is the best available.
 */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Deletes a file, ignoring "already gone". */
export async function unlinkIfExists(path: string): Promise<void> {
  try {
    await fsp.unlink(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/**
 * Makes `dir` and everything in it owner-only (folders 0700, files 0600): the data is the
 * platform's whole database, password hashes included. Run at every open, so an install
 * made before this rule (0755 / 0644) is tightened too. No-op on Windows.
 */
export async function ownerOnly(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  await fsp.chmod(dir, 0o700);
  for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
    const full = `${dir}/${entry.name}`;
    if (entry.isDirectory()) await ownerOnly(full);
    else if (entry.isFile() || entry.isSocket()) await fsp.chmod(full, 0o600);
  }
}
