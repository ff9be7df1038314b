/**
 * Units (đơn vị): a tree of any depth — province → sở/ban/ngành and UBND xã/phường →
 * phòng/đơn vị. Each unit stores its materialised path (`ancestors`, root first) so a
 * subtree is one indexed query (`{ ancestors: id }`) instead of a recursive walk.
 */
import { Schema, type Types } from 'mongoose';
import { defineModel } from '../db/models';
import type { MessageId } from '../i18n';

export const UNIT_KINDS = ['province', 'department', 'commune', 'division', 'agency'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const unitKindLabels: Record<UnitKind, MessageId> = {
  province: 'unit_kind_province',
  department: 'unit_kind_department',
  commune: 'unit_kind_commune',
  division: 'unit_kind_division',
  agency: 'unit_kind_agency',
};

export interface Unit {
  _id: Types.ObjectId;
  /** mã đơn vị: unique, upper case */
  code: string;
  /** NFC */
  name: string;
  kind: UnitKind;
  /** null for a root */
  parentId: Types.ObjectId | null;
  /** root first, parent last; empty for a root */
  ancestors: Types.ObjectId[];
  /** number of ancestors: 0 for the root */
  depth: number;
  active: boolean;
  /** the unit that absorbed this one in a merge */
  mergedInto: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

const unitSchema = new Schema<Unit>(
  {
    code: { type: String, required: true, trim: true, uppercase: true },
    name: { type: String, required: true, trim: true },
    kind: { type: String, required: true, enum: UNIT_KINDS },
    parentId: { type: Schema.Types.ObjectId, default: null },
    ancestors: { type: [Schema.Types.ObjectId], default: [] },
    depth: { type: Number, required: true, min: 0 },
    active: { type: Boolean, default: true },
    mergedInto: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, collection: 'units' },
);
unitSchema.index({ code: 1 }, { unique: true });
unitSchema.index({ ancestors: 1 });
unitSchema.index({ parentId: 1 });

const unitModels = defineModel<Unit>('Unit', unitSchema);
export const unitModel = unitModels.model;
export const readyUnitModel = unitModels.ready;
