/**
 * The API description: GET /api/v1/openapi.json (machine-readable, OpenAPI 3.1) and
 * GET /api/docs (a server-rendered page, no script, no CDN: the CSP stays 'self').
 * Registered on the app after every domain's routes, since the document is the walk of them.
 */
import type express from 'express';
import type { Services } from '../http/context';
import { publicEndpoint } from '../http/route';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi';
import { presentOperations } from './presenters';

export function registerApiDocRoutes(app: express.Express, services: Services): void {
  // the routes do not change once the app is built: describe them once, on first request
  let document: OpenApiDocument | null = null;
  const describe = () => (document ??= buildOpenApiDocument(app, services.config.PUBLIC_URL));

  app.get(
    '/api/v1/openapi.json',
    publicEndpoint((_req, res) => {
      res.json(describe());
    }),
  );
  app.get(
    '/api/docs',
    publicEndpoint((_req, res) => {
      res.render('apidocs/index', { title: 'api_docs_title', operations: presentOperations(describe()) });
    }),
  );
}
