/** Coordinators invite officers: one from the officer's page, or all of a unit's subtree at once. */
import type { Router } from 'express';
import { notFound } from '../errors';
import type { Services } from '../http/context';
import { route, type SignedInContext } from '../http/route';
import { officerModel, type Officer } from '../officers/model';
import { unitModel, type Unit } from '../units/model';
import { INVITE_HOURS, inviteAll, inviteOfficer, type Inviter } from './invitations';
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
      const result = await inviteAll(services, unit._id, inviterOf(ctx));
      // each invitation is audited on its own; this records who pressed the button and what came of it
      await ctx.audit({ action: 'account.invited_unit', subject: { type: 'unit', id: unit._id }, unitId: unit._id, details: { ...result } });
      ctx.res.render('auth/invitations-sent', { title: 'invite_all_title', unit: { id: unit._id.toHexString(), name: unit.name }, result });
    },
  });
}
