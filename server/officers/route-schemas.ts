/**
 * Input schemas of the officer routes, one per route (params, query and body merged, as
 * route() hands them over). They extend the command schemas, so the pages, the API and
 * the commands report the same field ids.
 */
import { z } from 'zod';
import type { MessageId } from '../i18n';
import { date, objectId } from '../validation';
import { checkbox, formChoice, formDate, formId, lenientChoice, optionalFormDate } from '../units/route-schemas';
import { OFFICER_CATEGORIES, OFFICER_STATUSES } from './model';
import { createOfficerSchema, updateOfficerSchema } from './schema';

/** Officers per page on the list page. */
export const PAGE_SIZE = 25;

// ---- pages (query strings are lenient: a stale or hand-edited link still shows a list) ----

export const officerListQuery = z.object({
  q: z.string().trim().normalize('NFC').max(100).optional().catch(undefined),
  unitId: objectId.optional().catch(undefined),
  category: lenientChoice(OFFICER_CATEGORIES),
  status: lenientChoice(OFFICER_STATUSES),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});
export type OfficerListQuery = z.output<typeof officerListQuery>;

export const OFFICER_DONE = ['created', 'updated', 'transferred'] as const;
export type OfficerDone = (typeof OFFICER_DONE)[number];

export const officerPageQuery = z.object({ id: objectId, done: lenientChoice(OFFICER_DONE) });
export const officerIdParam = z.object({ id: objectId });
export const newOfficerQuery = z.object({ unitId: objectId.optional().catch(undefined) });

export const createOfficerForm = createOfficerSchema.extend({ unitId: formId, category: formChoice(OFFICER_CATEGORIES), isLeader: checkbox, effectiveDate: optionalFormDate });
export const editOfficerForm = updateOfficerSchema.extend({ id: objectId, isLeader: checkbox, status: z.enum(OFFICER_STATUSES), effectiveDate: optionalFormDate });
export const transferOfficerForm = z.object({ id: objectId, unitId: formId, effectiveDate: formDate }).strict();

// ---- JSON API (strict: an unknown key is a 422 naming it) ----

export const apiOfficerListQuery = z
  .object({
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
    q: z.string().trim().normalize('NFC').max(100).optional(),
    unitId: objectId.optional(),
    category: z.enum(OFFICER_CATEGORIES).optional(),
    status: z.enum(OFFICER_STATUSES).optional(),
  })
  .strict();
export const apiOfficerId = z.object({ id: objectId }).strict();
export const apiCreateOfficer = createOfficerSchema;
export const apiPatchOfficer = updateOfficerSchema
  .extend({ id: objectId })
  .refine(({ id: _id, effectiveDate: _date, ...fields }) => Object.values(fields).some((v) => v !== undefined), { error: 'patch_empty' satisfies MessageId });
export const apiTransferOfficer = z.object({ id: objectId, unitId: objectId, effectiveDate: date }).strict();
