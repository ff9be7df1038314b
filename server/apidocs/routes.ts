/**
 * The API description: GET /api/v1/openapi.json (machine-readable, OpenAPI 3.1) and
 * GET /api/docs (a server-rendered page, no script, no CDN: the CSP stays 'self').
 * Registered on the app after every domain's routes, since the document is the walk of them.
 */
import type express from 'express';
import type { Services } from '../http/context';
import { z } from 'zod';
import { publicEndpoint, ROUTE_SPEC, type DeclaredRoute } from '../http/route';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi';
import { presentOperations } from './presenters';

export function registerApiDocRoutes(app: express.Express, services: Services): void {
  // the routes do not change once the app is built: describe them once, on first request
  let document: OpenApiDocument | null = null;
  const describe = () => (document ??= buildOpenApiDocument(app, services.config.PUBLIC_URL));

  const openApiJson = publicEndpoint((_req: express.Request, res: express.Response) => {
    res.json(describe());
  });
  // a bare endpoint (no input to validate), declared by hand so the document describes itself too
  const declared: DeclaredRoute = {
    method: 'get',
    path: '/api/v1/openapi.json',
    access: 'public',
    doc: { summary: 'This document (OpenAPI 3.1)', response: z.looseObject({ openapi: z.string().regex(/^3\.1\./), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) }) },
  };
  Object.defineProperty(openApiJson, ROUTE_SPEC, { value: declared });
  app.get('/api/v1/openapi.json', openApiJson);
  app.get(
    '/api/docs',
    publicEndpoint((_req, res) => {
      res.render('apidocs/index', { title: 'api_docs_title', operations: presentOperations(describe()) });
    }),
  );
}
