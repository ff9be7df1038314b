/**
 * Single-use links (password reset, invitation). Only the SHA-256 of each token is
 * stored, so a copy of the database (a backup, a support dump) cannot be turned into a
 * working link. A token is consumed by one atomic update, so two clicks racing each other
 * cannot both succeed; a TTL index removes tokens once they have expired.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Schema, trusted, type Connection, type Types } from 'mongoose';
import { defineModel } from '../db/models';

export const TOKEN_PURPOSES = ['reset', 'invite'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

/** How long a link stays valid, in milliseconds: a reset is urgent, an invitation may wait for the weekend. */
export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  reset: 30 * 60_000,
  invite: 72 * 3600_000,
};

/** The shape of a token as it appears in a link: 32 random bytes, base64url (43 characters). */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface SingleUseToken {
  _id: Types.ObjectId;
  /** SHA-256 (hex) of the token; the token itself exists only in the e-mail */
  tokenHash: string;
  purpose: TokenPurpose;
  accountId: Types.ObjectId;
  expiresAt: Date;
  /** set when the link is used; a used token stays (until it expires) so a second click is told "already used" */
  usedAt: Date | null;
  createdAt: Date;
}

const tokenSchema = new Schema<SingleUseToken>(
  {
    tokenHash: { type: String, required: true },
    purpose: { type: String, required: true, enum: TOKEN_PURPOSES },
    accountId: { type: Schema.Types.ObjectId, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'account_tokens', versionKey: false },
);
tokenSchema.index({ tokenHash: 1 }, { unique: true });
tokenSchema.index({ accountId: 1, purpose: 1 });
tokenSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

const tokenModels = defineModel<SingleUseToken>('SingleUseToken', tokenSchema);
export const singleUseTokenModel = tokenModels.model;

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * A new token for `accountId`. Older unused tokens of the same account and purpose stop
 * working: only the most recent e-mail's link is valid.
 */
export async function issueToken(db: Connection, accountId: Types.ObjectId, purpose: TokenPurpose, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const model = await tokenModels.ready(db);
  await model.deleteMany({ accountId, purpose, usedAt: null });
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose]);
  await model.create({ tokenHash: hashToken(token), purpose, accountId, expiresAt, usedAt: null, createdAt: now });
  return { token, expiresAt };
}

/** The token record if `token` is unused and unexpired; does not consume it (the form page only looks). */
export async function peekToken(db: Connection, token: string, now = new Date()): Promise<SingleUseToken | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  return singleUseTokenModel(db)
    .findOne({ tokenHash: hashToken(token), usedAt: null, expiresAt: trusted({ $gt: now }) })
    .lean<SingleUseToken>();
}

/** Uses the token up, atomically: of two parallel calls exactly one gets the record, the other null. */
export async function consumeToken(db: Connection, token: string, now = new Date()): Promise<SingleUseToken | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  return singleUseTokenModel(db)
    .findOneAndUpdate({ tokenHash: hashToken(token), usedAt: null, expiresAt: trusted({ $gt: now }) }, { $set: { usedAt: now } }, { returnDocument: 'after' })
    .lean<SingleUseToken>();
}

/** Ends every other outstanding link of the account (after its password was set, an old invitation must not reset it again). */
export async function discardUnusedTokens(db: Connection, accountId: Types.ObjectId): Promise<void> {
  await singleUseTokenModel(db).deleteMany({ accountId, usedAt: null });
}

/** When the account was last sent a link of `purpose` (used or not), or null. */
export async function lastIssuedAt(db: Connection, accountId: Types.ObjectId, purpose: TokenPurpose): Promise<Date | null> {
  const latest = await singleUseTokenModel(db).findOne({ accountId, purpose }, { createdAt: 1 }).sort({ createdAt: -1 }).lean<Pick<SingleUseToken, 'createdAt'>>();
  return latest?.createdAt ?? null;
}
