/**
 * Page forms that fail: what the page shows again (the values typed, a Vietnamese
 * message beside each field, or an alert for a refusal that is about the data rather
 * than one field). Shared by the unit and officer pages.
 */
import { isAppError, type FieldProblem } from '../errors';
import type { MessageId } from '../i18n';
import type { RouteContext } from '../http/route';
import { actorOf } from '../auth/session';
import type { Actor } from '../policies';
import { vietnamClock } from '../progress/year';

export interface FormAlert {
  id: MessageId;
  params?: Record<string, unknown>;
}

export interface FormState<F extends string = string> {
  /** which form on the page the state belongs to */
  form: F | null;
  problems: Record<string, MessageId>;
  /** what the user typed, to fill the form again */
  values: Record<string, string>;
  alert: FormAlert | null;
  /** parameters of the field messages (a date outside "năm {year}") */
  params?: Record<string, unknown>;
}

export function emptyForm<F extends string>(): FormState<F> {
  return { form: null, problems: {}, values: {}, alert: null };
}

/** Problems by field, the first per field (the one to fix first). */
export function problemsByField(problems: readonly FieldProblem[]): Record<string, MessageId> {
  const byField: Record<string, MessageId> = {};
  for (const problem of problems) byField[problem.field] ??= problem.id;
  return byField;
}

/** The string fields of a posted form (never the CSRF token), to put back into the inputs. */
export function typedValues(body: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (typeof body !== 'object' || body === null) return values;
  for (const [key, value] of Object.entries(body)) if (key !== '_csrf' && typeof value === 'string') values[key] = value;
  return values;
}

/** Statuses of refusals a user can act on from the form; anything else goes to the error page. */
const SHOWN_ON_FORM = new Set([400, 409, 422]);

/**
 * The form state for `error` when the form should show it (a 400 / 409 / 422 AppError:
 * a move into its own subtree, a taken code, a field rule), or null to let it through.
 */
export function refusalState<F extends string>(error: unknown, form: F, body: unknown): FormState<F> | null {
  if (!isAppError(error) || !SHOWN_ON_FORM.has(error.status)) return null;
  const problems = error.details ? problemsByField(error.details) : {};
  const alert = error.details ? null : { id: error.id, ...(error.params ? { params: error.params } : {}) };
  return { form, problems, values: typedValues(body), alert, ...(error.details && error.params ? { params: error.params } : {}) };
}

/** The signed-in actor of a context (the `invalid` hook of route() gets the untyped context). */
export function actorOfContext(ctx: RouteContext<unknown>): Actor {
  if (!ctx.session) throw new Error('a signed-in route ran without a session');
  return actorOf(ctx.session.account);
}

/** Today in Vietnam as yyyy-mm-dd, the default of date inputs (UTC+7 all year: arithmetic, not Intl — see server/progress/year.ts). */
export function todayInVietnam(now = new Date()): string {
  return vietnamClock(now).day;
}
