/**
 * Attempt grants: what a coordinator's override changes about one officer's quiz of one
 * module in one year — extra attempts beyond the quiz's limit, or a reset (attempts
 * before `resetAt` no longer count toward the limit or the cooldown). Kept apart from
 * the attempts themselves, which are never rewritten.
 */
import { Schema, type Connection, type Types } from 'mongoose';
import { defineModel } from '../db/models';
import { findMany, rawCollection } from '../db/raw';

export interface AttemptGrant {
  _id: Types.ObjectId;
  officerId: Types.ObjectId;
  moduleId: Types.ObjectId;
  year: number;
  extraAttempts: number;
  resetAt: Date | null;
  createdAt: Date;
}

const grantSchema = new Schema<AttemptGrant>(
  {
    officerId: { type: Schema.Types.ObjectId, required: true },
    moduleId: { type: Schema.Types.ObjectId, required: true },
    year: { type: Number, required: true },
    extraAttempts: { type: Number, default: 0 },
    resetAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'attempt_grants', versionKey: false },
);
grantSchema.index({ officerId: 1, moduleId: 1, year: 1 });

const grantModels = defineModel<AttemptGrant>('AttemptGrant', grantSchema);
export const attemptGrantModel = grantModels.model;

/** The grants in force for an officer's module in a year: extra attempts summed, the latest reset. */
export async function grantsFor(db: Connection, key: { officerId: Types.ObjectId; moduleId: Types.ObjectId; year: number }): Promise<{ extraAttempts: number; resetAt: Date | null }> {
  // the driver's own find, on the three fields of the index (callers may pass a wider filter)
  const filter = { officerId: key.officerId, moduleId: key.moduleId, year: key.year };
  const grants = await findMany<Pick<AttemptGrant, 'extraAttempts' | 'resetAt'>>(rawCollection(attemptGrantModel(db)), filter, { projection: { extraAttempts: 1, resetAt: 1 } });
  const resets = grants.flatMap((g) => (g.resetAt ? [g.resetAt.getTime()] : []));
  return { extraAttempts: grants.reduce((n, g) => n + g.extraAttempts, 0), resetAt: resets.length ? new Date(Math.max(...resets)) : null };
}

/** Records a grant. */
export async function grant(db: Connection, key: { officerId: Types.ObjectId; moduleId: Types.ObjectId; year: number }, what: { extraAttempts?: number; resetAt?: Date }, now: Date): Promise<void> {
  await attemptGrantModel(db).create({ ...key, extraAttempts: what.extraAttempts ?? 0, resetAt: what.resetAt ?? null, createdAt: now });
}
