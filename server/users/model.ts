/**
 * Accounts: who can sign in, with which role and over which part of the unit tree.
 * An account is separate from the HR record (officers): most accounts belong to an
 * officer (signing in with the mã cán bộ), while an admin may have none.
 */
import { Schema, type Types } from 'mongoose';
import { defineModel } from '../db/models';
import type { Locale, MessageId } from '../i18n';
import { foldForSearch, personSortKey } from '../i18n/vietnamese';

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
  /** personSortKey(displayName): accounts list in Vietnamese name order (kept in step by the hooks below) */
  sortName?: string;
  /** foldForSearch(displayName): what the accounts list's `q` matches, besides the login keys */
  searchText?: string;
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
    sortName: { type: String },
    searchText: { type: String },
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
// the accounts list's order (server/accounts)
userSchema.index({ sortName: 1, _id: 1 });

/** The name keys of `displayName`: derived data, never typed by anyone. */
export function accountNameKeys(displayName: string): { sortName: string; searchText: string } {
  const name = displayName.trim();
  return { sortName: personSortKey(name), searchText: foldForSearch(name) };
}

// Several commands write displayName (account creation, invitations, an officer's corrected
// name reaching the account); the hooks keep the name keys in step with every one of them
// instead of relying on each caller to remember.
userSchema.pre('validate', function () {
  if (this.isModified('displayName') || this.sortName === undefined) Object.assign(this, accountNameKeys(this.displayName ?? ''));
});
userSchema.pre(['findOneAndUpdate', 'updateOne', 'updateMany'], function () {
  const update = this.getUpdate();
  if (!update || Array.isArray(update)) return;
  const set = (update['$set'] ?? {}) as Record<string, unknown>;
  const name = set['displayName'] ?? update['displayName'];
  if (typeof name === 'string') this.setUpdate({ ...update, $set: { ...set, ...accountNameKeys(name) } });
});

const userModels = defineModel<User>('User', userSchema);
export const userModel = userModels.model;
export const readyUserModel = userModels.ready;
