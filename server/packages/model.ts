/**
 * A content package: an uploaded H5P or SCORM file, validated and extracted. The files
 * live outside the database, content-addressed under PACKAGES_DIR/<sha256>/ (see
 * storage.ts); this record says what the tree is and who owns it. The playback step
 * reads: `kind`, `launch` (a path inside the tree + optional ?query/#fragment), `scos`
 * (SCORM: one entry per trackable item) and `h5p` (main library folder, library folders,
 * content path). Records are never edited: a new upload makes a new record.
 */
import { Schema, type Types } from 'mongoose';
import { defineModel } from '../db/models';

export const PACKAGE_KINDS = ['h5p', 'scorm12', 'scorm2004'] as const;
export type PackageKind = (typeof PACKAGE_KINDS)[number];

export interface PackageSco {
  identifier: string;
  title: string;
  launch: string;
  /** mastery rules of the manifest, when it has them (see ScoInfo) */
  masteryScore?: number;
  scaledPassingScore?: number;
  completionThreshold?: number;
}

export interface PackageH5p {
  mainLibrary: string;
  mainLibraryFolder: string;
  libraries: string[];
  contentPath: string;
  embedTypes: string[];
}

export interface ContentPackage {
  _id: Types.ObjectId;
  /** sha256 of the uploaded file: the name of its extracted tree */
  sha256: string;
  kind: PackageKind;
  /** SCORM 2004: '2nd' | '3rd' | '4th' when the manifest says; otherwise null */
  edition: string | null;
  title: string;
  /** SCORM: the first launchable item's page; H5P: the main library folder */
  launch: string;
  /** SCORM: every SCO item in organization order (empty for H5P) */
  scos: PackageSco[];
  h5p: PackageH5p | null;
  /** bytes of the uploaded file */
  size: number;
  /** bytes once extracted */
  unpackedSize: number;
  /** files (not folders) in the tree */
  fileCount: number;
  /** the file name the coordinator uploaded (for lists; never used as a path) */
  originalName: string;
  /** the owning unit (the uploader's home unit); null = province-wide (an admin's) */
  ownerUnitId: Types.ObjectId | null;
  /** null: stored by the platform itself (the starter content) */
  uploadedBy: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

const scoSchema = new Schema<PackageSco>(
  { identifier: { type: String, required: true }, title: { type: String, required: true }, launch: { type: String, required: true }, masteryScore: Number, scaledPassingScore: Number, completionThreshold: Number },
  { _id: false },
);
const h5pSchema = new Schema<PackageH5p>(
  {
    mainLibrary: { type: String, required: true },
    mainLibraryFolder: { type: String, required: true },
    libraries: { type: [String], default: [] },
    contentPath: { type: String, required: true },
    embedTypes: { type: [String], default: [] },
  },
  { _id: false },
);

const packageSchema = new Schema<ContentPackage>(
  {
    sha256: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
    kind: { type: String, enum: PACKAGE_KINDS, required: true },
    edition: { type: String, default: null },
    title: { type: String, required: true },
    launch: { type: String, required: true },
    scos: { type: [scoSchema], default: [] },
    h5p: { type: h5pSchema, default: null },
    size: { type: Number, required: true },
    unpackedSize: { type: Number, required: true },
    fileCount: { type: Number, required: true },
    originalName: { type: String, default: '' },
    ownerUnitId: { type: Schema.Types.ObjectId, default: null },
    uploadedBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, collection: 'packages' },
);
// one record per file per owner: the same bytes uploaded again by the same unit give the same record
packageSchema.index({ sha256: 1, ownerUnitId: 1 }, { unique: true });
packageSchema.index({ ownerUnitId: 1, createdAt: -1 });

const packageModels = defineModel<ContentPackage>('ContentPackage', packageSchema);
export const packageModel = packageModels.model;
export const readyPackageModel = packageModels.ready;
