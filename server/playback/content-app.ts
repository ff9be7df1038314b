/**
 * The content origin (CONTENT_ORIGIN): a second express app, on its own listener and
 * host, that serves package files and their players. It has no session, no cookies, no
 * CSRF and no platform routes: whatever a package runs here can reach nothing of the
 * platform — the session cookie belongs to another host. Every request is authorized by
 * the playback token in its path (tokens.ts).
 *
 *   GET  /play/<token>           the player page of one opening (SCORM: scorm-again)
 *   GET  /p/<token>/<path>       a file of the package the token names
 *   POST /commit/<token>         a SCORM commit (JSON, or text/plain JSON from sendBeacon)
 *   POST /xapi/<token>           an H5P xAPI statement and / or the content's state
 *   GET  /player/…               the player's own scripts (public/player, scorm-again's two bundles, h5p-standalone's dist)
 *
 * Headers: every response first gets a strict CSP (strictPolicy(): nothing loads, no form,
 * no framing, a sandbox with an opaque origin), so that a 404, an error or a file under
 * /player/ is never a page that package code can open and script to post a form to the
 * platform (issue #10, finding 2). Only the player page and package files replace it with
 * a looser one (packages need inline and eval'd scripts; media, fonts and embeds from
 * CONTENT_TRUSTED_MEDIA_HOSTS), whose form-action and connect-src still name this origin
 * only; framing allowed only by the platform origin (and by this origin, for the SCO
 * inside the player), nosniff, no referrer (the token never leaks to a linked site), no
 * opener policy (popup SCOs).
 */
import compression from 'compression';
import fs from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Services } from '../http/context';
import { ROOT_DIR } from '../app';
import { commitHandler, xapiHandler } from './commit';
import { sendPackageFile } from './files';
import { playerPage } from './player';
import { playerAssets } from './player-assets';

/** The playback token in a content path, replaced in logs: a log line must not replay a learner's attempt. */
export const redactToken = (urlPath: string) => urlPath.replace(/^\/(p|play|commit|xapi)\/[^/]+/, '/$1/…');

/** One log line per request, like the platform's (server/http/logging.ts), with the token taken out of the path. */
function contentRequestLogger(log: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.info({ origin: 'content', method: req.method, path: redactToken(req.path), status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  };
}

/**
 * `trusted`: CONTENT_TRUSTED_MEDIA_HOSTS, the hosts the province allows packages to load
 * media, fonts, styles, scripts and embedded players (YouTube) from; empty by default.
 */
function contentSecurityPolicy(platformOrigin: string, framing: string[], trusted: readonly string[]) {
  return helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      // authoring tools (Articulate, iSpring, Captivate, H5P) emit inline and eval'd scripts
      scriptSrc: ["'self'", "'unsafe-inline'", "'unsafe-eval'", ...trusted],
      styleSrc: ["'self'", "'unsafe-inline'", ...trusted],
      imgSrc: ["'self'", 'data:', 'blob:', ...trusted],
      mediaSrc: ["'self'", 'data:', 'blob:', ...trusted],
      fontSrc: ["'self'", 'data:', ...trusted],
      // commits go to this origin only: a package cannot post results elsewhere
      connectSrc: ["'self'"],
      frameSrc: ["'self'", ...trusted],
      workerSrc: ["'self'", 'blob:'],
      formAction: ["'self'"],
      frameAncestors: framing.map((f) => (f === 'platform' ? platformOrigin : f)),
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
    },
  });
}

/**
 * The content origin's default policy, on every response that does not replace it: an
 * inert document (its own stylesheets only, for the player's messages), in a sandbox with
 * an opaque origin, so package code cannot script it, and with no form.
 */
export function strictPolicy(frameAncestors = "'none'"): string {
  return `default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors ${frameAncestors}; sandbox`;
}

function setStrictPolicy(res: Response, frameAncestors?: string): void {
  res.setHeader('Content-Security-Policy', strictPolicy(frameAncestors));
}

/**
 * The looser policy of the player page or of package files, for successful answers only:
 * a refusal (expired token, missing file) goes back to the strict policy, keeping the
 * route's framing so that the message still shows inside the platform's frame.
 */
function routePolicy(platformOrigin: string, framing: string[], trusted: readonly string[]) {
  const looser = contentSecurityPolicy(platformOrigin, framing, trusted);
  const ancestors = framing.map((f) => (f === 'platform' ? platformOrigin : f)).join(' ');
  return (req: Request, res: Response, next: NextFunction) => {
    looser(req, res, (error?: unknown) => {
      if (error) return next(error);
      const writeHead = res.writeHead;
      // every answer goes through writeHead (express's send and sendFile included)
      res.writeHead = function (this: Response, status: number, ...rest: unknown[]) {
        if (status >= 400) setStrictPolicy(this, ancestors);
        return (writeHead as (...args: unknown[]) => Response).apply(this, [status, ...rest]);
      } as typeof res.writeHead;
      next();
    });
  };
}

export function createContentApp(services: Services): express.Express {
  const { config } = services;
  const platformOrigin = new URL(config.PUBLIC_URL).origin;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  app.use(contentRequestLogger(services.log));
  // the players (scorm-again, h5p-standalone) and package scripts are large: compressed for slow mobile data
  app.use(compression({ threshold: 1024 }));
  app.use((_req: Request, res: Response, next: NextFunction) => {
    setStrictPolicy(res);
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: false,
      // the platform page frames the player: X-Frame-Options cannot name another origin, CSP frame-ancestors does
      frameguard: false,
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: config.CONTENT_ORIGIN.startsWith('https:'),
      crossOriginResourcePolicy: { policy: 'same-origin' },
      // a package that opens its course in a new window (Storyline's "launch in a new
      // window") finds the LMS through window.opener: a Cross-Origin-Opener-Policy here
      // would sever it. This origin holds no session, so an opener has nothing to take.
      crossOriginOpenerPolicy: false,
    }),
  );

  const maxAge = config.NODE_ENV === 'production' ? '1d' : 0;
  // the players' scripts under content-hashed URLs, immutable and precompressed (the player pages name these)
  app.use('/player/h', playerAssets().middleware);
  // scorm-again's two browser bundles, and nothing else of node_modules
  const scormAgain = path.join(ROOT_DIR, 'node_modules', 'scorm-again', 'dist');
  for (const file of ['scorm12.min.js', 'scorm2004.min.js']) {
    app.get(`/player/scorm-again/${file}`, (_req, res, next) => res.sendFile(file, { root: scormAgain, maxAge }, (e) => e && next(e)));
  }
  // h5p-standalone runs H5P in a frame of its own, which has no script of ours: its frame
  // script is served with the storage stand-in in front (see public/player/storage-shim.js)
  let frameScript: string | null = null;
  app.get('/player/h5p-frame.js', (_req, res, next) => {
    try {
      frameScript ??= [path.join(ROOT_DIR, 'public', 'player', 'storage-shim.js'), path.join(ROOT_DIR, 'node_modules', 'h5p-standalone', 'dist', 'frame.bundle.js')].map((file) => fs.readFileSync(file, 'utf8')).join(';\n');
      res.type('application/javascript').setHeader('Cache-Control', config.NODE_ENV === 'production' ? 'public, max-age=86400' : 'no-cache');
      res.send(frameScript);
    } catch (error) {
      next(error);
    }
  });
  // h5p-standalone's whole dist (its frame script, styles, fonts, images)
  app.use('/player/h5p', express.static(path.join(ROOT_DIR, 'node_modules', 'h5p-standalone', 'dist'), { index: false, maxAge }));
  app.use('/player', express.static(path.join(ROOT_DIR, 'public', 'player'), { index: false, maxAge }));

  // the player page may be framed only by the platform; package files by the player (this origin) inside the platform
  const trusted = config.CONTENT_TRUSTED_MEDIA_HOSTS;
  app.get('/play/:token', routePolicy(platformOrigin, ['platform'], trusted), playerPage(services));
  app.get('/p/:token/*path', routePolicy(platformOrigin, ["'self'", 'platform'], trusted), sendPackageFile(services));
  app.post(
    '/commit/:token',
    express.json({ type: 'application/json', limit: '1mb' }),
    // sendBeacon on LMSFinish / Terminate sends the same JSON as text/plain (no preflight)
    express.text({ type: 'text/plain', limit: '1mb' }),
    commitHandler(services),
  );
  app.post('/xapi/:token', express.json({ type: 'application/json', limit: '1mb' }), express.text({ type: 'text/plain', limit: '1mb' }), xapiHandler(services));

  app.use((_req: Request, res: Response) => {
    setStrictPolicy(res);
    res.status(404).type('text/plain').send('Không tìm thấy / not found');
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    // a route may have set its looser policy before failing
    if (!res.headersSent) setStrictPolicy(res);
    const status = (error as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).type('text/plain').send('Yêu cầu không hợp lệ / bad request');
      return;
    }
    services.log.error({ err: error, path: redactToken(req.path) }, 'content origin error');
    if (!res.headersSent) res.status(500).type('text/plain').send('Lỗi máy chủ / server error');
  });
  return app;
}
