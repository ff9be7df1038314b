/**
 * Activation codes: how an officer without e-mail gets into their account. A coordinator
 * prints a sheet for a unit (server/accounts/activation.ts); each line carries a one-time
 * code. Only a keyed hash of each code is stored, so neither a copy of the database nor a
 * look over an administrator's shoulder at it turns into a working code. A TTL index drops
 * codes once they have expired.
 */
import { Schema, type Types } from 'mongoose';
import { defineModel } from '../db/models';

export interface ActivationCode {
  _id: Types.ObjectId;
  accountId: Types.ObjectId;
  /** the unit whose sheet the code was printed on */
  unitId: Types.ObjectId;
  /** HMAC-SHA256 (hex) of the code, keyed with the platform secret and bound to the account */
  codeHash: string;
  createdAt: Date;
  expiresAt: Date;
  /** set when the code is used; one use only */
  usedAt: Date | null;
  /** the coordinator who printed the sheet */
  createdBy: Types.ObjectId;
}

const activationCodeSchema = new Schema<ActivationCode>(
  {
    accountId: { type: Schema.Types.ObjectId, required: true },
    unitId: { type: Schema.Types.ObjectId, required: true },
    codeHash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    createdBy: { type: Schema.Types.ObjectId, required: true },
  },
  { collection: 'activation_codes', versionKey: false },
);
activationCodeSchema.index({ accountId: 1, usedAt: 1 });
activationCodeSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

const activationCodeModels = defineModel<ActivationCode>('ActivationCode', activationCodeSchema);
export const activationCodeModel = activationCodeModels.model;
export const readyActivationCodeModel = activationCodeModels.ready;
