/**
 * In-app notices to officers about their own plan: a due date moved, an override given,
 * an exemption decided. Stored as message ids and parameters (the officer reads them in
 * their language); shown on "Học phần của tôi" and by GET /api/v1/me/notices.
 */
import { Schema, type Connection, type Types } from 'mongoose';
import { defineModel } from '../db/models';
import { findMany, rawCollection } from '../db/raw';
import type { MessageId } from '../i18n';

export interface Notice {
  _id: Types.ObjectId;
  officerId: Types.ObjectId;
  message: MessageId;
  params: Record<string, string>;
  createdAt: Date;
}

const noticeSchema = new Schema<Notice>(
  {
    officerId: { type: Schema.Types.ObjectId, required: true },
    message: { type: String, required: true },
    params: { type: Schema.Types.Mixed, default: {} },
    createdAt: { type: Date, required: true },
  },
  { collection: 'notices', versionKey: false, minimize: false },
);
noticeSchema.index({ officerId: 1, createdAt: -1 });

const noticeModels = defineModel<Notice>('Notice', noticeSchema);
export const noticeModel = noticeModels.model;

/** One notice per officer (in batches of 5,000 for a due date moved for a whole province). */
export async function notifyOfficers(db: Connection, officerIds: readonly Types.ObjectId[], message: MessageId, params: Record<string, string>, now: Date): Promise<number> {
  const Notices = noticeModel(db);
  for (let i = 0; i < officerIds.length; i += 5_000) {
    await Notices.collection.insertMany(officerIds.slice(i, i + 5_000).map((officerId) => ({ officerId, message, params, createdAt: now })));
  }
  return officerIds.length;
}

/** The officer's newest notices, newest first. */
export function recentNotices(db: Connection, officerId: Types.ObjectId, limit = 20): Promise<Notice[]> {
  // the driver's read (server/db/raw.ts): the officer id comes from their record; the home page asks every time
  return findMany<Notice>(rawCollection(noticeModel(db)), { officerId }, { sort: { createdAt: -1 }, limit });
}
