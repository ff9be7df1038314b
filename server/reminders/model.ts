/**
 * `reminders_sent`: one record per reminder the platform decided to send — a scheduled
 * step of one enrolment, a weekly digest to one manager, a "Nhắc nhở" pressed for one
 * officer on one day. Its unique `key` is the exactly-once guarantee: the record is
 * inserted before the mail is sent, and only the instance whose insert succeeded sends,
 * so two instances running the same day, or a restart, never send twice. The record
 * then follows the delivery (sent, retry, failed) for the admin's list of failures.
 */
import { Schema, type Types } from 'mongoose';
import { defineModel } from '../db/models';

export const REMINDER_KINDS = ['schedule', 'digest', 'manual'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/**
 * sending: claimed, the mail is on its way; sent: the mail server took it; retry: it
 * failed and is tried again at `nextAttemptAt`; failed: given up (shown to the admin);
 * notice: no e-mail address, the in-app notice is the reminder.
 */
export const DELIVERY_STATUSES = ['sending', 'sent', 'retry', 'failed', 'notice'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The mail itself, kept only while it must be tried again. */
export interface StoredMail {
  subject: string;
  text: string;
  html: string;
}

export interface ReminderRecord {
  _id: Types.ObjectId;
  /** 'schedule:<campaign>:<module>:<officer>:<step>', 'digest:<account>:<monday>', 'manual:<campaign>:<module>:<officer>:<day>' */
  key: string;
  kind: ReminderKind;
  campaignId: Types.ObjectId | null;
  moduleId: Types.ObjectId | null;
  /** the reminded officer (schedule, manual) */
  officerId: Types.ObjectId | null;
  /** the digest's recipient account; for manual reminders, who pressed the button */
  accountId: Types.ObjectId | null;
  /** 'before-14', 'due', 'overdue-7', 'digest', 'manual' */
  step: string;
  to: string | null;
  status: DeliveryStatus;
  attempts: number;
  /** the mail server's answer of the last failure (no credentials: see MailDeliveryError) */
  lastError: string | null;
  nextAttemptAt: Date | null;
  mail: StoredMail | null;
  createdAt: Date;
  sentAt: Date | null;
}

const recordSchema = new Schema<ReminderRecord>(
  {
    key: { type: String, required: true },
    kind: { type: String, required: true, enum: REMINDER_KINDS },
    campaignId: { type: Schema.Types.ObjectId, default: null },
    moduleId: { type: Schema.Types.ObjectId, default: null },
    officerId: { type: Schema.Types.ObjectId, default: null },
    accountId: { type: Schema.Types.ObjectId, default: null },
    step: { type: String, required: true },
    to: { type: String, default: null },
    status: { type: String, required: true, enum: DELIVERY_STATUSES },
    attempts: { type: Number, default: 0 },
    lastError: { type: String, default: null },
    nextAttemptAt: { type: Date, default: null },
    mail: { type: Schema.Types.Mixed, default: null },
    createdAt: { type: Date, required: true },
    sentAt: { type: Date, default: null },
  },
  { collection: 'reminders_sent', versionKey: false, minimize: false },
);
recordSchema.index({ key: 1 }, { unique: true });
recordSchema.index({ status: 1, nextAttemptAt: 1 });
recordSchema.index({ officerId: 1, createdAt: -1 });

const recordModels = defineModel<ReminderRecord>('ReminderRecord', recordSchema);
export const reminderRecordModel = recordModels.model;
export const readyReminderRecordModel = recordModels.ready;
