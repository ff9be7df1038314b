/**
 * Structured logs (pino, one JSON line per event) and a request id on every request:
 * taken from a well-formed X-Request-Id (set by a proxy) or made here, echoed in the
 * response and in every log line, and shown on error pages so a user can quote it.
 */
import type { NextFunction, Request, Response } from 'express';
import pino, { type Logger } from 'pino';
import { randomHex } from './random-pool';

export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'vhcv' }, redact: ['req.headers.cookie', 'req.headers.authorization'] });
}

export function requestLogger(log: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.get('x-request-id');
    const requestId = given && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : randomHex(8);
    res.locals['requestId'] = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const session = res.locals['session'] as { account?: { _id: unknown } } | null | undefined;
      // the path only: query strings can hold reset tokens
      log.info({ requestId, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10, user: session?.account?._id ?? null }, 'request');
    });
    next();
  };
}
