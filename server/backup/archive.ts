/**
 * Backup archives: one zip (yazl) holding `manifest.json`, the database as a fresh engine
 * data directory (`db/…`), every other file of DATA_DIR (`data/…`: media, outbox, secrets,
 * job files…) and PACKAGES_DIR when it lies outside DATA_DIR (`packages/…`). The manifest
 * lists each entry with its size and SHA-256; restore writes nothing it did not verify.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import yazl from 'yazl';

export const MANIFEST = 'manifest.json';
export const FORMAT = 'vhcv-backup';

export interface ManifestEntry {
  name: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: typeof FORMAT;
  version: 1;
  createdAt: string;
  /** where the database came from: the embedded engine of DATA_DIR, or the engine at MONGODB_URI (npm run db) */
  database: 'embedded' | 'standalone-engine';
  entries: ManifestEntry[];
}

/** A file to pack: where it is now, and its name in the archive. */
export interface Source {
  file: string;
  name: string;
}

/** Names in DATA_DIR that are never packed: the live database (the engine's copy is), its socket, probes. */
const SKIPPED_TOP = new Set(['db']);
const SKIPPED_NAME = /(^\.readyz-|\.sock$|^LOCK$)/;

/** Every regular file under `dir`, as archive names `prefix/relative path`; `skip` drops top-level names. */
export async function filesUnder(dir: string, prefix: string, skip: (relative: string) => boolean = () => false): Promise<Source[]> {
  const found: Source[] = [];
  const walk = async (current: string, relative: string) => {
    let entries: fs.Dirent[];
    try {
      entries = await fsp.readdir(current, { withFileTypes: true });
    } catch {
      return; // a folder removed meanwhile (an expired job file) is simply not there
    }
    for (const entry of entries) {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (skip(rel) || SKIPPED_NAME.test(entry.name)) continue;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) await walk(full, rel);
      else if (entry.isFile()) found.push({ file: full, name: `${prefix}/${rel}` });
    }
  };
  await walk(dir, '');
  return found;
}

/** The files of DATA_DIR to back up besides the database (and the output file, if it lies there). */
export function dataFiles(dataDir: string, exclude: string[]): Promise<Source[]> {
  const excluded = new Set(exclude.map((f) => path.resolve(f)));
  return filesUnder(dataDir, 'data', (rel) => SKIPPED_TOP.has(rel) || excluded.has(path.resolve(dataDir, rel)));
}

async function digest(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * Writes the archive to `out` (through a temp name, renamed when complete). Files that
 * vanished between listing and packing (an expired job file) are left out of the manifest.
 */
export async function writeArchive(out: string, sources: Source[], database: Manifest['database'], now = new Date()): Promise<Manifest> {
  const zip = new yazl.ZipFile();
  const entries: ManifestEntry[] = [];
  for (const source of sources) {
    let facts: { bytes: number; sha256: string };
    try {
      facts = await digest(source.file);
    } catch {
      continue;
    }
    entries.push({ name: source.name, ...facts });
    // stored as read for the digest: content-addressed files do not change once written
    zip.addReadStream(fs.createReadStream(source.file), source.name, { mtime: now, mode: 0o600 });
  }
  const manifest: Manifest = { format: FORMAT, version: 1, createdAt: now.toISOString(), database, entries };
  zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2)), MANIFEST, { mtime: now, mode: 0o600 });
  zip.end();
  const temp = `${out}.${randomBytes(4).toString('hex')}.partial`;
  await pipeline(zip.outputStream, fs.createWriteStream(temp, { mode: 0o600 }));
  await fsp.rename(temp, out);
  return manifest;
}

/** Where an archive entry goes under the restored DATA_DIR; null for a name restore refuses. */
export function targetOf(name: string): string | null {
  const parts = name.split('/');
  if (parts.length < 2 || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\'))) return null;
  const [top, ...rest] = parts;
  if (top === 'db') return path.join('db', ...rest);
  if (top === 'data' && rest[0] !== 'db') return path.join(...rest);
  if (top === 'packages') return path.join('packages', ...rest);
  return null;
}

/** Thrown for an archive that is not ours or does not match its manifest (message: the reason, English). */
export class ArchiveError extends Error {}

/**
 * Extracts `archive` into `target` (a new directory): every entry must be listed in the
 * manifest with the size and SHA-256 it has, and map to a path inside `target`.
 */
export async function extractArchive(archive: string, target: string): Promise<Manifest> {
  const zip = await yauzl.openPromise(archive, { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true, strictFileNames: true }).catch((e: Error) => {
    throw new ArchiveError(e.message);
  });
  try {
    zip.on('error', () => undefined);
    const entries = await allEntries(zip);
    const manifestEntry = entries.find((e) => e.fileName === MANIFEST);
    if (!manifestEntry) throw new ArchiveError('no manifest.json');
    const manifest = JSON.parse((await readAll(await zip.openReadStreamPromise(manifestEntry))).toString('utf8')) as Manifest;
    if (manifest.format !== FORMAT || manifest.version !== 1 || !Array.isArray(manifest.entries)) throw new ArchiveError('not a backup of this platform');
    const listed = new Map(manifest.entries.map((e) => [e.name, e]));
    const files = entries.filter((e) => e.fileName !== MANIFEST && !e.fileName.endsWith('/'));
    if (files.length !== listed.size) throw new ArchiveError(`${files.length} files in the archive, ${listed.size} in its manifest`);
    for (const entry of files) {
      const expected = listed.get(entry.fileName);
      const relative = targetOf(entry.fileName);
      if (!expected || !relative) throw new ArchiveError(`unexpected entry ${entry.fileName}`);
      const file = path.join(target, relative);
      await fsp.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const hash = createHash('sha256');
      let bytes = 0;
      const stream = await zip.openReadStreamPromise(entry);
      stream.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
      });
      await pipeline(stream, fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }));
      if (bytes !== expected.bytes || hash.digest('hex') !== expected.sha256) throw new ArchiveError(`${entry.fileName} does not match its manifest`);
    }
    if (!files.some((e) => e.fileName.startsWith('db/snapshot-'))) throw new ArchiveError('no database snapshot');
    return manifest;
  } finally {
    zip.close();
  }
}

/** The central directory's entries (a damaged one rejects). */
function allEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const found: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      found.push(entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(found));
    zip.once('error', (e: Error) => reject(new ArchiveError(e.message)));
    zip.readEntry();
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
