/**
 * Input schemas of the officer commands. Optional text follows one rule everywhere:
 * `undefined` = not given (keep what is stored), `''` = clear it.
 */
import { z } from 'zod';
import { code, date, objectId, optionalEmail, optionalPhone, optionalText, text } from '../validation';
import { OFFICER_CATEGORIES, OFFICER_STATUSES } from './model';

const officerFields = {
  code,
  fullName: text(120),
  email: optionalEmail,
  phone: optionalPhone,
  position: optionalText(150),
  rank: optionalText(150),
  category: z.enum(OFFICER_CATEGORIES),
  isLeader: z.boolean().optional(),
  status: z.enum(OFFICER_STATUSES).optional(),
};

export const createOfficerSchema = z
  .object({ ...officerFields, unitId: objectId, /** start of the first membership; default now */ effectiveDate: date.optional() })
  .strict();
export type CreateOfficerInput = z.input<typeof createOfficerSchema>;

export const updateOfficerSchema = z
  .object({
    code: code.optional(),
    fullName: officerFields.fullName.optional(),
    email: officerFields.email,
    phone: officerFields.phone,
    position: officerFields.position,
    rank: officerFields.rank,
    category: officerFields.category.optional(),
    isLeader: officerFields.isLeader,
    status: officerFields.status,
    /** when a status change closes the membership; default now */
    effectiveDate: date.optional(),
  })
  .strict();
export type UpdateOfficerInput = z.input<typeof updateOfficerSchema>;

export const transferOfficerSchema = z.object({ officerId: objectId, unitId: objectId, effectiveDate: date }).strict();
export const officerIdSchema = z.object({ officerId: objectId }).strict();

/** One row of a bulk import: the unit is named by its code, as in the HR clerk's sheet. */
export const officerRowSchema = z.object({ ...officerFields, unitCode: code }).strict();
export type OfficerInput = z.input<typeof officerRowSchema>;
export type OfficerRow = z.output<typeof officerRowSchema>;

export const listOfficersSchema = z
  .object({
    /** the scope: usually subtreeIds() of the caller's unit */
    unitIds: z.array(objectId).max(10_000),
    q: z.string().trim().normalize('NFC').max(100).optional(),
    category: z.enum(OFFICER_CATEGORIES).optional(),
    status: z.enum(OFFICER_STATUSES).optional(),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();
export type ListOfficersInput = z.input<typeof listOfficersSchema>;
