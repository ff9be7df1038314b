/**
 * Overrides over the API: POST /api/v1/officers/:id/overrides (a coordinator of the
 * officer's subtree, with a reason; audited; the officer is told) and GET (the officer's
 * overrides of a year, for whoever may see their progress — the officer included); and
 * the same on the officer's plan page (`/officers/:id/plan`).
 */
import type { Router } from 'express';
import { Types } from 'mongoose';
import type { Services } from '../http/context';
import { route, type RouteContext } from '../http/route';
import { findOfficerOr404 } from '../officers/access';
import { trainingYear } from '../progress/year';
import { skipUnlessObjectId } from '../units/scope';
import { vietnamDate } from './dates';
import { problemsByField, refusalState, typedValues } from '../units/forms';
import { renderOfficerPlan } from './officer-plan';
import { createOverride, overridesOf, type Override, type OverrideInput } from './overrides';
import { officerPlanQuery, overrideForm } from './page-schema';
import { overrideInput, overrideListQuery } from './schema';
import { overrideAnswer, overrideListAnswer } from './response-schemas';

const presentOverride = (o: Override) => ({ id: o._id.toHexString(), moduleId: o.moduleId.toHexString(), year: o.year, kind: o.kind, reason: o.reason, dueDate: o.dueDate ? vietnamDate(o.dueDate) : null, at: o.createdAt.toISOString() });

/** Applies, records and audits an override (the API and the page grant the same way). */
async function grantOverride(ctx: RouteContext<unknown>, input: OverrideInput, unitId: Types.ObjectId, now: Date): Promise<Override> {
  const override = await createOverride(ctx.services.db, input, ctx.session!.account._id, now);
  await ctx.audit({ action: 'override.create', subject: { type: 'officer', id: input.officerId }, unitId, details: { kind: override.kind, moduleId: String(override.moduleId), year: override.year, reason: override.reason } });
  return override;
}

export function registerOverrideRoutes(router: Router, services: Services): void {
  const { db } = services;

  route(router, services, {
    method: 'post',
    path: '/api/v1/officers/:id/overrides',
    access: 'signed-in',
    doc: { summary: 'Grant an officer an extra attempt, a later due date or a quiz reset', status: 201, response: overrideAnswer },
    before: [skipUnlessObjectId],
    input: overrideInput,
    handle: async (ctx) => {
      const { officer, ref } = await findOfficerOr404(db, ctx.input.id);
      ctx.authorize('officer.override', ref);
      const now = new Date();
      const override = await grantOverride(ctx, { ...ctx.input, officerId: officer._id, year: ctx.input.year ?? trainingYear(now) }, officer.unitId, now);
      ctx.res.status(201).json({ override: presentOverride(override) });
    },
  });

  route(router, services, {
    method: 'get',
    path: '/api/v1/officers/:id/overrides',
    access: 'signed-in',
    doc: { summary: "An officer's overrides", response: overrideListAnswer },
    before: [skipUnlessObjectId],
    input: overrideListQuery,
    handle: async (ctx) => {
      const { officer, ref } = await findOfficerOr404(db, ctx.input.id);
      ctx.authorize('progress.view', ref);
      const items = await overridesOf(db, officer._id, ctx.input.year ?? trainingYear());
      ctx.res.json({ items: items.map(presentOverride) });
    },
  });

  route(router, services, {
    method: 'get',
    path: '/officers/:id/plan',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: officerPlanQuery,
    handle: async (ctx) => {
      const loaded = await findOfficerOr404(db, ctx.input.id);
      ctx.authorize('progress.view', loaded.ref);
      await renderOfficerPlan(ctx, loaded, ctx.input.year ?? trainingYear(), undefined, 200, ctx.input.done === 'override');
    },
  });

  route(router, services, {
    method: 'post',
    path: '/officers/:id/overrides',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: overrideForm,
    invalid: async (ctx, problems) => {
      const loaded = await findOfficerOr404(db, new Types.ObjectId(String(ctx.req.params['id'])));
      ctx.authorize('officer.override', loaded.ref);
      const year = Number(ctx.req.body?.year) || trainingYear();
      await renderOfficerPlan(ctx, loaded, year, { form: 'override', problems: problemsByField(problems), values: typedValues(ctx.req.body), alert: null }, 422);
    },
    handle: async (ctx) => {
      const loaded = await findOfficerOr404(db, ctx.input.id);
      ctx.authorize('officer.override', loaded.ref);
      const { id, ...fields } = ctx.input;
      try {
        await grantOverride(ctx, { ...fields, officerId: id }, loaded.officer.unitId, new Date());
        ctx.res.redirect(303, `/officers/${id.toHexString()}/plan?year=${fields.year}&done=override`);
      } catch (error) {
        const state = refusalState(error, 'override' as const, ctx.req.body);
        if (!state) throw error;
        await renderOfficerPlan(ctx, loaded, fields.year, state, (error as { status: number }).status);
      }
    },
  });
}
