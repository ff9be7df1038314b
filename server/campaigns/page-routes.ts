/**
 * The campaign and exemption pages. Handlers call the same services as /api/v1 (never a
 * second copy of a rule): load (404), authorize (403), run, audit, redirect with `done`;
 * a refusal the user can act on re-renders the page with the problem in Vietnamese.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Request, Router } from 'express';
import { trusted, Types } from 'mongoose';
import { isAppError, type AppError, type FieldProblem } from '../errors';
import type { Services } from '../http/context';
import { route, type RouteContext } from '../http/route';
import { unitRefOf } from '../modules/service';
import { findOfficerOr404 } from '../officers/access';
import { officerModel, type Officer } from '../officers/model';
import { can } from '../policies';
import { trainingYear } from '../progress/year';
import { actorOfContext, problemsByField, refusalState, typedValues, type FormState } from '../units/forms';
import { callerScope, INSTALLATION, skipUnlessObjectId } from '../units/scope';
import { unitModel, type Unit } from '../units/model';
import { auditOf, authorizedCampaign } from './api-routes';
import { registerCampaignEditPageRoutes } from './edit-page-routes';
import { storeEvidence, uploadEvidence } from './exemption-routes';
import { decideExemption, exemptionModel, findExemptionOr404, proposeExemption, type Exemption } from './exemptions';
import { campaignListPageQuery, campaignPageQuery, cloneForm, createCampaignForm, decisionForm, dueDateForm, exemptionForm, exemptionsPageQuery, MODULE_ROWS, restartForm, statusForm, stopForm } from './page-schema';
import { listLocals, renderCampaignPage, renderExemptions, renderNewCampaign, type CampaignFormName } from './pages';
import { createCampaignInput } from './schema';
import { changeDueDate, cloneCampaign, createCampaign, findCampaignOr404, listCampaigns, setModuleStopped, setStatus } from './service';

/** The ids of the caller's subtree (null = everything: admins). */
async function subtreeIds(ctx: RouteContext<unknown>): Promise<Types.ObjectId[] | null> {
  const scope = await callerScope(ctx.services.db, actorOfContext(ctx));
  if (!scope.root) return null;
  return [scope.root._id, ...(await unitModel(ctx.services.db).find({ ancestors: scope.root._id }, { _id: 1 }).lean<Pick<Unit, '_id'>[]>()).map((u) => u._id)];
}

const idOf = (ctx: RouteContext<unknown>) => new Types.ObjectId(String(ctx.req.params['id']));

/** The create form's rows → the command's module lines, and back for the field names of problems. */
function formToInput(body: Record<string, unknown>) {
  const rows: number[] = [];
  const modules: { moduleId: string; dueDate: string }[] = [];
  for (let row = 1; row <= MODULE_ROWS; row++) {
    const moduleId = body[`module_${row}`];
    if (!moduleId) continue;
    rows.push(row);
    modules.push({ moduleId: String(moduleId), dueDate: String(body[`due_${row}`] ?? '') });
  }
  const input = {
    name: body['name'],
    year: body['year'],
    ownerUnitId: body['ownerUnitId'] ? String(body['ownerUnitId']) : null,
    modules,
    audience: { unitIds: (body['unitIds'] as Types.ObjectId[]).map(String), categories: body['categories'], leadersOnly: body['leadersOnly'] },
    ...(body['cutoffDate'] ? { cutoffDate: body['cutoffDate'] } : {}),
    certificatePerModule: body['certificatePerModule'] === true,
  };
  const field = (name: string) => {
    const m = /^modules\.(\d+)\.(moduleId|dueDate)$/.exec(name);
    if (m) return `${m[2] === 'moduleId' ? 'module' : 'due'}_${rows[Number(m[1])]}`;
    return name.replace(/^audience\.(unitIds)\.\d+$/, '$1');
  };
  return { input, field };
}

/** Problems renamed to the form's fields; a campaign without any module row is a problem on the first row. */
const renamed = (problems: readonly FieldProblem[], field: (name: string) => string) => problemsByField(problems.map((p) => ({ ...p, field: field(p.field) })));

async function campaignRefusal(ctx: RouteContext<unknown>, error: unknown, form: CampaignFormName): Promise<void> {
  const state = refusalState(error, form, ctx.req.body);
  if (!state) throw error;
  await renderCampaignPage(ctx, await findCampaignOr404(ctx.services.db, idOf(ctx)), state, (error as AppError).status);
}

export function registerCampaignPageRoutes(router: Router, services: Services): void {
  const { db } = services;

  route(router, services, {
    method: 'get',
    path: '/campaigns',
    access: 'signed-in',
    input: campaignListPageQuery,
    handle: async (ctx) => {
      const scope = await callerScope(db, ctx.actor);
      ctx.authorize('campaign.list', scope.ref);
      const owners = await subtreeIds(ctx);
      const campaigns = await listCampaigns(db, { ...(ctx.input.year ? { year: ctx.input.year } : {}), ownerUnitIds: owners ?? 'all' });
      const shown = ctx.input.status ? campaigns.filter((c) => c.status === ctx.input.status) : campaigns;
      ctx.res.render('campaigns/index', await listLocals(db, shown, ctx.input, can(ctx.actor, 'campaign.create', scope.ref)));
    },
  });

  route(router, services, {
    method: 'get',
    path: '/campaigns/new',
    access: 'signed-in',
    handle: async (ctx) => {
      ctx.authorize('campaign.create', (await callerScope(db, ctx.actor)).ref);
      await renderNewCampaign(ctx, { form: 'create', problems: {}, values: { year: String(trainingYear()), cutoffDate: `31/10/${trainingYear()}` }, alert: null });
    },
  });

  route(router, services, {
    method: 'post',
    path: '/campaigns',
    access: 'signed-in',
    input: createCampaignForm,
    invalid: async (ctx, problems) => {
      ctx.authorize('campaign.create', (await callerScope(db, actorOfContext(ctx))).ref);
      await renderNewCampaign(ctx, { form: 'create', problems: problemsByField(problems), values: typedValues(ctx.req.body), alert: null }, 422);
    },
    handle: async (ctx) => {
      const { input, field } = formToInput(ctx.input as Record<string, unknown>);
      const ownerUnitId = input.ownerUnitId ? new Types.ObjectId(input.ownerUnitId) : ctx.actor.unitId;
      ctx.authorize('campaign.create', ownerUnitId ? ((await unitRefOf(db, ownerUnitId)) ?? INSTALLATION) : INSTALLATION);
      const values = { ...typedValues(ctx.req.body), ...(Array.isArray(ctx.req.body?.unitIds) ? { unitIds: ctx.req.body.unitIds } : {}), ...(Array.isArray(ctx.req.body?.categories) ? { categories: ctx.req.body.categories } : {}) } as Record<string, string>;
      if (input.modules.length === 0) return renderNewCampaign(ctx, { form: 'create', problems: { module_1: 'campaign_form_module_needed' }, values, alert: null }, 422);
      try {
        const campaign = await createCampaign(db, createCampaignInput.parse({ ...input, ownerUnitId: ownerUnitId ? String(ownerUnitId) : null }), ctx.account._id, new Date());
        await auditOf(ctx, 'campaign.create', campaign, { modules: campaign.modules.length });
        ctx.res.redirect(303, `/campaigns/${campaign._id.toHexString()}?done=created`);
      } catch (error) {
        if (!isAppError(error) || ![400, 409, 422].includes(error.status)) throw error;
        const state: FormState<'create'> = error.details ? { form: 'create', problems: renamed(error.details, field), values, alert: null, ...(error.params ? { params: error.params } : {}) } : { form: 'create', problems: {}, values, alert: { id: error.id, ...(error.params ? { params: error.params } : {}) } };
        await renderNewCampaign(ctx, state, error.status);
      }
    },
  });

  route(router, services, {
    method: 'get',
    path: '/campaigns/:id',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: campaignPageQuery,
    handle: async (ctx) => {
      const campaign = await authorizedCampaign(ctx, 'campaign.view');
      const { done, reminded, skipped } = ctx.input;
      await renderCampaignPage(ctx, campaign, undefined, 200, { ...(done ? { done } : {}), ...(reminded !== undefined ? { reminded: { count: reminded, skipped: skipped ?? 0 } } : {}) });
    },
  });

  route(router, services, {
    method: 'post',
    path: '/campaigns/:id/status',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: statusForm,
    handle: async (ctx) => {
      const campaign = await authorizedCampaign(ctx, 'campaign.manage');
      try {
        const updated = await setStatus(db, campaign, ctx.input.status, new Date());
        await auditOf(ctx, 'campaign.status', updated, { from: campaign.status, to: updated.status });
        ctx.res.redirect(303, `/campaigns/${ctx.input.id.toHexString()}?done=${updated.status === 'open' ? 'opened' : 'closed'}`);
      } catch (error) {
        await campaignRefusal(ctx, error, 'status');
      }
    },
  });

  route(router, services, {
    method: 'post',
    path: '/campaigns/:id/modules/:moduleId/due-date',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: dueDateForm,
    invalid: async (ctx, problems) => {
      const campaign = await authorizedCampaign(ctx as never, 'campaign.manage');
      await renderCampaignPage(ctx, campaign, { form: 'due', problems: problemsByField(problems), values: { ...typedValues(ctx.req.body), moduleId: String(ctx.req.params['moduleId']) }, alert: null }, 422);
    },
    handle: async (ctx) => {
      const campaign = await authorizedCampaign(ctx, 'campaign.manage');
      try {
        const changed = await changeDueDate(db, campaign, ctx.input.moduleId, ctx.input.dueDate, new Date());
        await auditOf(ctx, 'campaign.due_change', changed.campaign, { moduleId: String(ctx.input.moduleId), from: changed.from.toISOString(), to: changed.to.toISOString(), informed: changed.informed });
        ctx.res.redirect(303, `/campaigns/${ctx.input.id.toHexString()}?done=due_changed`);
      } catch (error) {
        const state = refusalState(error, 'due' as const, ctx.req.body);
        if (!state) throw error;
        state.values['moduleId'] = String(ctx.input.moduleId);
        await renderCampaignPage(ctx, campaign, state, (error as AppError).status);
      }
    },
  });

  // "Ngừng giao" asks first: without `confirm` the page comes back with the question and a confirm button
  route(router, services, {
    method: 'post',
    path: '/campaigns/:id/modules/:moduleId/stop',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: stopForm,
    handle: async (ctx) => {
      const campaign = await authorizedCampaign(ctx, 'campaign.manage');
      if (!ctx.input.confirm) return renderCampaignPage(ctx, campaign, undefined, 200, { confirmStop: ctx.input.moduleId.toHexString() });
      try {
        const updated = await setModuleStopped(db, campaign, ctx.input.moduleId, true, new Date());
        await auditOf(ctx, 'campaign.module_stop', updated, { moduleId: String(ctx.input.moduleId) });
        ctx.res.redirect(303, `/campaigns/${ctx.input.id.toHexString()}?done=stopped`);
      } catch (error) {
        await campaignRefusal(ctx, error, 'stop');
      }
    },
  });

  route(router, services, {
    method: 'post',
    path: '/campaigns/:id/modules/:moduleId/restart',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: restartForm,
    handle: async (ctx) => {
      const campaign = await authorizedCampaign(ctx, 'campaign.manage');
      try {
        const updated = await setModuleStopped(db, campaign, ctx.input.moduleId, false, new Date());
        await auditOf(ctx, 'campaign.module_restart', updated, { moduleId: String(ctx.input.moduleId) });
        ctx.res.redirect(303, `/campaigns/${ctx.input.id.toHexString()}?done=restarted`);
      } catch (error) {
        await campaignRefusal(ctx, error, 'stop');
      }
    },
  });

  route(router, services, {
    method: 'post',
    path: '/campaigns/:id/clone',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: cloneForm,
    invalid: async (ctx, problems) => {
      const campaign = await authorizedCampaign(ctx as never, 'campaign.manage');
      await renderCampaignPage(ctx, campaign, { form: 'clone', problems: problemsByField(problems), values: typedValues(ctx.req.body), alert: null }, 422);
    },
    handle: async (ctx) => {
      const source = await authorizedCampaign(ctx, 'campaign.manage');
      try {
        const campaign = await cloneCampaign(db, source, ctx.input.year, ctx.account._id);
        await auditOf(ctx, 'campaign.clone', campaign, { from: String(source._id) });
        ctx.res.redirect(303, `/campaigns/${campaign._id.toHexString()}?done=cloned`);
      } catch (error) {
        await campaignRefusal(ctx, error, 'clone');
      }
    },
  });

  registerCampaignEditPageRoutes(router, services);
  registerExemptionPageRoutes(router, services);
}

/** The exemptions of the caller's subtree (admins: all), newest first, as the API lists them. */
async function listExemptions(ctx: RouteContext<unknown>, status: string | undefined): Promise<Exemption[]> {
  const ids = await subtreeIds(ctx);
  const filter: Record<string, unknown> = status ? { status } : {};
  if (ids) filter['unitId'] = trusted({ $in: ids });
  return exemptionModel(ctx.services.db).find(filter).sort({ createdAt: -1 }).limit(500).lean<Exemption[]>();
}

function registerExemptionPageRoutes(router: Router, services: Services): void {
  const { db } = services;
  const listAuthorized = async (ctx: RouteContext<unknown>) => ctx.authorize('exemption.list', (await callerScope(db, actorOfContext(ctx))).ref);

  route(router, services, {
    method: 'get',
    path: '/exemptions',
    access: 'signed-in',
    input: exemptionsPageQuery,
    handle: async (ctx) => {
      await listAuthorized(ctx);
      await renderExemptions(ctx, await listExemptions(ctx, ctx.input.status), ctx.input);
    },
  });

  route(router, services, {
    method: 'post',
    path: '/exemptions',
    access: 'signed-in',
    before: [uploadEvidence],
    input: exemptionForm,
    invalid: async (ctx, problems) => {
      await listAuthorized(ctx);
      await renderExemptions(ctx, await listExemptions(ctx, undefined), {}, { form: 'propose', problems: problemsByField(problems), values: typedValues(ctx.req.body), alert: null }, 422);
    },
    handle: async (ctx) => {
      await listAuthorized(ctx);
      const refuse = async (state: FormState<'propose'>, status: number) => renderExemptions(ctx, await listExemptions(ctx, undefined), {}, state, status);
      const found = await officerModel(db).findOne({ code: ctx.input.officerCode.toUpperCase() }, { _id: 1 }).lean<Pick<Officer, '_id'>>();
      if (!found) return refuse({ form: 'propose', problems: { officerCode: 'exemption_officer_unknown' }, values: typedValues(ctx.req.body), alert: null }, 422);
      const { officer, ref } = await findOfficerOr404(db, found._id);
      // the same rule as the API: an officer outside the caller's subtree is a 403
      ctx.authorize('exemption.propose', ref);
      const evidence = await storeEvidence(services.config.DATA_DIR, (ctx.req as Request & { file?: Express.Multer.File }).file).catch((error: unknown) => {
        if (isAppError(error)) return error;
        throw error;
      });
      if (isAppError(evidence)) return refuse({ form: 'propose', problems: { evidence: evidence.id }, values: typedValues(ctx.req.body), alert: null }, evidence.status);
      try {
        const exemption = await proposeExemption(db, { officerId: officer._id, unitId: officer.unitId, year: trainingYear(), kind: ctx.input.kind, reason: ctx.input.reason, evidence }, ctx.account._id, new Date());
        await ctx.audit({ action: 'exemption.propose', subject: { type: 'exemption', id: exemption._id }, unitId: officer.unitId, details: { officer: officer.code, kind: exemption.kind, year: exemption.year, evidence: evidence !== null } });
        ctx.res.redirect(303, '/exemptions?done=proposed');
      } catch (error) {
        // nothing half-way: a refused proposal leaves no file behind
        if (evidence) await fs.promises.rm(path.join(services.config.DATA_DIR, 'evidence', evidence.file), { force: true });
        const state = refusalState(error, 'propose' as const, ctx.req.body) ?? (isAppError(error) && error.status === 404 ? { form: 'propose' as const, problems: {}, values: typedValues(ctx.req.body), alert: { id: error.id } } : null);
        if (!state) throw error;
        await refuse(state, (error as AppError).status === 404 ? 422 : (error as AppError).status);
      }
    },
  });

  route(router, services, {
    method: 'post',
    path: '/exemptions/:id/decision',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: decisionForm,
    handle: async (ctx) => {
      const exemption = await findExemptionOr404(db, ctx.input.id);
      const { ref } = await findOfficerOr404(db, exemption.officerId);
      ctx.authorize('exemption.decide', ref);
      try {
        const decided = await decideExemption(db, exemption, ctx.input.decision, ctx.input.note || null, ctx.account._id, new Date());
        await ctx.audit({ action: `exemption.${decided.status === 'approved' ? 'approve' : 'refuse'}`, subject: { type: 'exemption', id: decided._id }, unitId: decided.unitId, details: { kind: decided.kind, year: decided.year } });
        ctx.res.redirect(303, `/exemptions?done=${decided.status}`);
      } catch (error) {
        const state = refusalState(error, 'decide' as const, ctx.req.body);
        if (!state) throw error;
        await renderExemptions(ctx, await listExemptions(ctx, undefined), {}, state, (error as AppError).status);
      }
    },
  });
}
