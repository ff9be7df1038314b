/** What the API and pages may show of an account: an allowlist (never the hash or token version). */
import type { User } from './model';

export interface AccountView {
  id: string;
  displayName: string;
  username: string | null;
  email: string | null;
  officerCode: string | null;
  role: User['role'];
  unitId: string | null;
  locale: User['locale'];
  mustChangePassword: boolean;
}

export function presentAccount(account: User): AccountView {
  return {
    id: account._id.toHexString(),
    displayName: account.displayName,
    username: account.username,
    email: account.email,
    officerCode: account.officerCode,
    role: account.role,
    unitId: account.unitId?.toHexString() ?? null,
    locale: account.locale,
    mustChangePassword: account.mustChangePassword,
  };
}
