/**
 * Materialising campaigns into enrolments (officer × module): the whole audience of a
 * campaign when it opens or its rules change, or only the officers that changed (the
 * hook behind officer commands and imports). Existing enrolments are read first and only
 * differences are written, in batches through the driver's bulkWrite: 60,000 officers ×
 * 5 modules is 300,000 inserts (see `npm run bench`).
 */
import { trusted, Types, type Connection } from 'mongoose';
import { officerModel, type Officer } from '../officers/model';
import { unitModel, type Unit } from '../units/model';
import { campaignModel, readyEnrolmentModel, type Campaign, type Enrolment, type EnrolmentState } from './model';
import { isEmployed } from '../officers/memberships';
import { enrolmentsChanged, type CreatedEnrolment } from './events';
import { audienceMatcher, countingUnit, cutoffMoment, joinedOn, newEnrolmentTerms, type AudienceOfficer, type UnitPaths } from './rules';

const WRITE_BATCH = 5_000;
const OFFICER_FIELDS = { unitId: 1, category: 1, isLeader: 1, position: 1, status: 1, memberships: 1 } as const;

type Existing = Pick<Enrolment, '_id' | 'officerId' | 'moduleId' | 'unitId' | 'state' | 'exemptReason'>;

/** Every unit's path (itself and its ancestors), for matching audience subtrees in memory. */
export async function loadUnitPaths(db: Connection): Promise<UnitPaths> {
  const units = await unitModel(db).find({}, { ancestors: 1 }).lean<Pick<Unit, '_id' | 'ancestors'>[]>();
  return new Map(units.map((u) => [u._id.toHexString(), [...u.ancestors.map((a) => a.toHexString()), u._id.toHexString()]]));
}

export interface MaterialiseResult {
  inserted: number;
  updated: number;
}

/** The writes that bring `existing` to what the rules say for `officers` at `now`. */
function plan(campaign: Campaign, officers: readonly AudienceOfficer[], existing: readonly Existing[], paths: UnitPaths, now: Date) {
  const matches = audienceMatcher(campaign.audience, paths);
  const byKey = new Map(existing.map((e) => [`${e.officerId.toHexString()}:${e.moduleId.toHexString()}`, e]));
  const inserts: Enrolment[] = [];
  const updates: { id: Types.ObjectId; officerId: Types.ObjectId; set: Partial<Enrolment> }[] = [];
  for (const officer of officers) {
    // after the cut-off, someone serving now who was not serving then is a joiner after it (exempt)
    const counting = countingUnit(officer, campaign, now) ?? (now >= cutoffMoment(campaign) && isEmployed(officer.status) ? officer.unitId : null);
    const inAudience = counting !== null && matches(officer, counting);
    for (const module of campaign.modules) {
      const current = byKey.get(`${officer._id.toHexString()}:${module.moduleId.toHexString()}`);
      if (!current) {
        if (!inAudience) continue;
        const terms = newEnrolmentTerms(joinedOn(officer), module.dueDate, campaign);
        const state: EnrolmentState = module.stoppedAt ? 'stopped' : terms.exempt ? 'exempt' : 'enrolled';
        inserts.push({ _id: new Types.ObjectId(), campaignId: campaign._id, year: campaign.year, moduleId: module.moduleId, officerId: officer._id, unitId: counting, dueDate: terms.dueDate, state, exemptReason: terms.exempt ? 'late-joiner' : null, lateJoiner: terms.lateJoiner, createdAt: now, updatedAt: now });
        continue;
      }
      const state: EnrolmentState = module.stoppedAt ? 'stopped' : !inAudience ? 'left' : current.exemptReason ? 'exempt' : 'enrolled';
      const set: Partial<Enrolment> = {};
      if (state !== current.state) set.state = state;
      if (counting && !counting.equals(current.unitId)) set.unitId = counting;
      if (Object.keys(set).length) updates.push({ id: current._id, officerId: officer._id, set: { ...set, updatedAt: now } });
    }
  }
  return { inserts, updates };
}

async function write(db: Connection, work: ReturnType<typeof plan>): Promise<MaterialiseResult> {
  const collection = (await readyEnrolmentModel(db)).collection;
  const created: CreatedEnrolment[] = [];
  for (let i = 0; i < work.inserts.length; i += WRITE_BATCH) {
    const documents = work.inserts.slice(i, i + WRITE_BATCH);
    let lost = new Set<number>();
    try {
      await collection.bulkWrite(documents.map((document) => ({ insertOne: { document } })), { ordered: false });
    } catch (error) {
      // a concurrent run (an import's hook while the campaign opens) made some of them: fine,
      // they are that run's to report
      const writeErrors = (error as { writeErrors?: { code: number; index: number }[] }).writeErrors;
      if (!writeErrors || writeErrors.some((e) => e.code !== 11000)) throw error;
      lost = new Set(writeErrors.map((e) => e.index));
    }
    documents.forEach((document, j) => lost.has(j) || created.push(document));
  }
  for (let i = 0; i < work.updates.length; i += WRITE_BATCH) {
    await collection.bulkWrite(work.updates.slice(i, i + WRITE_BATCH).map((u) => ({ updateOne: { filter: { _id: u.id }, update: { $set: u.set } } })), { ordered: false });
  }
  // the dashboards' roll-up follows exactly what this wrote: the enrolments it created (as
  // written, not read back) and the officers whose enrolments it updated
  await enrolmentsChanged(db, work.updates.map((u) => u.officerId), created);
  return { inserted: work.inserts.length, updated: work.updates.length };
}

/** The units of the audience's subtrees (ids). */
function subtreeUnits(campaign: Campaign, paths: UnitPaths): Types.ObjectId[] {
  const roots = new Set(campaign.audience.unitIds.map((id) => id.toHexString()));
  if (roots.size === 0) return [];
  return [...paths.entries()].filter(([, path]) => path.some((u) => roots.has(u))).map(([id]) => new Types.ObjectId(id));
}

/**
 * Brings every enrolment of `campaign` up to date at `now`: the audience (serving in the
 * subtrees or named) and everyone already enrolled. Draft campaigns have none; a closed
 * campaign is frozen.
 */
export async function materialiseCampaign(db: Connection, campaign: Campaign, now: Date, paths?: UnitPaths): Promise<MaterialiseResult> {
  if (campaign.status !== 'open') return { inserted: 0, updated: 0 };
  const unitPaths = paths ?? (await loadUnitPaths(db));
  const Enrolments = await readyEnrolmentModel(db);
  const existing = await Enrolments.find({ campaignId: campaign._id }, { officerId: 1, moduleId: 1, unitId: 1, state: 1, exemptReason: 1 }).lean<Existing[]>();
  const units = subtreeUnits(campaign, unitPaths);
  const officers = await officerModel(db)
    .find({ $or: [{ unitId: trusted({ $in: units }) }, { _id: trusted({ $in: campaign.audience.officerIds }) }] }, OFFICER_FIELDS)
    .lean<AudienceOfficer[]>();
  const seen = new Set(officers.map((o) => o._id.toHexString()));
  const missing = [...new Set(existing.map((e) => e.officerId.toHexString()))].filter((id) => !seen.has(id));
  if (missing.length) officers.push(...(await officerModel(db).find({ _id: trusted({ $in: missing }) }, OFFICER_FIELDS).lean<AudienceOfficer[]>()));
  return write(db, plan(campaign, officers, existing, unitPaths, now));
}

/** Brings the enrolments of these officers up to date in every open campaign (the officer hook). */
export async function refreshOfficers(db: Connection, officerIds: readonly Types.ObjectId[], now: Date): Promise<MaterialiseResult> {
  const campaigns = await campaignModel(db).find({ status: 'open' }).lean<Campaign[]>();
  const total: MaterialiseResult = { inserted: 0, updated: 0 };
  if (!campaigns.length || !officerIds.length) return total;
  const [paths, officers, Enrolments] = await Promise.all([loadUnitPaths(db), officerModel(db).find({ _id: trusted({ $in: [...officerIds] }) }, OFFICER_FIELDS).lean<Officer[]>(), readyEnrolmentModel(db)]);
  for (const campaign of campaigns) {
    // the officer index, not the campaign one: a campaign has 300,000 enrolments, these officers a few each
    // (the embedded engine plans by predicates alone and would otherwise walk the campaign's)
    const existing = await Enrolments.find({ campaignId: campaign._id, officerId: trusted({ $in: [...officerIds] }) }, { officerId: 1, moduleId: 1, unitId: 1, state: 1, exemptReason: 1 })
      .hint({ officerId: 1, campaignId: 1, moduleId: 1 })
      .lean<Existing[]>();
    const result = await write(db, plan(campaign, officers, existing, paths, now));
    total.inserted += result.inserted;
    total.updated += result.updated;
  }
  return total;
}
