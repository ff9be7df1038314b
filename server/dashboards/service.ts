/**
 * The dashboard of a subtree (a unit and everything below it; null = the installation)
 * for chosen campaigns: what the pages render and the API returns (through presenters).
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { campaignModel, type Campaign } from '../campaigns/model';
import { moduleModel, type LearningModule } from '../modules/model';
import { officerModel, type Officer } from '../officers/model';
import { endOfDueDay, trainingYear } from '../progress/year';
import { personSortKey } from '../i18n/vietnamese';
import { rawCollection } from '../db/raw';
import type { Unit } from '../units/model';
import { allUnits } from './unit-tree';
import { daysLate, emptySum, figuresOf, type Figures, type TrendWeek } from './figures';
import { heldTrend, subtreeFigures } from './held-figures';
import { heldReads } from './held';
import { entryModel, type DashboardEntry } from './model';
import { campaignCounters, type CounterRow } from './snapshot';
import type { OfficerCategory } from '../officers/model';

const OVERDUE_LIMIT = 200;

export type SubtreeUnit = Pick<Unit, '_id' | 'name' | 'code' | 'parentId' | 'ancestors' | 'depth'>;

/** Per held tree (replaced when a unit changes, and these with it): subtrees and units by id (hex). */
const ofTree = new WeakMap<readonly SubtreeUnit[], { subtrees: Map<string, readonly SubtreeUnit[]>; byId: Map<string, SubtreeUnit> }>();

function treeIndex(all: readonly SubtreeUnit[]) {
  let index = ofTree.get(all);
  if (!index) ofTree.set(all, (index = { subtrees: new Map(), byId: new Map(all.map((u) => [u._id.toHexString(), u])) }));
  return index;
}

/**
 * The units of the subtree rooted at `root` (null: every unit): the root and the units below
 * it, from the held unit tree (unit-tree.ts, exact across instances). The same array for as
 * long as the tree is held (held-figures.ts checks it by identity): read only.
 * `known`: the units' token as just read (year-state.ts).
 */
export async function subtreeUnits(db: Connection, root: SubtreeUnit | null, known?: { token: string | null }): Promise<readonly SubtreeUnit[]> {
  const all = await allUnits(db, known);
  if (!root) return all;
  const index = treeIndex(all);
  const hex = root._id.toHexString();
  let subtree = index.subtrees.get(hex);
  if (!subtree) {
    const below = all.filter((u) => u.ancestors.some((id) => id.equals(root._id)));
    const { _id, name, code, parentId, ancestors, depth } = index.byId.get(hex) ?? root;
    index.subtrees.set(hex, (subtree = Object.freeze([Object.freeze({ _id, name, code, parentId, ancestors, depth }), ...below])));
  }
  return subtree;
}

/** A unit of the held tree (any unit, as a read by id would find it), or null. */
export async function heldUnit(db: Connection, id: Types.ObjectId, known?: { token: string | null }): Promise<SubtreeUnit | null> {
  return treeIndex(await allUnits(db, known)).byId.get(id.toHexString()) ?? null;
}

/** "CODE — title" of modules, by id (hex). Through the driver (server/db/raw.ts): a read of every page, by ids the server holds. */
export async function moduleTitles(db: Connection, ids: readonly Types.ObjectId[]): Promise<Map<string, string>> {
  const found = ids.length ? await rawCollection(moduleModel(db)).find<Pick<LearningModule, '_id' | 'code' | 'draft'>>({ _id: { $in: [...ids] } }, { projection: { code: 1, 'draft.title': 1 } }).toArray() : [];
  return new Map(found.map((m) => [m._id.toHexString(), `${m.code} — ${m.draft?.title ?? ''}`]));
}

/** The campaigns a dashboard shows: the chosen one, or the year's open campaigns. */
export async function chosenCampaigns(db: Connection, year: number, campaignId: Types.ObjectId | undefined): Promise<Campaign[]> {
  if (campaignId) return campaignModel(db).find({ _id: campaignId, year }).lean<Campaign[]>();
  return campaignModel(db).find({ year, status: 'open' }).sort({ name: 1 }).lean<Campaign[]>();
}

/** The ids (hex) of a held subtree's units, once per subtree. */
const idsOf = new WeakMap<readonly SubtreeUnit[], ReadonlySet<string>>();

/** Of `campaigns`, those that count someone in these units (the dashboard's choices): those with a counter there. */
export function campaignChoices(campaigns: readonly Campaign[], counters: Map<string, readonly CounterRow[]>, units: readonly SubtreeUnit[]): Campaign[] {
  const ids = idsOf.get(units) ?? new Set(units.map((u) => u._id.toHexString()));
  idsOf.set(units, ids);
  return campaigns.filter((c) => counters.get(c._id.toHexString())?.some((row) => ids.has(row.unit)));
}

export interface OverdueRow {
  officerId: Types.ObjectId;
  code: string;
  fullName: string;
  unitName: string;
  module: string;
  dueDate: Date;
  daysLate: number;
}

export interface Dashboard {
  year: number;
  asOf: Date;
  root: SubtreeUnit | null;
  campaigns: Campaign[];
  totals: Figures;
  /** the root's children (each with its whole subtree), then the root's own officers when any */
  subUnits: readonly { unit: SubtreeUnit; own: boolean; figures: Figures }[];
  modules: { moduleId: Types.ObjectId; title: string; dueDate: Date | null; figures: Figures }[];
  categories: readonly { category: OfficerCategory; figures: Figures }[];
  trend: readonly TrendWeek[];
  overdue: OverdueRow[];
  /** how many overdue (officer, module) there are in all (the list shows the latest first, up to 200) */
  overdueTotal: number;
}

/** The rows of these campaigns' held counters at these units. */
function inUnits(held: readonly (readonly CounterRow[])[], units: ReadonlyMap<string, SubtreeUnit>): CounterRow[] {
  const rows: CounterRow[] = [];
  for (const campaign of held) for (const row of campaign) if (units.has(row.unit)) rows.push(row);
  return rows;
}

const NO_COUNTERS: readonly CounterRow[] = Object.freeze([]);
const NO_FIGURES: Figures = Object.freeze(figuresOf(emptySum()));

/**
 * The longest overdue entries (up to 200) of the subtree, the earliest due first. How many
 * there are in all comes from the counters (`sum.overdue`), and so do the due days and
 * units the list needs: the due days are taken earliest first until they hold 200 late
 * officers, and only those buckets' not-completed entries are read — every due day but the
 * last in full (fewer than 200 together), the last up to what is missing — through the
 * entries' (campaignId, unitId, state, status, dueDate) index, which answers the filter
 * exactly and lets the engine stop at the limit. (Sorting every late entry of the
 * province by due date made a page read up to 300,000 entries.)
 */
async function overdueList(db: Connection, campaigns: readonly Campaign[], units: ReadonlyMap<string, SubtreeUnit>, counters: readonly CounterRow[], now: Date): Promise<OverdueRow[]> {
  const lateByDue = new Map<number, { dueDate: Date; count: number; units: Set<string> }>();
  for (const c of counters) {
    const late = c.enrolled - c.completed;
    if (now.getTime() < c.dueEnd || late <= 0) continue;
    let bucket = lateByDue.get(c.dueDate.getTime());
    if (!bucket) lateByDue.set(c.dueDate.getTime(), (bucket = { dueDate: c.dueDate, count: 0, units: new Set() }));
    bucket.count += late;
    bucket.units.add(c.unit);
  }
  const chosen: { dueDate: Date; count: number; units: Set<string> }[] = [];
  let covered = 0;
  for (const bucket of [...lateByDue.values()].sort((a, b) => a.dueDate.getTime() - b.dueDate.getTime())) {
    if (covered >= OVERDUE_LIMIT) break;
    chosen.push(bucket);
    covered += bucket.count;
  }
  const read = (days: typeof chosen, limit: number) => {
    if (!days.length || limit <= 0) return Promise.resolve([]);
    const unitIds = [...new Set(days.flatMap((d) => [...d.units]))].map((hex) => units.get(hex)?._id).filter((id): id is Types.ObjectId => id !== undefined);
    return entryModel(db)
      .find({
        campaignId: trusted({ $in: campaigns.map((c) => c._id) }),
        unitId: trusted({ $in: unitIds }),
        state: 'enrolled',
        status: trusted({ $in: ['not-started', 'in-progress'] }),
        dueDate: trusted({ $in: days.map((d) => d.dueDate) }),
      })
      .limit(limit)
      .lean<DashboardEntry[]>();
  };
  const earlier = await read(chosen.slice(0, -1), OVERDUE_LIMIT);
  const last = await read(chosen.slice(-1), OVERDUE_LIMIT - earlier.length);
  const entries = [...earlier, ...last].sort((a, b) => a.dueDate.getTime() - b.dueDate.getTime());
  const late = entries.filter((e) => daysLate(e.dueDate, now) > 0);
  const [officers, titles] = await Promise.all([
    officerModel(db).find({ _id: trusted({ $in: late.map((e) => e.officerId) }) }, { code: 1, fullName: 1 }).lean<Pick<Officer, '_id' | 'code' | 'fullName'>[]>(),
    moduleTitles(db, [...new Map(late.map((e) => [e.moduleId.toHexString(), e.moduleId])).values()]),
  ]);
  const byId = new Map(officers.map((o) => [o._id.toHexString(), o]));
  return late.map((e) => {
    const officer = byId.get(e.officerId.toHexString());
    return { officerId: e.officerId, code: officer?.code ?? '', fullName: officer?.fullName ?? '', unitName: units.get(e.unitId.toHexString())?.name ?? '', module: titles.get(e.moduleId.toHexString()) ?? '', dueDate: e.dueDate, daysLate: daysLate(e.dueDate, now) };
  });
}

/**
 * The dashboard of `root`'s subtree for `campaigns` at `now`. `subtree` and `held`: the
 * held unit subtree and counters as the caller just got them (load.ts), else read here.
 */
export async function buildDashboard(db: Connection, root: SubtreeUnit | null, campaigns: readonly Campaign[], now: Date, subtree?: readonly SubtreeUnit[], held?: Map<string, readonly CounterRow[]>): Promise<Dashboard> {
  const year = campaigns[0]?.year ?? trainingYear(now);
  const units = subtree ?? (await subtreeUnits(db, root));
  const counters = held ?? (await campaignCounters(db, campaigns.map((c) => c._id)));
  const ids = campaigns.map((c) => c._id.toHexString());
  const rows = ids.map((id) => counters.get(id) ?? NO_COUNTERS);
  const figures = subtreeFigures(db, root, ids, units, rows, now);
  const moduleIds = [...new Map(campaigns.flatMap((c) => c.modules).map((m) => [m.moduleId.toHexString(), m.moduleId])).values()];
  const titles = await moduleTitles(db, moduleIds);
  const modules = moduleIds.map((id) => {
    const due = campaigns.flatMap((c) => c.modules).filter((m) => m.moduleId.equals(id)).map((m) => m.dueDate);
    return { moduleId: id, title: titles.get(id.toHexString()) ?? '', dueDate: due.length ? due.reduce((a, b) => (a < b ? a : b)) : null, figures: figures.modules.get(id.toHexString()) ?? NO_FIGURES };
  });
  const dueDates = campaigns.flatMap((c) => c.modules.map((m) => m.dueDate));
  const from = campaigns.length ? campaigns.map((c) => c.opensOn).reduce((a, b) => (a < b ? a : b)) : now;
  const to = [now, ...dueDates].reduce((a, b) => (a > b ? a : b));
  const overdue = figures.sum.overdue > 0 ? await overdueList(db, campaigns, figures.units, inUnits(rows, figures.units), now) : [];
  return {
    year,
    asOf: now,
    root,
    campaigns: [...campaigns],
    totals: figures.totals,
    subUnits: figures.subUnits,
    modules,
    categories: figures.categories,
    trend: heldTrend(figures, from, to, dueDates),
    overdue,
    overdueTotal: figures.sum.overdue,
  };
}

export type OfficerStatus = 'completed' | 'in-progress' | 'not-started' | 'overdue' | 'exempt';

/** An entry's status at `now`: exempt, completed, overdue once the due day is over, else its progress. */
export function statusAt(entry: Pick<DashboardEntry, 'state' | 'status' | 'dueDate'>, now: Date): OfficerStatus {
  if (entry.state === 'exempt') return 'exempt';
  if (entry.status === 'completed') return 'completed';
  if (now >= endOfDueDay(entry.dueDate)) return 'overdue';
  return entry.status;
}

export interface UnitOfficerRow {
  officerId: Types.ObjectId;
  code: string;
  fullName: string;
  category: OfficerCategory;
  /** module id (hex) → status */
  modules: Map<string, OfficerStatus>;
}

type OwnEntry = Pick<DashboardEntry, 'officerId' | 'moduleId' | 'category' | 'state' | 'status' | 'dueDate'>;

/**
 * A unit's own entries, held per (unit, campaigns) with the held counters of those campaigns
 * they were read after (snapshot.ts): every write of an entry that the list shows (state,
 * progress status, due date, unit, category) moves its campaign's counters, so a new
 * roll-up generation and new held counters — then the entries are read again. Their
 * officers' names and codes are read on each page (officers carry no generation).
 */
const MAX_HELD_UNITS = 500;
const sameArrays = (a: readonly (readonly CounterRow[])[], b: readonly (readonly CounterRow[])[]) => a.length === b.length && a.every((rows, i) => rows === b[i]);
const heldEntries = heldReads<readonly (readonly CounterRow[])[], readonly OwnEntry[]>(MAX_HELD_UNITS, sameArrays);

function readOwnEntries(db: Connection, unitId: Types.ObjectId, campaigns: readonly Campaign[]): Promise<readonly OwnEntry[]> {
  return entryModel(db)
    .find({ campaignId: trusted({ $in: campaigns.map((c) => c._id) }), unitId, state: trusted({ $in: ['enrolled', 'exempt'] }) }, { officerId: 1, moduleId: 1, category: 1, state: 1, status: 1, dueDate: 1 })
    .lean<OwnEntry[]>()
    .exec(); // a promise, awaited by several pages (a query would run again each time)
}

function ownEntries(db: Connection, unitId: Types.ObjectId, campaigns: readonly Campaign[], held: Map<string, readonly CounterRow[]> | undefined): Promise<readonly OwnEntry[]> {
  if (!held) return readOwnEntries(db, unitId, campaigns);
  const ids = campaigns.map((c) => c._id.toHexString());
  const rows = ids.map((id) => held.get(id) ?? NO_COUNTERS);
  const key = `${unitId.toHexString()}|${ids.join(',')}`;
  return heldEntries(db, key, rows, () => readOwnEntries(db, unitId, campaigns));
}

/**
 * The officers counted at `unit` itself (not its sub-units) with their status per module.
 * `held`: the campaigns' held counters as the caller just got them (their entries are then
 * held with them), else every entry is read.
 */
export async function unitOfficers(db: Connection, unitId: Types.ObjectId, campaigns: readonly Campaign[], now: Date, held?: Map<string, readonly CounterRow[]>): Promise<UnitOfficerRow[]> {
  if (!campaigns.length) return [];
  const entries = await ownEntries(db, unitId, campaigns, held);
  if (!entries.length) return [];
  // through the driver (server/db/raw.ts): a read of every unit page, by the entries' ids
  const ids = [...new Map(entries.map((e) => [e.officerId.toHexString(), e.officerId])).values()];
  const officers = await rawCollection(officerModel(db)).find<Pick<Officer, '_id' | 'code' | 'fullName'>>({ _id: { $in: ids } }, { projection: { code: 1, fullName: 1 } }).toArray();
  const rows = new Map(officers.map((o) => [o._id.toHexString(), { officerId: o._id, code: o.code, fullName: o.fullName, category: 'cong-chuc' as OfficerCategory, modules: new Map<string, OfficerStatus>() }]));
  for (const entry of entries) {
    const row = rows.get(entry.officerId.toHexString());
    if (!row) continue;
    row.category = entry.category;
    row.modules.set(entry.moduleId.toHexString(), statusAt(entry, now));
  }
  // each name's key once (a province's own unit has hundreds of officers)
  const keyed = [...rows.values()].map((row) => ({ row, key: personSortKey(row.fullName) }));
  return keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map(({ row }) => row);
}
