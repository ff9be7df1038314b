/**
 * Sign-in, sign-out and the signed-in account's own settings, for pages and the JSON API.
 * Failures never say whether the login or the password was wrong.
 */
import type { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { AppError } from '../errors';
import type { Services } from '../http/context';
import { route } from '../http/route';
import { LOCALE_COOKIE } from '../http/views';
import { z } from 'zod';
import { accountViewSchema, presentAccount } from '../users/presenters';
import { revokeAllSessions, setPassword } from '../users/service';
import { userModel } from '../users/model';
import { verifyPassword } from './passwords';
import { revokeSession } from './revocations';
import { apiLoginSchema, changePasswordSchema, languageSchema, loginSchema } from './schema';
import { clearCookieSession, startCookieSession } from './session';
import { signIn } from './sign-in';
import { signSession } from './tokens';

/** Per client address, on top of the per-login lockout: slows password spraying across many logins. */
export function signInRateLimit(perMinute: number) {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new AppError(429, 'too_many_requests')),
  });
}

export function registerAuthRoutes(router: Router, services: Services): void {
  const limiter = signInRateLimit(services.config.SIGN_IN_RATE_PER_MINUTE);
  const requestFacts = (ctx: { req: { ip?: string | undefined }; res: { locals: Record<string, unknown> } }) => ({
    ip: ctx.req.ip ?? null,
    requestId: (ctx.res.locals['requestId'] as string | undefined) ?? null,
  });

  route(router, services, {
    method: 'get',
    path: '/login',
    access: 'public',
    handle: async ({ req, res, session }) => {
      if (session) return res.redirect(303, '/');
      // after a password was set from an e-mailed link (server/auth/recovery-routes.ts)
      const notice = req.query['reset'] === '1' ? 'password_reset_done' : req.query['activated'] === '1' ? 'account_activated' : null;
      res.render('auth/login', { title: 'sign_in_title', login: '', next: typeof req.query['next'] === 'string' ? req.query['next'] : '', error: null, notice });
    },
  });

  route(router, services, {
    method: 'post',
    path: '/login',
    access: 'public',
    before: [limiter],
    input: loginSchema,
    invalid: async ({ res }) => {
      res.status(400).render('auth/login', { title: 'sign_in_title', login: '', next: '', error: 'sign_in_failed' });
    },
    handle: async (ctx) => {
      const { login, password, next } = ctx.input;
      const result = await signIn(services, login, password, requestFacts(ctx));
      if (!result.ok) {
        const error = result.reason === 'locked' ? 'sign_in_locked' : 'sign_in_failed';
        ctx.res.status(result.reason === 'locked' ? 429 : 401).render('auth/login', { title: 'sign_in_title', login, next: next ?? '', error });
        return;
      }
      startCookieSession(ctx.res, services, result.account);
      ctx.res.redirect(303, result.account.mustChangePassword ? '/password/change' : (next ?? '/'));
    },
  });

  route(router, services, {
    method: 'post',
    path: '/logout',
    access: 'signed-in',
    handle: async (ctx) => {
      ctx.authorize('account.self', { id: ctx.actor.id });
      await revokeSession(services.db, ctx.account._id, ctx.session.claims.jti, ctx.session.claims.exp);
      await ctx.audit({ action: 'auth.sign_out' });
      clearCookieSession(ctx.res, services);
      ctx.res.redirect(303, '/login');
    },
  });

  route(router, services, {
    method: 'post',
    path: '/logout-everywhere',
    access: 'signed-in',
    handle: async (ctx) => {
      ctx.authorize('account.self', { id: ctx.actor.id });
      await revokeAllSessions(services.db, ctx.account._id);
      await ctx.audit({ action: 'auth.sign_out_everywhere' });
      clearCookieSession(ctx.res, services);
      ctx.res.redirect(303, '/login');
    },
  });

  route(router, services, {
    method: 'get',
    path: '/password/change',
    access: 'signed-in',
    handle: async (ctx) => {
      ctx.authorize('account.self', { id: ctx.actor.id });
      ctx.res.render('auth/change-password', { title: 'password_change_title', problems: {}, error: null, forced: ctx.account.mustChangePassword });
    },
  });

  route(router, services, {
    method: 'post',
    path: '/password/change',
    access: 'signed-in',
    input: changePasswordSchema,
    invalid: async (ctx, problems) => {
      const account = (ctx as unknown as { account: { mustChangePassword: boolean } }).account;
      ctx.res.status(422).render('auth/change-password', { title: 'password_change_title', problems: Object.fromEntries(problems.map((p) => [p.field, p.id])), error: null, forced: account?.mustChangePassword ?? false });
    },
    handle: async (ctx) => {
      ctx.authorize('account.self', { id: ctx.actor.id });
      const { account } = ctx;
      const { currentPassword, newPassword, confirmPassword } = ctx.input;
      const render = (status: number, error: string | null, problems: Record<string, string> = {}) =>
        ctx.res.status(status).render('auth/change-password', { title: 'password_change_title', problems, error, forced: account.mustChangePassword });
      if (newPassword !== confirmPassword) return render(422, null, { confirmPassword: 'password_mismatch' });
      // a forced change right after an invitation or reset does not ask for the old password again
      if (!account.mustChangePassword && !(account.passwordHash && currentPassword && (await verifyPassword(currentPassword, account.passwordHash)))) {
        return render(422, null, { currentPassword: 'password_current_wrong' });
      }
      const updated = await setPassword(services.db, account._id, newPassword, services.config.BCRYPT_COST);
      await ctx.audit({ action: 'auth.password_changed', subject: { type: 'account', id: account._id } });
      // every other session ended with the version bump; this browser gets a fresh one
      startCookieSession(ctx.res, services, updated);
      ctx.res.redirect(303, '/?changed=1');
    },
  });

  route(router, services, {
    method: 'post',
    path: '/language',
    access: 'public',
    input: languageSchema,
    handle: async (ctx) => {
      ctx.res.cookie(LOCALE_COOKIE, ctx.input.locale, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 365 * 24 * 3600_000 });
      if (ctx.session) await userModel(services.db).updateOne({ _id: ctx.session.account._id }, { $set: { locale: ctx.input.locale } });
      ctx.res.redirect(303, ctx.input.next ?? '/');
    },
  });

  // ---- JSON API ----

  route(router, services, {
    method: 'post',
    path: '/api/v1/auth/login',
    access: 'public',
    before: [limiter],
    input: apiLoginSchema,
    doc: { summary: 'Sign in; answers a Bearer token', response: z.strictObject({ token: z.string(), expiresAt: z.string(), user: accountViewSchema }), errors: ['sign_in_failed', 'sign_in_locked'] },
    handle: async (ctx) => {
      const result = await signIn(services, ctx.input.login, ctx.input.password, requestFacts(ctx));
      if (!result.ok) throw new AppError(result.reason === 'locked' ? 429 : 401, result.reason === 'locked' ? 'sign_in_locked' : 'sign_in_failed');
      const { token, claims } = signSession({ id: result.account._id.toHexString(), tokenVersion: result.account.tokenVersion }, services.secret, services.config.SESSION_MINUTES);
      ctx.res.json({ token, expiresAt: new Date(claims.exp * 1000).toISOString(), user: presentAccount(result.account) });
    },
  });

  route(router, services, {
    method: 'post',
    path: '/api/v1/auth/logout',
    access: 'signed-in',
    doc: { summary: 'Sign out (revokes this token)', status: 204 },
    handle: async (ctx) => {
      ctx.authorize('account.self', { id: ctx.actor.id });
      await revokeSession(services.db, ctx.account._id, ctx.session.claims.jti, ctx.session.claims.exp);
      await ctx.audit({ action: 'auth.sign_out' });
      ctx.res.status(204).end();
    },
  });

  route(router, services, {
    method: 'get',
    path: '/api/v1/me',
    access: 'signed-in',
    doc: { summary: 'The signed-in account', response: z.strictObject({ user: accountViewSchema }) },
    handle: async (ctx) => {
      ctx.authorize('account.self', { id: ctx.actor.id });
      ctx.res.json({ user: presentAccount(ctx.account) });
    },
  });
}
