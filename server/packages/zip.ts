/**
 * Reading uploaded zips as hostile input. yauzl gives us the central directory and
 * streams; every decision is ours: names are decoded with yauzl's own decoder but
 * checked here (yauzl's built-in checks would fail with an English message and no id),
 * sizes are counted while inflating (headers can lie), and nothing is written outside
 * the destination folder the caller hands in. Each refusal is a 422 with a stable id.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { AppError } from '../errors';
import type { MessageId } from '../i18n';

const MB = 1024 * 1024;

/** The caps an upload is held to (settings PACKAGE_MAX_*). */
export interface ZipLimits {
  maxEntries: number;
  /** total uncompressed bytes */
  maxUnpackedBytes: number;
  /** uncompressed bytes of one entry */
  maxEntryBytes: number;
}

/**
 * What a package may not contain. There is no allow-list of "web" types: authoring tools
 * ship whatever their content needs (H5P's jQuery UI carries a .diff, H5P-in-SCORM
 * exporters a .patch, Adapt 3D assets as .glb / .usdz), and every one of those is inert
 * here, because package files are only ever served from the content origin, with a
 * Content-Type the platform picks from the extension (unknown → application/octet-stream),
 * nosniff and the content CSP — nothing in a package is ever executed by the server.
 * What is refused is what could run somewhere else: native executables and installers,
 * server-side scripts and server configuration (a copy of the tree behind another web
 * server must not turn into a web shell). Content is checked too (see `dangerousContent`):
 * an executable renamed to .png is refused all the same.
 */
export const REFUSED_EXTENSIONS: ReadonlySet<string> = new Set([
  // native executables, libraries and installers
  'exe', 'dll', 'com', 'scr', 'msi', 'msp', 'bat', 'cmd', 'ps1', 'psm1', 'vbs', 'vbe', 'wsf', 'wsh', 'hta', 'cpl', 'lnk', 'reg',
  'sh', 'bash', 'zsh', 'csh', 'ksh', 'run', 'bin', 'elf', 'so', 'dylib', 'app', 'dmg', 'pkg', 'deb', 'rpm', 'apk', 'appimage',
  'jar', 'war', 'ear', 'class',
  // server-side scripts
  'php', 'php3', 'php4', 'php5', 'php7', 'php8', 'phtml', 'phar', 'pht', 'phps', 'asp', 'aspx', 'asa', 'asax', 'ascx', 'ashx', 'asmx', 'axd', 'cer',
  'jsp', 'jspx', 'jsw', 'jsv', 'jspf', 'cfm', 'cfml', 'cgi', 'fcgi', 'pl', 'pm', 'py', 'pyc', 'rb', 'shtml', 'shtm', 'stm', 'ssi',
]);

/** Server configuration files, refused by name wherever they are. */
const REFUSED_NAMES: ReadonlySet<string> = new Set(['.htaccess', '.htpasswd', 'web.config', '.user.ini', 'php.ini']);

/** True when a file's name makes it an executable, a server-side script or server configuration. */
export function refusedByName(name: string): boolean {
  const base = name.slice(name.lastIndexOf('/') + 1).toLowerCase();
  if (REFUSED_NAMES.has(base)) return true;
  const dot = base.lastIndexOf('.');
  return dot > 0 && REFUSED_EXTENSIONS.has(base.slice(dot + 1));
}

/** Leading bytes of native executables (PE, ELF, Mach-O 32/64/fat) and of PHP source. */
const EXECUTABLE_MAGIC = [Buffer.from('MZ'), Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.from([0xfe, 0xed, 0xfa, 0xce]), Buffer.from([0xfe, 0xed, 0xfa, 0xcf]), Buffer.from([0xce, 0xfa, 0xed, 0xfe]), Buffer.from([0xcf, 0xfa, 0xed, 0xfe]), Buffer.from([0xca, 0xfe, 0xba, 0xbe]), Buffer.from('<?php')];
/** How many leading bytes `dangerousContent` needs. */
const MAGIC_BYTES = 5;

/** True when a file's first bytes are those of a native executable or of a PHP script, whatever its name. */
export function dangerousContent(head: Buffer): boolean {
  return EXECUTABLE_MAGIC.some((magic) => head.length >= magic.length && head.subarray(0, magic.length).equals(magic));
}

/**
 * Entries dropped without a word (never written): operating-system litter (macOS resource
 * forks, Finder and Explorer metadata); .dtd files, which SCORM 2004 packages carry next
 * to their .xsd schemas (common/XMLSchema.dtd, datatypes.dtd) but no player ever reads;
 * and Flash (.swf), which older Storyline / Captivate exports ship beside their HTML5
 * version and no browser has played since 2021. Refusing them would refuse many real
 * packages that play fine without them.
 */
function ignored(name: string): boolean {
  const base = name.slice(name.lastIndexOf('/') + 1).toLowerCase();
  return name.startsWith('__MACOSX/') || base === '.ds_store' || base === 'thumbs.db' || base === 'desktop.ini' || base.endsWith('.dtd') || base.endsWith('.swf');
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/** One checked entry of the central directory. */
export interface PackageEntry {
  /** the checked relative path ("scos/index.html"); directories end without "/" */
  name: string;
  directory: boolean;
  /** what the header claims; a cap check before inflating, re-checked while inflating */
  declaredSize: number;
  entry: Entry;
}

function refuse(id: MessageId, params?: Record<string, unknown>): AppError {
  return new AppError(422, id, params);
}

/** Shown in messages: never more than 120 characters of a hostile name. */
const shown = (name: string) => (name.length > 120 ? `${name.slice(0, 117)}…` : name);

/**
 * The relative path of an entry, or a refusal: no "..", no absolute paths or drive
 * letters, no backslashes (a Windows separator could turn into ".." on another
 * system), no control characters, no empty or "." segments, sane lengths.
 */
export function checkEntryName(raw: string): string {
  const name = raw.endsWith('/') ? raw.slice(0, -1) : raw;
  if (name.split(/[\\/]/).includes('..')) throw refuse('package_path_traversal', { name: shown(raw) });
  if (raw.startsWith('/') || /^[a-zA-Z]:/.test(raw)) throw refuse('package_path_absolute', { name: shown(raw) });
  // eslint-disable-next-line no-control-regex
  if (name === '' || raw.includes('\\') || /[\u0000-\u001f\u007f]/.test(raw) || raw.length > 1024) throw refuse('package_path_invalid', { name: shown(raw) });
  for (const segment of name.split('/')) if (segment === '' || segment === '.' || Buffer.byteLength(segment) > 255) throw refuse('package_path_invalid', { name: shown(raw) });
  return name.normalize('NFC');
}

/** Opens `file` as a zip, or refuses: not a zip at all (magic bytes), or a damaged one. */
export async function openZip(file: string): Promise<ZipFile> {
  const handle = await fs.promises.open(file, 'r');
  const magic = Buffer.alloc(4);
  try {
    await handle.read(magic, 0, 4, 0);
  } finally {
    await handle.close();
  }
  // a local file header; an empty zip (only the end record) has nothing to offer either
  if (!magic.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) throw refuse('package_not_zip');
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: false });
  } catch {
    throw refuse('package_zip_corrupt');
  }
  // errors are taken per call (nextEntry, streams); one arriving between calls (e.g. on
  // close) must not become an unhandled 'error' event that stops the process
  zip.on('error', () => undefined);
  return zip;
}

/** The next central-directory entry, or null at the end (a damaged directory → refusal). */
function nextEntry(zip: ZipFile): Promise<Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.removeListener('entry', onEntry);
      zip.removeListener('end', onEnd);
      zip.removeListener('error', onError);
    };
    const onEntry = (entry: Entry) => (cleanup(), resolve(entry));
    const onEnd = () => (cleanup(), resolve(null));
    const onError = () => (cleanup(), reject(refuse('package_zip_corrupt')));
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

/**
 * Every entry of `zip`, checked: count, names, duplicates, file types (by the mode in the
 * external attributes: symlinks and devices are refused), encryption, compression method,
 * refused file types and the declared sizes against the caps.
 */
export async function listEntries(zip: ZipFile, limits: ZipLimits): Promise<PackageEntry[]> {
  if (zip.entryCount > limits.maxEntries) throw refuse('package_too_many_entries', { max: limits.maxEntries });
  const entries: PackageEntry[] = [];
  const seen = new Set<string>();
  let declaredTotal = 0;
  for (let entry = await nextEntry(zip); entry; entry = await nextEntry(zip)) {
    if (entries.length >= limits.maxEntries) throw refuse('package_too_many_entries', { max: limits.maxEntries });
    const raw = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileName as unknown as Buffer, entry.extraFields, true);
    const name = checkEntryName(raw);
    const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
    if (mode === S_IFLNK) throw refuse('package_symlink', { name: shown(raw) });
    if (mode !== 0 && mode !== S_IFREG && mode !== S_IFDIR) throw refuse('package_special_file', { name: shown(raw) });
    const directory = raw.endsWith('/') || mode === S_IFDIR;
    // case-insensitive file systems (Windows, macOS) would merge these two into one file
    const key = name.toLowerCase();
    if (seen.has(key)) throw refuse('package_duplicate_entry', { name: shown(raw) });
    seen.add(key);
    if (directory || ignored(name)) {
      if (directory) entries.push({ name, directory, declaredSize: 0, entry });
      continue;
    }
    if (entry.isEncrypted()) throw refuse('package_zip_encrypted', { name: shown(name) });
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) throw refuse('package_zip_method', { name: shown(name) });
    if (refusedByName(name)) throw refuse('package_file_type_not_allowed', { name: shown(name) });
    if (entry.uncompressedSize > limits.maxEntryBytes) throw refuse('package_entry_too_large', { name: shown(name), max: limits.maxEntryBytes / MB });
    declaredTotal += entry.uncompressedSize;
    if (declaredTotal > limits.maxUnpackedBytes) throw refuse('package_too_large_unpacked', { max: limits.maxUnpackedBytes / MB });
    entries.push({ name, directory: false, declaredSize: entry.uncompressedSize, entry });
  }
  refuseFileFolderClash(entries);
  return entries;
}

/** A file "a" beside "a/b.html" cannot both be written: refused as a name clash, not a server error. */
function refuseFileFolderClash(entries: readonly PackageEntry[]): void {
  const files = new Set(entries.filter((e) => !e.directory).map((e) => e.name.toLowerCase()));
  for (const { name } of entries) {
    const segments = name.toLowerCase().split('/');
    for (let depth = 1; depth < segments.length; depth++) {
      const folder = segments.slice(0, depth).join('/');
      if (files.has(folder)) throw refuse('package_duplicate_entry', { name: shown(name) });
    }
  }
}

/** Shared count of inflated bytes across the entries of one package. */
export interface InflateBudget {
  total: number;
}

/**
 * Counts bytes as they are inflated and stops the stream at the first byte past any cap
 * (the entry's declared size, the per-entry cap, the package total): a zip bomb is cut
 * off while inflating, whatever its headers say. The first bytes are checked for an
 * executable's (dangerousContent), whatever the file's name.
 */
function meter(item: PackageEntry, limits: ZipLimits, budget: InflateBudget): Transform {
  let size = 0;
  let head = Buffer.alloc(0);
  const checkHead = () => (dangerousContent(head) ? refuse('package_file_executable', { name: shown(item.name) }) : null);
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (head.length < MAGIC_BYTES) {
        head = Buffer.concat([head, chunk.subarray(0, MAGIC_BYTES - head.length)]);
        if (head.length >= MAGIC_BYTES && checkHead()) return done(checkHead());
      }
      size += chunk.length;
      budget.total += chunk.length;
      if (budget.total > limits.maxUnpackedBytes) return done(refuse('package_too_large_unpacked', { max: limits.maxUnpackedBytes / MB }));
      if (size > limits.maxEntryBytes) return done(refuse('package_entry_too_large', { name: shown(item.name), max: limits.maxEntryBytes / MB }));
      if (size > item.declaredSize) return done(refuse('package_entry_size_mismatch', { name: shown(item.name) }));
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      // a file shorter than the longest magic is checked here
      done(checkHead() ?? (size === item.declaredSize ? null : refuse('package_entry_size_mismatch', { name: shown(item.name) })));
    },
  });
}

async function openStream(zip: ZipFile, item: PackageEntry) {
  try {
    return await zip.openReadStreamPromise(item.entry);
  } catch {
    throw refuse('package_zip_corrupt');
  }
}

/** Maps stream failures: our own refusals pass, zlib / CRC / truncation errors mean a damaged zip. */
const asRefusal = (error: unknown) => (error instanceof AppError ? error : refuse('package_zip_corrupt'));

/** The inflated bytes of one (small) entry, e.g. a manifest, capped at `maxBytes`. */
export async function readEntry(zip: ZipFile, item: PackageEntry, maxBytes: number, limits: ZipLimits, budget: InflateBudget): Promise<Buffer> {
  if (item.declaredSize > maxBytes) throw refuse('package_manifest_too_large', { name: shown(item.name), max: Math.max(1, Math.round(maxBytes / MB)) });
  const chunks: Buffer[] = [];
  const sink = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  try {
    await pipeline(await openStream(zip, item), meter(item, limits, budget), sink);
  } catch (error) {
    throw asRefusal(error);
  }
  return Buffer.concat(chunks);
}

/**
 * Writes every entry under `destination` (a fresh, empty folder). Paths were checked by
 * listEntries; each target is resolved again and must stay inside `destination`, and
 * files are created with 'wx' (never through an existing file or link).
 */
export async function extractEntries(zip: ZipFile, entries: readonly PackageEntry[], destination: string, limits: ZipLimits): Promise<number> {
  const root = path.resolve(destination);
  const budget: InflateBudget = { total: 0 };
  for (const item of entries) {
    const target = path.resolve(root, ...item.name.split('/'));
    if (!target.startsWith(root + path.sep)) throw refuse('package_path_traversal', { name: shown(item.name) });
    if (item.directory) {
      await fs.promises.mkdir(target, { recursive: true });
      continue;
    }
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    try {
      await pipeline(await openStream(zip, item), meter(item, limits, budget), fs.createWriteStream(target, { flags: 'wx', mode: 0o644 }));
    } catch (error) {
      throw asRefusal(error);
    }
  }
  return budget.total;
}
