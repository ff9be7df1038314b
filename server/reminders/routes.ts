/**
 * Reminder routes: a campaign's schedule (PUT /api/v1/campaigns/:id/reminders, and the
 * campaign page's form POST /campaigns/:id/reminder-schedule), "Nhắc
 * nhở" now over the API (POST /api/v1/campaigns/:id/reminders `{officerIds}`) and from
 * the pages (POST /campaigns/:id/remind: the dashboards' checkboxes `officerIds`, or none
 * for every officer of the caller's subtree not done). Each officer's unit is authorized
 * ('reminder.send') before anything is sent; every "Nhắc nhở" is audited.
 */
import type { Router } from 'express';
import { trusted, Types, type Connection } from 'mongoose';
import { auditOf, authorizedCampaign } from '../campaigns/api-routes';
import { presentCampaign } from '../campaigns/presenters';
import { findCampaignOr404 } from '../campaigns/service';
import { renderCampaignPage } from '../campaigns/pages';
import { isAppError, notFound, type AppError } from '../errors';
import type { Services } from '../http/context';
import { route, type SignedInContext } from '../http/route';
import { officerModel, type Officer } from '../officers/model';
import { can, type UnitRef } from '../policies';
import { unitRefOf } from '../modules/service';
import { emptyForm, problemsByField, refusalState, typedValues } from '../units/forms';
import { unitModel, type Unit } from '../units/model';
import { callerScope, skipUnlessObjectId } from '../units/scope';
import { pendingEnrolments, remindNow, type RemindResult } from './manual';
import { setReminderSchedule } from './schedule';
import { remindForm, remindInput, scheduleForm, scheduleInput } from './schema';
import { campaignAnswer } from '../campaigns/response-schemas';
import { remindAnswer } from './response-schemas';

/** Authorizes 'reminder.send' on the unit of each of `officerIds`; 404 when one does not exist. */
async function authorizeOfficers(ctx: SignedInContext<unknown>, db: Connection, officerIds: readonly Types.ObjectId[]): Promise<void> {
  const officers = await officerModel(db).find({ _id: trusted({ $in: [...officerIds] }) }, { unitId: 1 }).lean<Pick<Officer, '_id' | 'unitId'>[]>();
  if (officers.length !== new Set(officerIds.map(String)).size) throw notFound('officer_not_found');
  const units = await unitModel(db).find({ _id: trusted({ $in: [...new Set(officers.map((o) => o.unitId))] }) }, { ancestors: 1 }).lean<Pick<Unit, '_id' | 'ancestors'>[]>();
  for (const unit of units) ctx.authorize('reminder.send', { id: unit._id, ancestors: unit.ancestors });
  if (units.length === 0) throw notFound('officer_not_found');
}

/** The caller's subtree as unit ids (null: everything, admins) and its policy subject. */
async function scopeOf(ctx: SignedInContext<unknown>, db: Connection): Promise<{ unitIds: Types.ObjectId[] | null; ref: UnitRef }> {
  const scope = await callerScope(db, ctx.actor);
  if (!scope.root) return { unitIds: null, ref: scope.ref };
  const below = await unitModel(db).find({ ancestors: scope.root._id }, { _id: 1 }).lean<Pick<Unit, '_id'>[]>();
  return { unitIds: [scope.root._id, ...below.map((u) => u._id)], ref: scope.ref };
}

/** Reminds now, audited; the command's refusals (409, 429) pass through. */
async function remindAndAudit(ctx: SignedInContext<{ id: Types.ObjectId }>, officerIds: readonly Types.ObjectId[] | null): Promise<RemindResult> {
  const { db } = ctx.services;
  const campaign = await findCampaignOr404(db, ctx.input.id);
  let pending;
  if (officerIds && officerIds.length) {
    await authorizeOfficers(ctx, db, officerIds);
    pending = await pendingEnrolments(db, campaign, { officerIds });
  } else {
    const scope = await scopeOf(ctx, db);
    ctx.authorize('reminder.send', scope.ref);
    pending = await pendingEnrolments(db, campaign, { unitIds: scope.unitIds });
  }
  const result = await remindNow(ctx.services, campaign, pending, ctx.account._id, new Date());
  await ctx.audit({ action: 'reminder.send', subject: { type: 'campaign', id: campaign._id }, unitId: campaign.ownerUnitId, details: { name: campaign.name, year: campaign.year, asked: officerIds ? officerIds.length : 'pending', ...result } });
  return result;
}

export function registerReminderRoutes(router: Router, services: Services): void {
  const { db } = services;

  /** PUT /api/v1/campaigns/:id/reminders `{daysBefore, onDueDate, overdueEveryDays}` → `{campaign}`. */
  route(router, services, {
    method: 'put',
    path: '/api/v1/campaigns/:id/reminders',
    access: 'signed-in',
    doc: { summary: "Set a campaign's reminder schedule", response: campaignAnswer },
    before: [skipUnlessObjectId],
    input: scheduleInput,
    handle: async (ctx) => {
      const campaign = await authorizedCampaign(ctx, 'campaign.manage');
      const { id: _, ...schedule } = ctx.input;
      const updated = await setReminderSchedule(db, campaign, schedule);
      await auditOf(ctx, 'campaign.reminders', updated, { ...schedule });
      ctx.res.json({ campaign: presentCampaign(updated) });
    },
  });

  /** POST /campaigns/:id/reminder-schedule (the campaign page's form) → 303 `?done=schedule_changed`; refusals on the form. */
  route(router, services, {
    method: 'post',
    path: '/campaigns/:id/reminder-schedule',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: scheduleForm,
    invalid: async (ctx, problems) => {
      // route() leaves `input` unset on a refusal: the id comes from the path (an ObjectId, skipUnlessObjectId)
      const id = new Types.ObjectId(String(ctx.req.params['id']));
      const campaign = await authorizedCampaign(Object.assign(ctx, { input: { id } }) as never, 'campaign.manage');
      await renderCampaignPage(ctx, campaign, { form: 'schedule', problems: problemsByField(problems), values: typedValues(ctx.req.body), alert: null }, 422);
    },
    handle: async (ctx) => {
      const campaign = await authorizedCampaign(ctx, 'campaign.manage');
      const { id: _, ...schedule } = ctx.input;
      try {
        const updated = await setReminderSchedule(db, campaign, schedule);
        await auditOf(ctx, 'campaign.reminders', updated, { ...schedule });
        ctx.res.redirect(303, `/campaigns/${campaign._id.toHexString()}?done=schedule_changed`);
      } catch (error) {
        const state = refusalState(error, 'schedule' as const, ctx.req.body);
        if (!state) throw error;
        await renderCampaignPage(ctx, campaign, state, (error as AppError).status);
      }
    },
  });

  /** POST /api/v1/campaigns/:id/reminders `{officerIds}` → `{reminded, skipped}`; 429 'reminder_too_soon' when all were reminded today. */
  route(router, services, {
    method: 'post',
    path: '/api/v1/campaigns/:id/reminders',
    access: 'signed-in',
    doc: { summary: 'Remind the pending officers now', response: remindAnswer },
    before: [skipUnlessObjectId],
    input: remindInput,
    handle: async (ctx) => {
      ctx.res.json(await remindAndAudit(ctx, ctx.input.officerIds));
    },
  });

  /** POST /campaigns/:id/remind (form: officerIds, back) → 303 back with `reminded` and `skipped`; refusals on the campaign page. */
  route(router, services, {
    method: 'post',
    path: '/campaigns/:id/remind',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: remindForm,
    handle: async (ctx) => {
      try {
        const result = await remindAndAudit(ctx, ctx.input.officerIds);
        const back = ctx.input.back ?? `/campaigns/${ctx.input.id.toHexString()}`;
        ctx.res.redirect(303, `${back}${back.includes('?') ? '&' : '?'}reminded=${result.reminded}&skipped=${result.skipped}`);
      } catch (error) {
        if (!isAppError(error) || ![409, 429].includes(error.status)) throw error;
        const campaign = await findCampaignOr404(db, ctx.input.id);
        // the campaign page only to who may see it (a unit head of a sub-unit gets the error page)
        if (!can(ctx.actor, 'campaign.view', { owner: await unitRefOf(db, campaign.ownerUnitId) })) throw error;
        await renderCampaignPage(ctx, campaign, { ...emptyForm(), alert: { id: error.id } }, error.status);
      }
    },
  });
}
