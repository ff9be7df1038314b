/**
 * Input validation shared by every command: zod schemas whose failures become message
 * ids (never zod's English text), and the field building blocks the domains reuse.
 */
import { Types } from 'mongoose';
import { z } from 'zod';
import { invalid, type FieldProblem } from './errors';
import { isMessageId, type MessageId } from './i18n';

/** Maps a zod issue to a catalogue id; schema-level `error: '<id>'` settings take precedence. */
function issueMessageId(issue: z.core.$ZodRawIssue): MessageId {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined || issue.input === null) return 'field_required';
      return issue.expected === 'date' ? 'field_invalid_date' : 'field_invalid_type';
    case 'too_small':
      if (issue.origin === 'string') return issue.minimum === 1 ? 'field_required' : 'field_too_short';
      return 'field_out_of_range';
    case 'too_big':
      return issue.origin === 'string' ? 'field_too_long' : 'field_out_of_range';
    case 'invalid_value':
      return 'field_invalid_choice';
    case 'invalid_format':
      return issue.format === 'email' ? 'email_invalid' : 'field_invalid_format';
    case 'unrecognized_keys':
      return 'field_unknown';
    default:
      return 'field_invalid_format';
  }
}

function toProblems(error: z.ZodError): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of error.issues) {
    const id = isMessageId(issue.message) ? issue.message : 'field_invalid_format';
    const base = issue.path.map(String).join('.');
    // an unknown key is reported on the key itself, not on the object holding it
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [null];
    for (const key of keys) problems.push({ field: key === null ? base : base ? `${base}.${key}` : key, id });
  }
  return problems;
}

/** Parses `input` or returns the field problems (for callers that report per row). */
export function check<S extends z.ZodType>(schema: S, input: unknown): { ok: true; value: z.output<S> } | { ok: false; problems: FieldProblem[] } {
  const result = schema.safeParse(input, { error: (issue) => issueMessageId(issue) });
  return result.success ? { ok: true, value: result.data } : { ok: false, problems: toProblems(result.error) };
}

/** Parses `input` or throws 422 'validation_failed' listing every field problem. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = check(schema, input);
  if (!result.ok) throw invalid(result.problems);
  return result.value;
}

/** Free text: trimmed, Unicode NFC (so "Nguyễn" typed on any keyboard compares equal). */
export const text = (max: number) => z.string().trim().normalize('NFC').min(1).max(max);

/** Optional free text: `undefined` = not given, `''` (after trimming) = clear the value. */
export const optionalText = (max: number) => z.string().trim().normalize('NFC').max(max).optional();

/** A business code (mã đơn vị, mã cán bộ): trimmed, upper-cased, ASCII letters, digits, . _ - */
export const code = z
  .string()
  .trim()
  .toUpperCase()
  .min(1)
  .max(40)
  .regex(/^[A-Z0-9][A-Z0-9._-]*$/, { error: 'code_invalid' satisfies MessageId });

/** A MongoDB ObjectId given as its 24-hex-digit string (or an ObjectId), returned as ObjectId. */
export const objectId = z
  .preprocess((value) => (value instanceof Types.ObjectId ? value.toHexString() : value), z.string().regex(/^[0-9a-fA-F]{24}$/, { error: 'field_invalid_id' satisfies MessageId }))
  .transform((value) => new Types.ObjectId(value));

/** A calendar date: a Date or an ISO string ("2025-07-01"). */
export const date = z.preprocess((value) => (typeof value === 'string' && value.trim() ? new Date(value) : value), z.date());

/** An optional e-mail address, lower-cased; `''` clears it. */
export const optionalEmail = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .refine((value) => value === '' || z.regexes.email.test(value), { error: 'email_invalid' satisfies MessageId })
  .optional();

/** An optional phone number: digits with an optional leading +, spaces and . - ( ) allowed. */
export const optionalPhone = z
  .string()
  .trim()
  .regex(/^$|^\+?[0-9][0-9 .()-]{5,19}$/, { error: 'phone_invalid' satisfies MessageId })
  .optional();
