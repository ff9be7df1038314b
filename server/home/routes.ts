/** The home page: what each role sees first after signing in. */
import type { Router } from 'express';
import { listAudit } from '../audit/service';
import { presentAuditEvent } from '../admin/presenters';
import type { Services } from '../http/context';
import { findFirst, rawCollection } from '../db/raw';
import { route } from '../http/route';
import { homeUnitOf } from '../http/views';
import { officerModel, officerCategoryLabels, officerStatusLabels, type Officer } from '../officers/model';
import { unitModel } from '../units/model';
import { loadDashboard } from '../dashboards/load';
import { dashboardView } from '../dashboards/presenters';
import { homeQuery } from '../dashboards/schema';
import type { SubtreeUnit } from '../dashboards/service';
import { installationStats, subtreeStats } from './stats';
import { myModulesSummary } from '../learning/summary';
import { learnerOf } from '../progress/learner';
import { officerPlan } from './plan';
import { loadOfficerYear, readModuleFacts } from '../progress/my-modules';
import { trainingYear } from '../progress/year';

export function registerHomeRoutes(router: Router, services: Services): void {
  route(router, services, {
    method: 'get',
    path: '/',
    access: 'signed-in',
    input: homeQuery,
    handle: async (ctx) => {
      const { account, res } = ctx;
      ctx.authorize('account.self', { id: ctx.actor.id });
      const changed = ctx.input.changed === '1';
      if (account.role === 'admin') {
        const [stats, audit] = await Promise.all([installationStats(services.db), listAudit(services.db, { page: 1, pageSize: 8 })]);
        return res.render('home/admin', { title: 'home_title', changed, stats, audit: audit.items.map((event) => presentAuditEvent(event)) });
      }
      // read once per request through the view locals (server/http/views.ts)
      const unit = await homeUnitOf(res);
      if (account.role === 'officer') {
        const officer = account.officerId ? await findFirst<Officer>(rawCollection(officerModel(services.db)), { _id: account.officerId }) : null;
        const view = officer && {
          fullName: officer.fullName,
          code: officer.code,
          position: officer.position,
          category: officerCategoryLabels[officer.category],
          status: officerStatusLabels[officer.status],
        };
        const now = new Date();
        // "Học phần của tôi" and the plan read the same enrolments and progress: once for both
        const year = officer ? await loadOfficerYear(services.db, officer._id, trainingYear(now)) : undefined;
        // …and the same modules: read once, the plan's past years included
        const rows = year && { ...year, modules: await readModuleFacts(services.db, [...year.enrolments, ...year.progresses].map((r) => r.moduleId)) };
        const [learning, plan] = await Promise.all([
          myModulesSummary(services.db, officer && (await learnerOf(services.db, officer, unit)), now, rows),
          officer ? officerPlan(services.db, officer._id, ctx.locale, now, rows) : null,
        ]);
        return res.render('home/officer', { title: 'home_title', changed, officer: view, unitName: unit?.name ?? null, learning, plan });
      }
      if (!unit) return res.render('home/officer', { title: 'home_title', changed, officer: null, unitName: null, learning: [], plan: null });
      ctx.authorize('report.view', { id: unit._id, ancestors: unit.ancestors });
      const [stats, subtree] = await Promise.all([subtreeStats(services.db, unit._id), unitModel(services.db).findById(unit._id, { name: 1, code: 1, parentId: 1, ancestors: 1, depth: 1 }).lean<SubtreeUnit>()]);
      const categories = Object.entries(stats.byCategory).map(([key, n]) => ({ label: officerCategoryLabels[key as Officer['category']], n }));
      // the subtree's dashboard (issue #12): the same figures as /dashboards/units/:unitId, without the officer list
      const loaded = await loadDashboard(services.db, subtree, ctx.input, new Date(), false);
      const dash = dashboardView(loaded.dashboard, { locale: ctx.locale, heading: ctx.t('dashboard_title'), path: '/', campaignChoices: loaded.choices, chosenCampaignId: loaded.chosenCampaignId, officers: null, exportUnitId: unit._id.toHexString() });
      res.render('home/unit', { title: 'home_title', changed, unitName: unit.name, unitId: unit._id.toHexString(), stats, categories, dash });
    },
  });
}
