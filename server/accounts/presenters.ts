/** What the accounts pages and API show of an account: allowlists (never the hash, token version or revoked sessions). */
import type { MessageId } from '../i18n';
import type { Role, User } from '../users/model';
import { roleLabels } from '../users/model';
import { loginOf } from '../auth/recovery';
import type { AuditEvent } from '../audit/model';
import { auditActionLabel } from '../admin/presenters';

/** One state, the one that matters most: deactivated, then locked out, then still waiting for a first password. */
export type AccountState = 'inactive' | 'locked' | 'pending' | 'active';

export const accountStateLabels: Record<AccountState, MessageId> = {
  inactive: 'account_state_inactive',
  locked: 'account_state_locked',
  pending: 'account_state_pending',
  active: 'account_state_active',
};

export function accountState(account: Pick<User, 'active' | 'passwordHash'>, locked: boolean): AccountState {
  if (!account.active) return 'inactive' satisfies AccountState;
  if (locked) return 'locked' satisfies AccountState;
  return account.passwordHash ? 'active' : 'pending';
}

export interface AccountSummary {
  id: string;
  displayName: string;
  /** what the person types to sign in: mã cán bộ, else the login name, else the e-mail */
  login: string;
  username: string | null;
  email: string | null;
  officerCode: string | null;
  officerId: string | null;
  role: Role;
  unitId: string | null;
  unitName: string | null;
  active: boolean;
  locked: boolean;
  /** no password set yet: invited, or waiting for an activation code */
  pending: boolean;
  state: AccountState;
  lastSignInAt: string | null;
  createdAt: string;
}

/** The account as the JSON API and the list show it; `unitName` and `locked` come from the caller's lookups. */
export function presentAccountSummary(account: User, facts: { unitName: string | null; locked: boolean }): AccountSummary {
  return {
    id: account._id.toHexString(),
    displayName: account.displayName,
    login: loginOf(account),
    username: account.username,
    email: account.email,
    officerCode: account.officerCode,
    officerId: account.officerId?.toHexString() ?? null,
    role: account.role,
    unitId: account.unitId?.toHexString() ?? null,
    unitName: facts.unitName,
    active: account.active,
    locked: facts.locked,
    pending: !account.passwordHash,
    state: accountState(account, facts.locked),
    lastSignInAt: account.lastSignInAt?.toISOString() ?? null,
    createdAt: account.createdAt.toISOString(),
  };
}

/** A row of the list page: the summary with the labels the template translates. */
export function presentAccountRow(account: User, facts: { unitName: string | null; locked: boolean }) {
  const summary = presentAccountSummary(account, facts);
  return { ...summary, roleLabel: roleLabels[account.role], stateLabel: accountStateLabels[summary.state], lastSignInAt: account.lastSignInAt };
}

/** One line of an account's history (its audit events). */
export function presentAccountEvent(event: AuditEvent) {
  return { at: event.at, action: event.action, label: auditActionLabel(event.action), actor: event.actorName };
}
