/**
 * Input schemas of the account routes, one per route (params, query and body merged, as
 * route() hands them over). Page query strings are lenient (a stale link still shows a
 * list); forms and the JSON API are strict and name every wrong field.
 */
import { z } from 'zod';
import type { MessageId } from '../i18n';
import { PASSWORD_MAX_LENGTH } from '../auth/passwords';
import { loginSchema } from '../auth/schema';
import { passwordSchema } from '../users/service';
import { ROLES } from '../users/model';
import { code, objectId, text } from '../validation';
import { formChoice, formId, lenientChoice } from '../units/route-schemas';

/** The roles an appointment gives: the ones that act on a unit's subtree. */
export const APPOINT_ROLES = ['coordinator', 'manager'] as const;
export const ACCOUNT_STATUSES = ['active', 'inactive'] as const;

/** Accounts per page on the list page. */
export const PAGE_SIZE = 25;

const blankToUndefined = (value: unknown) => (value === '' ? undefined : value);
const email = z.string().trim().toLowerCase().max(254).email({ error: 'email_invalid' satisfies MessageId });
const username = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9._-]{2,39}$/, { error: 'username_invalid' satisfies MessageId });
const displayName = text(120);
const page = z.coerce.number().int().min(1).max(100_000);

// ---- pages ----

export const accountListQuery = z.object({
  q: z.string().trim().normalize('NFC').max(100).optional().catch(undefined),
  role: lenientChoice(ROLES),
  unitId: objectId.optional().catch(undefined),
  status: lenientChoice(ACCOUNT_STATUSES),
  locked: lenientChoice(['1']),
  never: lenientChoice(['1']),
  page: page.catch(1),
});
export type AccountListQuery = z.output<typeof accountListQuery>;

/** What the account page confirms after a form succeeded (a redirect's `?done=`). */
export const ACCOUNT_DONE = ['appointed', 'appointed_invited', 'appointed_no_email', 'appointed_mail_failed', 'role_changed', 'deactivated', 'reactivated', 'unlocked', 'invite_sent', 'reset_sent'] as const;
export type AccountDone = (typeof ACCOUNT_DONE)[number];

export const accountPageQuery = z.object({ id: objectId, done: lenientChoice(ACCOUNT_DONE) });
export const accountIdParam = z.object({ id: objectId }).strict();
export const appointPageQuery = z.object({ officerCode: code.optional().catch(undefined), unitId: objectId.optional().catch(undefined) });

const appointFromOfficerForm = z.object({ source: z.literal('officer'), officerCode: code, role: formChoice(APPOINT_ROLES), unitId: formId }).strict();
const appointNewForm = z
  .object({ source: z.literal('new'), displayName, email, username: z.preprocess(blankToUndefined, username.optional()), role: formChoice(APPOINT_ROLES), unitId: formId })
  .strict();
export const appointForm = z.discriminatedUnion('source', [appointFromOfficerForm, appointNewForm]);
export type AppointForm = z.output<typeof appointForm>;

export const changeRoleForm = z.object({ id: objectId, role: formChoice(ROLES), unitId: z.preprocess(blankToUndefined, objectId.optional()) }).strict();

// ---- JSON API (strict: an unknown key is a 422 naming it) ----

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

export const apiAccountListQuery = z
  .object({
    page: page.default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
    q: z.string().trim().normalize('NFC').max(100).optional(),
    role: z.enum(ROLES).optional(),
    unitId: objectId.optional(),
    active: flag.optional(),
    locked: flag.optional(),
    neverSignedIn: flag.optional(),
  })
  .strict();

const apiAppointFromOfficer = z
  .object({ source: z.literal('officer'), officerId: objectId.optional(), officerCode: code.optional(), role: z.enum(APPOINT_ROLES), unitId: objectId })
  .strict()
  .refine((input) => (input.officerId === undefined) !== (input.officerCode === undefined), { error: 'account_officer_one_of' satisfies MessageId, path: ['officerId'] });
const apiAppointNew = z.object({ source: z.literal('new'), displayName, email, username: username.optional(), role: z.enum(APPOINT_ROLES), unitId: objectId }).strict();
export const apiAppoint = z.discriminatedUnion('source', [apiAppointFromOfficer, apiAppointNew]);
export type ApiAppoint = z.output<typeof apiAppoint>;

export const apiChangeRole = z
  .object({ id: objectId, role: z.enum(ROLES).optional(), unitId: objectId.optional() })
  .strict()
  .refine((input) => input.role !== undefined || input.unitId !== undefined, { error: 'patch_empty' satisfies MessageId });

// ---- activation codes ----

/** A code as printed: 12 letters and digits in groups of four; typed in any case, with or without the dashes and spaces. */
export const ACTIVATION_CODE_PATTERN = /^[A-HJ-NP-Z2-9]{12}$/;
const activationCode = z
  .string()
  .max(40)
  .transform((value) => value.toUpperCase().replace(/[\s-]/g, ''))
  .pipe(z.string().regex(ACTIVATION_CODE_PATTERN, { error: 'activation_code_format' satisfies MessageId }));

export const activationSheetParam = z.object({ id: objectId });
export const activateForm = z.object({
  login: loginSchema.shape.login,
  code: activationCode,
  newPassword: passwordSchema,
  confirmPassword: z.string().max(PASSWORD_MAX_LENGTH),
});
