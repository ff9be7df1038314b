/**
 * The OpenAPI 3.1 description of /api/v1, generated from the routes themselves: the walk
 * finds every route registered on the app, route() left its declaration (method, path,
 * access, zod input, optional doc) on the handler, and @asteasolutions/zod-to-openapi
 * turns the zod schemas into JSON Schema. A route nobody documented still appears with its
 * path, method, parameters and body; `doc` adds a summary, the answer's schema and error ids.
 */
import type express from 'express';
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { SESSION_COOKIE } from '../auth/session';
import { ROUTE_SPEC, type DeclaredRoute, type RouteDoc } from '../http/route';

export const API_PREFIX = '/api/v1/';

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean>; stack: Array<{ handle: unknown }> };
  handle?: { stack?: Layer[] };
}

/** One registered /api/v1 route: its method and path as express knows them, and route()'s declaration if it has one. */
export interface ApiRoute {
  method: string;
  path: string;
  declared: DeclaredRoute | null;
}

/** Every /api/v1 route registered on `app`, in registration order. */
export function apiRoutes(app: express.Express): ApiRoute[] {
  const found: ApiRoute[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const handlers = layer.route.stack.map((l) => l.handle as Record<symbol, unknown>);
        const declared = (handlers[handlers.length - 1]?.[ROUTE_SPEC] as DeclaredRoute | undefined) ?? null;
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) {
          if (!path.startsWith(API_PREFIX)) continue;
          for (const method of Object.keys(layer.route.methods)) if (method !== '_all') found.push({ method, path, declared });
        }
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found;
}

/** "/api/v1/units/:id" → "/api/v1/units/{id}" */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

const pathParams = (expressPath: string) => [...expressPath.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);

/** The error body every failure answers with (server/http/errors.ts). */
export const errorBodySchema = z.strictObject({
  error: z.strictObject({
    id: z.string(),
    message: z.string(),
    details: z.array(z.strictObject({ field: z.string(), id: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  }),
});

/** The zod object behind an input schema (through refinements kept in the object itself), or null when it is something else. */
function objectShape(schema: z.ZodType | undefined): Record<string, z.ZodType> | null {
  if (schema instanceof z.ZodObject) return schema.shape as Record<string, z.ZodType>;
  return null;
}

const subset = (shape: Record<string, z.ZodType>, keys: string[]) => z.object(Object.fromEntries(keys.map((k) => [k, shape[k]!])));

/** Splits route()'s merged input (params + query + body) by where each field comes from. */
function requestOf(route: ApiRoute): RouteConfig['request'] {
  const input = route.declared?.input;
  const names = pathParams(route.path);
  const shape = objectShape(input);
  const request: NonNullable<RouteConfig['request']> = {};
  if (!shape) {
    // an input that is not a plain object (a union, a pipe): params by name, the rest described whole
    if (names.length) request.params = z.object(Object.fromEntries(names.map((n) => [n, z.string()])));
    if (input) {
      if (route.method === 'get' || route.method === 'delete') request.query = input as z.ZodObject;
      else request.body = { content: { [route.declared?.doc?.multipart ? 'multipart/form-data' : 'application/json']: { schema: input } } };
    }
    return request;
  }
  const inPath = names.filter((n) => n in shape);
  const missing = names.filter((n) => !(n in shape));
  const params = { ...Object.fromEntries(missing.map((n) => [n, z.string()])), ...Object.fromEntries(inPath.map((n) => [n, shape[n]!])) };
  if (names.length) request.params = z.object(params);
  const rest = Object.keys(shape).filter((k) => !names.includes(k));
  if (rest.length) {
    if (route.method === 'get' || route.method === 'delete') request.query = subset(shape, rest);
    else request.body = { content: { [route.declared?.doc?.multipart ? 'multipart/form-data' : 'application/json']: { schema: subset(shape, rest) } }, required: true };
  }
  return request;
}

/** The error ids a route may answer with: the shared ones its declaration implies, then its own. */
function errorIds(route: ApiRoute): string[] {
  const declared = route.declared;
  return [...(declared?.input ? ['validation_failed'] : []), ...(declared?.access === 'signed-in' ? ['unauthenticated', 'forbidden'] : []), ...(declared && declared.method !== 'get' ? ['csrf_invalid'] : []), ...(declared?.doc?.errors ?? [])];
}

/** Where a success body is a file: a string of that content type (OpenAPI 3.1 describes binary content by its media type). */
const fileSchema = (type: string) => ({ type: 'string' as const, contentMediaType: type.split(';')[0]!.trim() });

/** Every success status the route declares (default 200). */
export function successStatuses(doc: RouteDoc | undefined): number[] {
  const status = doc?.status ?? 200;
  return Array.isArray(status) ? status : [status];
}

function responsesOf(route: ApiRoute): RouteConfig['responses'] {
  const doc = route.declared?.doc;
  const content = {
    ...(doc?.response ? { 'application/json': { schema: doc.response } } : {}),
    ...Object.fromEntries((doc?.download ?? []).map((type) => [type, { schema: fileSchema(type) }])),
  };
  const described = Object.keys(content).length > 0;
  const responses: RouteConfig['responses'] = {};
  for (const status of successStatuses(doc)) {
    // 204 has no body by definition; any other success without a schema says so, and the test fails on it
    responses[String(status)] = status === 204 || described ? { description: doc?.summary ?? 'OK', ...(status === 204 ? {} : { content }) } : { description: doc?.summary ?? 'OK (schema not documented yet)' };
  }
  for (const [status, answer] of Object.entries(doc?.answers ?? {})) responses[status] = { description: answer.description, content: { 'application/json': { schema: answer.schema } } };
  const ids = errorIds(route);
  responses['default'] = { description: ids.length ? `Error ids: ${ids.join(', ')}` : 'An error', content: { 'application/json': { schema: errorBodySchema } } };
  return responses;
}

/** The registry entry of one route; throws when zod-to-openapi cannot describe its schemas. */
function routeConfig(route: ApiRoute): RouteConfig {
  const declared = route.declared;
  const tag = route.path.slice(API_PREFIX.length).split('/')[0] ?? 'api';
  return {
    method: route.method as RouteConfig['method'],
    path: openApiPath(route.path),
    operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    tags: [tag],
    ...(declared?.doc?.summary ? { summary: declared.doc.summary } : {}),
    ...(declared?.doc?.description ? { description: declared.doc.description } : {}),
    ...(declared?.access === 'signed-in' ? { security: [{ bearer: [] }, { session: [] }] } : { security: [] }),
    'x-access': declared?.access ?? 'public',
    'x-error-ids': errorIds(route),
    request: requestOf(route),
    responses: responsesOf(route),
  };
}

/** The OpenAPI 3.1 document of every /api/v1 route on `app`. */
export function buildOpenApiDocument(app: express.Express, serverUrl: string) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'token from POST /api/v1/auth/login' });
  registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'browser session; writes also need the X-CSRF-Token header' });
  for (const route of apiRoutes(app)) {
    try {
      // generate alone first so one schema the generator cannot read does not take the document down
      const single = new OpenAPIRegistry();
      single.registerPath(routeConfig(route));
      new OpenApiGeneratorV31(single.definitions).generateDocument({ openapi: '3.1.0', info: { title: '', version: '' } });
      registry.registerPath(routeConfig(route));
    } catch {
      registry.registerPath({ ...routeConfig({ ...route, declared: route.declared ? { ...route.declared, input: undefined, doc: { ...route.declared.doc, response: undefined } } : null }), description: 'Input schema could not be described automatically.' });
    }
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Văn hóa công vụ — API',
      version: '1',
      description: 'JSON API of the platform. Sign in with POST /api/v1/auth/login for a Bearer token. Every failure answers {error: {id, message, details?, requestId}}; `id` is stable, `message` is in the caller\'s language.',
    },
    servers: [{ url: serverUrl }],
  });
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
