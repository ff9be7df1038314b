/**
 * Input of the campaign routes. Days are "dd/mm/yyyy" (or yyyy-mm-dd); whether a day is
 * real and inside the campaign's year is the service's check (it knows the year).
 */
import { z } from 'zod';
import { OFFICER_CATEGORIES } from '../officers/model';
import { OVERRIDE_KINDS } from './overrides';
import { EXEMPTION_KINDS } from './exemptions';
import { objectId, text } from '../validation';

const day = z.string().trim().min(1).max(20);
const ids = z.array(objectId).max(5_000).default([]);

export const campaignModuleInput = z.object({ moduleId: objectId, dueDate: day }).strict();

export const audienceInput = z
  .object({
    unitIds: ids,
    categories: z.array(z.enum(OFFICER_CATEGORIES)).max(OFFICER_CATEGORIES.length).default([]),
    leadersOnly: z.boolean().default(false),
    positions: z.array(text(120)).max(50).default([]),
    officerIds: ids,
    excludedUnitIds: ids,
    excludedOfficerIds: ids,
  })
  .strict();
export type AudienceInput = z.output<typeof audienceInput>;

export const createCampaignInput = z
  .object({
    name: text(200),
    year: z.coerce.number().int().min(2000).max(2100),
    ownerUnitId: objectId.nullable().default(null),
    modules: z.array(campaignModuleInput).max(50).default([]),
    audience: audienceInput.default({ unitIds: [], categories: [], leadersOnly: false, positions: [], officerIds: [], excludedUnitIds: [], excludedOfficerIds: [] }),
    opensOn: day.optional(),
    cutoffDate: day.optional(),
    lateJoinerDays: z.coerce.number().int().min(0).max(365).default(30),
    certificatePerModule: z.boolean().default(false),
  })
  .strict();
export type CreateCampaignInput = z.output<typeof createCampaignInput>;

export const campaignIdParam = z.object({ id: objectId }).strict();
export const campaignListQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() }).strict();
export const addModuleInput = campaignModuleInput.extend({ id: objectId }).strict();
export const moduleParam = z.object({ id: objectId, moduleId: objectId }).strict();
export const dueDateInput = z.object({ id: objectId, moduleId: objectId, dueDate: day }).strict();
export const audienceUpdate = z.object({ id: objectId, audience: audienceInput }).strict();
export const statusInput = z.object({ id: objectId, status: z.enum(['open', 'closed']) }).strict();
/** Stopping a module needs `confirm: true`: "Ngừng giao" never acts on one click. */
export const stopInput = z.object({ id: objectId, moduleId: objectId, confirm: z.literal(true, { error: 'campaign_stop_confirm' }) }).strict();
export const cloneInput = z.object({ id: objectId, year: z.coerce.number().int().min(2000).max(2100) }).strict();

export const overrideInput = z
  .object({ id: objectId, moduleId: objectId, year: z.coerce.number().int().min(2000).max(2100).optional(), kind: z.enum(OVERRIDE_KINDS), reason: text(500), dueDate: day.optional() })
  .strict();
export const overrideListQuery = z.object({ id: objectId, year: z.coerce.number().int().min(2000).max(2100).optional() }).strict();

export const exemptionInput = z
  .object({ id: objectId, year: z.coerce.number().int().min(2000).max(2100).optional(), kind: z.enum(EXEMPTION_KINDS), reason: text(1_000) })
  .strict();
export const exemptionListQuery = z.object({ status: z.enum(['proposed', 'approved', 'refused']).optional() }).strict();
export const exemptionIdParam = z.object({ id: objectId }).strict();
export const decisionInput = z.object({ id: objectId, decision: z.enum(['approve', 'refuse']), note: z.string().trim().normalize('NFC').max(1_000).optional() }).strict();
