/** The accounts API's answers as schemas (presentAccountSummary's allowlist), for the API description (server/apidocs). */
import { z } from 'zod';
import { hexId, isoDateTime, pageOf } from '../apidocs/shapes';
import { ROLES } from '../users/model';

export const accountSummarySchema = z.strictObject({
  id: hexId,
  displayName: z.string(),
  login: z.string(),
  username: z.string().nullable(),
  email: z.string().nullable(),
  officerCode: z.string().nullable(),
  officerId: hexId.nullable(),
  role: z.enum(ROLES),
  unitId: hexId.nullable(),
  unitName: z.string().nullable(),
  active: z.boolean(),
  locked: z.boolean(),
  pending: z.boolean(),
  state: z.enum(['inactive', 'locked', 'pending', 'active']),
  lastSignInAt: isoDateTime.nullable(),
  createdAt: isoDateTime,
});

export const accountAnswer = z.strictObject({ account: accountSummarySchema });
export const accountPageAnswer = pageOf(accountSummarySchema);
export const appointAnswer = z.strictObject({ account: accountSummarySchema, created: z.boolean(), invitation: z.enum(['sent', 'failed', 'no_email', 'not_needed']) });

/** POST /api/v1/accounts/:id/<command>: the account, plus the facts the command adds. */
export const accountCommandAnswers = {
  deactivate: accountAnswer,
  reactivate: accountAnswer,
  unlock: z.strictObject({ account: accountSummarySchema, wasLocked: z.boolean() }),
  'send-link': z.strictObject({ account: accountSummarySchema, kind: z.enum(['invite', 'reset']) }),
} as const;

/** POST /api/v1/units/:id/activation-codes: a new activation sheet (the codes cannot be read again later). */
export const activationSheetAnswer = z.strictObject({
  unit: z.strictObject({ id: hexId, code: z.string(), name: z.string() }),
  generatedAt: isoDateTime,
  expiresAt: isoDateTime,
  address: z.string(),
  entries: z.array(z.strictObject({ officerId: hexId, fullName: z.string(), login: z.string(), position: z.string(), code: z.string().regex(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/) })),
  skipped: z.strictObject({ hasAccount: z.number().int(), inactive: z.number().int(), failed: z.number().int() }),
});
