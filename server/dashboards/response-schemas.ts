/** The dashboards API's answers as schemas (presentDashboard's allowlist, the JSON export), for the API description (server/apidocs). */
import { z } from 'zod';
import { hexId, isoDateTime } from '../apidocs/shapes';
import { CAMPAIGN_STATUSES } from '../campaigns/model';
import { OFFICER_CATEGORIES } from '../officers/model';

const figuresSchema = z.strictObject({
  enrolled: z.number().int(),
  completed: z.number().int(),
  inProgress: z.number().int(),
  notStarted: z.number().int(),
  overdue: z.number().int(),
  exempt: z.number().int(),
  ratePercent: z.number().nullable(),
  averageScore: z.number().nullable(),
});
const officerStatus = z.enum(['completed', 'in-progress', 'not-started', 'overdue', 'exempt']);

export const dashboardAnswer = z.strictObject({
  dashboard: z.strictObject({
    year: z.number().int(),
    asOf: isoDateTime,
    unit: z.strictObject({ id: hexId, name: z.string() }).nullable(),
    campaigns: z.array(z.strictObject({ id: hexId, name: z.string(), status: z.enum(CAMPAIGN_STATUSES) })),
    totals: figuresSchema,
    subUnits: z.array(z.strictObject({ id: hexId, name: z.string(), own: z.boolean(), figures: figuresSchema })),
    modules: z.array(z.strictObject({ id: hexId, title: z.string(), dueDate: isoDateTime.nullable(), figures: figuresSchema })),
    categories: z.array(z.strictObject({ category: z.enum(OFFICER_CATEGORIES), figures: figuresSchema })),
    trend: z.array(z.strictObject({ week: z.string(), monday: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), completed: z.number().int(), cumulative: z.number().int(), due: z.boolean() })),
    overdue: z.array(z.strictObject({ officerId: hexId, code: z.string(), fullName: z.string(), unit: z.string(), module: z.string(), dueDate: isoDateTime, daysLate: z.number().int() })),
    overdueTotal: z.number().int(),
    /** a unit's dashboard only: each officer's status per module id */
    officers: z.array(z.strictObject({ id: hexId, code: z.string(), fullName: z.string(), category: z.enum(OFFICER_CATEGORIES), modules: z.record(z.string(), officerStatus) })).optional(),
  }),
});

/** GET …/export?format=json: the columns' labels (caller's language) and the rows, cell by cell. */
export const exportJsonAnswer = z.strictObject({ columns: z.array(z.string()), rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))) });
