/** Input of the report routes: the unit and year in the path, the draft's fields. */
import { z } from 'zod';
import { humanString, objectId, optionalText } from '../validation';

const year = z.coerce.number().int().min(2000).max(2100);
export const reportParams = z.object({ unitId: objectId, year }).strict();
export const reportFileParams = z.object({ unitId: objectId, year, format: z.enum(['docx', 'pdf']) }).strict();
/** the report page: `done` names what the last command did (shown as a confirmation) */
export const reportPageQuery = z.object({ unitId: objectId, year, done: z.string().max(60).optional() }).strict();
export const reportListQuery = z.object({ year: year.optional() }).strict();
export const provinceParams = z.object({ year }).strict();
export const provincePageQuery = z.object({ year, reminded: z.coerce.number().int().min(0).max(100_000).optional() }).strict();
export const provinceFileParams = z.object({ year, format: z.enum(['docx', 'pdf']) }).strict();

const paragraph = humanString().trim().normalize('NFC').max(8_000);
/** one place a line; blank lines dropped */
const lines = z.preprocess((v) => (typeof v === 'string' ? v.split(/\r?\n/) : v), z.array(humanString().trim().normalize('NFC').max(300)).max(30)).transform((l) => l.filter(Boolean));

const draftFields = {
  number: optionalText(60),
  place: optionalText(120),
  signerTitle: optionalText(120),
  signerName: optionalText(120),
  recipients: lines.optional(),
  daysAhead: z.coerce.number().int().min(0).max(365).optional(),
  minAverage: z.coerce.number().min(0).max(100).optional(),
};
const narrativeFields = { results: paragraph.optional(), strengths: paragraph.optional(), shortcomings: paragraph.optional(), proposals: paragraph.optional() };

/** PUT /api/v1/reports/:unitId/:year: the fields to change; `narrative: null` goes back to the generated text. */
export const draftInput = z.object({ unitId: objectId, year, ...draftFields, narrative: z.object(narrativeFields).strict().nullable().optional() }).strict();
/** The page's form: the paragraphs as fields; `regenerate` drops the edited text. */
export const draftForm = z.object({ unitId: objectId, year, ...draftFields, ...narrativeFields, regenerate: z.string().optional() }).strict();
export type DraftPatch = z.output<typeof draftInput>;
