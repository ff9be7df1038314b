/**
 * Accounts: who can sign in, with which role and over which part of the unit tree.
 * An account is separate from the HR record (officers): most accounts belong to an
 * officer (signing in with the mã cán bộ), while an admin may have none.
 */
import { Schema, type Types } from 'mongoose';
import { defineModel } from '../db/models';
import type { Locale, MessageId } from '../i18n';

export const ROLES = ['admin', 'coordinator', 'manager', 'officer'] as const;
export type Role = (typeof ROLES)[number];

export const roleLabels: Record<Role, MessageId> = {
  admin: 'role_admin',
  coordinator: 'role_coordinator',
  manager: 'role_manager',
  officer: 'role_officer',
};

export interface User {
  _id: Types.ObjectId;
  /** a login name such as "demo.admin": lower case; null when the account signs in by e-mail or code only */
  username: string | null;
  /** lower case */
  email: string | null;
  /** the officer this account belongs to, and that officer's mã cán bộ (a login key) */
  officerId: Types.ObjectId | null;
  officerCode: string | null;
  displayName: string;
  role: Role;
  /** coordinators and managers: the root of the subtree they act on; officers: their own unit */
  unitId: Types.ObjectId | null;
  /** bcrypt of the pre-hashed password; null until the invitation is accepted */
  passwordHash: string | null;
  mustChangePassword: boolean;
  active: boolean;
  /** bumped to revoke every session at once (log out everywhere, password change, deactivation) */
  tokenVersion: number;
  /** sessions ended one by one (logout on one device) that have not expired yet */
  revokedSessions: Array<{ jti: string; exp: number }>;
  locale: Locale;
  lastSignInAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const userSchema = new Schema<User>(
  {
    username: { type: String, default: null, lowercase: true, trim: true },
    email: { type: String, default: null, lowercase: true, trim: true },
    officerId: { type: Schema.Types.ObjectId, default: null },
    officerCode: { type: String, default: null, uppercase: true, trim: true },
    displayName: { type: String, required: true, trim: true },
    role: { type: String, required: true, enum: ROLES },
    unitId: { type: Schema.Types.ObjectId, default: null },
    passwordHash: { type: String, default: null },
    mustChangePassword: { type: Boolean, default: false },
    active: { type: Boolean, default: true },
    tokenVersion: { type: Number, default: 0 },
    revokedSessions: { type: [{ _id: false, jti: { type: String, required: true }, exp: { type: Number, required: true } }], default: [] },
    locale: { type: String, enum: ['vi', 'en'], default: 'vi' },
    lastSignInAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'users' },
);
// each login key is unique where present (partial: many accounts have no username or e-mail)
userSchema.index({ username: 1 }, { unique: true, partialFilterExpression: { username: { $type: 'string' } } });
userSchema.index({ email: 1 }, { unique: true, partialFilterExpression: { email: { $type: 'string' } } });
userSchema.index({ officerCode: 1 }, { unique: true, partialFilterExpression: { officerCode: { $type: 'string' } } });
userSchema.index({ officerId: 1 });
userSchema.index({ unitId: 1 });

const userModels = defineModel<User>('User', userSchema);
export const userModel = userModels.model;
export const readyUserModel = userModels.ready;
