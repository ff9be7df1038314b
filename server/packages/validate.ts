/**
 * Decides what an uploaded file is, before anything is stored: a zip whose every entry
 * passes the checks of zip.ts, with exactly one manifest at its root — imsmanifest.xml
 * (SCORM) or h5p.json (H5P) — that reads cleanly and whose launch target is in the zip.
 * Only the manifests are inflated here (in memory, capped); the rest is extracted later.
 * An AICC course (no manifest, but its .au / .crs / .des / .cst files) is told so.
 */
import type { ZipFile } from 'yauzl';
import { AppError } from '../errors';
import { readH5p, type H5pInfo } from './h5p-manifest';
import { readScormManifest, type ScormInfo } from './scorm-manifest';
import { listEntries, readEntry, type InflateBudget, type PackageEntry, type ZipLimits } from './zip';

/** The course-structure files of an AICC course (.au, .crs, .des, .cst) at the package root. */
const AICC_FILE = /^[^/]+\.(au|crs|des|cst)$/i;

/** Manifests and library descriptions are read into memory: at most this many bytes each. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export type PackageInfo = ({ kind: 'h5p' } & H5pInfo & { edition: null; scos: []; launch: string }) | ScormInfo;

export interface InspectedPackage {
  entries: PackageEntry[];
  info: PackageInfo;
  fileCount: number;
}

/** Checks the open `zip`; `fallbackTitle` names a package whose manifest has no title. */
export async function inspectPackage(zip: ZipFile, limits: ZipLimits, fallbackTitle: string): Promise<InspectedPackage> {
  const entries = await listEntries(zip, limits);
  const files = new Map(entries.filter((e) => !e.directory).map((e) => [e.name, e]));
  const names = new Set(files.keys());
  const budget: InflateBudget = { total: 0 };
  const read = (name: string) => readEntry(zip, files.get(name)!, MAX_MANIFEST_BYTES, limits, budget);

  const scorm = files.has('imsmanifest.xml');
  const h5p = files.has('h5p.json');
  if (scorm && h5p) throw new AppError(422, 'package_manifest_ambiguous');
  let info: PackageInfo;
  if (scorm) info = readScormManifest(await read('imsmanifest.xml'), names, fallbackTitle);
  else if (h5p) {
    const h5pInfo = await readH5p(read, names, fallbackTitle);
    info = { kind: 'h5p', ...h5pInfo, edition: null, scos: [], launch: h5pInfo.mainLibraryFolder };
  } else if ([...names].some((name) => AICC_FILE.test(name))) throw new AppError(422, 'package_aicc_unsupported');
  else throw new AppError(422, 'package_manifest_missing');
  return { entries, info, fileCount: files.size };
}
