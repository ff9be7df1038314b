/**
 * Infrastructure endpoints: /metrics (Prometheus text format; loopback or METRICS_TOKEN),
 * /readyz (200 / 503 with each check) and the request-duration middleware.
 */
import type express from 'express';
import type { RequestHandler } from 'express';
import { AppError } from '../errors';
import type { Services } from '../http/context';
import { publicEndpoint } from '../http/route';
import { mayReadMetrics } from './access';
import { collectDatabaseFigures } from './collect';
import { readiness } from './readiness';
import { httpDuration, registry } from './registry';

/** Times every request; labels it with the route pattern express matched (never the raw URL, which would explode the label set). */
export function requestTimer(): RequestHandler {
  return (req, res, next) => {
    const end = httpDuration.startTimer();
    res.once('finish', () => {
      const pattern = (req.route as { path?: string } | undefined)?.path;
      const route = typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : req.originalUrl.startsWith('/static/') ? '/static' : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

export function registerOpsEndpoints(app: express.Express, services: Services): void {
  app.get(
    '/metrics',
    publicEndpoint((req, res, next) => {
      if (!mayReadMetrics(req, services.config.METRICS_TOKEN)) return next(new AppError(403, 'metrics_forbidden'));
      collectDatabaseFigures(services.db)
        .then(() => registry.metrics())
        .then((text) => {
          res.type(registry.contentType).send(text);
        }, next);
    }),
  );
  app.get(
    '/readyz',
    publicEndpoint((_req, res, next) => {
      readiness(services.db, services.config, services.config.SMTP_URL ? 'smtp' : 'outbox').then(({ ready, checks }) => {
        // status: 'ready' or the first failing check's reason (what an operator reads first)
        const failing = Object.values(checks).find((value) => value !== 'ok');
        res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : failing, checks });
      }, next);
    }),
  );
}
