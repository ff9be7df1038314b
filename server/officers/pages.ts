/**
 * What the officer pages show: the filtered list, one officer with their membership
 * history, and the create / edit form. Templates get presented values and ability flags
 * computed here by the policy module.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import type { RouteContext } from '../http/route';
import { can, type Actor } from '../policies';
import { unitModel, type Unit } from '../units/model';
import { userModel, type User } from '../users/model';
import { unitRefOf } from '../accounts/access';
import type { MessageId } from '../i18n';
import { actorOfContext, emptyForm, todayInVietnam, type FormState } from '../units/forms';
import { unitOptions } from '../units/scope';
import type { LoadedOfficer } from './access';
import { isEmployed } from './memberships';
import { OFFICER_CATEGORIES, OFFICER_STATUSES, officerCategoryLabels, officerStatusLabels, type Officer } from './model';
import { presentOfficer } from './presenters';
import type { OfficerPage } from './service';
import type { OfficerDone, OfficerListQuery } from './route-schemas';

const categories = OFFICER_CATEGORIES.map((value) => ({ value, label: officerCategoryLabels[value] }));
const statuses = OFFICER_STATUSES.map((value) => ({ value, label: officerStatusLabels[value] }));

async function unitNames(db: Connection, ids: readonly Types.ObjectId[]): Promise<Map<string, Pick<Unit, '_id' | 'name' | 'ancestors'>>> {
  const unique = [...new Set(ids.map((id) => id.toHexString()))];
  const units = unique.length ? await unitModel(db).find({ _id: trusted({ $in: unique }) }, { name: 1, ancestors: 1 }).lean<Pick<Unit, '_id' | 'name' | 'ancestors'>[]>() : [];
  return new Map(units.map((u) => [u._id.toHexString(), u]));
}

/** The page links of a list: first, last, and two either side of the current page. */
export function pageLinks(page: number, pages: number, href: (page: number) => string) {
  const shown = [...new Set([1, page - 2, page - 1, page, page + 1, page + 2, pages])].filter((p) => p >= 1 && p <= pages).sort((a, b) => a - b);
  const links: Array<{ page: number; href: string; current: boolean } | { gap: true }> = [];
  shown.forEach((p, i) => {
    if (i > 0 && p - shown[i - 1]! > 1) links.push({ gap: true });
    links.push({ page: p, href: href(p), current: p === page });
  });
  return { pages, prev: page > 1 ? href(page - 1) : null, next: page < pages ? href(page + 1) : null, links };
}

/** The list page's locals. */
export async function listLocals(db: Connection, actor: Actor, filters: OfficerListQuery, result: OfficerPage) {
  const units = await unitNames(db, result.items.map((o) => o.unitId));
  const kept = Object.entries({ q: filters.q, unitId: filters.unitId?.toHexString(), category: filters.category, status: filters.status }).filter(([, v]) => v) as [string, string][];
  const href = (page: number) => `/officers?${new URLSearchParams([...kept, ['page', String(page)]]).toString()}`;
  return {
    title: 'officers_title',
    filters: { q: filters.q ?? '', unitId: filters.unitId?.toHexString() ?? '', category: filters.category ?? '', status: filters.status ?? '' },
    filtered: kept.length > 0,
    unitOptions: await unitOptions(db, actor, 'report.view'),
    categories,
    statuses,
    rows: result.items.map((o) => ({
      id: o._id.toHexString(),
      code: o.code,
      fullName: o.fullName,
      position: o.position ?? '',
      unitName: units.get(o.unitId.toHexString())?.name ?? '',
      category: officerCategoryLabels[o.category],
      status: officerStatusLabels[o.status],
    })),
    total: result.total,
    page: result.page,
    pagination: pageLinks(result.page, Math.max(1, Math.ceil(result.total / result.pageSize)), href),
  };
}

const doneMessages = { created: 'officer_done_created', updated: 'officer_done_updated', transferred: 'officer_done_transferred' } as const;

/** The officer page's locals: details, history (newest first) and the transfer form if allowed. */
const accountStateLabels = {
  none: 'officer_account_none',
  invited: 'officer_account_invited',
  active: 'officer_account_active',
  inactive: 'officer_account_inactive',
} as const satisfies Record<string, MessageId>;

export async function officerPageLocals(db: Connection, actor: Actor, loaded: LoadedOfficer, state: FormState<'transfer'>, done?: OfficerDone) {
  const { officer, ref } = loaded;
  const units = await unitNames(db, [officer.unitId, ...officer.memberships.map((m) => m.unitId)]);
  const unitLink = (id: Types.ObjectId) => {
    const unit = units.get(id.toHexString());
    return { id: id.toHexString(), name: unit?.name ?? id.toHexString(), link: unit !== undefined && can(actor, 'unit.view', { id, ancestors: unit.ancestors }) };
  };
  const manage = can(actor, 'officer.manage', ref);
  const transfer = manage && isEmployed(officer.status);
  const account = await userModel(db).findOne({ officerId: officer._id }, { passwordHash: 1, active: 1, role: 1, unitId: 1 }).lean<Pick<User, '_id' | 'passwordHash' | 'active' | 'role' | 'unitId'>>();
  const accountUnit = account ? (await unitRefOf(db, account.unitId)).ref : null;
  const accountLink = account && can(actor, 'account.view', { id: account._id.toHexString(), role: account.role, unit: accountUnit }) ? `/accounts/${account._id.toHexString()}` : null;
  const accountState = !account ? 'none' : !account.active ? 'inactive' : account.passwordHash ? 'active' : 'invited';
  // an invitation makes sense until the officer has set a password
  const invite = can(actor, 'officer.invite', ref) && isEmployed(officer.status) && !!officer.email && (accountState === 'none' || accountState === 'invited');
  return {
    title: 'officers_title',
    officer: { ...presentOfficer(officer), categoryLabel: officerCategoryLabels[officer.category], statusLabel: officerStatusLabels[officer.status] },
    unit: unitLink(officer.unitId),
    history: [...officer.memberships].reverse().map((m) => ({ unit: unitLink(m.unitId), from: m.from, to: m.to })),
    officerCan: { edit: manage, transfer, invite, appoint: transfer, plan: can(actor, 'progress.view', ref) },
    accountLink,
    accountLabel: accountStateLabels[accountState],
    transferTargets: transfer ? await unitOptions(db, actor, 'officer.create', { exclude: [officer.unitId.toHexString()] }) : [],
    today: todayInVietnam(),
    state,
    done: done ? doneMessages[done] : null,
  };
}

export async function renderOfficerPage(ctx: RouteContext<unknown>, loaded: LoadedOfficer, state: FormState<'transfer'> = emptyForm(), status = 200, done?: OfficerDone): Promise<void> {
  ctx.res.status(status).render('officers/show', await officerPageLocals(ctx.services.db, actorOfContext(ctx), loaded, state, done));
}

/** What an edit form starts with: the stored values, as the inputs hold them. */
export function storedValues(officer: Officer): Record<string, string> {
  const { code, fullName, email, phone, position, rank, category, status } = officer;
  return { code, fullName, email: email ?? '', phone: phone ?? '', position: position ?? '', rank: rank ?? '', category, status, isLeader: officer.isLeader ? 'on' : '' };
}

/** Renders the create form (no officer) or the edit form of `officer`. */
export async function renderOfficerForm(ctx: RouteContext<unknown>, officer: Officer | null, state: FormState<'officer'>, status = 200): Promise<void> {
  const actor = actorOfContext(ctx);
  ctx.res.status(status).render('officers/form', {
    title: officer ? 'officer_edit_title' : 'officer_new_title',
    officer: officer ? { id: officer._id.toHexString(), fullName: officer.fullName } : null,
    action: officer ? `/officers/${officer._id.toHexString()}` : '/officers',
    unitOptions: officer ? [] : await unitOptions(ctx.services.db, actor, 'officer.create'),
    categories,
    statuses,
    today: todayInVietnam(),
    state,
  });
}
