/**
 * The reports JSON API (/api/v1/reports): the units' reports of a year in the caller's
 * scope, one report with its figures, the draft's fields, freeze / re-open / submit.
 * Bearer token or cookie + X-CSRF-Token; output only through the presenters.
 */
import type { Router } from 'express';
import type { Services } from '../http/context';
import { route } from '../http/route';
import { trainingYear } from '../progress/year';
import { callerScope } from '../units/scope';
import { freeze, reopen, reportUnit, saveReportDraft, submit } from './access';
import { presentReport } from './presenters';
import { draftInput, reportFileParams, reportListQuery, reportParams } from './schema';
import { sendReportFile } from './export';
import { loadReport, reportFigures, reportNarrative } from './service';
import { scopeFilter, trackUnits } from './tracking';
import { FILE_TYPES } from '../apidocs/shapes';
import { reportAnswer, reportListAnswer } from './response-schemas';

export function registerReportApiRoutes(router: Router, services: Services): void {
  const { db } = services;

  /** GET /api/v1/reports?year → `{year, items: [{unit, status}]}` for the units of the caller's scope. */
  route(router, services, {
    method: 'get',
    path: '/api/v1/reports',
    access: 'signed-in',
    doc: { summary: "The units' reports of a year, in the caller's scope", response: reportListAnswer },
    input: reportListQuery,
    handle: async (ctx) => {
      const scope = await callerScope(db, ctx.actor);
      ctx.authorize('report.view', scope.ref);
      const year = ctx.input.year ?? trainingYear();
      const tracked = await trackUnits(db, scopeFilter(scope.root?._id ?? null), year, new Date());
      ctx.res.json({ year, items: tracked.map((t) => ({ unit: { id: t.unit._id.toHexString(), code: t.unit.code, name: t.unit.name }, status: t.tracking })) });
    },
  });

  /** GET /api/v1/reports/:unitId/:year → `{report}` with its figures (frozen or live) and paragraphs. */
  route(router, services, {
    method: 'get',
    path: '/api/v1/reports/:unitId/:year',
    access: 'signed-in',
    doc: { summary: "A unit's report of a year, with its figures", response: reportAnswer },
    input: reportParams,
    handle: async (ctx) => {
      const unit = await reportUnit(ctx, 'report.view');
      const report = await loadReport(db, unit, ctx.input.year);
      const figures = await reportFigures(db, report);
      ctx.res.json({ report: presentReport(report, figures, reportNarrative(report, figures)) });
    },
  });

  /** PUT /api/v1/reports/:unitId/:year `{number?, place?, signerTitle?, signerName?, recipients?, daysAhead?, minAverage?, narrative?}` → `{report}`; 409 once frozen. */
  route(router, services, {
    method: 'put',
    path: '/api/v1/reports/:unitId/:year',
    access: 'signed-in',
    doc: { summary: 'Change a draft report', response: reportAnswer },
    input: draftInput,
    handle: async (ctx) => {
      const unit = await reportUnit(ctx, 'report.edit');
      const { unitId: _u, year: _y, ...patch } = ctx.input;
      const report = await saveReportDraft(ctx, unit, patch);
      const figures = await reportFigures(db, report);
      ctx.res.json({ report: presentReport(report, figures, reportNarrative(report, figures)) });
    },
  });

  /** GET /api/v1/reports/:unitId/:year/{docx,pdf} → the document (frozen figures once frozen; a draft is marked "DỰ THẢO"). */
  route(router, services, {
    method: 'get',
    path: '/api/v1/reports/:unitId/:year/:format',
    access: 'signed-in',
    doc: { summary: 'The report as DOCX or PDF', download: [FILE_TYPES.docx, FILE_TYPES.pdf] },
    input: reportFileParams,
    handle: async (ctx) => {
      const unit = await reportUnit(ctx, 'report.view');
      await sendReportFile(ctx.res, db, unit, ctx.input.year, ctx.input.format);
    },
  });

  for (const [verb, command] of [['freeze', freeze], ['reopen', reopen], ['submit', submit]] as const) {
    /** POST /api/v1/reports/:unitId/:year/{freeze,reopen,submit} → `{report}`; 409 when the report is not in the state for it. */
    route(router, services, {
      method: 'post',
      path: `/api/v1/reports/:unitId/:year/${verb}`,
      access: 'signed-in',
      doc: { summary: `Report: ${verb}`, response: reportAnswer },
      input: reportParams,
      handle: async (ctx) => {
        const unit = await reportUnit(ctx, 'report.edit');
        const report = await command(ctx, unit);
        const figures = await reportFigures(db, report);
        ctx.res.json({ report: presentReport(report, figures, reportNarrative(report, figures)) });
      },
    });
  }
}
