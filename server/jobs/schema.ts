/** Route input naming a job: its id, 24 hex digits. Routes still check that the caller owns it. */
import { z } from 'zod';

export const jobIdSchema = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) });
