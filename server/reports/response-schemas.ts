/** The reports API's answers as schemas (presentReport, the figures, the province's consolidation), for the API description (server/apidocs). */
import { z } from 'zod';
import { hexId, isoDateTime } from '../apidocs/shapes';
import { OFFICER_CATEGORIES } from '../officers/model';
import { REPORT_STATUSES } from './model';
import { TRACKING } from './tracking';

const counts = { enrolled: z.number().int(), completed: z.number().int(), exempt: z.number().int(), notCompleted: z.number().int(), rate: z.number().nullable() };
const totalsSchema = z.strictObject({ ...counts, counted: z.number().int() });
const ruleSchema = z.strictObject({ daysAhead: z.number().int(), minAverage: z.number() });
const unitRef = z.strictObject({ id: hexId, code: z.string(), name: z.string() });

/** ReportFigures: what the report counts (live, or frozen with the report). */
const figuresSchema = z.strictObject({
  year: z.number().int(),
  unit: unitRef,
  parentName: z.string().nullable(),
  computedAt: isoDateTime,
  cutoffDate: isoDateTime.nullable(),
  rule: ruleSchema,
  totals: totalsSchema,
  categories: z.array(z.strictObject({ ...counts, category: z.enum(OFFICER_CATEGORIES), counted: z.number().int() })),
  exemptByReason: z.array(z.strictObject({ reason: z.string(), count: z.number().int() })),
  modules: z.array(z.strictObject({ moduleId: hexId, title: z.string(), enrolled: z.number().int(), completed: z.number().int(), exempt: z.number().int(), rate: z.number().nullable(), averageScore: z.number().nullable(), averageAttempts: z.number().nullable() })),
  subUnits: z.array(z.strictObject({ ...counts, unitId: hexId, code: z.string(), name: z.string() })),
  notCompleted: z.array(z.strictObject({ officerId: hexId, code: z.string(), fullName: z.string(), unitName: z.string(), done: z.number().int(), total: z.number().int() })),
  commendations: z.array(z.strictObject({ officerId: hexId, code: z.string(), fullName: z.string(), unitName: z.string(), averageScore: z.number(), modules: z.number().int() })),
});

const narrativeSchema = z.strictObject({ results: z.string(), strengths: z.string(), shortcomings: z.string(), proposals: z.string() });

export const reportViewSchema = z.strictObject({
  unitId: hexId,
  year: z.number().int(),
  status: z.enum(REPORT_STATUSES),
  number: z.string(),
  place: z.string(),
  signerTitle: z.string(),
  signerName: z.string(),
  recipients: z.array(z.string()),
  rule: ruleSchema,
  narrativeEdited: z.boolean(),
  narrative: narrativeSchema,
  frozenAt: isoDateTime.nullable(),
  frozenBy: z.string().nullable(),
  submittedAt: isoDateTime.nullable(),
  submittedBy: z.string().nullable(),
  figures: figuresSchema,
});

export const reportAnswer = z.strictObject({ report: reportViewSchema });
export const reportListAnswer = z.strictObject({ year: z.number().int(), items: z.array(z.strictObject({ unit: unitRef, status: z.enum(TRACKING) })) });

/** GET /api/v1/reports/province/:year: the units' tracking, the submitted units' frozen totals, and their sum. */
export const provinceAnswer = z.strictObject({
  year: z.number().int(),
  units: z.array(z.strictObject({ id: hexId, code: z.string(), name: z.string(), status: z.enum(TRACKING) })),
  rows: z.array(z.strictObject({ unitId: hexId, name: z.string(), totals: totalsSchema })),
  totals: totalsSchema,
});
export const provinceRemindAnswer = z.strictObject({ reached: z.number().int() });
