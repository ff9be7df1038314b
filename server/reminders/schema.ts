/** Input of the reminder routes: a campaign's schedule, and who to remind now. */
import { z } from 'zod';
import type { MessageId } from '../i18n';
import { checkbox } from '../units/route-schemas';
import { objectId } from '../validation';

const daysInvalid = 'reminder_days_invalid' satisfies MessageId;
const everyInvalid = 'reminder_every_invalid' satisfies MessageId;

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

/** "14, 3" (commas, semicolons or spaces; empty: none) as days 1–90, no repeats, at most 5, else one 'reminder_days_invalid'. */
const dayList = z
  .string()
  .max(100, { error: daysInvalid })
  .transform((typed, ctx) => {
    const days = typed.split(/[\s,;]+/).filter(Boolean).map((part) => (/^\d{1,2}$/.test(part) ? Number(part) : NaN));
    if (days.length > 5 || days.some((d) => !(d >= 1 && d <= 90)) || new Set(days).size !== days.length) {
      ctx.addIssue({ code: 'custom', message: daysInvalid });
      return z.NEVER;
    }
    return days;
  });

/**
 * The campaign page's schedule form: days before as typed text, two checkboxes (on the due
 * day; regularly while late) and the interval while late (blank: 7). Parsed into the API's
 * shape; the interval is only read when "while late" is ticked (0: never after the due date).
 */
export const scheduleForm = z
  .object({
    id: objectId,
    daysBefore: z.preprocess((v) => v ?? '', dayList),
    onDueDate: checkbox,
    overdue: checkbox,
    overdueEveryDays: z.string().trim().max(10, { error: everyInvalid }).optional(),
  })
  .strict()
  .transform((form, ctx) => {
    const typed = form.overdueEveryDays || '7';
    const every = /^\d{1,2}$/.test(typed) ? Number(typed) : NaN;
    if (form.overdue && !(every >= 1 && every <= 60)) {
      ctx.addIssue({ code: 'custom', path: ['overdueEveryDays'], message: everyInvalid });
      return z.NEVER;
    }
    return { id: form.id, daysBefore: form.daysBefore, onDueDate: form.onDueDate, overdueEveryDays: form.overdue ? every : 0 };
  });

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
