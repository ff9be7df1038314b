/**
 * The report pages: the units of the caller's scope with their report's state (/reports),
 * one report (/reports/:unitId/:year) with its figures, the draft form, freeze / re-open /
 * submit and the downloads. Same commands as /api/v1/reports; a refusal the user can act
 * on (a report frozen meanwhile) comes back on the page.
 */
import type { Router } from 'express';
import type { Services } from '../http/context';
import { route, type SignedInContext } from '../http/route';
import { trainingYear } from '../progress/year';
import { can } from '../policies';
import { actorOfContext, emptyForm, problemsByField, refusalState, typedValues, type FormState } from '../units/forms';
import { callerScope, findUnitOr404, unitRef } from '../units/scope';
import type { Unit } from '../units/model';
import { freeze, reopen, reportUnit, saveReportDraft, submit } from './access';
import { sendReportFile } from './export';
import { listLocals, reportLocals, type ReportFormName } from './pages';
import { provinceRoot } from './province';
import { draftForm, reportFileParams, reportListQuery, reportPageQuery, reportParams } from './schema';
import { scopeFilter, trackUnits } from './tracking';
import type { Types } from 'mongoose';

type Ctx = SignedInContext<{ unitId: Types.ObjectId; year: number }>;
const pagePath = (unit: Unit, year: number) => `/reports/${unit._id.toHexString()}/${year}`;

async function renderReport(ctx: Ctx, unit: Unit, state: FormState<ReportFormName> = emptyForm(), status = 200) {
  const done = typeof ctx.req.query['done'] === 'string' ? ctx.req.query['done'] : undefined; // validated by reportPageQuery on GET
  const locals = await reportLocals(ctx.services.db, unit, ctx.input.year, can(ctx.actor, 'report.edit', unitRef(unit)), state, done);
  ctx.res.status(status).render('reports/show', locals);
}

export function registerReportPageRoutes(router: Router, services: Services): void {
  const { db } = services;

  route(router, services, {
    method: 'get',
    path: '/reports',
    access: 'signed-in',
    input: reportListQuery,
    handle: async (ctx) => {
      const scope = await callerScope(db, ctx.actor);
      ctx.authorize('report.view', scope.ref);
      const year = ctx.input.year ?? trainingYear();
      const tracked = await trackUnits(db, scopeFilter(scope.root?._id ?? null), year, new Date());
      const province = await provinceRoot(db, ctx.actor);
      ctx.res.render('reports/index', listLocals(year, tracked, province !== null && can(ctx.actor, 'report.province', unitRef(province))));
    },
  });

  route(router, services, {
    method: 'get',
    path: '/reports/:unitId/:year',
    access: 'signed-in',
    input: reportPageQuery,
    handle: async (ctx) => renderReport(ctx, await reportUnit(ctx, 'report.view')),
  });

  route(router, services, {
    method: 'post',
    path: '/reports/:unitId/:year',
    access: 'signed-in',
    input: draftForm,
    invalid: async (ctx, problems) => {
      const c = ctx as unknown as Ctx;
      Object.assign(c, { actor: actorOfContext(ctx), input: reportParams.parse({ unitId: ctx.req.params['unitId'], year: ctx.req.params['year'] }) });
      const unit = await findUnitOr404(db, c.input.unitId);
      c.authorize('report.edit', unitRef(unit));
      await renderReport(c, unit, { form: 'draft', problems: problemsByField(problems), values: typedValues(ctx.req.body), alert: null }, 422);
    },
    handle: async (ctx) => {
      const unit = await reportUnit(ctx, 'report.edit');
      const { unitId: _u, year: _y, regenerate, results, strengths, shortcomings, proposals, ...fields } = ctx.input;
      const narrative = regenerate ? null : { results: results ?? '', strengths: strengths ?? '', shortcomings: shortcomings ?? '', proposals: proposals ?? '' };
      try {
        await saveReportDraft(ctx, unit, { ...fields, recipients: fields.recipients ?? [], narrative });
      } catch (error) {
        const state = refusalState(error, 'draft' as const, ctx.req.body);
        if (!state) throw error;
        return renderReport(ctx, unit, state, 409);
      }
      ctx.res.redirect(303, `${pagePath(unit, ctx.input.year)}?done=report_saved`);
    },
  });

  const commands = { freeze: [freeze, 'report_done_frozen'], reopen: [reopen, 'report_done_reopened'], submit: [submit, 'report_done_submitted'] } as const;
  for (const [verb, [command, done]] of Object.entries(commands)) {
    route(router, services, {
      method: 'post',
      path: `/reports/:unitId/:year/${verb}`,
      access: 'signed-in',
      input: reportParams,
      handle: async (ctx) => {
        const unit = await reportUnit(ctx, 'report.edit');
        try {
          await command(ctx, unit);
        } catch (error) {
          const state = refusalState(error, 'draft' as const, {});
          if (!state) throw error;
          return renderReport(ctx, unit, state, 409);
        }
        ctx.res.redirect(303, `${pagePath(unit, ctx.input.year)}?done=${done}`);
      },
    });
  }

  route(router, services, {
    method: 'get',
    path: '/reports/:unitId/:year/:format',
    access: 'signed-in',
    input: reportFileParams,
    handle: async (ctx) => {
      const unit = await reportUnit(ctx, 'report.view');
      await sendReportFile(ctx.res, db, unit, ctx.input.year, ctx.input.format);
    },
  });
}
