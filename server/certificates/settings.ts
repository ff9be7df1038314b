/**
 * The province's certificate template: who issues and signs, where, and the optional seal
 * and signature images an administrator uploads. One document per installation. Images
 * are hostile input: only PNG or JPEG, at most IMAGE_MAX_BYTES and IMAGE_MAX_SIDE pixels a
 * side, and they must embed in a PDF (./pdf.ts tries) before they are stored (server/media).
 */
import fs from 'node:fs';
import { Schema, type Connection, type Types } from 'mongoose';
import { defineModel } from '../db/models';
import { AppError } from '../errors';
import { mediaPath, storeMedia } from '../media/store';

export interface CertificateSettings {
  /** cơ quan chủ quản, above the issuer ("ỦY BAN NHÂN DÂN TỈNH …"); may be empty */
  parentAgency: string;
  /** the issuing agency ("SỞ NỘI VỤ") */
  issuer: string;
  /** địa danh before the date ("Bắc Ninh") */
  place: string;
  signerTitle: string;
  signerName: string;
  sealSha256: string | null;
  signatureSha256: string | null;
  /** when the start-up backfill ran (once per installation) */
  backfilledAt: Date | null;
  updatedAt: Date | null;
  updatedBy: Types.ObjectId | null;
}

export const DEFAULT_SETTINGS: CertificateSettings = {
  parentAgency: 'ỦY BAN NHÂN DÂN TỈNH',
  issuer: 'SỞ NỘI VỤ',
  place: '',
  signerTitle: 'GIÁM ĐỐC',
  signerName: '',
  sealSha256: null,
  signatureSha256: null,
  backfilledAt: null,
  updatedAt: null,
  updatedBy: null,
};

const settingsSchema = new Schema<CertificateSettings & { _id: string }>(
  {
    _id: { type: String, required: true },
    parentAgency: String,
    issuer: String,
    place: String,
    signerTitle: String,
    signerName: String,
    sealSha256: { type: String, default: null },
    signatureSha256: { type: String, default: null },
    backfilledAt: { type: Date, default: null },
    updatedAt: { type: Date, default: null },
    updatedBy: { type: Schema.Types.ObjectId, default: null },
  },
  { collection: 'certificate_settings', versionKey: false },
);
const settingsModels = defineModel('CertificateSettings', settingsSchema);
const ID = 'installation';

/** The settings, defaults filled in. */
export async function readSettings(db: Connection): Promise<CertificateSettings> {
  const stored = await settingsModels.model(db).findById(ID).lean<Partial<CertificateSettings>>();
  return { ...DEFAULT_SETTINGS, ...Object.fromEntries(Object.entries(stored ?? {}).filter(([key, value]) => key !== '_id' && value !== undefined)) };
}

/** Saves the given fields. */
export async function saveSettings(db: Connection, set: Partial<CertificateSettings>): Promise<CertificateSettings> {
  await settingsModels.model(db).updateOne({ _id: ID }, { $set: set }, { upsert: true });
  return readSettings(db);
}

/** 1 MB: a scanned seal or signature needs far less. */
export const IMAGE_MAX_BYTES = 1024 * 1024;
export const IMAGE_MAX_SIDE = 3000;

/** Width and height of a PNG or JPEG from its header, or null when it is neither (or broken). */
export function imageSize(bytes: Buffer): { type: 'png' | 'jpeg'; width: number; height: number } | null {
  if (bytes.length > 24 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) && bytes.toString('latin1', 12, 16) === 'IHDR') {
    return { type: 'png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    // walk the segments to the frame header (SOF0…SOF15 but not DHT, JPG, DAC)
    let at = 2;
    while (at + 9 < bytes.length) {
      if (bytes[at] !== 0xff) return null;
      const marker = bytes[at + 1]!;
      const length = bytes.readUInt16BE(at + 2);
      if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) return { type: 'jpeg', height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
      if (length < 2) return null;
      at += 2 + length;
    }
  }
  return null;
}

/**
 * Checks an uploaded seal or signature image and stores it; returns its digest.
 * `embeds` proves the PDF library can read it (a PNG with a broken body fails there).
 * 422 'certificate_image_invalid' / 413 'certificate_image_too_large'.
 */
export async function storeTemplateImage(dataDir: string, bytes: Buffer, embeds: (bytes: Buffer) => Promise<void>): Promise<string> {
  if (bytes.length > IMAGE_MAX_BYTES) throw new AppError(413, 'certificate_image_too_large', { max: IMAGE_MAX_BYTES / 1024 });
  const size = imageSize(bytes);
  if (!size || size.width < 1 || size.height < 1 || size.width > IMAGE_MAX_SIDE || size.height > IMAGE_MAX_SIDE) throw new AppError(422, 'certificate_image_invalid', { side: IMAGE_MAX_SIDE });
  try {
    await embeds(bytes);
  } catch {
    throw new AppError(422, 'certificate_image_invalid', { side: IMAGE_MAX_SIDE });
  }
  return storeMedia(dataDir, bytes);
}

/** The stored image `sha256`, or null when it is gone from the media folder. */
export async function readTemplateImage(dataDir: string, sha256: string | null): Promise<Buffer | null> {
  if (!sha256) return null;
  try {
    return await fs.promises.readFile(mediaPath(dataDir, sha256));
  } catch {
    return null;
  }
}
