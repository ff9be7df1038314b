/** The officer's learning API answers (/api/v1/me/…) as schemas, for the API description (server/apidocs). */
import { z } from 'zod';
import { hexId, isoDateTime } from '../apidocs/shapes';
import { TOPICS } from '../modules/model';

const myStatus = z.enum(['not-started', 'in-progress', 'completed', 'overdue']);

export const assignmentsAnswer = z.strictObject({
  year: z.number().int(),
  items: z.array(z.strictObject({ moduleId: hexId, code: z.string(), title: z.string(), topic: z.enum(TOPICS), dueDate: isoDateTime.nullable(), status: myStatus, percent: z.number() })),
});

export const progressAnswer = z.strictObject({
  year: z.number().int(),
  items: z.array(
    z.strictObject({
      moduleId: hexId,
      code: z.string(),
      title: z.string(),
      version: z.number().int(),
      status: myStatus,
      percent: z.number(),
      bestScore: z.number().nullable(),
      lastScore: z.number().nullable(),
      attempts: z.number().int(),
      completedAt: isoDateTime.nullable(),
    }),
  ),
});

export const autosaveAnswer = z.strictObject({ saved: z.literal(true), savedAt: isoDateTime });

