/**
 * Storing an uploaded package: hash → inspect → extract into staging → rename into
 * place → record. Whatever fails, the staging folder is removed and no record is
 * written; the caller removes the upload itself. The same bytes are extracted once
 * (the tree is named by their sha256); the same bytes uploaded again by the same unit
 * return the existing record, by another unit get their own record over the same tree.
 */
import path from 'node:path';
import type { Connection, Types } from 'mongoose';
import type { Env } from '../env';
import { hashFile } from '../media/store';
import { readyPackageModel, type ContentPackage } from './model';
import { installTree, removeQuietly, stagingFolder, treeExists } from './storage';
import { inspectPackage } from './validate';
import { extractEntries, openZip, type ZipLimits } from './zip';

const MB = 1024 * 1024;

export function zipLimits(config: Env): ZipLimits {
  return { maxEntries: config.PACKAGE_MAX_ENTRIES, maxUnpackedBytes: config.PACKAGE_MAX_UNPACKED_MB * MB, maxEntryBytes: config.PACKAGE_MAX_ENTRY_MB * MB };
}

export interface UploadedPackage {
  /** the temporary upload on disk */
  file: string;
  size: number;
  originalName: string;
  ownerUnitId: Types.ObjectId | null;
  uploadedBy: Types.ObjectId | null;
}

/** Validates and stores `upload`; `created` is false when the owner already had these bytes. */
export async function storePackage(db: Connection, config: Env, upload: UploadedPackage): Promise<{ record: ContentPackage; created: boolean }> {
  const sha256 = await hashFile(upload.file);
  const fallbackTitle = path.basename(upload.originalName).replace(/\.(zip|h5p)$/i, '').slice(0, 200) || 'Gói nội dung';
  const limits = zipLimits(config);
  const zip = await openZip(upload.file);
  let staging: string | null = null;
  let unpackedSize: number;
  let inspected;
  try {
    inspected = await inspectPackage(zip, limits, fallbackTitle);
    if (treeExists(config.PACKAGES_DIR, sha256)) {
      unpackedSize = inspected.entries.reduce((sum, e) => sum + e.declaredSize, 0);
    } else {
      staging = await stagingFolder(config.PACKAGES_DIR);
      unpackedSize = await extractEntries(zip, inspected.entries, staging, limits);
      await installTree(config.PACKAGES_DIR, staging, sha256);
      staging = null;
    }
  } finally {
    zip.close();
    await removeQuietly(staging);
  }
  const Package = await readyPackageModel(db);
  const existing = await Package.findOne({ sha256, ownerUnitId: upload.ownerUnitId }).lean<ContentPackage>();
  if (existing) return { record: existing, created: false };
  const { info } = inspected;
  try {
    const created = await Package.create({
      sha256,
      kind: info.kind,
      edition: info.edition,
      title: info.title,
      launch: info.launch,
      scos: info.scos,
      h5p: info.kind === 'h5p' ? { mainLibrary: info.mainLibrary, mainLibraryFolder: info.mainLibraryFolder, libraries: info.libraries, contentPath: info.contentPath, embedTypes: info.embedTypes } : null,
      size: upload.size,
      unpackedSize,
      fileCount: inspected.fileCount,
      originalName: upload.originalName.slice(0, 255),
      ownerUnitId: upload.ownerUnitId,
      uploadedBy: upload.uploadedBy,
    });
    return { record: created.toObject() as ContentPackage, created: true };
  } catch (error) {
    // the same unit uploading the same file twice at once: the other request's record wins
    if ((error as { code?: number }).code !== 11000) throw error;
    return { record: (await Package.findOne({ sha256, ownerUnitId: upload.ownerUnitId }).lean<ContentPackage>())!, created: false };
  }
}
