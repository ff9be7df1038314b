/**
 * The campaigns JSON API (/api/v1/campaigns): plan, change, open, close and clone a
 * yearly campaign; its figures; the officer's own notices. Bearer token or cookie +
 * X-CSRF-Token; output only through the presenters.
 */
import type { Router } from 'express';
import type { Types } from 'mongoose';
import type { Services } from '../http/context';
import { route, type SignedInContext } from '../http/route';
import { t } from '../i18n';
import { unitRefOf } from '../modules/service';
import { callerScope, INSTALLATION, skipUnlessObjectId } from '../units/scope';
import { unitModel, type Unit } from '../units/model';
import type { Campaign } from './model';
import { campaignFigures } from './figures';
import { recentNotices } from './notices';
import { presentCampaign, presentNotice } from './presenters';
import { addModuleInput, audienceUpdate, campaignIdParam, campaignListQuery, cloneInput, createCampaignInput, dueDateInput, moduleParam, statusInput, stopInput } from './schema';
import { addModule, changeDueDate, cloneCampaign, createCampaign, findCampaignOr404, listCampaigns, setAudience, setModuleStopped, setStatus } from './service';
import { campaignAnswer, campaignListAnswer, dueDateAnswer, noticeListAnswer } from './response-schemas';

/** The campaign, 404 first, then authorized for `action` on its owner. */
export async function authorizedCampaign(ctx: SignedInContext<{ id: Types.ObjectId }>, action: 'campaign.view' | 'campaign.manage'): Promise<Campaign> {
  const campaign = await findCampaignOr404(ctx.services.db, ctx.input.id);
  ctx.authorize(action, { owner: await unitRefOf(ctx.services.db, campaign.ownerUnitId) });
  return campaign;
}

export const auditOf = (ctx: SignedInContext<unknown>, action: string, campaign: Campaign, details: Record<string, unknown> = {}) =>
  ctx.audit({ action, subject: { type: 'campaign', id: campaign._id }, unitId: campaign.ownerUnitId, details: { name: campaign.name, year: campaign.year, ...details } });

export function registerCampaignApiRoutes(router: Router, services: Services): void {
  const { db } = services;

  /** GET /api/v1/campaigns?year → `{items}`: the campaigns owned in the caller's scope (admins: all). */
  route(router, services, {
    method: 'get',
    path: '/api/v1/campaigns',
    access: 'signed-in',
    doc: { summary: "The campaigns of the caller's scope", response: campaignListAnswer },
    input: campaignListQuery,
    handle: async (ctx) => {
      const scope = await callerScope(db, ctx.actor);
      ctx.authorize('campaign.list', scope.ref);
      const owners = scope.root ? [scope.root._id, ...(await unitModel(db).find({ ancestors: scope.root._id }, { _id: 1 }).lean<Pick<Unit, '_id'>[]>()).map((u) => u._id)] : 'all';
      const items = await listCampaigns(db, { ...(ctx.input.year ? { year: ctx.input.year } : {}), ownerUnitIds: owners });
      ctx.res.json({ items: items.map((c) => presentCampaign(c)) });
    },
  });

  /** POST /api/v1/campaigns → 201 `{campaign}` (a draft; owner defaults to the caller's unit). */
  route(router, services, {
    method: 'post',
    path: '/api/v1/campaigns',
    access: 'signed-in',
    doc: { summary: 'Create a campaign', status: 201, response: campaignAnswer },
    input: createCampaignInput,
    handle: async (ctx) => {
      const ownerUnitId = ctx.input.ownerUnitId ?? ctx.actor.unitId;
      ctx.authorize('campaign.create', ownerUnitId ? ((await unitRefOf(db, ownerUnitId)) ?? INSTALLATION) : INSTALLATION);
      const campaign = await createCampaign(db, { ...ctx.input, ownerUnitId }, ctx.account._id, new Date());
      await auditOf(ctx, 'campaign.create', campaign, { modules: campaign.modules.length });
      ctx.res.status(201).json({ campaign: presentCampaign(campaign) });
    },
  });

  /** GET /api/v1/campaigns/:id → `{campaign}` with each module's figures. */
  route(router, services, {
    method: 'get',
    path: '/api/v1/campaigns/:id',
    access: 'signed-in',
    doc: { summary: "One campaign, with each module's figures", response: campaignAnswer },
    before: [skipUnlessObjectId],
    input: campaignIdParam,
    handle: async (ctx) => {
      const campaign = await authorizedCampaign(ctx, 'campaign.view');
      ctx.res.json({ campaign: presentCampaign(campaign, await campaignFigures(db, campaign)) });
    },
  });

  /** POST /api/v1/campaigns/:id/modules `{moduleId, dueDate}` → `{campaign}`; 409 for a module already there. */
  route(router, services, {
    method: 'post',
    path: '/api/v1/campaigns/:id/modules',
    access: 'signed-in',
    doc: { summary: 'Add a module to a campaign', response: campaignAnswer },
    before: [skipUnlessObjectId],
    input: addModuleInput,
    handle: async (ctx) => {
      const campaign = await authorizedCampaign(ctx, 'campaign.manage');
      const updated = await addModule(db, campaign, ctx.input, new Date());
      await auditOf(ctx, 'campaign.module_add', updated, { moduleId: String(ctx.input.moduleId), dueDate: ctx.input.dueDate });
      ctx.res.json({ campaign: presentCampaign(updated) });
    },
  });

  /** POST /api/v1/campaigns/:id/modules/:moduleId/due-date `{dueDate}` → `{campaign, informed}`: audited, officers told. */
  route(router, services, {
    method: 'post',
    path: '/api/v1/campaigns/:id/modules/:moduleId/due-date',
    access: 'signed-in',
    doc: { summary: "Change a module's due date (the officers are told)", response: dueDateAnswer },
    before: [skipUnlessObjectId],
    input: dueDateInput,
    handle: async (ctx) => {
      const campaign = await authorizedCampaign(ctx, 'campaign.manage');
      const changed = await changeDueDate(db, campaign, ctx.input.moduleId, ctx.input.dueDate, new Date());
      await auditOf(ctx, 'campaign.due_change', changed.campaign, { moduleId: String(ctx.input.moduleId), from: changed.from.toISOString(), to: changed.to.toISOString(), informed: changed.informed });
      ctx.res.json({ campaign: presentCampaign(changed.campaign), informed: changed.informed });
    },
  });

  /** POST …/modules/:moduleId/stop `{confirm: true}` → `{campaign}`: "Ngừng giao", undone by …/restart. */
  route(router, services, {
    method: 'post',
    path: '/api/v1/campaigns/:id/modules/:moduleId/stop',
    access: 'signed-in',
    doc: { summary: 'Stop a module of a campaign', response: campaignAnswer },
    before: [skipUnlessObjectId],
    input: stopInput,
    handle: async (ctx) => {
      const campaign = await authorizedCampaign(ctx, 'campaign.manage');
      const updated = await setModuleStopped(db, campaign, ctx.input.moduleId, true, new Date());
      await auditOf(ctx, 'campaign.module_stop', updated, { moduleId: String(ctx.input.moduleId) });
      ctx.res.json({ campaign: presentCampaign(updated) });
    },
  });

  /** POST …/modules/:moduleId/restart → `{campaign}`: the undo of a stop. */
  route(router, services, {
    method: 'post',
    path: '/api/v1/campaigns/:id/modules/:moduleId/restart',
    access: 'signed-in',
    doc: { summary: 'Restart a stopped module', response: campaignAnswer },
    before: [skipUnlessObjectId],
    input: moduleParam,
    handle: async (ctx) => {
      const campaign = await authorizedCampaign(ctx, 'campaign.manage');
      const updated = await setModuleStopped(db, campaign, ctx.input.moduleId, false, new Date());
      await auditOf(ctx, 'campaign.module_restart', updated, { moduleId: String(ctx.input.moduleId) });
      ctx.res.json({ campaign: presentCampaign(updated) });
    },
  });

  /** PUT /api/v1/campaigns/:id/audience `{audience}` → `{campaign}`. */
  route(router, services, {
    method: 'put',
    path: '/api/v1/campaigns/:id/audience',
    access: 'signed-in',
    doc: { summary: "Replace a campaign's audience", response: campaignAnswer },
    before: [skipUnlessObjectId],
    input: audienceUpdate,
    handle: async (ctx) => {
      const campaign = await authorizedCampaign(ctx, 'campaign.manage');
      const updated = await setAudience(db, campaign, ctx.input.audience, new Date());
      await auditOf(ctx, 'campaign.audience', updated);
      ctx.res.json({ campaign: presentCampaign(updated) });
    },
  });

  /** POST /api/v1/campaigns/:id/status `{status: open | closed}` → `{campaign}`. */
  route(router, services, {
    method: 'post',
    path: '/api/v1/campaigns/:id/status',
    access: 'signed-in',
    doc: { summary: 'Open or close a campaign', response: campaignAnswer },
    before: [skipUnlessObjectId],
    input: statusInput,
    handle: async (ctx) => {
      const campaign = await authorizedCampaign(ctx, 'campaign.manage');
      const updated = await setStatus(db, campaign, ctx.input.status, new Date());
      await auditOf(ctx, 'campaign.status', updated, { from: campaign.status, to: updated.status });
      ctx.res.json({ campaign: presentCampaign(updated) });
    },
  });

  /** POST /api/v1/campaigns/:id/clone `{year}` → 201 `{campaign}`: a draft for that year. */
  route(router, services, {
    method: 'post',
    path: '/api/v1/campaigns/:id/clone',
    access: 'signed-in',
    doc: { summary: 'Copy a campaign to another year', status: 201, response: campaignAnswer },
    before: [skipUnlessObjectId],
    input: cloneInput,
    handle: async (ctx) => {
      const source = await authorizedCampaign(ctx, 'campaign.manage');
      const campaign = await cloneCampaign(db, source, ctx.input.year, ctx.account._id);
      await auditOf(ctx, 'campaign.clone', campaign, { from: String(source._id) });
      ctx.res.status(201).json({ campaign: presentCampaign(campaign) });
    },
  });

  /** GET /api/v1/me/notices → `{items}`: the caller's own notices (due dates moved, overrides, exemptions). */
  route(router, services, {
    method: 'get',
    path: '/api/v1/me/notices',
    access: 'signed-in',
    doc: { summary: "The caller's notices (due dates changed…)", response: noticeListAnswer },
    handle: async (ctx) => {
      ctx.authorize('account.self', { id: ctx.actor.id });
      const items = ctx.actor.officerId ? await recentNotices(db, ctx.actor.officerId) : [];
      ctx.res.json({ items: items.map((n) => presentNotice(n, t(ctx.locale, n.message, n.params))) });
    },
  });
}
