/**
 * The yearly plan (kế hoạch bồi dưỡng năm, design §5): a campaign per year and owner
 * unit lists modules with their due dates and the audience that must learn them.
 * Enrolments are the campaign materialised per officer × module: what "Học phần của tôi",
 * reminders and reports read, kept current as officers join, move and leave.
 */
import { Schema, type Types } from 'mongoose';
import { defineModel } from '../db/models';
import { OFFICER_CATEGORIES, type OfficerCategory } from '../officers/model';

export const CAMPAIGN_STATUSES = ['draft', 'open', 'closed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** One module of a campaign; `stoppedAt` set = "Ngừng giao" (undone by clearing it). */
export interface CampaignModule {
  moduleId: Types.ObjectId;
  /** end of this day, Asia/Ho_Chi_Minh */
  dueDate: Date;
  stoppedAt: Date | null;
}

/**
 * Who must learn: officers of the unit subtrees or named, narrowed by category, leaders
 * and positions (empty = no narrowing), minus the excluded units and officers. Named
 * officers are not narrowed: naming someone is the most specific rule.
 */
export interface Audience {
  unitIds: Types.ObjectId[];
  categories: OfficerCategory[];
  leadersOnly: boolean;
  /** chức vụ, compared folded (case and diacritics ignored) */
  positions: string[];
  officerIds: Types.ObjectId[];
  excludedUnitIds: Types.ObjectId[];
  excludedOfficerIds: Types.ObjectId[];
}

/**
 * When officers not yet done are reminded (docs/reminders.md): these many days before
 * each module's due date, on the due date, then every `overdueEveryDays` days while late
 * (0: never after the due date).
 */
export interface ReminderSchedule {
  daysBefore: number[];
  onDueDate: boolean;
  overdueEveryDays: number;
}

export const DEFAULT_REMINDER_SCHEDULE: Readonly<ReminderSchedule> = Object.freeze({ daysBefore: [14, 3], onDueDate: true, overdueEveryDays: 7 });

/** The campaign's schedule, or the default for campaigns stored before schedules existed. */
export function scheduleOf(campaign: Pick<Campaign, 'reminders'>): ReminderSchedule {
  const s = campaign.reminders;
  if (!s || !Array.isArray(s.daysBefore)) return { ...DEFAULT_REMINDER_SCHEDULE, daysBefore: [...DEFAULT_REMINDER_SCHEDULE.daysBefore] };
  return { daysBefore: s.daysBefore, onDueDate: s.onDueDate !== false, overdueEveryDays: s.overdueEveryDays ?? 0 };
}

export interface Campaign {
  _id: Types.ObjectId;
  name: string;
  year: number;
  /** null: a province-wide campaign of the installation (admins) */
  ownerUnitId: Types.ObjectId | null;
  modules: CampaignModule[];
  audience: Audience;
  opensOn: Date;
  /** the report counts officers as they were at the end of this day (default 31/10) */
  cutoffDate: Date;
  /** a late joiner's due date: this many days after joining */
  lateJoinerDays: number;
  /** also a certificate per completed module (server/certificates), not only for the whole plan */
  certificatePerModule: boolean;
  status: CampaignStatus;
  /** absent on campaigns stored before reminders existed: DEFAULT_REMINDER_SCHEDULE then */
  reminders?: ReminderSchedule;
  /** set on campaigns made from the old assignments, so the migration runs once per group */
  migrationKey?: string;
  createdBy: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

const campaignModuleSchema = new Schema<CampaignModule>(
  { moduleId: { type: Schema.Types.ObjectId, required: true }, dueDate: { type: Date, required: true }, stoppedAt: { type: Date, default: null } },
  { _id: false },
);

const audienceSchema = new Schema<Audience>(
  {
    unitIds: { type: [Schema.Types.ObjectId], default: [] },
    categories: { type: [{ type: String, enum: OFFICER_CATEGORIES }], default: [] },
    leadersOnly: { type: Boolean, default: false },
    positions: { type: [String], default: [] },
    officerIds: { type: [Schema.Types.ObjectId], default: [] },
    excludedUnitIds: { type: [Schema.Types.ObjectId], default: [] },
    excludedOfficerIds: { type: [Schema.Types.ObjectId], default: [] },
  },
  { _id: false },
);

const reminderScheduleSchema = new Schema<ReminderSchedule>(
  {
    daysBefore: { type: [Number], default: () => [...DEFAULT_REMINDER_SCHEDULE.daysBefore] },
    onDueDate: { type: Boolean, default: true },
    overdueEveryDays: { type: Number, default: DEFAULT_REMINDER_SCHEDULE.overdueEveryDays },
  },
  { _id: false },
);

const campaignSchema = new Schema<Campaign>(
  {
    name: { type: String, required: true, trim: true },
    year: { type: Number, required: true },
    ownerUnitId: { type: Schema.Types.ObjectId, default: null },
    modules: { type: [campaignModuleSchema], default: [] },
    audience: { type: audienceSchema, default: () => ({}) },
    opensOn: { type: Date, required: true },
    cutoffDate: { type: Date, required: true },
    lateJoinerDays: { type: Number, default: 30 },
    certificatePerModule: { type: Boolean, default: false },
    status: { type: String, enum: CAMPAIGN_STATUSES, default: 'draft' },
    reminders: { type: reminderScheduleSchema, default: () => ({}) },
    migrationKey: { type: String },
    createdBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, collection: 'campaigns', versionKey: false },
);
campaignSchema.index({ year: 1, ownerUnitId: 1 });
campaignSchema.index({ migrationKey: 1 }, { unique: true, partialFilterExpression: { migrationKey: { $type: 'string' } } });

const campaignModels = defineModel<Campaign>('Campaign', campaignSchema);
export const campaignModel = campaignModels.model;
export const readyCampaignModel = campaignModels.ready;

/**
 * enrolled: must learn; exempt: out of the completion rate (approved exemption, or joined
 * after the cut-off); left: no longer in the audience or the service before the cut-off;
 * stopped: the module was stopped in the campaign (undo brings it back).
 */
export const ENROLMENT_STATES = ['enrolled', 'exempt', 'left', 'stopped'] as const;
export type EnrolmentState = (typeof ENROLMENT_STATES)[number];

export interface Enrolment {
  _id: Types.ObjectId;
  campaignId: Types.ObjectId;
  year: number;
  moduleId: Types.ObjectId;
  officerId: Types.ObjectId;
  /** the officer's unit now (before the cut-off), or on the cut-off date (after it): where the report counts them */
  unitId: Types.ObjectId;
  dueDate: Date;
  state: EnrolmentState;
  /** why exempt: 'late-joiner', or an approved exemption's reason */
  exemptReason: string | null;
  /** joined the audience after the campaign opened */
  lateJoiner: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const enrolmentSchema = new Schema<Enrolment>(
  {
    campaignId: { type: Schema.Types.ObjectId, required: true },
    year: { type: Number, required: true },
    moduleId: { type: Schema.Types.ObjectId, required: true },
    officerId: { type: Schema.Types.ObjectId, required: true },
    unitId: { type: Schema.Types.ObjectId, required: true },
    dueDate: { type: Date, required: true },
    state: { type: String, enum: ENROLMENT_STATES, default: 'enrolled' },
    exemptReason: { type: String, default: null },
    lateJoiner: { type: Boolean, default: false },
  },
  { timestamps: true, collection: 'enrolments', versionKey: false },
);
enrolmentSchema.index({ officerId: 1, campaignId: 1, moduleId: 1 }, { unique: true });
enrolmentSchema.index({ campaignId: 1, unitId: 1 });
enrolmentSchema.index({ year: 1, officerId: 1 });

const enrolmentModels = defineModel<Enrolment>('Enrolment', enrolmentSchema);
export const enrolmentModel = enrolmentModels.model;
export const readyEnrolmentModel = enrolmentModels.ready;
