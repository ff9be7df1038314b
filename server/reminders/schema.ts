/** Input of the reminder routes: a campaign's schedule, and who to remind now. */
import { z } from 'zod';
import type { MessageId } from '../i18n';
import { objectId } from '../validation';

const daysInvalid = 'reminder_days_invalid' satisfies MessageId;

export const scheduleInput = z
  .object({
    id: objectId,
    daysBefore: z
      .array(z.number().int().min(1).max(90))
      .max(5)
      .refine((days) => new Set(days).size === days.length, { error: daysInvalid }),
    onDueDate: z.boolean(),
    overdueEveryDays: z.number().int().min(0).max(60),
  })
  .strict();

export const remindInput = z
  .object({
    id: objectId,
    officerIds: z.array(objectId).min(1, { error: 'reminder_none_selected' satisfies MessageId }).max(5_000),
  })
  .strict();

/** The page form: checkboxes `officerIds` (none: every officer of the caller's subtree not done), and where to go back. */
export const remindForm = z.object({
  id: objectId,
  officerIds: z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v.filter((x) => x !== '') : [v]), z.array(objectId).max(5_000)),
  // a path of this site only (never //host or a scheme): where the form came from
  back: z
    .string()
    .regex(/^\/(?!\/)[^\s\\]*$/)
    .max(500)
    .optional()
    .catch(undefined),
});

export const undeliveredQuery = z.object({}).strict();
