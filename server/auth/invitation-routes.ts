/** Coordinators invite officers: one from the officer's page, or all of a unit's subtree at once. */
import type { Router } from 'express';
import { notFound } from '../errors';
import type { Services } from '../http/context';
import { route, type SignedInContext } from '../http/route';
import { officerModel, type Officer } from '../officers/model';
import { unitModel, type Unit } from '../units/model';
import { formatNumber } from '../http/views';
import { t, type Locale } from '../i18n';
import { jobIdSchema } from '../jobs';
import { getInvitationJob, handled, startInvitationJob, type InvitationJob } from './invitation-jobs';
import { INVITE_HOURS, inviteOfficer, type Inviter } from './invitations';
import { inviteOfficerSchema, inviteUnitSchema } from './recovery-schema';

const inviterOf = (ctx: SignedInContext<unknown>): Inviter => ({
  id: ctx.account._id,
  name: ctx.account.displayName,
  ip: ctx.req.ip ?? null,
  requestId: (ctx.res.locals['requestId'] as string | undefined) ?? null,
});

export function registerInvitationRoutes(router: Router, services: Services): void {
  route(router, services, {
    method: 'post',
    path: '/officers/:id/invite',
    access: 'signed-in',
    input: inviteOfficerSchema,
    handle: async (ctx) => {
      const officer = await officerModel(services.db).findById(ctx.input.id, { unitId: 1, fullName: 1, code: 1 }).lean<Pick<Officer, '_id' | 'unitId' | 'fullName' | 'code'>>();
      if (!officer) throw notFound('officer_not_found');
      const unit = await unitModel(services.db).findById(officer.unitId, { ancestors: 1 }).lean<Pick<Unit, '_id' | 'ancestors'>>();
      if (!unit) throw notFound('unit_not_found');
      ctx.authorize('officer.invite', { id: officer._id, unit: { id: unit._id, ancestors: unit.ancestors } });
      const { email } = await inviteOfficer(services, officer._id, inviterOf(ctx));
      ctx.res.render('auth/invitation-sent', {
        title: 'invite_sent_title',
        email,
        hours: INVITE_HOURS,
        officer: { id: officer._id.toHexString(), fullName: officer.fullName, code: officer.code },
      });
    },
  });

  route(router, services, {
    method: 'post',
    path: '/units/:id/invite-all',
    access: 'signed-in',
    input: inviteUnitSchema,
    handle: async (ctx) => {
      const unit = await unitModel(services.db).findById(ctx.input.id, { ancestors: 1, name: 1 }).lean<Pick<Unit, '_id' | 'ancestors' | 'name'>>();
      if (!unit) throw notFound('unit_not_found');
      ctx.authorize('officer.create', { id: unit._id, ancestors: unit.ancestors });
      const job = await startInvitationJob(services, unit, inviterOf(ctx));
      const url = `/invitations/jobs/${job.id}`;
      if (ctx.req.accepts(['html', 'json']) === 'json') return ctx.res.status(202).json({ job: presentInvitationJob(job, ctx.locale), url });
      ctx.res.redirect(303, url);
    },
  });

  /** The caller's own job on a unit they may still invite in; anyone else's is 404, as if it did not exist. */
  const ownJob = async (ctx: SignedInContext<{ id: string }>): Promise<InvitationJob> => {
    const job = await getInvitationJob(services.jobs, ctx.input.id, ctx.actor.id);
    if (!job) throw notFound('invite_job_not_found');
    ctx.authorize('officer.create', { id: job.unit.id, ancestors: job.unit.ancestors });
    return job;
  };

  route(router, services, {
    method: 'get',
    path: '/invitations/jobs/:id',
    access: 'signed-in',
    input: jobIdSchema,
    handle: async (ctx) => {
      ctx.res.set('Cache-Control', 'no-store').render('auth/invitations-sent', { title: 'invite_all_title', job: presentInvitationJob(await ownJob(ctx), ctx.locale) });
    },
  });

  route(router, services, {
    method: 'get',
    path: '/invitations/jobs/:id/status',
    access: 'signed-in',
    input: jobIdSchema,
    handle: async (ctx) => {
      ctx.res.set('Cache-Control', 'no-store').json({ job: presentInvitationJob(await ownJob(ctx), ctx.locale) });
    },
  });
}

/** What the job page and its status poll show. */
function presentInvitationJob(job: InvitationJob, locale: Locale) {
  const done = handled(job.result);
  return {
    handledLabel: t(locale, 'invite_job_handled', { done: formatNumber(done, locale), total: formatNumber(job.officers, locale) }),
    id: job.id,
    // the page and its script poll until the job ends, waiting for its turn included
    status: job.status === 'queued' ? 'running' : job.status,
    unit: { id: job.unit.id.toHexString(), name: job.unit.name },
    officers: job.officers,
    handled: done,
    percent: job.status === 'done' ? 100 : job.officers ? Math.floor((done / job.officers) * 100) : 0,
    result: job.result,
    errorId: job.errorId ?? null,
  };
}
