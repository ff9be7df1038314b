/**
 * The dashboard pages and their JSON: a unit's subtree (`/dashboards/units/:unitId`, with
 * the unit's own officers) and a campaign within the caller's subtree
 * (`/dashboards/campaigns/:id`; admins see the whole installation).
 */
import type { Router } from 'express';
import type { Connection } from 'mongoose';
import type { Services } from '../http/context';
import { route, type SignedInContext } from '../http/route';
import { findCampaignOr404 } from '../campaigns/service';
import { notFound } from '../errors';
import { INSTALLATION, unitRef } from '../units/scope';
import { unitModel } from '../units/model';
import { registerExportRoutes } from './export-routes';
import { loadDashboard, loadFor, yearOf, type Loaded } from './load';
import { dashboardView, presentDashboard } from './presenters';
import { campaignDashboardQuery, unitDashboardQuery } from './schema';
import { heldUnit, type SubtreeUnit } from './service';
import { dashboardAnswer } from './response-schemas';
import { readYearState } from './year-state';

const UNIT_FIELDS = { name: 1, code: 1, parentId: 1, ancestors: 1, depth: 1 } as const;

/** The subtree a campaign page shows: the caller's unit, or the installation for admins. */
async function callerRoot(db: Connection, ctx: SignedInContext<unknown>): Promise<SubtreeUnit | null> {
  if (ctx.actor.role === 'admin' || !ctx.actor.unitId) return null;
  return unitModel(db).findById(ctx.actor.unitId, UNIT_FIELDS).lean<SubtreeUnit>();
}

function render(ctx: SignedInContext<unknown>, loaded: Loaded, heading: string, path: string, exportUnitId: string | null): void {
  const dash = dashboardView(loaded.dashboard, { locale: ctx.locale, heading, path, campaignChoices: loaded.choices, chosenCampaignId: loaded.chosenCampaignId, officers: loaded.officers, exportUnitId });
  ctx.res.render('dashboards/show', { title: 'dashboard_title', dash });
}

export function registerDashboardRoutes(router: Router, services: Services): void {
  const { db } = services;
  for (const api of [false, true]) {
    route(router, services, {
      method: 'get',
      path: `${api ? '/api/v1' : ''}/dashboards/units/:unitId`,
      access: 'signed-in',
      doc: { summary: "A unit's completion dashboard, with its officers", response: dashboardAnswer },
      input: unitDashboardQuery,
      handle: async (ctx) => {
        const now = new Date();
        // one read for what must be fresh (the year's campaigns, every generation token); the unit then comes from the held tree
        const state = await readYearState(db, yearOf(ctx.input, now));
        const unit = await heldUnit(db, ctx.input.unitId, { token: state.unitsToken });
        if (!unit) throw notFound('unit_not_found');
        ctx.authorize('dashboard.view', unitRef(unit));
        const loaded = await loadDashboard(db, unit, ctx.input, now, true, state);
        if (api) return ctx.res.json({ dashboard: presentDashboard(loaded.dashboard, loaded.officers) });
        render(ctx, loaded, ctx.t('dashboard_unit_title', { unit: unit.name }), `/dashboards/units/${unit._id.toHexString()}`, unit._id.toHexString());
      },
    });
    route(router, services, {
      method: 'get',
      path: `${api ? '/api/v1' : ''}/dashboards/campaigns/:id`,
      access: 'signed-in',
      doc: { summary: "A campaign's completion dashboard", response: dashboardAnswer },
      input: campaignDashboardQuery,
      handle: async (ctx) => {
        const campaign = await findCampaignOr404(db, ctx.input.id);
        const root = await callerRoot(db, ctx);
        ctx.authorize('dashboard.view', root ? unitRef(root) : INSTALLATION);
        const loaded = await loadFor(db, root, [campaign], campaign.year, new Date(), false);
        if (api) return ctx.res.json({ dashboard: presentDashboard(loaded.dashboard, null) });
        render(ctx, loaded, ctx.t('dashboard_campaign_title', { campaign: campaign.name }), `/dashboards/campaigns/${campaign._id.toHexString()}`, root ? root._id.toHexString() : null);
      },
    });
  }
  registerExportRoutes(router, services);
}
