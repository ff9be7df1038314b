/**
 * Campaign commands: create, add a module, move a due date, stop / undo a module, change
 * the audience, open / close, clone into another year. Every change to an open campaign
 * re-materialises its enrolments. Commands take `now` so tests move the clock.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { conflict, invalid, notFound, type FieldProblem } from '../errors';
import { moduleModel, type LearningModule } from '../modules/model';
import { dayOfYear, dueInstant, openingInstant, shiftYears, vietnamDate } from './dates';
import { materialiseCampaign, loadUnitPaths } from './materialise';
import { enrolmentsChanged } from './events';
import { readyCampaignModel, campaignModel, enrolmentModel, scheduleOf, type Audience, type Campaign, type CampaignModule } from './model';
import { notifyOfficers } from './notices';
import type { AudienceInput, CreateCampaignInput } from './schema';

export async function findCampaignOr404(db: Connection, id: Types.ObjectId | string): Promise<Campaign> {
  const campaign = await campaignModel(db).findById(id).lean<Campaign>();
  if (!campaign) throw notFound('campaign_not_found');
  return campaign;
}

/** The modules (by id) that may be given: published and not archived; 422 on `field` otherwise. */
async function givableModules(db: Connection, moduleIds: readonly Types.ObjectId[], field: (i: number) => string): Promise<void> {
  const found = await moduleModel(db).find({ _id: trusted({ $in: [...moduleIds] }) }, { publishedVersion: 1, archived: 1 }).lean<Pick<LearningModule, '_id' | 'publishedVersion' | 'archived'>[]>();
  const ok = new Set(found.filter((m) => m.publishedVersion > 0 && !m.archived).map((m) => m._id.toHexString()));
  const problems: FieldProblem[] = moduleIds.flatMap((id, i) => (ok.has(id.toHexString()) ? [] : [{ field: field(i), id: 'campaign_module_unpublished' as const }]));
  if (problems.length) throw invalid(problems);
}

/** Modules checked: each once (a second line of the same module is refused), due inside the year, not in the past. */
async function checkedModules(db: Connection, lines: CreateCampaignInput['modules'], year: number, now: Date): Promise<CampaignModule[]> {
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  lines.forEach((line, i) => {
    const key = line.moduleId.toHexString();
    if (seen.has(key)) problems.push({ field: `modules.${i}.moduleId`, id: 'campaign_module_duplicate' });
    seen.add(key);
  });
  if (problems.length) throw invalid(problems);
  const days = lines.map((line, i) => dayOfYear(line.dueDate, year, `modules.${i}.dueDate`, now));
  await givableModules(db, lines.map((l) => l.moduleId), (i) => `modules.${i}.moduleId`);
  return lines.map((line, i) => ({ moduleId: line.moduleId, dueDate: dueInstant(days[i]!), stoppedAt: null }));
}

/** The audience's units must lie in the owner's subtree (a coordinator plans for their own units). */
async function checkedAudience(db: Connection, audience: AudienceInput, ownerUnitId: Types.ObjectId | null): Promise<Audience> {
  if (ownerUnitId) {
    const paths = await loadUnitPaths(db);
    const owner = ownerUnitId.toHexString();
    const outside = (field: 'unitIds' | 'excludedUnitIds') =>
      audience[field].flatMap((id, i) => (paths.get(id.toHexString())?.includes(owner) ? [] : [{ field: `audience.${field}.${i}`, id: 'campaign_unit_outside' as const }]));
    const problems = [...outside('unitIds'), ...outside('excludedUnitIds')];
    if (problems.length) throw invalid(problems);
  }
  return { ...audience, positions: [...new Set(audience.positions)] };
}

/** Creates a draft campaign (the cut-off defaults to 31/10 of its year, the opening to 01/01). */
export async function createCampaign(db: Connection, input: CreateCampaignInput, by: Types.ObjectId | null, now: Date): Promise<Campaign> {
  const { year } = input;
  const opensOn = openingInstant(input.opensOn ? dayOfYear(input.opensOn, year, 'opensOn') : `${year}-01-01`);
  const cutoffDate = dueInstant(input.cutoffDate ? dayOfYear(input.cutoffDate, year, 'cutoffDate') : `${year}-10-31`);
  const modules = await checkedModules(db, input.modules, year, now);
  const audience = await checkedAudience(db, input.audience, input.ownerUnitId);
  const Campaigns = await readyCampaignModel(db);
  const created = await Campaigns.create({ name: input.name, year, ownerUnitId: input.ownerUnitId, modules, audience, opensOn, cutoffDate, lateJoinerDays: input.lateJoinerDays, certificatePerModule: input.certificatePerModule, status: 'draft', createdBy: by });
  return created.toObject();
}

const editable = (campaign: Campaign) => {
  if (campaign.status === 'closed') throw conflict('campaign_closed');
};

/**
 * Whether completing a module also issues that module's own certificate (server/certificates):
 * from the next completion on; certificates already issued stay as they are. Nothing to
 * re-materialise, so not through `save`.
 */
export async function setCertificatePerModule(db: Connection, campaign: Campaign, certificatePerModule: boolean): Promise<Campaign> {
  editable(campaign);
  const updated = await campaignModel(db).findOneAndUpdate({ _id: campaign._id }, { $set: { certificatePerModule } }, { returnDocument: 'after' }).lean<Campaign>();
  if (!updated) throw notFound('campaign_not_found');
  return updated;
}

/** Saves `$set` on the campaign and re-materialises it when open. */
async function save(db: Connection, campaign: Campaign, set: Partial<Campaign>, now: Date): Promise<Campaign> {
  const updated = await campaignModel(db).findOneAndUpdate({ _id: campaign._id }, { $set: set }, { returnDocument: 'after' }).lean<Campaign>();
  if (!updated) throw notFound('campaign_not_found');
  await materialiseCampaign(db, updated, now);
  return updated;
}

/** Adds a module; 409 'campaign_module_duplicate' when the campaign has it already. */
export async function addModule(db: Connection, campaign: Campaign, line: { moduleId: Types.ObjectId; dueDate: string }, now: Date): Promise<Campaign> {
  editable(campaign);
  if (campaign.modules.some((m) => m.moduleId.equals(line.moduleId))) throw conflict('campaign_module_duplicate');
  const day = dayOfYear(line.dueDate, campaign.year, 'dueDate', now);
  await givableModules(db, [line.moduleId], () => 'moduleId');
  return save(db, campaign, { modules: [...campaign.modules, { moduleId: line.moduleId, dueDate: dueInstant(day), stoppedAt: null }] }, now);
}

function moduleLine(campaign: Campaign, moduleId: Types.ObjectId): CampaignModule {
  const line = campaign.modules.find((m) => m.moduleId.equals(moduleId));
  if (!line) throw notFound('campaign_module_not_found');
  return line;
}

/**
 * Moves a module's due date (inside the year, not in the past). Enrolments due on the old
 * date move with it (a late joiner's own later date stays), and each officer enrolled is
 * told by an in-app notice. Returns the old date and how many officers were told.
 */
export async function changeDueDate(db: Connection, campaign: Campaign, moduleId: Types.ObjectId, value: string, now: Date): Promise<{ campaign: Campaign; from: Date; to: Date; informed: number }> {
  editable(campaign);
  const line = moduleLine(campaign, moduleId);
  const to = dueInstant(dayOfYear(value, campaign.year, 'dueDate', now));
  const from = line.dueDate;
  const modules = campaign.modules.map((m) => (m === line ? { ...m, dueDate: to } : m));
  const updated = await save(db, campaign, { modules }, now);
  const Enrolments = enrolmentModel(db);
  const moved = { campaignId: campaign._id, moduleId, dueDate: from };
  const officers = (await Enrolments.find({ ...moved, state: 'enrolled' }, { officerId: 1 }).lean<{ officerId: Types.ObjectId }[]>()).map((e) => e.officerId);
  const movedOfficers = (await Enrolments.find(moved, { officerId: 1 }).lean<{ officerId: Types.ObjectId }[]>()).map((e) => e.officerId);
  await Enrolments.updateMany(moved, { $set: { dueDate: to } });
  await enrolmentsChanged(db, movedOfficers);
  const title = (await moduleModel(db).findById(moduleId, { code: 1 }).lean<Pick<LearningModule, 'code'>>())?.code ?? '';
  const informed = await notifyOfficers(db, officers, 'notice_due_changed', { module: title, from: vietnamDate(from), to: vietnamDate(to), campaign: campaign.name }, now);
  return { campaign: updated, from, to, informed };
}

/** "Ngừng giao" of one module (its enrolments become 'stopped'), or its undo (`stopped` false). */
export async function setModuleStopped(db: Connection, campaign: Campaign, moduleId: Types.ObjectId, stopped: boolean, now: Date): Promise<Campaign> {
  editable(campaign);
  const line = moduleLine(campaign, moduleId);
  if (Boolean(line.stoppedAt) === stopped) throw conflict(stopped ? 'campaign_module_already_stopped' : 'campaign_module_not_stopped');
  const modules = campaign.modules.map((m) => (m === line ? { ...m, stoppedAt: stopped ? now : null } : m));
  return save(db, campaign, { modules }, now);
}

/** Replaces the audience rules. */
export async function setAudience(db: Connection, campaign: Campaign, audience: AudienceInput, now: Date): Promise<Campaign> {
  editable(campaign);
  return save(db, campaign, { audience: await checkedAudience(db, audience, campaign.ownerUnitId) }, now);
}

/** draft → open (materialises the enrolments) → closed (freezes them); nothing else. */
export async function setStatus(db: Connection, campaign: Campaign, status: 'open' | 'closed', now: Date): Promise<Campaign> {
  const allowed = (campaign.status === 'draft' && status === 'open') || (campaign.status === 'open' && status === 'closed');
  if (!allowed) throw conflict('campaign_status_invalid', { from: campaign.status, to: status });
  if (status === 'open' && campaign.modules.length === 0) throw conflict('campaign_no_modules');
  return save(db, campaign, { status }, now);
}

/**
 * A draft copy of `source` for `year`: same name (its year replaced), audience and
 * settings; dates moved to the same days of the new year; archived or unpublished
 * modules left out. Modules are referenced, not versions: an officer who starts a module
 * is pinned to its newest published version then, so the new year picks up new versions.
 */
export async function cloneCampaign(db: Connection, source: Campaign, year: number, by: Types.ObjectId | null): Promise<Campaign> {
  if (year === source.year) throw invalid([{ field: 'year', id: 'campaign_clone_same_year' }]);
  const shift = year - source.year;
  const name = source.name.includes(String(source.year)) ? source.name.replaceAll(String(source.year), String(year)) : `${source.name} (${year})`;
  const Campaigns = await readyCampaignModel(db);
  if (await Campaigns.exists({ year, ownerUnitId: source.ownerUnitId, name })) throw conflict('campaign_exists', { name });
  const live = await moduleModel(db).find({ _id: trusted({ $in: source.modules.map((m) => m.moduleId) }), archived: false, publishedVersion: trusted({ $gt: 0 }) }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
  const keep = new Set(live.map((m) => m._id.toHexString()));
  const modules = source.modules.filter((m) => keep.has(m.moduleId.toHexString())).map((m) => ({ moduleId: m.moduleId, dueDate: shiftYears(m.dueDate, shift), stoppedAt: null }));
  const created = await Campaigns.create({
    name,
    year,
    ownerUnitId: source.ownerUnitId,
    modules,
    audience: source.audience,
    opensOn: shiftYears(source.opensOn, shift),
    cutoffDate: shiftYears(source.cutoffDate, shift),
    lateJoinerDays: source.lateJoinerDays,
    certificatePerModule: source.certificatePerModule ?? false,
    reminders: scheduleOf(source),
    status: 'draft',
    createdBy: by,
  });
  return created.toObject();
}

/** The campaigns of `ownerIds` (null = the installation's), newest year first. */
export function listCampaigns(db: Connection, filter: { year?: number; ownerUnitIds: (Types.ObjectId | null)[] | 'all' }): Promise<Campaign[]> {
  const query: Record<string, unknown> = {};
  if (filter.year) query.year = filter.year;
  if (filter.ownerUnitIds !== 'all') query.ownerUnitId = trusted({ $in: filter.ownerUnitIds });
  return campaignModel(db).find(query).sort({ year: -1, name: 1 }).lean<Campaign[]>();
}
