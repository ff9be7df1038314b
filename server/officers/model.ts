/**
 * Officers (cán bộ, công chức, viên chức, người lao động) with their unit-membership
 * history. `unitId` is the current unit; `memberships` records every unit the officer
 * belonged to with effective dates, so a completion can stay with the unit the officer
 * belonged to when it counted.
 */
import { Schema, type Types } from 'mongoose';
import { defineModel } from '../db/models';
import type { MessageId } from '../i18n';

export const OFFICER_CATEGORIES = ['can-bo', 'cong-chuc', 'vien-chuc', 'nguoi-lao-dong'] as const;
export type OfficerCategory = (typeof OFFICER_CATEGORIES)[number];

export const OFFICER_STATUSES = ['active', 'on-leave', 'transferred', 'retired'] as const;
export type OfficerStatus = (typeof OFFICER_STATUSES)[number];
/** Statuses of people still working in their unit (they count for deactivation, training). */
export const EMPLOYED_STATUSES: readonly OfficerStatus[] = ['active', 'on-leave'];

export const officerCategoryLabels: Record<OfficerCategory, MessageId> = {
  'can-bo': 'officer_category_can_bo',
  'cong-chuc': 'officer_category_cong_chuc',
  'vien-chuc': 'officer_category_vien_chuc',
  'nguoi-lao-dong': 'officer_category_nguoi_lao_dong',
};

export const officerStatusLabels: Record<OfficerStatus, MessageId> = {
  active: 'officer_status_active',
  'on-leave': 'officer_status_on_leave',
  transferred: 'officer_status_transferred',
  retired: 'officer_status_retired',
};

export interface Membership {
  unitId: Types.ObjectId;
  from: Date;
  /** null while the membership is open (the current unit) */
  to: Date | null;
}

export interface Officer {
  _id: Types.ObjectId;
  /** mã cán bộ: unique, upper case */
  code: string;
  /** họ và tên, NFC */
  fullName: string;
  /** personSortKey(fullName): given name first, as Vietnamese lists sort; the database sorts by it (see server/i18n/vietnamese.ts) */
  sortName: string;
  /** foldForSearch(fullName code email): what the `q` filter matches */
  searchText: string;
  email?: string;
  phone?: string;
  unitId: Types.ObjectId;
  /** chức vụ */
  position?: string;
  /** ngạch / chức danh nghề nghiệp */
  rank?: string;
  category: OfficerCategory;
  isLeader: boolean;
  status: OfficerStatus;
  memberships: Membership[];
  createdAt: Date;
  updatedAt: Date;
}

const membershipSchema = new Schema<Membership>(
  {
    unitId: { type: Schema.Types.ObjectId, required: true },
    from: { type: Date, required: true },
    to: { type: Date, default: null },
  },
  { _id: false },
);

const officerSchema = new Schema<Officer>(
  {
    code: { type: String, required: true, trim: true, uppercase: true },
    fullName: { type: String, required: true, trim: true },
    sortName: { type: String, required: true },
    searchText: { type: String, required: true },
    email: { type: String, trim: true, lowercase: true },
    phone: { type: String, trim: true },
    unitId: { type: Schema.Types.ObjectId, required: true },
    position: { type: String, trim: true },
    rank: { type: String, trim: true },
    category: { type: String, required: true, enum: OFFICER_CATEGORIES },
    isLeader: { type: Boolean, default: false },
    status: { type: String, required: true, enum: OFFICER_STATUSES, default: 'active' },
    memberships: { type: [membershipSchema], default: [] },
  },
  // no __v: officers change only by explicit updates (guarded by updatedAt), never by
  // save() of a loaded array, and the bulk import inserts plain documents
  { timestamps: true, collection: 'officers', versionKey: false },
);
officerSchema.index({ code: 1 }, { unique: true });
officerSchema.index({ unitId: 1, status: 1 });
// unique only among officers that have one: most imported rows carry no e-mail
officerSchema.index({ email: 1 }, { unique: true, partialFilterExpression: { email: { $type: 'string' } } });
// the paged list's order: walked in order (and stopped after the page) for broad scopes
officerSchema.index({ sortName: 1, _id: 1 });

const officerModels = defineModel<Officer>('Officer', officerSchema);
export const officerModel = officerModels.model;
export const readyOfficerModel = officerModels.ready;
