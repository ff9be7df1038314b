/** Inputs of the admin pages. Paging and filters come from links people edit by hand, so bad values fall back instead of failing. */
import { z } from 'zod';

const page = z.coerce.number().int().min(1).max(100_000).catch(1);

export const outboxListSchema = z.object({ page });

/** The id is checked against the mail id pattern by the outbox reader (anything else is "not found"). */
export const outboxMessageSchema = z.object({ id: z.string().max(64) });

export const auditListSchema = z.object({
  page,
  /** an action prefix such as "auth." or a whole action "auth.sign_in" */
  action: z
    .string()
    .trim()
    .max(60)
    .regex(/^[a-z_.]*$/)
    .optional()
    .catch(undefined),
});
