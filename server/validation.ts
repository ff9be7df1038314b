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

/**
 * Characters no person types into a name or a title (issue #10, finding 8): C0 controls
 * other than tab, line feed and carriage return (NUL, ESC…), DEL, C1 controls, and the
 * bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) that make
 * "Nguyễn‮nav" display reversed in every list, export and audit line it reaches.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_OR_BIDI = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

/** True when `value` holds no control character and no bidi override (see CONTROL_OR_BIDI). */
export function isCleanText(value: string): boolean {
  return !CONTROL_OR_BIDI.test(value);
}

/** The one helper for human-entered text: a string refusing control characters and bidi overrides ('text_control_chars'). */
export const humanString = () => z.string().refine(isCleanText, { error: 'text_control_chars' satisfies MessageId });

/** Free text: trimmed, Unicode NFC (so "Nguyễn" typed on any keyboard compares equal), no controls or bidi overrides. */
export const text = (max: number) => humanString().trim().normalize('NFC').min(1).max(max);

/** Optional free text: `undefined` = not given, `''` (after trimming) = clear the value. */
export const optionalText = (max: number) => humanString().trim().normalize('NFC').max(max).optional();

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

/** The dates the platform accepts: nothing before 1900 (no officer record is older) or after 2100. */
export const DATE_MIN = new Date(Date.UTC(1900, 0, 1));
export const DATE_MAX = new Date(Date.UTC(2100, 11, 31, 23, 59, 59, 999));

/** True when year-month-day names a day of the calendar (31/02 does not; JavaScript would roll it into March). */
function realDay(year: number, month: number, day: number): boolean {
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

/** A string as a Date: ISO ("2025-07-01", with or without a time) or Vietnamese dd/mm/yyyy; an impossible day is an invalid Date. */
function toDate(value: string): Date {
  const typed = value.trim();
  const vietnamese = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(typed);
  if (vietnamese) {
    const [day, month, year] = [Number(vietnamese[1]), Number(vietnamese[2]), Number(vietnamese[3])];
    return realDay(year, month, day) ? new Date(Date.UTC(year, month - 1, day)) : new Date(NaN);
  }
  const iso = /^([+-]?\d{4,6})-(\d{2})-(\d{2})/.exec(typed);
  if (iso && !realDay(Number(iso[1]), Number(iso[2]), Number(iso[3]))) return new Date(NaN);
  return new Date(typed);
}

/**
 * A calendar date: a Date, an ISO string ("2025-07-01") or dd/mm/yyyy; impossible days
 * (31/02) and dates outside DATE_MIN…DATE_MAX ("+275760-09-13") are refused.
 */
export const date = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() ? toDate(value) : value),
  z.date().min(DATE_MIN, { error: 'date_out_of_range' satisfies MessageId }).max(DATE_MAX, { error: 'date_out_of_range' satisfies MessageId }),
);

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
