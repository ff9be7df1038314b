/**
 * h5p.json → what h5p-standalone needs: the title, the main library and the library
 * folders. An .h5p file carries its libraries as folders named
 * `machineName-major.minor` (e.g. `H5P.MultiChoice-1.16/library.json`) beside
 * `content/content.json`. Every preloaded dependency of h5p.json — and, transitively,
 * of each library.json — must be present: a package that relies on libraries installed
 * elsewhere cannot be played by h5p-standalone.
 */
import { AppError } from '../errors';

export interface H5pInfo {
  title: string;
  /** e.g. "H5P.MultiChoice" */
  mainLibrary: string;
  /** its folder in the package, e.g. "H5P.MultiChoice-1.16" (the launch of an H5P package) */
  mainLibraryFolder: string;
  /** every library folder the content needs, main first */
  libraries: string[];
  /** the content's parameters, relative to the package root */
  contentPath: 'content/content.json';
  /** "div" or "iframe" as h5p.json declares (h5p-standalone picks the embedding) */
  embedTypes: string[];
}

interface Dependency {
  machineName: string;
  majorVersion: number;
  minorVersion: number;
}

const MACHINE_NAME = /^[\w.-]{1,100}$/;

function dependencies(value: unknown): Dependency[] | null {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return null;
  const list: Dependency[] = [];
  for (const d of value as Record<string, unknown>[]) {
    const machineName = d?.['machineName'];
    const majorVersion = Number(d?.['majorVersion']);
    const minorVersion = Number(d?.['minorVersion']);
    if (typeof machineName !== 'string' || !MACHINE_NAME.test(machineName) || !Number.isInteger(majorVersion) || !Number.isInteger(minorVersion) || majorVersion < 0 || minorVersion < 0) return null;
    list.push({ machineName, majorVersion, minorVersion });
  }
  return list;
}

const folderOf = (d: Dependency) => `${d.machineName}-${d.majorVersion}.${d.minorVersion}`;

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
}

/**
 * Reads an H5P package: `read(name)` returns the bytes of a package file (capped by the
 * caller); `files` are the package's file paths.
 */
export async function readH5p(read: (name: string) => Promise<Buffer>, files: ReadonlySet<string>, fallbackTitle: string): Promise<H5pInfo> {
  const manifest = parseJson(await read('h5p.json'));
  if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest)) throw new AppError(422, 'package_h5p_json_invalid', { field: 'h5p.json' });
  const m = manifest as Record<string, unknown>;
  const mainLibrary = m['mainLibrary'];
  if (typeof mainLibrary !== 'string' || !MACHINE_NAME.test(mainLibrary)) throw new AppError(422, 'package_h5p_json_invalid', { field: 'mainLibrary' });
  const preloaded = dependencies(m['preloadedDependencies']);
  if (!preloaded || preloaded.length === 0) throw new AppError(422, 'package_h5p_json_invalid', { field: 'preloadedDependencies' });
  const main = preloaded.find((d) => d.machineName === mainLibrary);
  if (!main) throw new AppError(422, 'package_h5p_main_library_missing', { library: mainLibrary });

  if (!files.has('content/content.json')) throw new AppError(422, 'package_h5p_content_missing');
  const content = parseJson(await read('content/content.json'));
  if (content === undefined || content === null || typeof content !== 'object') throw new AppError(422, 'package_h5p_content_invalid');

  // breadth-first over the dependency graph, main library first
  const libraries: string[] = [];
  const queue: Dependency[] = [main, ...preloaded.filter((d) => d !== main)];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const dependency = queue.shift()!;
    const folder = folderOf(dependency);
    if (seen.has(folder)) continue;
    seen.add(folder);
    if (!files.has(`${folder}/library.json`)) throw new AppError(422, 'package_h5p_library_missing', { library: folder });
    const library = parseJson(await read(`${folder}/library.json`)) as Record<string, unknown> | undefined;
    const own = library && typeof library === 'object' ? dependencies(library['preloadedDependencies']) : null;
    if (!library || !own || library['machineName'] !== dependency.machineName || Number(library['majorVersion']) !== dependency.majorVersion || Number(library['minorVersion']) !== dependency.minorVersion) {
      throw new AppError(422, 'package_h5p_library_invalid', { library: folder });
    }
    libraries.push(folder);
    queue.push(...own);
  }

  const title = typeof m['title'] === 'string' && m['title'].trim() ? m['title'].trim() : fallbackTitle;
  const embedTypes = Array.isArray(m['embedTypes']) ? (m['embedTypes'] as unknown[]).filter((e): e is string => e === 'div' || e === 'iframe') : [];
  return { title: title.normalize('NFC').slice(0, 300), mainLibrary, mainLibraryFolder: folderOf(main), libraries, contentPath: 'content/content.json', embedTypes };
}
