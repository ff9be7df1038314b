/**
 * Who may read /metrics: a scraper on this machine talking to the app directly, or anyone
 * presenting METRICS_TOKEN as a Bearer token. A request that came through a reverse proxy
 * is never "local", even though its socket is loopback (nginx on the same host): the proxy
 * says so with X-Forwarded-For / Forwarded / X-Real-IP, and express's TRUST_PROXY view of
 * the client address (req.ip) must be loopback too.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

function proxied(req: Request): boolean {
  return req.headers['x-forwarded-for'] !== undefined || req.headers['forwarded'] !== undefined || req.headers['x-real-ip'] !== undefined;
}

function tokenMatches(req: Request, token: string | undefined): boolean {
  if (!token) return false;
  const header = req.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** True when `req` may read the metrics (see the module comment). */
export function mayReadMetrics(req: Request, token: string | undefined): boolean {
  if (tokenMatches(req, token)) return true;
  const socket = req.socket.remoteAddress ?? '';
  return LOOPBACK.test(socket) && !proxied(req) && LOOPBACK.test(req.ip ?? '');
}
