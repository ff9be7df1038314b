/**
 * Building blocks of the response schemas the routes declare (`doc: { response }`), for the
 * API description and the test that checks real answers against it. Zod only, no imports
 * from the domains, so any route file can use them. Objects are strict (additionalProperties
 * false) where a presenter's shape is fixed: a field it leaks fails the test.
 */
import { z } from 'zod';

/** an ObjectId as presenters send it */
export const hexId = z.string().regex(/^[0-9a-f]{24}$/);
/** a Date as JSON sends it (toISOString) */
export const isoDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
/** a day as the campaign presenters show it (Vietnam, dd/mm/yyyy) */
export const vnDate = z.string().regex(/^\d{2}\/\d{2}\/\d{4}$/);

/** `{items: [...]}` */
export const itemsOf = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item) });

/** A page of results: `{items, total, page, pageSize}`. */
export const pageOf = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

/** Content types of the files routes send. */
export const FILE_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  zip: 'application/zip',
  png: 'image/png',
  jpeg: 'image/jpeg',
} as const;
