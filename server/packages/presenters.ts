/** Allowlists of what leaves the server about a package. */
import type { ContentPackage } from './model';

export interface PackageView {
  id: string;
  kind: ContentPackage['kind'];
  edition: string | null;
  title: string;
  launch: string;
  scos: { identifier: string; title: string; launch: string }[];
  h5p: { mainLibrary: string; mainLibraryFolder: string; libraries: string[]; contentPath: string } | null;
  size: number;
  unpackedSize: number;
  fileCount: number;
  originalName: string;
  ownerUnitId: string | null;
  createdAt: string;
}

export function presentPackage(p: ContentPackage): PackageView {
  return {
    id: p._id.toHexString(),
    kind: p.kind,
    edition: p.edition ?? null,
    title: p.title,
    launch: p.launch,
    scos: p.scos.map((s) => ({ identifier: s.identifier, title: s.title, launch: s.launch })),
    h5p: p.h5p ? { mainLibrary: p.h5p.mainLibrary, mainLibraryFolder: p.h5p.mainLibraryFolder, libraries: [...p.h5p.libraries], contentPath: p.h5p.contentPath } : null,
    size: p.size,
    unpackedSize: p.unpackedSize,
    fileCount: p.fileCount,
    originalName: p.originalName,
    ownerUnitId: p.ownerUnitId?.toHexString() ?? null,
    createdAt: p.createdAt.toISOString(),
  };
}
