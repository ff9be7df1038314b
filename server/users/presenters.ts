/** What the API and pages may show of an account: an allowlist (never the hash or token version). */
import { z } from 'zod';
import { ROLES, type User } from './model';

/** AccountView as a schema, for the API description (server/apidocs). */
export const accountViewSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  username: z.string().nullable(),
  email: z.string().nullable(),
  officerCode: z.string().nullable(),
  role: z.enum(ROLES),
  unitId: z.string().nullable(),
  locale: z.enum(['vi', 'en']),
  mustChangePassword: z.boolean(),
}).strict();

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
