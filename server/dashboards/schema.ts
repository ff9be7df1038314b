/** Input of the dashboard and export routes. An empty select ("all open plans") is no choice. */
import { z } from 'zod';
import { objectId } from '../validation';

const blankIsNone = (value: unknown) => (value === '' ? undefined : value);
const year = z.preprocess(blankIsNone, z.coerce.number().int().min(2000).max(2100).optional());
const campaignId = z.preprocess(blankIsNone, objectId.optional());

/** year / campaign choice of a dashboard */
export const choice = { year, campaignId };

export const unitDashboardQuery = z.object({ unitId: objectId, ...choice }).strict();
export const campaignDashboardQuery = z.object({ id: objectId }).strict();
/** the home page: the dashboard's choice, and the "saved" notice of other pages */
export const homeQuery = z.object({ ...choice, changed: z.string().max(2).optional() });

export const EXPORT_LEVELS = ['unit', 'module', 'officer'] as const;
export const EXPORT_FORMATS = ['xlsx', 'csv', 'json'] as const;
export const EXPORT_STATUSES = ['completed', 'in-progress', 'not-started', 'overdue', 'exempt'] as const;

export const exportQuery = z
  .object({
    unitId: objectId,
    format: z.enum(EXPORT_FORMATS).default('json'),
    level: z.enum(EXPORT_LEVELS).default('officer'),
    status: z.preprocess(blankIsNone, z.enum(EXPORT_STATUSES).optional()),
    ...choice,
  })
  .strict();
export type ExportQuery = z.output<typeof exportQuery>;
