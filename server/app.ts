/**
 * The express application, exported without listening so tests drive it over HTTP.
 * Order: request id + log → cookies → security headers → static files → session →
 * view locals → body parsers (size-limited) → routes → 404 → error handler.
 */
import compression from 'compression';
import path from 'node:path';
import cookieParser from 'cookie-parser';
import ejs from 'ejs';
import express from 'express';
import helmet from 'helmet';
import { sessionLoader } from './auth/session';
import type { Services } from './http/context';
import { errorHandler, notFoundHandler } from './http/errors';
import { requestLogger } from './http/logging';
import { publicEndpoint } from './http/route';
import { viewLocals } from './http/views';
import { loadAssets } from './http/assets';
import { serviceWorker } from './http/offline';
import { registerAuthRoutes } from './auth/routes';
import { registerHomeRoutes } from './home/routes';
import { registerUnitRoutes } from './units/routes';
import { registerOfficerRoutes } from './officers/routes';
import { registerImportRoutes } from './imports/routes';
import { registerRecoveryRoutes } from './auth/recovery-routes';
import { registerInvitationRoutes } from './auth/invitation-routes';
import { registerAdminRoutes } from './admin/routes';
import { registerPackageApiRoutes } from './packages/api-routes';
import { registerPackageRoutes } from './packages/routes';
import { registerContentRoutes } from './content/routes';
import { registerLearningRoutes } from './learning/routes';
import { registerLearningApiRoutes } from './learning/api-routes';
import { registerAuthoringRoutes } from './modules/authoring';
import { LESSON_FORM_MAX_MB } from './modules/lesson-body';
import { registerPlaybackRoutes } from './playback/routes';
import { registerPlaybackReportRoutes } from './playback/report-routes';
import { registerAccountRoutes } from './accounts/routes';
import { registerCampaignApiRoutes } from './campaigns/api-routes';
import { registerOverrideRoutes } from './campaigns/override-routes';
import { registerExemptionRoutes } from './campaigns/exemption-routes';
import { registerCampaignPageRoutes } from './campaigns/page-routes';
import { registerReportApiRoutes } from './reports/api-routes';
import { registerApiDocRoutes } from './apidocs/routes';
import { registerOpsEndpoints, requestTimer } from './metrics/routes';
import { registerDashboardRoutes } from './dashboards/routes';
import { registerReminderRoutes } from './reminders/routes';
import { registerReportPageRoutes } from './reports/page-routes';
import { registerProvinceReportRoutes } from './reports/province-routes';
import { registerCertificateRoutes } from './certificates/routes';
import { registerCertificateZipRoutes } from './certificates/zip-routes';
import { registerCertificateSettingsRoutes } from './certificates/settings-routes';
import { registerVerifyRoutes } from './certificates/verify-routes';

/** The repository root (this file runs from dist/server). */
export const ROOT_DIR = path.resolve(__dirname, '../..');

/** Every domain's routes, in one list: the router-walk test sees them all. */
export const routeModules = [registerAuthRoutes, registerHomeRoutes, registerUnitRoutes, registerImportRoutes, registerOfficerRoutes, registerRecoveryRoutes, registerInvitationRoutes, registerAdminRoutes, registerPackageApiRoutes, registerPackageRoutes, registerContentRoutes, registerLearningRoutes, registerLearningApiRoutes, registerAuthoringRoutes, registerPlaybackRoutes, registerPlaybackReportRoutes, registerAccountRoutes, registerCampaignApiRoutes, registerOverrideRoutes, registerExemptionRoutes, registerCampaignPageRoutes, registerProvinceReportRoutes, registerReportApiRoutes, registerDashboardRoutes, registerReminderRoutes, registerReportPageRoutes, registerCertificateZipRoutes, registerCertificateSettingsRoutes, registerCertificateRoutes, registerVerifyRoutes];

export function createApp(services: Services): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', services.config.TRUST_PROXY);
  const viewsDir = path.join(ROOT_DIR, 'views');
  app.set('views', viewsDir);
  // ejs itself, with the views folder as its root: an include written from the root
  // ('/partials/head') resolves without a file-system check, where ejs tests every relative
  // one with existsSync on each render (issue #16). The view cache follows the setting below.
  app.engine('ejs', (file: string, data: object, done: (err: Error | null, html?: string) => void) => {
    const settings = (data as { settings?: Record<string, unknown> }).settings;
    ejs.renderFile(file, data, { root: viewsDir, cache: settings?.['view cache'] === true }, done);
  });
  app.set('view engine', 'ejs');
  if (services.config.NODE_ENV === 'production') app.enable('view cache');

  app.use(requestTimer());
  app.use(requestLogger(services.log));
  app.use(cookieParser());
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
        },
      },
      strictTransportSecurity: services.config.PUBLIC_URL.startsWith('https:'),
    }),
  );
  // officers on slow mobile data: pages, scripts and styles go gzip- or brotli-compressed
  // (compressible types only; a few hundred bytes are not worth it)
  app.use(compression({ threshold: 1024 }));
  // content-hashed, immutable, precompressed static files; views name them with asset('/static/…')
  const assets = loadAssets(ROOT_DIR);
  app.locals['asset'] = assets.url;
  app.use('/static/h', assets.middleware);
  // the lesson editor (squire-rte's browser build), served from node_modules: no CDN
  app.use('/static/vendor', express.static(path.join(ROOT_DIR, 'node_modules', 'squire-rte', 'dist'), { index: false }));
  app.use('/static', express.static(path.join(ROOT_DIR, 'public'), { maxAge: services.config.NODE_ENV === 'production' ? '1d' : 0, index: false }));

  /** The installable app's service worker (its scope is the whole site, hence the root path). */
  app.get('/sw.js', publicEndpoint(serviceWorker(ROOT_DIR, assets)));
  /** The process is up. */
  app.get(
    '/healthz',
    publicEndpoint((_req, res) => {
      res.json({ status: 'ok' });
    }),
  );
  // /readyz (database, disk, mail) and /metrics (loopback or METRICS_TOKEN)
  registerOpsEndpoints(app, services);

  app.use(sessionLoader(services));
  app.use(viewLocals(services));
  // a lesson form may carry pasted images as data: URLs (stored as media on save): larger limit there only
  app.use(['/authoring/modules/:id/lessons', '/authoring/modules/:id/items/:key'], express.urlencoded({ extended: false, limit: `${LESSON_FORM_MAX_MB}mb`, parameterLimit: 200 }));
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 200 }));
  app.use(express.json({ limit: '100kb' }));

  const router = express.Router();
  for (const register of routeModules) register(router, services);
  app.use(router);
  // after every domain's routes: the API description is the walk of them
  registerApiDocRoutes(app, services);

  app.use(notFoundHandler);
  app.use(errorHandler(services.log));
  return app;
}
