/**
 * What the accounts pages show: the filtered list, one account with the forms the caller
 * may use, and the appointment form. Every button comes as a flag the policy module
 * computed here; templates never decide.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import type { RouteContext } from '../http/route';
import type { MessageId } from '../i18n';
import { can, type Actor } from '../policies';
import { auditModel, type AuditEvent } from '../audit/model';
import { officerModel, type Officer } from '../officers/model';
import { pageLinks } from '../officers/pages';
import { unitModel, type Unit } from '../units/model';
import { actorOfContext, emptyForm, type FormState } from '../units/forms';
import { unitOptions, unitRef } from '../units/scope';
import { ROLES, roleLabels, type Role } from '../users/model';
import type { LoadedAccount } from './access';
import type { AccountPage } from './list';
import { presentAccountEvent, presentAccountRow } from './presenters';
import { ACCOUNT_STATUSES, APPOINT_ROLES, type AccountDone, type AccountListQuery } from './schema';
import { isAccountLocked } from './service';

/** Unit names by id (hex), for the units of one page of accounts. */
export async function unitNamesOf(db: Connection, ids: ReadonlyArray<Types.ObjectId | null>): Promise<Map<string, Pick<Unit, '_id' | 'name' | 'ancestors'>>> {
  const unique = [...new Set(ids.filter((id): id is Types.ObjectId => id !== null).map((id) => id.toHexString()))];
  const units = unique.length ? await unitModel(db).find({ _id: trusted({ $in: unique }) }, { name: 1, ancestors: 1 }).lean<Pick<Unit, '_id' | 'name' | 'ancestors'>[]>() : [];
  return new Map(units.map((u) => [u._id.toHexString(), u]));
}

const statusLabels: Record<(typeof ACCOUNT_STATUSES)[number], MessageId> = { active: 'accounts_status_active', inactive: 'accounts_status_inactive' };

/** The roles `actor` may ever give (the rule for one unit is checked on submit). */
function givableRoles(actor: Actor): readonly Role[] {
  return actor.role === 'admin' ? ROLES : ROLES.filter((role) => role !== 'admin');
}

const roleChoices = (roles: readonly Role[]) => roles.map((value) => ({ value, label: roleLabels[value] }));

/** The list page's locals. */
export async function listLocals(db: Connection, actor: Actor, filters: AccountListQuery, result: AccountPage, canAppoint: boolean) {
  const units = await unitNamesOf(db, result.items.map((a) => a.unitId));
  const kept = Object.entries({ q: filters.q, role: filters.role, unitId: filters.unitId?.toHexString(), status: filters.status, locked: filters.locked, never: filters.never }).filter(([, v]) => v) as [string, string][];
  const href = (page: number) => `/accounts?${new URLSearchParams([...kept, ['page', String(page)]]).toString()}`;
  return {
    title: 'accounts_title',
    filters: { q: filters.q ?? '', role: filters.role ?? '', unitId: filters.unitId?.toHexString() ?? '', status: filters.status ?? '', locked: filters.locked === '1', never: filters.never === '1' },
    filtered: kept.length > 0,
    unitOptions: await unitOptions(db, actor, 'account.list'),
    roles: roleChoices(givableRoles(actor)),
    statuses: ACCOUNT_STATUSES.map((value) => ({ value, label: statusLabels[value] })),
    rows: result.items.map((a) => presentAccountRow(a, { unitName: a.unitId ? (units.get(a.unitId.toHexString())?.name ?? null) : null, locked: result.lockedIds.has(a._id.toHexString()) })),
    total: result.total,
    page: result.page,
    pagination: pageLinks(result.page, Math.max(1, Math.ceil(result.total / result.pageSize)), href),
    canAppoint,
  };
}

const doneMessages: Record<AccountDone, MessageId> = {
  appointed: 'account_done_appointed',
  appointed_invited: 'account_done_appointed_invited',
  appointed_no_email: 'account_done_appointed_no_email',
  appointed_mail_failed: 'account_done_appointed_mail_failed',
  role_changed: 'account_done_role_changed',
  deactivated: 'account_done_deactivated',
  reactivated: 'account_done_reactivated',
  unlocked: 'account_done_unlocked',
  invite_sent: 'account_done_invite_sent',
  reset_sent: 'account_done_reset_sent',
};

/** How many of an account's changes its page lists (newest first). */
const HISTORY_SIZE = 20;

/** The account page's locals: facts, history and the forms the caller may use. */
export async function accountPageLocals(db: Connection, actor: Actor, loaded: LoadedAccount, state: FormState<'role' | 'action'>, done?: AccountDone) {
  const { account, unit, ref } = loaded;
  const locked = await isAccountLocked(db, account);
  const officer = account.officerId ? await officerModel(db).findById(account.officerId, { unitId: 1, code: 1 }).lean<Pick<Officer, '_id' | 'unitId' | 'code'>>() : null;
  const officerUnit = officer ? await unitModel(db).findById(officer.unitId, { ancestors: 1 }).lean<Pick<Unit, '_id' | 'ancestors'>>() : null;
  const history = await auditModel(db).find({ subjectType: 'account', subjectId: account._id.toHexString() }).sort({ at: -1 }).limit(HISTORY_SIZE).lean<AuditEvent[]>();
  const manage = can(actor, 'account.manage', ref);
  const roles = givableRoles(actor).filter((role) => role !== 'officer' || officer !== null);
  const row = presentAccountRow(account, { unitName: unit?.name ?? null, locked });
  return {
    title: 'account_title',
    account: row,
    unit: unit ? { id: unit._id.toHexString(), name: unit.name, link: can(actor, 'unit.view', unitRef(unit)) } : null,
    officer: officer ? { id: officer._id.toHexString(), link: officerUnit !== null && can(actor, 'officer.view', { id: officer._id, unit: unitRef(officerUnit) }) } : null,
    accountCan: {
      changeRole: manage,
      deactivate: manage && account.active,
      reactivate: manage && !account.active,
      unlock: manage && locked,
      sendLink: manage && account.active && account.email !== null,
    },
    linkKind: account.passwordHash ? 'reset' : 'invite',
    roleOptions: manage ? roleChoices(roles) : [],
    unitOptions: manage ? await unitOptions(db, actor, 'account.list') : [],
    history: history.map(presentAccountEvent),
    state,
    done: done ? doneMessages[done] : null,
  };
}

export async function renderAccountPage(ctx: RouteContext<unknown>, loaded: LoadedAccount, state: FormState<'role' | 'action'> = emptyForm(), status = 200, done?: AccountDone): Promise<void> {
  ctx.res.status(status).render('accounts/show', await accountPageLocals(ctx.services.db, actorOfContext(ctx), loaded, state, done));
}

export type AppointFormName = 'officer' | 'new';

/** The appointment page: from an officer record, or a new account without one. */
export async function renderAppointPage(ctx: RouteContext<unknown>, state: FormState<AppointFormName>, status = 200): Promise<void> {
  const actor = actorOfContext(ctx);
  ctx.res.status(status).render('accounts/appoint', {
    title: 'appoint_title',
    roles: roleChoices(APPOINT_ROLES),
    unitOptions: await unitOptions(ctx.services.db, actor, 'account.list'),
    state,
  });
}
