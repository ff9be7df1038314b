/**
 * What the campaign and exemption pages show. Every button comes as a flag the policy
 * module computed here; templates never decide. Facts come from the same services and
 * presenters as the API (figures, presentCampaign).
 */
import { trusted, type Connection, type Types } from 'mongoose';
import type { MessageId } from '../i18n';
import type { RouteContext } from '../http/route';
import { can, type Actor } from '../policies';
import { moduleModel, type LearningModule } from '../modules/model';
import { officerCategoryLabels, officerModel, type Officer } from '../officers/model';
import { unitRefOf } from '../modules/service';
import { unitNamesOf } from '../accounts/pages';
import { actorOfContext, emptyForm, type FormState } from '../units/forms';
import { unitOptions } from '../units/scope';
import { campaignFigures } from './figures';
import { EXEMPTION_KINDS, type Exemption, type ExemptionKind } from './exemptions';
import type { Campaign } from './model';
import { presentCampaign } from './presenters';
import { remindLocals, scheduleFormValues, storedScheduleValues } from '../reminders/pages';
import { MODULE_ROWS, type CampaignDone, type ExemptionDone } from './page-schema';
import { OFFICER_CATEGORIES } from '../officers/model';

export const statusLabels: Record<Campaign['status'], MessageId> = { draft: 'campaign_status_draft', open: 'campaign_status_open', closed: 'campaign_status_closed' };
export const exemptionStatusLabels: Record<Exemption['status'], MessageId> = { proposed: 'exemption_status_proposed', approved: 'exemption_status_approved', refused: 'exemption_status_refused' };
export const exemptionKindLabel = (kind: ExemptionKind) => `exemption_kind_${kind.replaceAll('-', '_')}` as MessageId;

/** "CODE — title" of the given modules, by id (hex). */
async function moduleNames(db: Connection, ids: readonly Types.ObjectId[]): Promise<Map<string, string>> {
  const found = ids.length ? await moduleModel(db).find({ _id: trusted({ $in: [...ids] }) }, { code: 1, 'draft.title': 1 }).lean<Pick<LearningModule, '_id' | 'code' | 'draft'>[]>() : [];
  return new Map(found.map((m) => [m._id.toHexString(), `${m.code} — ${m.draft?.title ?? ''}`]));
}

/** The list page's rows: each campaign with its owner's name and its status. */
export async function listLocals(db: Connection, campaigns: Campaign[], filters: { year?: number | undefined; status?: Campaign['status'] | undefined }, canCreate: boolean) {
  const units = await unitNamesOf(db, campaigns.map((c) => c.ownerUnitId));
  return {
    title: 'campaigns_title',
    year: filters.year ? String(filters.year) : '',
    status: filters.status ?? '',
    statuses: (['draft', 'open', 'closed'] as const).map((value) => ({ value, label: statusLabels[value] })),
    canCreate,
    rows: campaigns.map((c) => ({ ...presentCampaign(c), ownerName: c.ownerUnitId ? (units.get(c.ownerUnitId.toHexString())?.name ?? '—') : null, statusLabel: statusLabels[c.status] })),
  };
}

const doneMessages: Record<CampaignDone, MessageId> = {
  created: 'campaign_done_created',
  opened: 'campaign_done_opened',
  closed: 'campaign_done_closed',
  due_changed: 'campaign_done_due_changed',
  stopped: 'campaign_done_stopped',
  restarted: 'campaign_done_restarted',
  cloned: 'campaign_done_cloned',
  module_added: 'campaign_done_module_added',
  audience_changed: 'campaign_done_audience_changed',
  schedule_changed: 'campaign_done_schedule_changed',
  certificates_changed: 'campaign_done_certificates_changed',
};

export type CampaignFormName = 'status' | 'due' | 'stop' | 'clone' | 'add' | 'audience' | 'certificates' | 'remind' | 'schedule';
/** Extras of the campaign page: a message after an action, the stop question, a "Nhắc nhở" result. */
export interface CampaignPageExtra {
  done?: CampaignDone;
  confirmStop?: string;
  reminded?: { count: number; skipped: number };
}

/** The campaign page: modules with due dates and figures, audience, and what the caller may do. */
export async function campaignLocals(db: Connection, actor: Actor, campaign: Campaign, state: FormState<CampaignFormName>, extra: CampaignPageExtra = {}) {
  const shown = presentCampaign(campaign, await campaignFigures(db, campaign));
  const names = await moduleNames(db, campaign.modules.map((m) => m.moduleId));
  const units = await unitNamesOf(db, [campaign.ownerUnitId, ...campaign.audience.unitIds, ...campaign.audience.excludedUnitIds]);
  const unitName = (id: string) => units.get(id)?.name ?? '—';
  const manage = can(actor, 'campaign.manage', { owner: await unitRefOf(db, campaign.ownerUnitId) });
  const editable = manage && campaign.status !== 'closed';
  const planned = new Set(campaign.modules.map((m) => m.moduleId.toHexString()));
  const givable = editable ? (await publishedModuleOptions(db)).filter((m) => !planned.has(m.value)) : [];
  const audienceValues = state.form === 'audience' ? state.values : null;
  return {
    title: 'campaign_title',
    campaign: { ...shown, statusLabel: statusLabels[campaign.status], ownerName: campaign.ownerUnitId ? unitName(campaign.ownerUnitId.toHexString()) : null },
    modules: shown.modules.map((m) => ({ ...m, name: names.get(m.moduleId) ?? m.moduleId, ratePercent: m.rate === null || m.rate === undefined ? null : Math.round(m.rate * 100) })),
    audience: {
      units: shown.audience.unitIds.map(unitName),
      excludedUnits: shown.audience.excludedUnitIds.map(unitName),
      categories: shown.audience.categories.map((c) => officerCategoryLabels[c]),
      leadersOnly: shown.audience.leadersOnly,
      officers: shown.audience.officerIds.length,
      excludedOfficers: shown.audience.excludedOfficerIds.length,
    },
    campaignCan: { open: manage && campaign.status === 'draft', close: manage && campaign.status === 'open', edit: editable, clone: manage },
    moduleOptions: givable,
    unitOptions: editable ? await unitOptions(db, actor, 'campaign.create') : [],
    categoryOptions: OFFICER_CATEGORIES.map((value) => ({ value, label: officerCategoryLabels[value] })),
    // the audience form shows what was posted after a refusal, the stored rules otherwise
    audienceForm: {
      unitIds: new Set(audienceValues ? listOf(audienceValues['unitIds']) : shown.audience.unitIds),
      categories: new Set<string>(audienceValues ? listOf(audienceValues['categories']) : shown.audience.categories),
      leadersOnly: audienceValues ? Boolean(audienceValues['leadersOnly']) : shown.audience.leadersOnly,
    },
    confirmStop: extra.confirmStop ?? null,
    nextYear: campaign.year + 1,
    state,
    done: extra.done ? doneMessages[extra.done] : null,
    remind: await remindLocals(db, actor, campaign, extra.reminded ?? null),
    // the schedule form shows what was posted after a refusal, the stored schedule otherwise
    scheduleForm: state.form === 'schedule' ? scheduleFormValues(state.values) : storedScheduleValues(campaign),
  };
}

export async function renderCampaignPage(ctx: RouteContext<unknown>, campaign: Campaign, state: FormState<CampaignFormName> = emptyForm(), status = 200, extra: CampaignPageExtra = {}): Promise<void> {
  ctx.res.status(status).render('campaigns/show', await campaignLocals(ctx.services.db, actorOfContext(ctx), campaign, state, extra));
}

/** A posted multiple select / checkbox group as a list (absent, one value or several). */
const listOf = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v ? [String(v)] : []);

/** Published, unarchived modules as select options ("CODE — title"), by code. */
async function publishedModuleOptions(db: Connection): Promise<{ value: string; label: string }[]> {
  const modules = await moduleModel(db).find({ archived: false, publishedVersion: trusted({ $gt: 0 }) }, { code: 1, 'draft.title': 1 }).sort({ code: 1 }).lean<Pick<LearningModule, '_id' | 'code' | 'draft'>[]>();
  return modules.map((m) => ({ value: m._id.toHexString(), label: `${m.code} — ${m.draft?.title ?? ''}` }));
}

/** The create form: owner units, published modules, categories, the module rows. */
export async function renderNewCampaign(ctx: RouteContext<unknown>, state: FormState<'create'>, status = 200): Promise<void> {
  const { db } = ctx.services;
  const actor = actorOfContext(ctx);
  const selected = (name: string) => {
    const v = (state.values as Record<string, unknown>)[name];
    return new Set(Array.isArray(v) ? v.map(String) : v ? [String(v)] : []);
  };
  ctx.res.status(status).render('campaigns/new', {
    title: 'campaign_new_title',
    unitOptions: await unitOptions(db, actor, 'campaign.create'),
    moduleOptions: await publishedModuleOptions(db),
    categories: OFFICER_CATEGORIES.map((value) => ({ value, label: officerCategoryLabels[value] })),
    rows: Array.from({ length: MODULE_ROWS }, (_, i) => i + 1),
    selectedUnits: selected('unitIds'),
    selectedCategories: selected('categories'),
    state,
  });
}

const exemptionDone: Record<ExemptionDone, MessageId> = { proposed: 'exemption_done_proposed', approved: 'exemption_done_approved', refused: 'exemption_done_refused' };

/** The exemptions page: the list of the caller's subtree, the request form, decide buttons where allowed. */
export async function renderExemptions(ctx: RouteContext<unknown>, items: Exemption[], filter: { status?: string; done?: ExemptionDone }, state: FormState<'propose' | 'decide'> = emptyForm(), status = 200): Promise<void> {
  const { db } = ctx.services;
  const actor = actorOfContext(ctx);
  const officers = items.length ? await officerModel(db).find({ _id: trusted({ $in: items.map((e) => e.officerId) }) }, { code: 1, fullName: 1, unitId: 1 }).lean<Pick<Officer, '_id' | 'code' | 'fullName' | 'unitId'>[]>() : [];
  const byId = new Map(officers.map((o) => [o._id.toHexString(), o]));
  const units = await unitNamesOf(db, [...officers.map((o) => o.unitId), ...items.map((e) => e.unitId)]);
  const rows = items.map((e) => {
    const officer = byId.get(e.officerId.toHexString());
    const unit = units.get((officer?.unitId ?? e.unitId).toHexString());
    const decide = unit !== undefined && e.status === 'proposed' && can(actor, 'exemption.decide', { id: e.officerId, unit: { id: unit._id, ancestors: unit.ancestors } }) && e.proposedBy.toHexString() !== actor.id;
    return {
      id: e._id.toHexString(),
      officer: officer ? `${officer.fullName} (${officer.code})` : '—',
      unitName: unit?.name ?? '—',
      year: e.year,
      kindLabel: exemptionKindLabel(e.kind),
      reason: e.reason,
      evidence: e.evidence ? e.evidence.name : null,
      status: e.status,
      statusLabel: exemptionStatusLabels[e.status],
      at: e.createdAt,
      decisionNote: e.decisionNote,
      decide,
    };
  });
  ctx.res.status(status).render('campaigns/exemptions', {
    title: 'exemptions_title',
    status: filter.status ?? '',
    statuses: (['proposed', 'approved', 'refused'] as const).map((value) => ({ value, label: exemptionStatusLabels[value] })),
    kinds: EXEMPTION_KINDS.map((value) => ({ value, label: exemptionKindLabel(value) })),
    rows,
    state,
    done: filter.done ? exemptionDone[filter.done] : null,
  });
}
