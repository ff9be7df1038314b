/**
 * Every route is declared through `route()`, and reads the same way:
 * session → (rate limit, upload) → CSRF → validate(input) → handler, where the handler loads,
 * authorizes, runs a command, presents and renders. A route is either `public` or
 * `signed-in`; a signed-in handler that finishes without calling `authorize()` is a bug
 * and answers 500, and a test walks the router so that no route escapes this helper.
 */
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { AppError, type FieldProblem } from '../errors';
import { t, type Locale, type MessageId } from '../i18n';
import { authorize as policyAuthorize, type Action, type Actor, type SubjectOf } from '../policies';
import { recordAudit, type AuditEntry } from '../audit/service';
import { actorOf, SESSION_COOKIE, type Session } from '../auth/session';
import type { User } from '../users/model';
import { check } from '../validation';
import type { Services } from './context';
import { csrfValid } from './csrf';

export type Access = 'public' | 'signed-in';
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Marks handlers made by route(); the router-walk test looks for it. */
export const ROUTE_ACCESS = Symbol('routeAccess');
/** The declaration a route() handler was made from (method, path, input, doc): the API description reads it. */
export const ROUTE_SPEC = Symbol('routeSpec');

/**
 * Optional description of a route for the API document (/api/v1/openapi.json, docs/api.md).
 * A route without it is still described: path, method, access and its input schema.
 */
export interface RouteDoc {
  summary?: string;
  description?: string;
  /** the success body's schema; tests check real answers against it */
  response?: z.ZodType;
  /** the success status (default 200); several when the route answers one or the other (e.g. 201 created, 200 already there) */
  status?: number | number[];
  /** the success body is a file of one of these content types (XLSX, CSV, PDF, DOCX, ZIP…), besides or instead of `response` */
  download?: string[];
  /** other non-error answers and their bodies, by status (e.g. a 404 that is not the error envelope) */
  answers?: Record<number, { description: string; schema: z.ZodType }>;
  /** stable error ids the route may answer with (besides validation_failed, unauthenticated, forbidden) */
  errors?: MessageId[];
  /** the body is multipart/form-data (an upload in field `file`) instead of JSON */
  multipart?: boolean;
}

/** What route() keeps on its handler for the API description. */
export interface DeclaredRoute {
  method: Method;
  path: string;
  access: Access;
  input?: z.ZodType;
  doc?: RouteDoc;
}

export interface RouteContext<I> {
  req: Request;
  res: Response;
  services: Services;
  input: I;
  locale: Locale;
  t: (id: MessageId, params?: Record<string, unknown>) => string;
  session: Session | null;
  /** Authorizes through the policy module (throws 403) and records that the route did. */
  authorize<A extends Action>(action: A, subject: SubjectOf<A>): void;
  /** Appends to the audit log, with the acting account, client address and request id. */
  audit(entry: Omit<AuditEntry, 'actor' | 'ip' | 'requestId'>): Promise<void>;
}

/** For signed-in routes the session and actor are always there. */
export interface SignedInContext<I> extends RouteContext<I> {
  session: Session;
  account: User;
  actor: Actor;
}

interface RouteSpec<S extends z.ZodType, A extends Access> {
  method: Method;
  path: string;
  access: A;
  /** the request's params, query and body (merged, params last) must match this */
  input?: S;
  /** middleware before the handler: rate limits, multipart parsing (multer) so the CSRF check can read the body */
  before?: RequestHandler[];
  /** pages with forms: re-render with the field problems instead of an error page */
  invalid?: (ctx: RouteContext<unknown>, problems: FieldProblem[]) => Promise<void>;
  /** for the API description (optional) */
  doc?: RouteDoc;
  handle: (ctx: A extends 'signed-in' ? SignedInContext<z.output<S>> : RouteContext<z.output<S>>) => Promise<unknown>;
}

const UNSAFE = new Set(['post', 'put', 'patch', 'delete']);

/** Registers one route on `router`. */
export function route<S extends z.ZodType = z.ZodType<Record<string, never>>, A extends Access = Access>(router: Router, services: Services, spec: RouteSpec<S, A>): void {
  const handler = async (req: Request, res: Response) => {
    const session = (res.locals['session'] as Session | null) ?? null;
    const locale = res.locals['locale'] as Locale;
    let authorized = spec.access === 'public';
    const actor = session ? actorOf(session.account) : null;
    const ctx: RouteContext<unknown> & { account?: User; actor?: Actor } = {
      req,
      res,
      services,
      input: undefined,
      locale,
      t: (id, params) => t(locale, id, params),
      session,
      authorize: <A extends Action>(action: A, subject: SubjectOf<A>) => {
        if (!actor) throw new AppError(401, 'unauthenticated');
        policyAuthorize(actor, action, subject);
        authorized = true;
      },
      audit: (entry) =>
        recordAudit(services.db, {
          ...entry,
          actor: session ? { id: session.account._id, name: session.account.displayName } : null,
          ip: req.ip ?? null,
          requestId: (res.locals['requestId'] as string | undefined) ?? null,
        }),
    };
    if (spec.access === 'signed-in') {
      if (!session || !actor) throw new AppError(401, 'unauthenticated');
      Object.assign(ctx, { account: session.account, actor });
    }
    // A browser request rides on cookies, so every write must prove it came from our own
    // form. API calls without a session cookie (a script signing in, or using a Bearer
    // token) carry no ambient credential for another site to abuse.
    const riding = session ? session.via === 'cookie' : !spec.path.startsWith('/api/') || req.cookies?.[SESSION_COOKIE] !== undefined;
    if (UNSAFE.has(spec.method) && riding && !csrfValid(req, services.secret, session?.claims.jti ?? '')) throw new AppError(403, 'csrf_invalid');
    if (spec.input) {
      const { _csrf: _ignored, ...body } = (req.body ?? {}) as Record<string, unknown>;
      const result = check(spec.input, { ...body, ...(req.query as object), ...req.params });
      if (!result.ok) {
        if (spec.invalid) return spec.invalid(ctx, result.problems);
        throw new AppError(422, 'validation_failed', undefined, result.problems);
      }
      ctx.input = result.value;
    } else {
      ctx.input = {};
    }
    await spec.handle(ctx as never);
    if (!authorized) throw new Error(`route ${spec.method.toUpperCase()} ${spec.path} finished without authorize()`);
  };
  const wrapped = (req: Request, res: Response, next: NextFunction) => {
    handler(req, res).catch(next);
  };
  Object.defineProperty(wrapped, ROUTE_ACCESS, { value: spec.access });
  const declared: DeclaredRoute = { method: spec.method, path: spec.path, access: spec.access, input: spec.input, doc: spec.doc };
  Object.defineProperty(wrapped, ROUTE_SPEC, { value: declared });
  // signed-in routes turn strangers away before any `before` work (an upload is not even read)
  const gate: RequestHandler = (_req, res, next) => next(spec.access === 'signed-in' && !res.locals['session'] ? new AppError(401, 'unauthenticated') : undefined);
  const stack: RequestHandler[] = [gate, ...(spec.before ?? []), wrapped];
  router[spec.method](spec.path, ...stack);
}

/** Marks a bare express handler as public (infrastructure endpoints that need no session, such as /healthz). */
export function publicEndpoint<T extends RequestHandler>(handler: T): T {
  Object.defineProperty(handler, ROUTE_ACCESS, { value: 'public' });
  return handler;
}
