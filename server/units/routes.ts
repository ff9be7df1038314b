/**
 * The unit pages: the tree of the caller's scope, one unit, and the coordinator's forms
 * on it (sub-unit, rename, move, deactivate, merge). Each form posts to its own route,
 * which loads the unit (404), authorizes (403), runs the command, writes the audit entry
 * and redirects back with a confirmation; a refusal re-renders the page with the problem.
 */
import type { Router } from 'express';
import type { z } from 'zod';
import type { FieldProblem } from '../errors';
import type { Services } from '../http/context';
import { route, type RouteContext, type SignedInContext } from '../http/route';
import type { Unit } from './model';
import { createUnit, deactivateUnit, mergeUnits, moveUnit, renameUnit } from './service';
import { problemsByField, refusalState, typedValues } from './forms';
import { renderUnitPage, treeLocals, type UnitForm } from './pages';
import { createChildForm, deactivateForm, mergeForm, moveForm, renameForm, unitPageQuery, unitTreeQuery, type UnitDone } from './route-schemas';
import { callerScope, findUnitOr404, scopeTree, skipUnlessObjectId, unitRef, type UnitAction } from './scope';
import { registerUnitApiRoutes } from './api-routes';

/** Registers the unit pages and the unit JSON API. */
export function registerUnitRoutes(router: Router, services: Services): void {
  const { db } = services;

  route(router, services, {
    method: 'get',
    path: '/units',
    access: 'signed-in',
    input: unitTreeQuery,
    handle: async (ctx) => {
      const scope = await callerScope(db, ctx.actor);
      // listing a whole subtree is what 'report.view' grants (officers see only their own record)
      ctx.authorize('report.view', scope.ref);
      const showInactive = ctx.input.inactive === '1';
      ctx.res.render('units/index', treeLocals(ctx.actor, await scopeTree(db, scope, showInactive), showInactive));
    },
  });

  route(router, services, {
    method: 'get',
    path: '/units/:id',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: unitPageQuery,
    handle: async (ctx) => {
      const unit = await findUnitOr404(db, ctx.input.id);
      ctx.authorize('unit.view', unitRef(unit));
      await renderUnitPage(ctx, unit, undefined, 200, ctx.input.done);
    },
  });

  /**
   * One form on the unit page: authorize `action` on the unit, run `command` (which
   * authorizes any other unit it touches and writes the audit entry) and redirect to
   * the page it names; a validation failure or refusal shows on the form instead.
   */
  function unitForm<I extends { id: Unit['_id'] }>(spec: {
    path: string;
    form: UnitForm;
    action: UnitAction;
    input: z.ZodType<I>;
    command: (ctx: SignedInContext<I>, unit: Unit) => Promise<{ to: Unit['_id']; done: UnitDone }>;
  }): void {
    const rerender = async (ctx: RouteContext<unknown>, problems: FieldProblem[]) => {
      const unit = await findUnitOr404(db, String(ctx.req.params['id']));
      ctx.authorize(spec.action, unitRef(unit));
      await renderUnitPage(ctx, unit, { form: spec.form, problems: problemsByField(problems), values: typedValues(ctx.req.body), alert: null }, 422);
    };
    route(router, services, {
      method: 'post',
      path: spec.path,
      access: 'signed-in',
      before: [skipUnlessObjectId],
      input: spec.input,
      invalid: rerender,
      handle: async (ctx) => {
        const unit = await findUnitOr404(db, ctx.input.id);
        ctx.authorize(spec.action, unitRef(unit));
        try {
          const { to, done } = await spec.command(ctx, unit);
          ctx.res.redirect(303, `/units/${to.toHexString()}?done=${done}`);
        } catch (error) {
          const state = refusalState(error, spec.form, ctx.req.body);
          if (!state) throw error;
          await renderUnitPage(ctx, unit, state, (error as { status: number }).status);
        }
      },
    });
  }

  unitForm({
    path: '/units/:id/children',
    form: 'child',
    action: 'unit.create_child',
    input: createChildForm,
    command: async (ctx, parent) => {
      const { code, name, kind } = ctx.input;
      const child = await createUnit(db, { code, name, kind, parentId: parent._id });
      await ctx.audit({ action: 'unit.create', subject: { type: 'unit', id: child._id }, unitId: parent._id, details: { code, name, kind, parentId: parent._id.toHexString() } });
      return { to: parent._id, done: 'created' };
    },
  });

  unitForm({
    path: '/units/:id/rename',
    form: 'rename',
    action: 'unit.manage',
    input: renameForm,
    command: async (ctx, unit) => {
      const renamed = await renameUnit(db, unit._id, ctx.input.name);
      await ctx.audit({ action: 'unit.rename', subject: { type: 'unit', id: unit._id }, unitId: unit._id, details: { from: unit.name, to: renamed.name } });
      return { to: unit._id, done: 'renamed' };
    },
  });

  unitForm({
    path: '/units/:id/move',
    form: 'move',
    action: 'unit.manage',
    input: moveForm,
    command: async (ctx, unit) => {
      const parent = await findUnitOr404(db, ctx.input.parentId, 'unit_parent_not_found');
      ctx.authorize('unit.create_child', unitRef(parent));
      await moveUnit(db, unit._id, parent._id);
      const details = { fromParentId: unit.parentId?.toHexString() ?? null, toParentId: parent._id.toHexString() };
      await ctx.audit({ action: 'unit.move', subject: { type: 'unit', id: unit._id }, unitId: unit._id, details });
      return { to: unit._id, done: 'moved' };
    },
  });

  unitForm({
    path: '/units/:id/deactivate',
    form: 'deactivate',
    action: 'unit.manage',
    input: deactivateForm,
    command: async (ctx, unit) => {
      await deactivateUnit(db, unit._id);
      await ctx.audit({ action: 'unit.deactivate', subject: { type: 'unit', id: unit._id }, unitId: unit._id, details: { code: unit.code } });
      return { to: unit._id, done: 'deactivated' };
    },
  });

  unitForm({
    path: '/units/:id/merge',
    form: 'merge',
    action: 'unit.manage',
    input: mergeForm,
    command: async (ctx, unit) => {
      const target = await findUnitOr404(db, ctx.input.targetId);
      // the target takes in sub-units and officers: it must be a unit the caller may add to
      ctx.authorize('unit.create_child', unitRef(target));
      const result = await mergeUnits(db, unit._id, target._id, ctx.input.effectiveDate);
      const details = { targetId: target._id.toHexString(), effectiveDate: ctx.input.effectiveDate.toISOString(), officersMoved: result.officersMoved, subUnitsMoved: result.subUnitsMoved };
      await ctx.audit({ action: 'unit.merge', subject: { type: 'unit', id: unit._id }, unitId: target._id, details });
      return { to: target._id, done: 'merged' };
    },
  });

  registerUnitApiRoutes(router, services);
}
