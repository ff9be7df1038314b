/**
 * Overrides over the API: POST /api/v1/officers/:id/overrides (a coordinator of the
 * officer's subtree, with a reason; audited; the officer is told) and GET (the officer's
 * overrides of a year, for whoever may see their progress — the officer included).
 */
import type { Router } from 'express';
import type { Services } from '../http/context';
import { route } from '../http/route';
import { findOfficerOr404 } from '../officers/access';
import { trainingYear } from '../progress/year';
import { skipUnlessObjectId } from '../units/scope';
import { vietnamDate } from './dates';
import { createOverride, overridesOf, type Override } from './overrides';
import { overrideInput, overrideListQuery } from './schema';

const presentOverride = (o: Override) => ({ id: o._id.toHexString(), moduleId: o.moduleId.toHexString(), year: o.year, kind: o.kind, reason: o.reason, dueDate: o.dueDate ? vietnamDate(o.dueDate) : null, at: o.createdAt.toISOString() });

export function registerOverrideRoutes(router: Router, services: Services): void {
  const { db } = services;

  route(router, services, {
    method: 'post',
    path: '/api/v1/officers/:id/overrides',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: overrideInput,
    handle: async (ctx) => {
      const { officer, ref } = await findOfficerOr404(db, ctx.input.id);
      ctx.authorize('officer.override', ref);
      const now = new Date();
      const override = await createOverride(db, { ...ctx.input, officerId: officer._id, year: ctx.input.year ?? trainingYear(now) }, ctx.account._id, now);
      await ctx.audit({ action: 'override.create', subject: { type: 'officer', id: officer._id }, unitId: officer.unitId, details: { kind: override.kind, moduleId: String(override.moduleId), year: override.year, reason: override.reason } });
      ctx.res.status(201).json({ override: presentOverride(override) });
    },
  });

  route(router, services, {
    method: 'get',
    path: '/api/v1/officers/:id/overrides',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: overrideListQuery,
    handle: async (ctx) => {
      const { officer, ref } = await findOfficerOr404(db, ctx.input.id);
      ctx.authorize('progress.view', ref);
      const items = await overridesOf(db, officer._id, ctx.input.year ?? trainingYear());
      ctx.res.json({ items: items.map(presentOverride) });
    },
  });
}
