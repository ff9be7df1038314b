/**
 * Assigning a module from its page: to a unit subtree ('module.assign' on the unit) or
 * to named officers (each in the caller's scope), with a due date and a year; and
 * deactivating an assignment. The module must be one the caller may see and published.
 */
import type { Router } from 'express';
import { trusted } from 'mongoose';
import { z } from 'zod';
import { invalid, notFound, type FieldProblem } from '../errors';
import type { Services } from '../http/context';
import { route, type SignedInContext } from '../http/route';
import { can } from '../policies';
import { findModuleOr404, unitRefOf } from '../modules/service';
import { renderEditor, stateOf } from '../modules/pages';
import type { LearningModule } from '../modules/model';
import { callerScope, findUnitOr404, skipUnlessObjectId, unitRef } from '../units/scope';
import { unitModel, type Unit } from '../units/model';
import { officerModel, type Officer } from '../officers/model';
import { objectId } from '../validation';
import { assignmentModel, type Assignment } from './model';
import { createAssignment, dueDay, officersByCode, splitCodes } from './service';

const blank = (value: unknown) => (value === '' ? undefined : value);
const assignForm = z
  .object({
    id: objectId,
    target: z.enum(['unit', 'officers']),
    unitId: z.preprocess(blank, objectId.optional()),
    officerCodes: z.string().max(20_000).default(''),
    dueDate: z.string().trim().min(1).max(20),
    year: z.preprocess(blank, z.coerce.number().int().min(2000).max(2100).optional()),
  })
  .strict();
const deactivateForm = z.object({ id: objectId, assignmentId: objectId }).strict();

export function registerAssignmentRoutes(router: Router, services: Services): void {
  const { db } = services;

  /** The module, visible to the caller (as the API lists it) — 404 first, then 403. */
  async function visibleModule(ctx: SignedInContext<{ id: LearningModule['_id'] }>) {
    const module = await findModuleOr404(db, ctx.input.id);
    const scope = await callerScope(db, ctx.actor);
    ctx.authorize('module.view', { owner: await unitRefOf(db, module.ownerUnitId), home: scope.root ? unitRef(scope.root) : null });
    return module;
  }

  route(router, services, {
    method: 'post',
    path: '/authoring/modules/:id/assignments',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: assignForm,
    handle: async (ctx) => {
      const module = await visibleModule(ctx);
      try {
        const { target, unitId, officerCodes, dueDate } = ctx.input;
        const day = dueDay(dueDate);
        let officerIds: Officer['_id'][] = [];
        let unit: Unit | null = null;
        if (target === 'unit') {
          if (!unitId) throw invalid([{ field: 'unitId', id: 'field_required' }]);
          unit = await findUnitOr404(db, unitId);
          ctx.authorize('module.assign', unitRef(unit));
        } else {
          const codes = splitCodes(officerCodes);
          if (codes.length === 0) throw invalid([{ field: 'officerCodes', id: 'field_required' }]);
          const { officers, unknown } = await officersByCode(db, codes);
          const units = await unitModel(db).find({ _id: trusted({ $in: officers.map((o) => o.unitId) }) }, { ancestors: 1 }).lean<Unit[]>();
          const byId = new Map(units.map((u) => [u._id.toHexString(), u]));
          const outside = officers.filter((o) => { const u = byId.get(o.unitId.toHexString()); return !u || !can(ctx.actor, 'module.assign', unitRef(u)); });
          if (unknown.length || outside.length) {
            const problem: FieldProblem = { field: 'officerCodes', id: unknown.length ? 'assignment_officers_unknown' : 'assignment_officers_outside' };
            throw Object.assign(invalid([problem]), { params: { codes: [...unknown, ...outside.map((o) => o.code)].join(', ') } });
          }
          for (const o of officers) ctx.authorize('module.assign', unitRef(byId.get(o.unitId.toHexString())!));
          officerIds = officers.map((o) => o._id);
        }
        const year = ctx.input.year ?? Number(day.slice(0, 4));
        // issue #15 defect 2: "due 28/12/2026 for the year 2031" is refused
        if (Number(day.slice(0, 4)) !== year) throw invalid([{ field: 'year', id: 'assignment_year_mismatch' }]);
        const assignment = await createAssignment(db, { module, year, dueDay: day, unitId: unit?._id ?? null, officerIds, by: ctx.account._id });
        await ctx.audit({ action: 'assignment.create', subject: { type: 'assignment', id: assignment._id }, unitId: unit?._id ?? null, details: { module: module.code, year, dueDate: day, officers: officerIds.length } });
        ctx.res.redirect(303, `/authoring/modules/${module._id.toHexString()}?done=assigned`);
      } catch (error) {
        const state = stateOf(error, 'assign', ctx.req.body);
        if (!state) throw error;
        const params = (error as { params?: Record<string, unknown> }).params;
        if (params && state.alert) state.alert = { id: Object.values(state.problems)[0] ?? state.alert.id, params };
        await renderEditor(ctx, module, state, (error as { status: number }).status);
      }
    },
  });

  route(router, services, {
    method: 'post',
    path: '/authoring/modules/:id/assignments/:assignmentId/deactivate',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: deactivateForm,
    handle: async (ctx) => {
      const module = await visibleModule(ctx);
      const assignment = await assignmentModel(db).findOne({ _id: ctx.input.assignmentId, moduleId: module._id }).lean<Assignment>();
      if (!assignment) throw notFound('assignment_not_found');
      if (assignment.unitId) ctx.authorize('module.assign', unitRef(await findUnitOr404(db, assignment.unitId)));
      const officers = await officerModel(db).find({ _id: trusted({ $in: assignment.officerIds }) }, { unitId: 1 }).lean<Officer[]>();
      for (const o of officers) ctx.authorize('module.assign', unitRef(await findUnitOr404(db, o.unitId)));
      await assignmentModel(db).updateOne({ _id: assignment._id }, { $set: { active: false } });
      await ctx.audit({ action: 'assignment.deactivate', subject: { type: 'assignment', id: assignment._id }, unitId: assignment.unitId, details: { module: module.code } });
      ctx.res.redirect(303, `/authoring/modules/${module._id.toHexString()}?done=unassigned`);
    },
  });
}
