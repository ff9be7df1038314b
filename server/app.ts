/**
 * The express application, exported without listening so tests drive it over HTTP.
 * For now: liveness and readiness; the platform's routes arrive with issue #3.
 */
import express from 'express';
import type mongoose from 'mongoose';
import { databaseReachable } from './db/connect';

export function createApp(deps: { connection: mongoose.Connection }): express.Express {
  const app = express();
  app.disable('x-powered-by');
  /** The process is up. */
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  /** The database answers: the instance can take traffic. */
  app.get('/readyz', async (_req, res) => {
    const ok = await databaseReachable(deps.connection);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'database unreachable' });
  });
  return app;
}
