/**
 * The officer pages: the filtered list of the caller's scope, one officer with their
 * membership history, the create and edit forms, and the transfer form. Every route
 * loads what it acts on (404), authorizes (403), runs the command, audits and redirects;
 * a refusal re-renders the form with the problem.
 */
import type { Router } from 'express';
import { Types } from 'mongoose';
import type { FieldProblem } from '../errors';
import type { Services } from '../http/context';
import { route, type RouteContext } from '../http/route';
import { actorOfContext, problemsByField, refusalState, typedValues, todayInVietnam, type FormState } from '../units/forms';
import { callerScope, findUnitOr404, skipUnlessObjectId, unitRef } from '../units/scope';
import { chosenUnit, findOfficerOr404, listedUnitIds } from './access';
import { changedFields } from './presenters';
import { createOfficer, listOfficers, transferOfficer, updateOfficer } from './service';
import { listLocals, renderOfficerForm, renderOfficerPage, storedValues } from './pages';
import { createOfficerForm, editOfficerForm, newOfficerQuery, officerIdParam, officerListQuery, officerPageQuery, PAGE_SIZE, transferOfficerForm } from './route-schemas';
import { registerOfficerApiRoutes } from './api-routes';

/** The officer id of the path (the `invalid` hook runs before the input is parsed; skipUnlessObjectId vouches for the form). */
const objectIdOf = (ctx: RouteContext<unknown>) => new Types.ObjectId(String(ctx.req.params['id']));

/** Registers the officer pages and the officer JSON API. */
export function registerOfficerRoutes(router: Router, services: Services): void {
  const { db } = services;
  const withState = <F extends 'officer' | 'transfer'>(ctx: RouteContext<unknown>, form: F, problems: FieldProblem[]): FormState<F> => ({ form, problems: problemsByField(problems), values: typedValues(ctx.req.body), alert: null });

  route(router, services, {
    method: 'get',
    path: '/officers',
    access: 'signed-in',
    input: officerListQuery,
    handle: async (ctx) => {
      const { unitId, q, category, status, page } = ctx.input;
      const [scope, chosen] = await Promise.all([callerScope(db, ctx.actor), chosenUnit(db, unitId)]);
      // listing officers of a subtree is what 'report.view' grants (officers only see themselves)
      ctx.authorize('report.view', chosen ? unitRef(chosen) : scope.ref);
      const unitIds = await listedUnitIds(db, scope, chosen);
      const result = await listOfficers(db, { unitIds, q, category, status, page, pageSize: PAGE_SIZE });
      ctx.res.render('officers/index', await listLocals(db, ctx.actor, ctx.input, result));
    },
  });

  // registered before /officers/:id for readers; skipUnlessObjectId keeps "new" off the :id routes anyway
  route(router, services, {
    method: 'get',
    path: '/officers/new',
    access: 'signed-in',
    input: newOfficerQuery,
    handle: async (ctx) => {
      const chosen = await chosenUnit(db, ctx.input.unitId);
      ctx.authorize('officer.create', chosen ? unitRef(chosen) : (await callerScope(db, ctx.actor)).ref);
      const values = { unitId: chosen?._id.toHexString() ?? '', effectiveDate: todayInVietnam() };
      await renderOfficerForm(ctx, null, { form: 'officer', problems: {}, values, alert: null });
    },
  });

  route(router, services, {
    method: 'post',
    path: '/officers',
    access: 'signed-in',
    input: createOfficerForm,
    invalid: async (ctx, problems) => {
      ctx.authorize('officer.create', (await callerScope(db, actorOfContext(ctx))).ref);
      await renderOfficerForm(ctx, null, withState(ctx, 'officer', problems), 422);
    },
    handle: async (ctx) => {
      const unit = await findUnitOr404(db, ctx.input.unitId);
      ctx.authorize('officer.create', unitRef(unit));
      try {
        const officer = await createOfficer(db, { ...ctx.input, unitId: unit._id });
        await ctx.audit({ action: 'officer.create', subject: { type: 'officer', id: officer._id }, unitId: unit._id, details: { code: officer.code } });
        ctx.res.redirect(303, `/officers/${officer._id.toHexString()}?done=created`);
      } catch (error) {
        const state = refusalState(error, 'officer' as const, ctx.req.body);
        if (!state) throw error;
        await renderOfficerForm(ctx, null, state, (error as { status: number }).status);
      }
    },
  });

  route(router, services, {
    method: 'get',
    path: '/officers/:id',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: officerPageQuery,
    handle: async (ctx) => {
      const loaded = await findOfficerOr404(db, ctx.input.id);
      ctx.authorize('officer.view', loaded.ref);
      await renderOfficerPage(ctx, loaded, undefined, 200, ctx.input.done);
    },
  });

  route(router, services, {
    method: 'get',
    path: '/officers/:id/edit',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: officerIdParam,
    handle: async (ctx) => {
      const { officer, ref } = await findOfficerOr404(db, ctx.input.id);
      ctx.authorize('officer.manage', ref);
      await renderOfficerForm(ctx, officer, { form: 'officer', problems: {}, values: storedValues(officer), alert: null });
    },
  });

  route(router, services, {
    method: 'post',
    path: '/officers/:id',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: editOfficerForm,
    invalid: async (ctx, problems) => {
      const { officer, ref } = await findOfficerOr404(db, objectIdOf(ctx));
      ctx.authorize('officer.manage', ref);
      await renderOfficerForm(ctx, officer, withState(ctx, 'officer', problems), 422);
    },
    handle: async (ctx) => {
      const { officer, ref } = await findOfficerOr404(db, ctx.input.id);
      ctx.authorize('officer.manage', ref);
      const { id: _id, ...patch } = ctx.input;
      try {
        const updated = await updateOfficer(db, officer._id, patch);
        await ctx.audit({ action: 'officer.update', subject: { type: 'officer', id: officer._id }, unitId: updated.unitId, details: { fields: changedFields(officer, updated) } });
        ctx.res.redirect(303, `/officers/${officer._id.toHexString()}?done=updated`);
      } catch (error) {
        const state = refusalState(error, 'officer' as const, ctx.req.body);
        if (!state) throw error;
        await renderOfficerForm(ctx, officer, state, (error as { status: number }).status);
      }
    },
  });

  route(router, services, {
    method: 'post',
    path: '/officers/:id/transfer',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: transferOfficerForm,
    invalid: async (ctx, problems) => {
      const loaded = await findOfficerOr404(db, objectIdOf(ctx));
      ctx.authorize('officer.manage', loaded.ref);
      await renderOfficerPage(ctx, loaded, withState(ctx, 'transfer', problems), 422);
    },
    handle: async (ctx) => {
      const loaded = await findOfficerOr404(db, ctx.input.id);
      ctx.authorize('officer.manage', loaded.ref);
      const target = await findUnitOr404(db, ctx.input.unitId);
      ctx.authorize('officer.create', unitRef(target));
      try {
        await transferOfficer(db, loaded.officer._id, target._id, ctx.input.effectiveDate);
        const details = { fromUnitId: loaded.officer.unitId.toHexString(), toUnitId: target._id.toHexString(), effectiveDate: ctx.input.effectiveDate.toISOString() };
        await ctx.audit({ action: 'officer.transfer', subject: { type: 'officer', id: loaded.officer._id }, unitId: target._id, details });
        ctx.res.redirect(303, `/officers/${loaded.officer._id.toHexString()}?done=transferred`);
      } catch (error) {
        const state = refusalState(error, 'transfer' as const, ctx.req.body);
        if (!state) throw error;
        await renderOfficerPage(ctx, loaded, state, (error as { status: number }).status);
      }
    },
  });

  registerOfficerApiRoutes(router, services);
}
