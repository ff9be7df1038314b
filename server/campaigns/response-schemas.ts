/**
 * The campaigns API's answers as schemas (the allowlists of presenters.ts and of the
 * override and exemption routes), for the API description (server/apidocs).
 */
import { z } from 'zod';
import { FILE_TYPES, hexId, isoDateTime, itemsOf, vnDate } from '../apidocs/shapes';
import { OFFICER_CATEGORIES } from '../officers/model';
import { EXEMPTION_KINDS } from './exemptions';
import { CAMPAIGN_STATUSES } from './model';
import { OVERRIDE_KINDS } from './overrides';

export const reminderScheduleSchema = z.strictObject({ daysBefore: z.array(z.number().int()), onDueDate: z.boolean(), overdueEveryDays: z.number().int() });

/** presentCampaign: the figures of a module only in GET /api/v1/campaigns/:id. */
export const campaignViewSchema = z.strictObject({
  id: hexId,
  name: z.string(),
  year: z.number().int(),
  ownerUnitId: hexId.nullable(),
  status: z.enum(CAMPAIGN_STATUSES),
  opensOn: vnDate,
  cutoffDate: vnDate,
  lateJoinerDays: z.number().int(),
  certificatePerModule: z.boolean(),
  reminders: reminderScheduleSchema,
  modules: z.array(
    z.strictObject({
      moduleId: hexId,
      dueDate: vnDate,
      stopped: z.boolean(),
      enrolled: z.number().int().optional(),
      completed: z.number().int().optional(),
      exempt: z.number().int().optional(),
      rate: z.number().nullable().optional(),
    }),
  ),
  audience: z.strictObject({
    unitIds: z.array(hexId),
    categories: z.array(z.enum(OFFICER_CATEGORIES)),
    leadersOnly: z.boolean(),
    positions: z.array(z.string()),
    officerIds: z.array(hexId),
    excludedUnitIds: z.array(hexId),
    excludedOfficerIds: z.array(hexId),
  }),
});

export const campaignAnswer = z.strictObject({ campaign: campaignViewSchema });
export const campaignListAnswer = itemsOf(campaignViewSchema);
/** a due date changed: the officers told of it */
export const dueDateAnswer = z.strictObject({ campaign: campaignViewSchema, informed: z.number().int() });

/** GET /api/v1/me/notices: `message` is the stable id, `text` the caller's language. */
export const noticeListAnswer = itemsOf(z.strictObject({ id: hexId, message: z.string(), text: z.string(), at: isoDateTime }));

const overrideSchema = z.strictObject({ id: hexId, moduleId: hexId, year: z.number().int(), kind: z.enum(OVERRIDE_KINDS), reason: z.string(), dueDate: vnDate.nullable(), at: isoDateTime });
export const overrideAnswer = z.strictObject({ override: overrideSchema });
export const overrideListAnswer = itemsOf(overrideSchema);

/** The evidence file itself is never described here: only its name, type and size. */
const exemptionSchema = z.strictObject({
  id: hexId,
  officerId: hexId,
  unitId: hexId,
  year: z.number().int(),
  kind: z.enum(EXEMPTION_KINDS),
  reason: z.string(),
  evidence: z.strictObject({ name: z.string(), mime: z.enum([FILE_TYPES.pdf, FILE_TYPES.png, FILE_TYPES.jpeg]), size: z.number().int() }).nullable(),
  status: z.enum(['proposed', 'approved', 'refused']),
  decidedAt: isoDateTime.nullable(),
  decisionNote: z.string().nullable(),
  at: isoDateTime,
});
export const exemptionAnswer = z.strictObject({ exemption: exemptionSchema });
export const exemptionListAnswer = itemsOf(exemptionSchema);
