/**
 * Application errors: an HTTP status plus a stable message id from the catalogue
 * (server/i18n). Code never writes user-facing text; the error handler and views turn
 * `id` + `params` into Vietnamese or English with `t()`. Tests assert status and id.
 */
import type { MessageId } from './i18n';

/** One field-level problem: `field` is the input path ("email", "rows.3.code"), `id` what is wrong. */
export interface FieldProblem {
  field: string;
  id: MessageId;
}

export class AppError extends Error {
  readonly status: number;
  readonly id: MessageId;
  readonly params?: Record<string, unknown>;
  readonly details?: FieldProblem[];

  constructor(status: number, id: MessageId, params?: Record<string, unknown>, details?: FieldProblem[]) {
    // the id doubles as the developer-facing message: logs stay language-neutral
    super(id);
    this.name = 'AppError';
    this.status = status;
    this.id = id;
    if (params) this.params = params;
    if (details) this.details = details;
  }
}

/** 400: the request cannot be understood as given (e.g. merging a unit into itself). */
export function badRequest(id: MessageId, params?: Record<string, unknown>): AppError {
  return new AppError(400, id, params);
}

/** 404: the referenced record does not exist (or is outside the caller's reach). */
export function notFound(id: MessageId, params?: Record<string, unknown>): AppError {
  return new AppError(404, id, params);
}

/** 409: valid input that the current state of the data does not allow. */
export function conflict(id: MessageId, params?: Record<string, unknown>): AppError {
  return new AppError(409, id, params);
}

/** 422 'validation_failed': the input broke one or more field rules, listed in `details`. */
export function invalid(details: FieldProblem[]): AppError {
  return new AppError(422, 'validation_failed', undefined, details);
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/**
 * Maps the database's own failures to AppErrors in one place: a duplicate key (E11000)
 * becomes 409 'duplicate_value' naming the fields, a mongoose CastError (a malformed id)
 * 400 'invalid_id', a mongoose ValidationError 422 with one problem per path. Anything
 * else is returned unchanged (a 500 for the error handler).
 */
export function fromDatabaseError(error: unknown): unknown {
  if (isAppError(error) || typeof error !== 'object' || error === null) return error;
  const e = error as { code?: number; name?: string; keyPattern?: Record<string, unknown>; path?: string; errors?: Record<string, { kind?: string }> };
  if (e.code === 11000) return conflict('duplicate_value', { fields: Object.keys(e.keyPattern ?? {}).join(', ') });
  if (e.name === 'CastError') return badRequest('invalid_id', { field: e.path });
  if (e.name === 'ValidationError' && e.errors) {
    return invalid(Object.entries(e.errors).map(([field, problem]) => ({ field, id: problem.kind === 'required' ? 'field_required' : 'field_invalid_format' })));
  }
  return error;
}
