/**
 * Sessions ended one at a time (logout on this device): their token ids are kept until
 * the token would have expired anyway, then a TTL index removes them.
 */
import { Schema } from 'mongoose';
import type { Connection } from 'mongoose';
import { defineModel } from '../db/models';

interface RevokedSession {
  jti: string;
  expiresAt: Date;
}

const revokedSchema = new Schema<RevokedSession>(
  { jti: { type: String, required: true }, expiresAt: { type: Date, required: true } },
  { collection: 'revoked_sessions', versionKey: false },
);
revokedSchema.index({ jti: 1 }, { unique: true });
revokedSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

const revokedModels = defineModel<RevokedSession>('RevokedSession', revokedSchema);

/** Ends the session with token id `jti` (expiring at `exp`, seconds since the epoch). */
export async function revokeSession(db: Connection, jti: string, exp: number): Promise<void> {
  await revokedModels.model(db).updateOne({ jti }, { $setOnInsert: { jti, expiresAt: new Date(exp * 1000) } }, { upsert: true });
}

export async function isRevoked(db: Connection, jti: string): Promise<boolean> {
  return (await revokedModels.model(db).exists({ jti })) !== null;
}

export const readyRevokedModel = revokedModels.ready;
