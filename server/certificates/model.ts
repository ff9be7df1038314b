/**
 * Giấy chứng nhận (design §6): one document per certificate, with its register number
 * ("số vào sổ": serial/year/CN-<unit code>, gapless per unit and year — the counter and
 * the certificate are written in one transaction, see issue.ts) and a random verification
 * code that the QR code and /verify/<code> carry. The officer's name, unit and modules are
 * copied in at issue: a certificate says what was true the day it was signed.
 */
import { Schema, type Types } from 'mongoose';
import { defineModel } from '../db/models';

/** plan: the year's whole plan completed; module: one module, when its campaign says so */
export const CERTIFICATE_KINDS = ['plan', 'module'] as const;
export type CertificateKind = (typeof CERTIFICATE_KINDS)[number];
export const CERTIFICATE_STATUSES = ['valid', 'revoked'] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

export interface CertifiedModule {
  moduleId: Types.ObjectId;
  title: string;
}

export interface Certificate {
  _id: Types.ObjectId;
  /** verification code: 20 characters of base32 (100 random bits), unguessable */
  code: string;
  kind: CertificateKind;
  year: number;
  /** the certified module of a 'module' certificate; null for the plan */
  moduleId: Types.ObjectId | null;
  officerId: Types.ObjectId;
  officerName: string;
  officerCode: string;
  /** the unit whose register numbers it; its ancestors for subtree lists */
  unitId: Types.ObjectId;
  unitAncestors: Types.ObjectId[];
  unitCode: string;
  unitName: string;
  /** 1, 2, 3 … per unit and year, without gaps */
  serial: number;
  registerNumber: string;
  modules: CertifiedModule[];
  issuedAt: Date;
  status: CertificateStatus;
  revokedAt: Date | null;
  /** internal: shown to coordinators, never on the public verification page */
  revokedReason: string | null;
  revokedBy: Types.ObjectId | null;
  /** the certificate this one was re-issued in place of */
  replaces: Types.ObjectId | null;
  /** set while valid: the unique index keeps one valid certificate per officer, year and kind/module */
  activeKey: string | null;
}

const certificateSchema = new Schema<Certificate>(
  {
    code: { type: String, required: true },
    kind: { type: String, required: true, enum: CERTIFICATE_KINDS },
    year: { type: Number, required: true },
    moduleId: { type: Schema.Types.ObjectId, default: null },
    officerId: { type: Schema.Types.ObjectId, required: true },
    officerName: { type: String, required: true },
    officerCode: { type: String, required: true },
    unitId: { type: Schema.Types.ObjectId, required: true },
    unitAncestors: { type: [Schema.Types.ObjectId], default: [] },
    unitCode: { type: String, required: true },
    unitName: { type: String, required: true },
    serial: { type: Number, required: true },
    registerNumber: { type: String, required: true },
    modules: { type: [new Schema<CertifiedModule>({ moduleId: { type: Schema.Types.ObjectId, required: true }, title: { type: String, required: true } }, { _id: false })], default: [] },
    issuedAt: { type: Date, required: true },
    status: { type: String, required: true, enum: CERTIFICATE_STATUSES, default: 'valid' },
    revokedAt: { type: Date, default: null },
    revokedReason: { type: String, default: null },
    revokedBy: { type: Schema.Types.ObjectId, default: null },
    replaces: { type: Schema.Types.ObjectId, default: null },
    activeKey: { type: String, default: null },
  },
  { collection: 'certificates', versionKey: false },
);
certificateSchema.index({ code: 1 }, { unique: true });
certificateSchema.index({ unitId: 1, year: 1, serial: 1 }, { unique: true });
certificateSchema.index({ activeKey: 1 }, { unique: true, partialFilterExpression: { activeKey: { $type: 'string' } } });
certificateSchema.index({ officerId: 1, year: -1 });
certificateSchema.index({ unitAncestors: 1, year: 1 });

const certificateModels = defineModel<Certificate>('Certificate', certificateSchema);
export const certificateModel = certificateModels.model;
export const readyCertificateModel = certificateModels.ready;

/** The register's counter of one unit and year: `last` is the last serial given. */
interface RegisterCounter {
  _id: string;
  last: number;
}
const counterSchema = new Schema<RegisterCounter>({ _id: { type: String, required: true }, last: { type: Number, required: true } }, { collection: 'certificate_counters', versionKey: false });
const counterModels = defineModel<RegisterCounter>('CertificateCounter', counterSchema);
export const counterModel = counterModels.model;

/** The key of the one valid certificate of an officer for a year (and module). */
export const activeKeyOf = (officerId: Types.ObjectId, year: number, moduleId: Types.ObjectId | null): string => `${officerId.toHexString()}:${year}:${moduleId ? moduleId.toHexString() : 'plan'}`;
