/**
 * Sở Nội vụ's consolidation (admins, and a coordinator of the province): the page, its
 * DOCX / PDF, the JSON, and the reminder to units that have not submitted (audited).
 * Registered before the unit report routes: "/reports/province/2026" is not a unit id.
 */
import type { Router } from 'express';
import type { Services } from '../http/context';
import { route, type SignedInContext } from '../http/route';
import { notFound } from '../errors';
import { unitRef } from '../units/scope';
import type { Unit } from '../units/model';
import { FORMATS } from './export';
import { trackingLabels } from './pages';
import { percent } from './presenters';
import { consolidate, provinceDocument, provinceRoot, remindUnits } from './province';
import { provinceFileParams, provincePageQuery, provinceParams } from './schema';
import { provinceAnswer, provinceRemindAnswer } from './response-schemas';

async function authorizedProvince(ctx: SignedInContext<{ year: number }>): Promise<Unit> {
  const province = await provinceRoot(ctx.services.db, ctx.actor);
  if (!province) throw notFound('unit_not_found');
  ctx.authorize('report.province', unitRef(province));
  return province;
}

async function remind(ctx: SignedInContext<{ year: number }>): Promise<number> {
  const province = await authorizedProvince(ctx);
  const c = await consolidate(ctx.services.db, province, ctx.input.year, new Date());
  const pending = c.units.filter((u) => u.tracking !== 'submitted' && u.tracking !== 'late');
  const reached = await remindUnits(ctx.services, pending, ctx.input.year, new Date());
  await ctx.audit({ action: 'report.remind', subject: { type: 'unit', id: province._id }, unitId: province._id, details: { year: ctx.input.year, pending: pending.length, reached } });
  return reached;
}

export function registerProvinceReportRoutes(router: Router, services: Services): void {
  const { db } = services;

  route(router, services, {
    method: 'get',
    path: '/reports/province/:year',
    access: 'signed-in',
    input: provincePageQuery,
    handle: async (ctx) => {
      const province = await authorizedProvince(ctx);
      const c = await consolidate(db, province, ctx.input.year, new Date());
      const reminded = ctx.input.reminded ?? null;
      ctx.res.render('reports/province', {
        title: 'reports_province',
        year: c.year,
        province: province.name,
        reminded,
        units: c.units.map((u) => ({ id: u.unit._id.toHexString(), name: u.unit.name, code: u.unit.code, label: trackingLabels[u.tracking], tracking: u.tracking })),
        rows: c.rows.map((r) => ({ name: r.unit.name, ...r.totals, rate: percent(r.totals.rate) })),
        totals: { ...c.totals, rate: percent(c.totals.rate) },
      });
    },
  });

  route(router, services, {
    method: 'get',
    path: '/reports/province/:year/:format',
    access: 'signed-in',
    input: provinceFileParams,
    handle: async (ctx) => {
      const province = await authorizedProvince(ctx);
      const now = new Date();
      const file = await FORMATS[ctx.input.format].build(provinceDocument(await consolidate(db, province, ctx.input.year, now), now));
      ctx.res.setHeader('Content-Type', FORMATS[ctx.input.format].type);
      ctx.res.setHeader('Content-Disposition', `attachment; filename="tong-hop-bdvhcv-${ctx.input.year}.${ctx.input.format}"`);
      ctx.res.send(file);
    },
  });

  route(router, services, {
    method: 'post',
    path: '/reports/province/:year/remind',
    access: 'signed-in',
    input: provinceParams,
    handle: async (ctx) => {
      const reached = await remind(ctx);
      ctx.res.redirect(303, `/reports/province/${ctx.input.year}?reminded=${reached}`);
    },
  });

  /** GET /api/v1/reports/province/:year → `{year, units: [{id, code, name, status}], rows, totals}`. */
  route(router, services, {
    method: 'get',
    path: '/api/v1/reports/province/:year',
    access: 'signed-in',
    doc: { summary: "The province's consolidation of the units' reports", response: provinceAnswer },
    input: provinceParams,
    handle: async (ctx) => {
      const province = await authorizedProvince(ctx);
      const c = await consolidate(db, province, ctx.input.year, new Date());
      ctx.res.json({
        year: c.year,
        units: c.units.map((u) => ({ id: u.unit._id.toHexString(), code: u.unit.code, name: u.unit.name, status: u.tracking })),
        rows: c.rows.map((r) => ({ unitId: r.unit._id.toHexString(), name: r.unit.name, totals: r.totals })),
        totals: c.totals,
      });
    },
  });

  /** POST /api/v1/reports/province/:year/remind → `{reached}`: units whose managers were reminded. */
  route(router, services, {
    method: 'post',
    path: '/api/v1/reports/province/:year/remind',
    access: 'signed-in',
    doc: { summary: 'Remind the managers of units that have not submitted', response: provinceRemindAnswer },
    input: provinceParams,
    handle: async (ctx) => {
      ctx.res.json({ reached: await remind(ctx) });
    },
  });
}
