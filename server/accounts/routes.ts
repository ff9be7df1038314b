/**
 * The accounts pages: the filtered list of the caller's scope, the appointment form, and
 * one account with its forms (role and unit, deactivate / reactivate, unlock, send a link).
 * Every route loads what it acts on (404), authorizes (403), runs the command, audits and
 * redirects; a refusal the user can act on re-renders the page with the problem.
 */
import type { Router } from 'express';
import { Types } from 'mongoose';
import { AppError, isAppError } from '../errors';
import type { Services } from '../http/context';
import { route, type RouteContext } from '../http/route';
import { actorOfContext, problemsByField, refusalState, typedValues, type FormState } from '../units/forms';
import { callerScope, skipUnlessObjectId } from '../units/scope';
import { findAccountOr404 } from './access';
import { ACCOUNT_COMMANDS, appoint, changeAccountRole, listedUnits } from './commands';
import { listAccounts } from './list';
import { listLocals, renderAccountPage, renderAppointPage, type AppointFormName } from './pages';
import { accountIdParam, accountListQuery, accountPageQuery, appointForm, appointPageQuery, changeRoleForm, PAGE_SIZE, type AccountDone } from './schema';
import type { InvitationOutcome } from './service';
import { registerAccountApiRoutes } from './api-routes';
import { registerActivationRoutes } from './activation-routes';

/** A policy refusal after the caller was let in (an appointment outside their reach) is shown on the form, with what the rule is. */
function refusal<F extends string>(error: unknown, form: F, body: unknown): FormState<F> | null {
  if (isAppError(error) && error.status === 403) return { form, problems: {}, values: typedValues(body), alert: { id: 'account_appoint_forbidden' } };
  return refusalState(error, form, body);
}

/** What the account page confirms after an appointment, by what became of the invitation. */
const appointedDone: Record<InvitationOutcome, AccountDone> = { sent: 'appointed_invited', no_email: 'appointed_no_email', failed: 'appointed_mail_failed', not_needed: 'appointed' };

const idOf = (ctx: RouteContext<unknown>) => new Types.ObjectId(String(ctx.req.params['id']));

/** Registers the accounts pages, their JSON API and the activation sheets. */
export function registerAccountRoutes(router: Router, services: Services): void {
  const { db } = services;

  route(router, services, {
    method: 'get',
    path: '/accounts',
    access: 'signed-in',
    input: accountListQuery,
    handle: async (ctx) => {
      const { q, role, unitId, status, locked, never, page } = ctx.input;
      const units = await listedUnits(ctx, unitId);
      const result = await listAccounts(db, { ...units, q, role, active: status ? status === 'active' : undefined, locked: locked ? true : undefined, neverSignedIn: never ? true : undefined, page, pageSize: PAGE_SIZE });
      ctx.res.render('accounts/index', await listLocals(db, ctx.actor, ctx.input, result, true));
    },
  });

  // registered before /accounts/:id for readers; skipUnlessObjectId keeps "appoint" off the :id routes anyway
  route(router, services, {
    method: 'get',
    path: '/accounts/appoint',
    access: 'signed-in',
    input: appointPageQuery,
    handle: async (ctx) => {
      ctx.authorize('account.list', (await callerScope(db, ctx.actor)).ref);
      const values = { officerCode: ctx.input.officerCode ?? '', unitId: ctx.input.unitId?.toHexString() ?? '' };
      await renderAppointPage(ctx, { form: ctx.input.officerCode ? 'officer' : null, problems: {}, values, alert: null });
    },
  });

  route(router, services, {
    method: 'post',
    path: '/accounts/appoint',
    access: 'signed-in',
    input: appointForm,
    invalid: async (ctx, problems) => {
      ctx.authorize('account.list', (await callerScope(db, actorOfContext(ctx))).ref);
      const source = (ctx.req.body as Record<string, unknown> | undefined)?.['source'];
      const form: AppointFormName = source === 'new' ? 'new' : 'officer';
      await renderAppointPage(ctx, { form, problems: problemsByField(problems), values: typedValues(ctx.req.body), alert: null }, 422);
    },
    handle: async (ctx) => {
      // the caller may appoint at all; what they may appoint is checked step by step below
      ctx.authorize('account.list', (await callerScope(db, ctx.actor)).ref);
      try {
        const { account, invitation } = await appoint(ctx, ctx.input);
        ctx.res.redirect(303, `/accounts/${account._id.toHexString()}?done=${appointedDone[invitation]}`);
      } catch (error) {
        const state = refusal(error, ctx.input.source, ctx.req.body);
        if (!state) throw error;
        await renderAppointPage(ctx, state, (error as AppError).status);
      }
    },
  });

  route(router, services, {
    method: 'get',
    path: '/accounts/:id',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: accountPageQuery,
    handle: async (ctx) => {
      const loaded = await findAccountOr404(db, ctx.input.id);
      ctx.authorize('account.view', loaded.ref);
      await renderAccountPage(ctx, loaded, undefined, 200, ctx.input.done);
    },
  });

  route(router, services, {
    method: 'post',
    path: '/accounts/:id/role',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: changeRoleForm,
    invalid: async (ctx, problems) => {
      const loaded = await findAccountOr404(db, idOf(ctx));
      ctx.authorize('account.manage', loaded.ref);
      await renderAccountPage(ctx, loaded, { form: 'role', problems: problemsByField(problems), values: typedValues(ctx.req.body), alert: null }, 422);
    },
    handle: async (ctx) => {
      const loaded = await findAccountOr404(db, ctx.input.id);
      ctx.authorize('account.manage', loaded.ref);
      try {
        await changeAccountRole(ctx, loaded, { role: ctx.input.role, unitId: ctx.input.unitId });
        ctx.res.redirect(303, `/accounts/${ctx.input.id.toHexString()}?done=role_changed`);
      } catch (error) {
        const state = refusal(error, 'role' as const, ctx.req.body);
        if (!state) throw error;
        await renderAccountPage(ctx, loaded, state, (error as AppError).status);
      }
    },
  });

  // one button each on the account page: load, authorize 'account.manage', run, come back with `done`
  for (const [name, command] of Object.entries(ACCOUNT_COMMANDS)) {
    route(router, services, {
      method: 'post',
      path: `/accounts/:id/${name}`,
      access: 'signed-in',
      before: [skipUnlessObjectId],
      input: accountIdParam,
      handle: async (ctx) => {
        const loaded = await findAccountOr404(db, ctx.input.id);
        ctx.authorize('account.manage', loaded.ref);
        try {
          const { done } = await command(ctx, loaded.account);
          ctx.res.redirect(303, `/accounts/${ctx.input.id.toHexString()}?done=${done}`);
        } catch (error) {
          // a refused e-mail (502) is shown like a refusal: the person can try again from the same page
          const state = refusalState(error, 'action' as const, {}) ?? (isAppError(error) && error.status === 502 ? { form: 'action' as const, problems: {}, values: {}, alert: { id: error.id } } : null);
          if (!state) throw error;
          await renderAccountPage(ctx, loaded, state, (error as AppError).status);
        }
      },
    });
  }

  registerAccountApiRoutes(router, services);
  registerActivationRoutes(router, services);
}
