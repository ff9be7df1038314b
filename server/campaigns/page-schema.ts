/**
 * Input of the campaign and exemption pages (params, query and body merged, as route()
 * hands them over). An HTML form sends '' for an untouched field, one string or several
 * for a multiple <select> / checkboxes; the create form has a fixed number of module rows.
 */
import { z } from 'zod';
import { OFFICER_CATEGORIES } from '../officers/model';
import { checkbox, formChoice, lenientChoice } from '../units/route-schemas';
import { objectId, text } from '../validation';
import { EXEMPTION_KINDS } from './exemptions';
import { OVERRIDE_KINDS } from './overrides';

/** How many module rows the create form offers (the plan has five starter modules). */
export const MODULE_ROWS = 6;

const blank = (value: unknown) => (value === '' ? undefined : value);
/** A multiple select or a set of checkboxes: absent, one value or several, as an array. */
const many = <T extends z.ZodType>(item: T) => z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v.filter((x) => x !== '') : [v]), z.array(item).max(500));
const year = z.preprocess(blank, z.coerce.number().int().min(2000).max(2100));
const day = z.string().trim().max(20);

export const campaignListPageQuery = z.object({ year: year.optional().catch(undefined), status: lenientChoice(['draft', 'open', 'closed'] as const) });

export const CAMPAIGN_DONE = ['created', 'opened', 'closed', 'due_changed', 'stopped', 'restarted', 'cloned', 'module_added', 'audience_changed', 'schedule_changed', 'certificates_changed'] as const;
export type CampaignDone = (typeof CAMPAIGN_DONE)[number];
const count = z.preprocess(blank, z.coerce.number().int().min(0).max(1_000_000).optional()).catch(undefined);
export const campaignPageQuery = z.object({ id: objectId, done: lenientChoice(CAMPAIGN_DONE), reminded: count, skipped: count });

const rows = Object.fromEntries(Array.from({ length: MODULE_ROWS }, (_, i) => [[`module_${i + 1}`, z.preprocess(blank, objectId.optional())], [`due_${i + 1}`, day.optional()]]).flat()) as Record<string, z.ZodType>;

export const createCampaignForm = z
  .object({
    name: text(200),
    year,
    ownerUnitId: z.preprocess(blank, objectId.optional()),
    unitIds: many(objectId),
    categories: many(z.enum(OFFICER_CATEGORIES)),
    leadersOnly: checkbox,
    cutoffDate: day.optional(),
    certificatePerModule: checkbox,
    ...rows,
  })
  .strict();

export const dueDateForm = z.object({ id: objectId, moduleId: objectId, dueDate: z.string().trim().min(1).max(20) }).strict();
/** Without `confirm` the page asks first; with it, the module stops. */
export const stopForm = z.object({ id: objectId, moduleId: objectId, confirm: lenientChoice(['1']) }).strict();
export const restartForm = z.object({ id: objectId, moduleId: objectId }).strict();
export const statusForm = z.object({ id: objectId, status: z.enum(['open', 'closed']) }).strict();
export const cloneForm = z.object({ id: objectId, year }).strict();
export const addModuleForm = z.object({ id: objectId, moduleId: objectId, dueDate: z.string().trim().min(1).max(20) }).strict();
/** The certificate option of a campaign: one certificate per completed module besides the plan's. */
export const certificatesForm = z.object({ id: objectId, certificatePerModule: checkbox }).strict();
/** The audience form edits the unit subtrees, categories and leaders-only; named and excluded officers/units stay as they are. */
export const audienceForm = z.object({ id: objectId, unitIds: many(objectId), categories: many(z.enum(OFFICER_CATEGORIES)), leadersOnly: checkbox }).strict();

export const EXEMPTION_DONE = ['proposed', 'approved', 'refused'] as const;
export type ExemptionDone = (typeof EXEMPTION_DONE)[number];
export const exemptionsPageQuery = z.object({ status: lenientChoice(['proposed', 'approved', 'refused']), done: lenientChoice(EXEMPTION_DONE) });
export const exemptionForm = z.object({ officerCode: z.string().trim().normalize('NFC').min(1).max(40), kind: formChoice(EXEMPTION_KINDS), reason: text(1_000) }).strict();
export const decisionForm = z.object({ id: objectId, decision: z.enum(['approve', 'refuse']), note: z.string().trim().normalize('NFC').max(1_000).optional() }).strict();

/** An officer's plan page: the year shown (default this training year), `done=override` after a grant. */
export const officerPlanQuery = z.object({ id: objectId, year: year.optional().catch(undefined), done: lenientChoice(['override']) });
/** The grant form of that page; the due date only for a later due date (the service checks it). */
export const overrideForm = z
  .object({ id: objectId, year, moduleId: objectId, kind: z.enum(OVERRIDE_KINDS), reason: text(500), dueDate: z.preprocess(blank, day.optional()) })
  .strict();
