/** GET /api/v1/modules's answer as a schema, for the API description (server/apidocs). */
import { z } from 'zod';
import { hexId } from '../apidocs/shapes';
import { TOPICS } from './model';

export const moduleListAnswer = z.strictObject({ items: z.array(z.strictObject({ id: hexId, code: z.string(), title: z.string(), topic: z.enum(TOPICS), version: z.number().int() })) });
