/** POST /api/v1/campaigns/:id/reminders's answer as a schema, for the API description (server/apidocs). */
import { z } from 'zod';

export const remindAnswer = z.strictObject({ reminded: z.number().int(), skipped: z.number().int() });
