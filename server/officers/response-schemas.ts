/** The officer API's answers as schemas (presentOfficer's allowlist), for the API description (server/apidocs). */
import { z } from 'zod';
import { hexId, isoDateTime, pageOf } from '../apidocs/shapes';
import { OFFICER_CATEGORIES, OFFICER_STATUSES } from './model';

export const officerViewSchema = z.strictObject({
  id: hexId,
  code: z.string(),
  fullName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  unitId: hexId,
  position: z.string().nullable(),
  rank: z.string().nullable(),
  category: z.enum(OFFICER_CATEGORIES),
  isLeader: z.boolean(),
  status: z.enum(OFFICER_STATUSES),
  memberships: z.array(z.strictObject({ unitId: hexId, from: isoDateTime, to: isoDateTime.nullable() })),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});

export const officerAnswer = z.strictObject({ officer: officerViewSchema });
export const officerPageAnswer = pageOf(officerViewSchema);
