/**
 * The steps page and API routes share: which accounts a list may show, and an appointment
 * or a role change from loading to audit (load → authorize → command → audit). Each step
 * authorizes through the route's context, so a refusal is a 403 from the policy module.
 */
import type { Types } from 'mongoose';
import type { SignedInContext } from '../http/route';
import type { Officer } from '../officers/model';
import { findOfficerOr404 } from '../officers/access';
import type { OfficerRef } from '../policies';
import { unitModel, type Unit } from '../units/model';
import { subtreeIds } from '../units/service';
import { callerScope, findUnitOr404, unitRef } from '../units/scope';
import type { Role, User } from '../users/model';
import { appointmentRef, type LoadedAccount } from './access';
import { accountOfOfficer, appointmentUnit, appointNewAccount, appointOfficer, changeRole, findOfficerByCodeOr404, resolveRoleChange, sendAccountLink, setActive, unlockAccount, type Appointment } from './service';
import type { AccountDone } from './schema';

type Ctx = SignedInContext<unknown>;

/**
 * The units whose accounts a list shows, authorized: the chosen unit's subtree, or the
 * caller's scope (null: the whole installation, for an admin without a filter).
 */
export async function listedUnits(ctx: Ctx, unitId: Types.ObjectId | undefined): Promise<{ unitIds: Types.ObjectId[] | null; hideAdmins: boolean }> {
  const { db } = ctx.services;
  const [scope, chosen] = await Promise.all([callerScope(db, ctx.actor), unitId ? findUnitOr404(db, unitId) : null]);
  ctx.authorize('account.list', chosen ? unitRef(chosen) : scope.ref);
  const top = chosen ?? scope.root;
  return { unitIds: top ? await subtreeIds(db, top._id) : null, hideAdmins: ctx.actor.role !== 'admin' };
}

/** The account as a policy subject. */
export function targetOf(account: User, unit: Pick<Unit, '_id' | 'ancestors'> | null) {
  return { id: account._id.toHexString(), role: account.role, unit: unit ? unitRef(unit) : account.unitId ? { id: account.unitId, ancestors: [] } : null };
}

export type AppointRequest =
  | { source: 'officer'; officerId?: Types.ObjectId | undefined; officerCode?: string | undefined; role: Role; unitId: Types.ObjectId }
  | { source: 'new'; displayName: string; email: string; username?: string | undefined; role: Role; unitId: Types.ObjectId };

async function loadOfficer(ctx: Ctx, request: Extract<AppointRequest, { source: 'officer' }>): Promise<{ officer: Officer; ref: OfficerRef }> {
  const id = request.officerId ?? (await findOfficerByCodeOr404(ctx.services, request.officerCode ?? ''))._id;
  return findOfficerOr404(ctx.services.db, id);
}

/**
 * Appoints as `request` asks: the unit (404, then 409 when inactive), the officer (404,
 * and within the caller's reach), the officer's current account (the caller must be able
 * to manage it), then the appointment rule itself. Audited as 'account.appointed'.
 */
export async function appoint(ctx: Ctx, request: AppointRequest): Promise<Appointment> {
  const { services } = ctx;
  await findUnitOr404(services.db, request.unitId);
  let result: Appointment;
  if (request.source === 'officer') {
    const { officer, ref } = await loadOfficer(ctx, request);
    ctx.authorize('officer.manage', ref);
    const existing = await accountOfOfficer(services, officer);
    if (existing) {
      const existingUnit = existing.unitId ? await unitModel(services.db).findById(existing.unitId, { ancestors: 1 }).lean<Pick<Unit, '_id' | 'ancestors'>>() : null;
      ctx.authorize('account.manage', targetOf(existing, existingUnit));
    }
    const unit = await appointmentUnit(services, request.unitId);
    ctx.authorize('account.appoint', appointmentRef(request.role, unit));
    result = await appointOfficer(services, officer, existing, request.role, unit, ctx.actor.id);
  } else {
    const unit = await appointmentUnit(services, request.unitId);
    ctx.authorize('account.appoint', appointmentRef(request.role, unit));
    result = await appointNewAccount(services, request, request.role, unit);
  }
  const { account, created, previous, invitation } = result;
  await ctx.audit({
    action: 'account.appointed',
    subject: { type: 'account', id: account._id },
    unitId: account.unitId,
    details: { role: account.role, unitId: account.unitId?.toHexString() ?? null, previousRole: previous?.role ?? null, previousUnitId: previous?.unitId?.toHexString() ?? null, created, invitation, source: request.source },
  });
  return result;
}

/** Changes the role and / or unit of the loaded account (already authorized for 'account.manage'). Audited as 'account.role_changed'. */
export async function changeAccountRole(ctx: Ctx, loaded: LoadedAccount, change: { role?: Role | undefined; unitId?: Types.ObjectId | undefined }): Promise<User> {
  const { account } = loaded;
  const resolved = await resolveRoleChange(ctx.services, account, change);
  ctx.authorize('account.appoint', appointmentRef(resolved.role, resolved.unit));
  const updated = await changeRole(ctx.services, account, resolved, ctx.actor.id);
  await ctx.audit({
    action: 'account.role_changed',
    subject: { type: 'account', id: account._id },
    unitId: updated.unitId,
    details: { fromRole: account.role, fromUnitId: account.unitId?.toHexString() ?? null, toRole: updated.role, toUnitId: updated.unitId?.toHexString() ?? null },
  });
  return updated;
}

/** Audits a command on one account (deactivation, unlock, a link sent…). */
function auditAccount(ctx: Ctx, action: string, account: User, details: Record<string, unknown> = {}): Promise<void> {
  return ctx.audit({ action, subject: { type: 'account', id: account._id }, unitId: account.unitId, details });
}

/** What a one-button command did: the account after it, what the page confirms, and facts the API adds to its answer. */
export interface CommandOutcome {
  account: User;
  done: AccountDone;
  facts: Record<string, unknown>;
}

/**
 * The one-button commands of the account page and the API (`POST …/accounts/:id/<name>`),
 * each run on an account the route loaded and authorized for 'account.manage', and audited.
 */
export const ACCOUNT_COMMANDS: Record<'deactivate' | 'reactivate' | 'unlock' | 'send-link', (ctx: Ctx, account: User) => Promise<CommandOutcome>> = {
  deactivate: async (ctx, account) => {
    const updated = await setActive(ctx.services, account, false, ctx.actor.id);
    await auditAccount(ctx, 'account.deactivated', updated);
    return { account: updated, done: 'deactivated', facts: {} };
  },
  reactivate: async (ctx, account) => {
    const updated = await setActive(ctx.services, account, true, ctx.actor.id);
    await auditAccount(ctx, 'account.reactivated', updated);
    return { account: updated, done: 'reactivated', facts: {} };
  },
  unlock: async (ctx, account) => {
    const { wasLocked } = await unlockAccount(ctx.services, account);
    await auditAccount(ctx, 'account.unlocked', account, { wasLocked });
    return { account, done: 'unlocked', facts: { wasLocked } };
  },
  'send-link': async (ctx, account) => {
    const kind = await sendAccountLink(ctx.services, account);
    await auditAccount(ctx, 'account.link_sent', account, { kind });
    return { account, done: kind === 'invite' ? 'invite_sent' : 'reset_sent', facts: { kind } };
  },
};
