/** POST /api/v1/bundles's answer as a schema, for the API description (server/apidocs). */
import { z } from 'zod';
import { hexId } from '../apidocs/shapes';

/** the imported module, and what became of the bundle's questions in the bank */
export const bundleImportAnswer = z.strictObject({ id: hexId, code: z.string(), questions: z.strictObject({ created: z.number().int(), updated: z.number().int(), renamed: z.number().int() }) });
