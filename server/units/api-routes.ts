/**
 * The unit JSON API (/api/v1/units). Bearer token or cookie + X-CSRF-Token; failures
 * answer `{error: {id, message, details?}}` through the shared error handler; output
 * goes only through presentUnit (an allowlist).
 */
import type { Router } from 'express';
import type { Services } from '../http/context';
import { route } from '../http/route';
import { z } from 'zod';
import { presentUnit, unitViewSchema } from './presenters';
import { createUnit, moveUnit, renameUnit } from './service';
import { apiCreateUnit, apiPatchUnit, apiUnitId, apiUnitListQuery } from './route-schemas';
import { callerScope, findUnitOr404, flattenTree, INSTALLATION, scopeTree, skipUnlessObjectId, unitRef } from './scope';

export function registerUnitApiRoutes(router: Router, services: Services): void {
  const { db } = services;

  /**
   * GET /api/v1/units → `{ items: UnitView[] }`: the caller's scope as a FLAT list in
   * reading order (each parent before its children, siblings in Vietnamese name order).
   * Every item carries `parentId`, `ancestorIds` and `depth`, so a client rebuilds the
   * tree in one pass; a flat list pages and diffs more simply than nested JSON. Active
   * units only, unless `includeInactive=true` (units under an inactive one come with it).
   */
  route(router, services, {
    method: 'get',
    path: '/api/v1/units',
    access: 'signed-in',
    input: apiUnitListQuery,
    doc: { summary: "The caller's units, flat, parents first", response: z.strictObject({ items: z.array(unitViewSchema) }) },
    handle: async (ctx) => {
      const scope = await callerScope(db, ctx.actor);
      ctx.authorize('report.view', scope.ref);
      ctx.res.json({ items: flattenTree(await scopeTree(db, scope, ctx.input.includeInactive === 'true')) });
    },
  });

  /** GET /api/v1/units/:id → `{ unit }`. */
  route(router, services, {
    method: 'get',
    path: '/api/v1/units/:id',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: apiUnitId,
    doc: { summary: 'One unit', response: z.strictObject({ unit: unitViewSchema }), errors: ['unit_not_found'] },
    handle: async (ctx) => {
      const unit = await findUnitOr404(db, ctx.input.id);
      ctx.authorize('unit.view', unitRef(unit));
      ctx.res.json({ unit: presentUnit(unit) });
    },
  });

  /** POST /api/v1/units `{code, name, kind, parentId}` → 201 `{ unit }`. Without parentId a root, which only an admin may create. */
  route(router, services, {
    method: 'post',
    path: '/api/v1/units',
    access: 'signed-in',
    doc: { summary: 'Create a unit', status: 201, response: z.strictObject({ unit: unitViewSchema }), errors: ['unit_code_taken'] },
    input: apiCreateUnit,
    handle: async (ctx) => {
      const parent = ctx.input.parentId ? await findUnitOr404(db, ctx.input.parentId, 'unit_parent_not_found') : null;
      ctx.authorize('unit.create_child', parent ? unitRef(parent) : INSTALLATION);
      const unit = await createUnit(db, { ...ctx.input, parentId: parent?._id ?? null });
      const details = { code: unit.code, name: unit.name, kind: unit.kind, parentId: parent?._id.toHexString() ?? null };
      await ctx.audit({ action: 'unit.create', subject: { type: 'unit', id: unit._id }, unitId: parent?._id ?? unit._id, details });
      ctx.res.status(201).json({ unit: presentUnit(unit) });
    },
  });

  /**
   * PATCH /api/v1/units/:id `{name?, parentId?}` → `{ unit }`: renames and/or moves
   * (under `parentId`, which the caller must be allowed to add sub-units to). The move
   * runs first: it is the change that can be refused, and a refusal then changes nothing.
   */
  route(router, services, {
    method: 'patch',
    path: '/api/v1/units/:id',
    access: 'signed-in',
    doc: { summary: 'Rename or move a unit', response: z.strictObject({ unit: unitViewSchema }), errors: ['unit_not_found'] },
    before: [skipUnlessObjectId],
    input: apiPatchUnit,
    handle: async (ctx) => {
      let unit = await findUnitOr404(db, ctx.input.id);
      ctx.authorize('unit.manage', unitRef(unit));
      const { name, parentId } = ctx.input;
      if (parentId) {
        const parent = await findUnitOr404(db, parentId, 'unit_parent_not_found');
        ctx.authorize('unit.create_child', unitRef(parent));
        const details = { fromParentId: unit.parentId?.toHexString() ?? null, toParentId: parent._id.toHexString() };
        unit = await moveUnit(db, unit._id, parent._id);
        await ctx.audit({ action: 'unit.move', subject: { type: 'unit', id: unit._id }, unitId: unit._id, details });
      }
      if (name !== undefined) {
        const from = unit.name;
        unit = await renameUnit(db, unit._id, name);
        await ctx.audit({ action: 'unit.rename', subject: { type: 'unit', id: unit._id }, unitId: unit._id, details: { from, to: unit.name } });
      }
      ctx.res.json({ unit: presentUnit(unit) });
    },
  });
}
