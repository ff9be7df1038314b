/**
 * The "forgot password" and "set password from a link" pages. Both are public: the
 * person cannot sign in, which is the point. The link page also completes invitations.
 * After a password is set the browser goes to the login page (not signed in directly):
 * the person proves the new password once and sees which login to use.
 */
import type { Response, Router } from 'express';
import type { FieldProblem } from '../errors';
import type { Services } from '../http/context';
import { route, type RouteContext } from '../http/route';
import { describeToken, RESET_MINUTES, requestPasswordReset, setPasswordWithToken, type RequestFacts, type TokenTarget } from './recovery';
import { forgotPasswordSchema, resetLinkSchema, resetPasswordSchema } from './recovery-schema';
import { signInRateLimit } from './routes';

const problemMap = (problems: FieldProblem[]) => Object.fromEntries(problems.map((p) => [p.field, p.id]));

const factsOf = (ctx: RouteContext<unknown>): RequestFacts => ({
  ip: ctx.req.ip ?? null,
  requestId: (ctx.res.locals['requestId'] as string | undefined) ?? null,
});

/** Pages holding a live token must not be kept by the browser or a proxy. */
const noStore = (res: Response) => res.set('Cache-Control', 'no-store');

function renderForm(res: Response, token: string, target: TokenTarget, status: number, problems: Record<string, string> = {}) {
  noStore(res);
  res.status(status).render('auth/reset-password', { title: target.purpose === 'invite' ? 'reset_invite_title' : 'reset_title', token, target, problems });
}

function renderLinkInvalid(res: Response) {
  noStore(res);
  // 410: the link existed once (or never did — the page does not say which)
  res.status(410).render('auth/reset-link-invalid', { title: 'reset_link_invalid_title' });
}

export function registerRecoveryRoutes(router: Router, services: Services): void {
  const perMinute = services.config.SIGN_IN_RATE_PER_MINUTE;
  // lower than sign-in (120 → 10): nobody needs more than a few reset e-mails a minute
  const forgotLimiter = signInRateLimit(Math.ceil(perMinute / 12));
  // tokens are 256 random bits, so this only caps load, not guessing
  const resetLimiter = signInRateLimit(Math.ceil(perMinute / 4));

  route(router, services, {
    method: 'get',
    path: '/password/forgot',
    access: 'public',
    handle: async ({ res }) => {
      res.render('auth/forgot-password', { title: 'forgot_title', login: '', problems: {} });
    },
  });

  route(router, services, {
    method: 'post',
    path: '/password/forgot',
    access: 'public',
    before: [forgotLimiter],
    input: forgotPasswordSchema,
    invalid: async ({ res }, problems) => {
      res.status(422).render('auth/forgot-password', { title: 'forgot_title', login: '', problems: problemMap(problems) });
    },
    handle: async (ctx) => {
      const facts = factsOf(ctx);
      // answered at once and identically for every login: the lookup and the SMTP exchange
      // run after the response, so neither the page nor its timing says whether an account exists
      requestPasswordReset(services, ctx.input.login, facts).catch((error: unknown) => services.log.error({ err: error, requestId: facts.requestId }, 'password reset request failed'));
      ctx.res.render('auth/forgot-password-sent', { title: 'forgot_sent_title', minutes: RESET_MINUTES });
    },
  });

  route(router, services, {
    method: 'get',
    path: '/password/reset',
    access: 'public',
    input: resetLinkSchema,
    handle: async ({ res, input }) => {
      // only looks: e-mail scanners that open links must not use them up
      const target = input.token ? await describeToken(services, input.token) : null;
      if (!input.token || !target) return renderLinkInvalid(res);
      renderForm(res, input.token, target, 200);
    },
  });

  route(router, services, {
    method: 'post',
    path: '/password/reset',
    access: 'public',
    before: [resetLimiter],
    input: resetPasswordSchema,
    invalid: async ({ req, res }, problems) => {
      const token = (req.body as Record<string, unknown> | undefined)?.['token'];
      const target = typeof token === 'string' ? await describeToken(services, token) : null;
      if (typeof token !== 'string' || !target) return renderLinkInvalid(res);
      renderForm(res, token, target, 422, problemMap(problems));
    },
    handle: async (ctx) => {
      const { token, newPassword, confirmPassword } = ctx.input;
      if (!token) return renderLinkInvalid(ctx.res);
      if (newPassword !== confirmPassword) {
        const target = await describeToken(services, token);
        return target ? renderForm(ctx.res, token, target, 422, { confirmPassword: 'password_mismatch' }) : renderLinkInvalid(ctx.res);
      }
      const result = await setPasswordWithToken(services, token, newPassword, factsOf(ctx));
      if (!result) return renderLinkInvalid(ctx.res);
      ctx.res.redirect(303, result.purpose === 'invite' ? '/login?activated=1' : '/login?reset=1');
    },
  });
}
