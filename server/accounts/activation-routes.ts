/**
 * Activation sheets and the activation page. A coordinator opens a unit's sheet page
 * (how many officers would get a code), prints the sheet (the codes are shown this once,
 * then only their hashes remain), or asks the API for the codes; an officer types their
 * mã cán bộ and code at /activate and chooses a password. The activation page is public
 * (the person cannot sign in yet) and rate-limited like sign-in.
 */
import type { Response, Router } from 'express';
import type { FieldProblem } from '../errors';
import type { Services } from '../http/context';
import { route, type RouteContext, type SignedInContext } from '../http/route';
import { signInRateLimit } from '../auth/routes';
import type { RequestFacts } from '../auth/recovery';
import { conflict } from '../errors';
import { findUnitOr404, skipUnlessObjectId, unitRef } from '../units/scope';
import type { Unit } from '../units/model';
import { activateAccount, generateActivationSheet, previewActivationSheet, type ActivationSheet } from './activation';
import { activateForm, activationSheetParam } from './schema';
import { activationSheetAnswer } from './response-schemas';

const factsOf = (ctx: RouteContext<unknown>): RequestFacts => ({ ip: ctx.req.ip ?? null, requestId: (ctx.res.locals['requestId'] as string | undefined) ?? null });

/** Pages and answers holding live codes must not be kept by the browser or a proxy. */
const noStore = (res: Response) => res.set('Cache-Control', 'no-store');

function renderActivate(res: Response, status: number, values: { login: string }, problems: Record<string, string> = {}, error: string | null = null) {
  noStore(res);
  res.status(status).render('accounts/activate', { title: 'activate_title', values, problems, error });
}

export function registerActivationRoutes(router: Router, services: Services): void {
  const { db } = services;

  /** The unit named in the path, for an activation sheet: 404, 403, then 409 when the unit is inactive (for printing). */
  const sheetUnit = async (ctx: SignedInContext<{ id: Unit['_id'] }>): Promise<Unit> => {
    const unit = await findUnitOr404(db, ctx.input.id);
    ctx.authorize('account.activation', unitRef(unit));
    return unit;
  };

  /** Prints (or returns) a new sheet, voiding the older one; audited as 'account.activation_sheet'. */
  const printSheet = async (ctx: SignedInContext<{ id: Unit['_id'] }>): Promise<ActivationSheet> => {
    const unit = await sheetUnit(ctx);
    if (!unit.active) throw conflict('unit_inactive', { code: unit.code });
    const sheet = await generateActivationSheet(services, unit, { id: ctx.account._id });
    await ctx.audit({ action: 'account.activation_sheet', subject: { type: 'unit', id: unit._id }, unitId: unit._id, details: { codes: sheet.entries.length, ...sheet.skipped, expiresAt: sheet.expiresAt.toISOString() } });
    return sheet;
  };

  route(router, services, {
    method: 'get',
    path: '/units/:id/activation-sheet',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: activationSheetParam,
    handle: async (ctx) => {
      const unit = await sheetUnit(ctx);
      const preview = await previewActivationSheet(services, unit._id);
      ctx.res.render('accounts/activation-sheet-new', {
        title: 'activation_sheet_title',
        unit: { id: unit._id.toHexString(), name: unit.name, active: unit.active },
        preview,
        days: services.config.ACTIVATION_CODE_DAYS,
        address: `${services.config.PUBLIC_URL}/activate`,
      });
    },
  });

  route(router, services, {
    method: 'post',
    path: '/units/:id/activation-sheet',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: activationSheetParam,
    handle: async (ctx) => {
      const sheet = await printSheet(ctx);
      noStore(ctx.res).render('accounts/activation-sheet', { title: 'activation_sheet_title', sheet, pageScript: 'print' });
    },
  });

  /**
   * POST /api/v1/units/:id/activation-codes → `{unit, generatedAt, expiresAt, address,
   * entries: [{officerId, fullName, login, position, code}], skipped}`: a new sheet's codes
   * (older ones stop working). The codes cannot be read again later.
   */
  route(router, services, {
    method: 'post',
    path: '/api/v1/units/:id/activation-codes',
    access: 'signed-in',
    doc: { summary: "A new activation sheet for a unit's officers (older codes stop working)", status: 201, response: activationSheetAnswer },
    before: [skipUnlessObjectId],
    input: activationSheetParam,
    handle: async (ctx) => {
      noStore(ctx.res).status(201).json(await printSheet(ctx));
    },
  });

  route(router, services, {
    method: 'get',
    path: '/activate',
    access: 'public',
    handle: async ({ res }) => renderActivate(res, 200, { login: '' }),
  });

  route(router, services, {
    method: 'post',
    path: '/activate',
    access: 'public',
    before: [signInRateLimit(services.config.SIGN_IN_RATE_PER_MINUTE)],
    input: activateForm,
    invalid: async ({ req, res }, problems: FieldProblem[]) => {
      const login = (req.body as Record<string, unknown> | undefined)?.['login'];
      renderActivate(res, 422, { login: typeof login === 'string' ? login.slice(0, 254) : '' }, Object.fromEntries(problems.map((p) => [p.field, p.id])));
    },
    handle: async (ctx) => {
      const { login, code, newPassword, confirmPassword } = ctx.input;
      // a mismatch is found before the code is tried: it neither uses the code nor counts as a failure
      if (newPassword !== confirmPassword) return renderActivate(ctx.res, 422, { login }, { confirmPassword: 'password_mismatch' });
      const result = await activateAccount(services, { login, code, password: newPassword }, factsOf(ctx));
      if (result.ok) return ctx.res.redirect(303, '/login?activated=1');
      renderActivate(ctx.res, result.reason === 'locked' ? 429 : 401, { login }, {}, result.reason === 'locked' ? 'sign_in_locked' : 'activation_failed');
    },
  });
}
