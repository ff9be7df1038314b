/**
 * The unit's annual report document (`unit_reports`): one per unit × year. A draft reads
 * live figures; "Chốt số liệu" stores them (`snapshot`) with who froze them and when, so
 * later changes in the data do not change the report; re-opening clears the snapshot
 * (audited); "Gửi Sở Nội vụ" marks a frozen report submitted.
 */
import { Schema, type Types } from 'mongoose';
import { defineModel } from '../db/models';
import type { CommendationRule, ReportFigures } from './figures';
import type { Narrative } from './presenters';

export const REPORT_STATUSES = ['draft', 'frozen', 'submitted'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export interface UnitReport {
  _id: Types.ObjectId;
  unitId: Types.ObjectId;
  year: number;
  status: ReportStatus;
  /** số và ký hiệu, e.g. "25/BC-SNV" */
  number: string;
  /** địa danh of the date line */
  place: string;
  signerTitle: string;
  signerName: string;
  /** Nơi nhận, one entry a line */
  recipients: string[];
  /** the edited paragraphs; null: generated from the figures */
  narrative: Narrative | null;
  rule: CommendationRule;
  snapshot: ReportFigures | null;
  frozenAt: Date | null;
  frozenBy: { id: Types.ObjectId | null; name: string } | null;
  submittedAt: Date | null;
  submittedBy: { id: Types.ObjectId | null; name: string } | null;
  createdAt: Date;
  updatedAt: Date;
}

const who = new Schema({ id: { type: Schema.Types.ObjectId, default: null }, name: { type: String, default: '' } }, { _id: false });

const reportSchema = new Schema<UnitReport>(
  {
    unitId: { type: Schema.Types.ObjectId, required: true },
    year: { type: Number, required: true },
    status: { type: String, enum: REPORT_STATUSES, default: 'draft' },
    number: { type: String, default: '' },
    place: { type: String, default: '' },
    signerTitle: { type: String, default: '' },
    signerName: { type: String, default: '' },
    recipients: { type: [String], default: [] },
    narrative: { type: Schema.Types.Mixed, default: null },
    rule: { type: new Schema({ daysAhead: Number, minAverage: Number }, { _id: false }), required: true },
    snapshot: { type: Schema.Types.Mixed, default: null },
    frozenAt: { type: Date, default: null },
    frozenBy: { type: who, default: null },
    submittedAt: { type: Date, default: null },
    submittedBy: { type: who, default: null },
  },
  { timestamps: true, collection: 'unit_reports', versionKey: false, minimize: false },
);
reportSchema.index({ unitId: 1, year: 1 }, { unique: true });
reportSchema.index({ year: 1, status: 1 });

const reportModels = defineModel<UnitReport>('UnitReport', reportSchema);
export const unitReportModel = reportModels.model;
export const readyUnitReportModel = reportModels.ready;
