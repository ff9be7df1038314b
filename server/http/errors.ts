/**
 * One place turns failures into responses: AppErrors keep their status and id, body
 * parser and upload failures become 400 / 413, database failures are mapped by
 * fromDatabaseError, anything else is a 500 that is logged with the request id and
 * never shows a stack to the user. API paths answer JSON `{error: {id, message}}`,
 * pages render views/errors/error.ejs (401 on a page sends the browser to sign in).
 */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { AppError, fromDatabaseError, isAppError } from '../errors';
import { t, type Locale } from '../i18n';

function toAppError(error: unknown): AppError | null {
  const mapped = fromDatabaseError(error);
  if (isAppError(mapped)) return mapped;
  const e = error as { type?: string; status?: number; code?: string; name?: string };
  if (e?.type === 'entity.too.large' || e?.code === 'LIMIT_FILE_SIZE') return new AppError(413, 'payload_too_large');
  if (e?.type === 'entity.parse.failed') return new AppError(400, 'malformed_body');
  if (e?.name === 'MulterError') return new AppError(400, 'upload_invalid');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new AppError(e.status, 'bad_request');
  return null;
}

export const isApiRequest = (req: Request) => req.path.startsWith('/api/');

export function notFoundHandler(_req: Request, _res: Response, next: NextFunction) {
  next(new AppError(404, 'page_not_found'));
}

export function errorHandler(log: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const appError = toAppError(error);
    const requestId = res.locals['requestId'] as string | undefined;
    if (!appError) log.error({ err: error, requestId, path: req.path }, 'unhandled error');
    if (res.headersSent) return;
    const status = appError?.status ?? 500;
    const id = appError?.id ?? 'server_error';
    const locale = (res.locals['locale'] as Locale | undefined) ?? 'vi';
    const message = t(locale, id, appError?.params);
    const details = appError?.details?.map((d) => ({ field: d.field, id: d.id, message: t(locale, d.id) }));
    if (isApiRequest(req)) {
      res.status(status).json({ error: { id, message, ...(details ? { details } : {}), requestId } });
      return;
    }
    if (status === 401) {
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl.slice(0, 200))}`);
      return;
    }
    res.status(status);
    // error pages must render even if the view layer itself failed
    res.render('errors/error', { status, id, message, details: details ?? [], requestId }, (renderError, html) => {
      if (renderError) {
        log.error({ err: renderError, requestId }, 'error page failed to render');
        res.type('text/plain').send(`${status} ${message}`);
      } else res.send(html);
    });
  };
}
