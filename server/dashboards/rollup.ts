/**
 * Keeping the dashboards' entries and counters current (design in docs/dashboards.md).
 *
 * Incremental: `syncOfficers` recomputes the entries of some officers' enrolments, writes
 * only those that changed — each write compare-and-set on the entry's token, so two
 * instances syncing the same officer never count a change twice — and then moves the
 * counters by the difference (old contribution out, new one in) with `$inc`.
 * Full: `rebuildDashboards` recomputes everything from enrolments and progress; the test
 * of the roll-up checks that both agree.
 */
import { trusted, Types, type Connection } from 'mongoose';
import { enrolmentModel, type Enrolment } from '../campaigns/model';
import { officerModel, type OfficerCategory } from '../officers/model';
import { progressModel } from '../progress/model';
import { findMany, rawCollection } from '../db/raw';
import { addEntry, counterKey, emptyFigures, entryOf, sameEntry, type CounterKey, type EntryFields, type ProgressFields } from './entries';
import { generationModel, readyCounterModel, readyEntryModel, type CounterFigures, type DashboardEntry } from './model';

const CHUNK = 2_000;
/** Enrolments per pass of the bulk path (a chunk of officers' worth: 2,000 officers × 5 modules). */
const CREATED_CHUNK = 10_000;
const FIGURE_FIELDS = ['enrolled', 'exempt', 'completed', 'inProgress', 'scoreSum', 'scoreCount'] as const;
const RETRIES = 5;
const ENROLMENT_FIELDS = { campaignId: 1, year: 1, moduleId: 1, officerId: 1, unitId: 1, dueDate: 1, state: 1 } as const;
export type EnrolmentFields = Pick<Enrolment, '_id' | 'campaignId' | 'year' | 'moduleId' | 'officerId' | 'unitId' | 'dueDate' | 'state'>;

/** Optional narrowing of a sync: only this year's enrolments of this module (a learning event). */
export interface SyncScope {
  year?: number;
  moduleId?: Types.ObjectId;
}

/** The entries the officers' enrolments make now (those in `scope`). */
async function desiredEntries(db: Connection, officerIds: readonly Types.ObjectId[], scope: SyncScope): Promise<EntryFields[]> {
  // the driver's read (server/db/raw.ts): ids typed by the callers, the year a number
  const filter: Record<string, unknown> = { officerId: { $in: [...officerIds] } };
  if (scope.year !== undefined) filter.year = scope.year;
  if (scope.moduleId) filter.moduleId = scope.moduleId;
  return entriesOf(db, await findMany<EnrolmentFields>(rawCollection(enrolmentModel(db)), filter, { projection: ENROLMENT_FIELDS }));
}

/** The entries these enrolments make, with their officers' categories and progress read now. */
async function entriesOf(db: Connection, enrolments: readonly EnrolmentFields[]): Promise<EntryFields[]> {
  if (!enrolments.length) return [];
  const ids = [...new Set(enrolments.map((e) => e.officerId.toHexString()))];
  const years = [...new Set(enrolments.map((e) => e.year))];
  const [officers, progress] = await Promise.all([
    officerModel(db).find({ _id: trusted({ $in: ids }) }, { category: 1 }).lean<{ _id: Types.ObjectId; category: OfficerCategory }[]>(),
    progressModel(db)
      .find({ officerId: trusted({ $in: ids }), year: trusted({ $in: years }) }, { officerId: 1, moduleId: 1, year: 1, status: 1, bestScore: 1, completedAt: 1 })
      .lean<(ProgressFields & { officerId: Types.ObjectId; moduleId: Types.ObjectId; year: number })[]>(),
  ]);
  const categories = new Map(officers.map((o) => [o._id.toHexString(), o.category]));
  const progressOf = new Map(progress.map((p) => [`${p.officerId.toHexString()}:${p.moduleId.toHexString()}:${p.year}`, p]));
  return enrolments.map((e) =>
    entryOf(e, categories.get(e.officerId.toHexString()) ?? 'cong-chuc', progressOf.get(`${e.officerId.toHexString()}:${e.moduleId.toHexString()}:${e.year}`) ?? null),
  );
}

/** Counter moves: bucket id → key and the difference to add. */
class CounterMoves {
  readonly buckets = new Map<string, { key: CounterKey; figures: CounterFigures }>();
  add(entry: EntryFields, sign: 1 | -1): void {
    if (entry.state === 'gone') return;
    const key = counterKey(entry);
    let bucket = this.buckets.get(key._id);
    if (!bucket) this.buckets.set(key._id, (bucket = { key, figures: emptyFigures() }));
    addEntry(bucket.figures, entry, sign);
  }
}

/** `$inc` of a bucket's difference, without its zeros. */
function increments(figures: CounterFigures): Record<string, number> {
  const inc: Record<string, number> = {};
  for (const field of FIGURE_FIELDS) if (figures[field] !== 0) inc[field] = figures[field];
  for (const [week, n] of Object.entries(figures.weeks)) if (n !== 0) inc[`weeks.${week}`] = n;
  return inc;
}

/** A new bucket's other figures start at zero (a path cannot be both in `$inc` and `$setOnInsert`). */
function zerosBesides(inc: Record<string, number>): Record<string, unknown> {
  const zeros: Record<string, unknown> = {};
  for (const field of FIGURE_FIELDS) if (!(field in inc)) zeros[field] = 0;
  if (!Object.keys(inc).some((k) => k.startsWith('weeks.'))) zeros['weeks'] = {};
  return zeros;
}

async function applyMoves(db: Connection, moves: CounterMoves): Promise<void> {
  const ops = [...moves.buckets.values()]
    .map(({ key, figures }) => ({ key, inc: increments(figures) }))
    .filter(({ inc }) => Object.keys(inc).length > 0)
    .map(({ key: { _id, ...fields }, inc }) => ({ updateOne: { filter: { _id }, update: { $inc: inc, $setOnInsert: { ...fields, ...zerosBesides(inc) } }, upsert: true } }));
  if (!ops.length) return;
  const Counters = await readyCounterModel(db);
  try {
    for (let i = 0; i < ops.length; i += CHUNK) await Counters.collection.bulkWrite(ops.slice(i, i + CHUNK) as never, { ordered: false });
  } finally {
    await bumpGenerations(db, [...new Map([...moves.buckets.values()].map(({ key }) => [key.campaignId.toHexString(), key.campaignId])).values()]);
  }
}

/**
 * Gives these campaigns a new roll-up generation, after their counters were written: a page
 * that read the old token before reading the counters re-reads them next time (snapshot.ts).
 * `all`: every campaign that has one too (a rebuild).
 */
export async function bumpGenerations(db: Connection, campaignIds: readonly Types.ObjectId[], all = false): Promise<void> {
  const Generations = generationModel(db);
  const token = () => new Types.ObjectId().toHexString();
  if (all) await Generations.collection.updateMany({}, { $set: { token: token() } });
  if (campaignIds.length) await Generations.collection.bulkWrite(campaignIds.map((_id) => ({ updateOne: { filter: { _id }, update: { $set: { token: token() } }, upsert: true } })), { ordered: false });
}

/**
 * One pass over a chunk of officers: writes the entries and adds the counter moves of those
 * it wrote to `moves`; returns true when every change was written.
 */
async function syncChunk(db: Connection, officerIds: readonly Types.ObjectId[], scope: SyncScope, moves: CounterMoves): Promise<boolean> {
  const Entries = await readyEntryModel(db);
  const desired = await desiredEntries(db, officerIds, scope);
  // an entry's _id is its enrolment's: no enrolment, no entry to compare (a learning event of an officer in no campaign)
  if (!desired.length) return true;
  const existing = new Map((await findMany<DashboardEntry>(rawCollection(Entries), { _id: { $in: desired.map((e) => e._id) } })).map((e) => [e._id.toHexString(), e]));
  const changed = desired.filter((want) => {
    const old = existing.get(want._id.toHexString());
    return old ? !sameEntry(old, want) : want.state !== 'gone';
  });
  if (!changed.length) return true;
  const token = new Types.ObjectId().toHexString();
  const ops = changed.map((want) => {
    const old = existing.get(want._id.toHexString());
    return old ? { updateOne: { filter: { _id: want._id, token: old.token }, update: { $set: { ...want, token } } } } : { insertOne: { document: { ...want, token } } };
  });
  let allWritten = false;
  try {
    const result = await Entries.collection.bulkWrite(ops as never, { ordered: false });
    // each insert or matched compare-and-set wrote one entry: when they add up to every op, all are ours
    allWritten = result.insertedCount + result.matchedCount === ops.length;
  } catch (error) {
    // another sync made the same entry first: it is counted by that sync, ours retries
    const writeErrors = (error as { writeErrors?: { code: number }[] }).writeErrors;
    if (!writeErrors || writeErrors.some((e) => e.code !== 11000)) throw error;
  }
  const written = allWritten
    ? new Set(changed.map((e) => e._id.toHexString()))
    : new Set(
        (await Entries.find({ _id: trusted({ $in: changed.map((e) => e._id) }), token }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>()).map((e) => e._id.toHexString()),
      );
  for (const want of changed) {
    if (!written.has(want._id.toHexString())) continue;
    const old = existing.get(want._id.toHexString());
    if (old) moves.add(old, -1);
    moves.add(want, 1);
  }
  return written.size === changed.length;
}

/**
 * Brings the entries and counters of these officers' enrolments up to date (optionally only
 * those in `scope`). Safe to call twice or concurrently: unchanged entries write nothing.
 * `chunkSize`: officers read and written per pass (smaller only in tests).
 */
export async function syncOfficers(db: Connection, officerIds: readonly Types.ObjectId[], scope: SyncScope = {}, chunkSize = CHUNK): Promise<void> {
  const unique = [...new Map(officerIds.map((id) => [id.toHexString(), id])).values()];
  // the counter moves of every chunk are summed and applied once: a campaign's 60,000 officers
  // touch the same few thousand buckets in each of their 30 chunks
  const moves = new CounterMoves();
  try {
    for (let i = 0; i < unique.length; i += chunkSize) {
      const chunk = unique.slice(i, i + chunkSize);
      let done = false;
      for (let attempt = 0; attempt < RETRIES && !done; attempt++) done = await syncChunk(db, chunk, scope, moves);
      if (!done) throw new Error('dashboards: entries kept changing under the roll-up');
    }
  } finally {
    // the entries written so far are counted even when a later chunk fails
    await applyMoves(db, moves);
  }
}

/**
 * Bulk path for enrolments just inserted (a campaign's materialisation): their entries are
 * made from the documents as written, without reading 300,000 enrolments back, and without
 * looking for existing entries — an entry's `_id` is its enrolment's, and a new enrolment
 * has none unless a concurrent sync made it after the insert. Such an insert fails with a
 * duplicate key and is left to that sync, which counted it (as in `syncChunk`). Categories
 * and progress are read as `syncOfficers` reads them.
 */
export async function syncCreatedEnrolments(db: Connection, created: readonly EnrolmentFields[]): Promise<void> {
  const Entries = await readyEntryModel(db);
  const moves = new CounterMoves();
  try {
    for (let i = 0; i < created.length; i += CREATED_CHUNK) {
      const entries = (await entriesOf(db, created.slice(i, i + CREATED_CHUNK))).filter((e) => e.state !== 'gone');
      if (!entries.length) continue;
      const token = new Types.ObjectId().toHexString();
      let lost = new Set<number>();
      try {
        await Entries.collection.insertMany(entries.map((e) => ({ ...e, token })), { ordered: false });
      } catch (error) {
        const writeErrors = (error as { writeErrors?: { code: number; index: number }[] }).writeErrors;
        if (!writeErrors || writeErrors.some((e) => e.code !== 11000)) throw error;
        lost = new Set(writeErrors.map((e) => e.index));
      }
      entries.forEach((entry, j) => lost.has(j) || moves.add(entry, 1));
    }
  } finally {
    // the entries written so far are counted even when a later chunk fails
    await applyMoves(db, moves);
  }
}

/**
 * Recomputes every entry and counter from the enrolments and progress (at start when the
 * roll-up is missing, and after a crash between an entry's write and its counters').
 * Returns how many entries count.
 */
export async function rebuildDashboards(db: Connection): Promise<number> {
  const [Entries, Counters] = await Promise.all([readyEntryModel(db), readyCounterModel(db)]);
  const counted = (await Counters.distinct('campaignId')) as Types.ObjectId[];
  await Entries.deleteMany({});
  await Counters.deleteMany({});
  await bumpGenerations(db, counted, true);
  const officerIds = (await enrolmentModel(db).distinct('officerId')) as Types.ObjectId[];
  const moves = new CounterMoves();
  let count = 0;
  for (let i = 0; i < officerIds.length; i += CHUNK) {
    const entries = (await desiredEntries(db, officerIds.slice(i, i + CHUNK), {})).filter((e) => e.state !== 'gone');
    if (entries.length) await Entries.collection.insertMany(entries.map((e) => ({ ...e, token: 'rebuild' })), { ordered: false });
    for (const entry of entries) moves.add(entry, 1);
    count += entries.length;
  }
  await applyMoves(db, moves);
  return count;
}

/** Rebuilds when the roll-up is missing (a new installation, or data from before #12). */
export async function ensureDashboards(db: Connection): Promise<boolean> {
  const Entries = await readyEntryModel(db);
  if (await Entries.exists({})) return false;
  if (!(await enrolmentModel(db).exists({ state: trusted({ $in: ['enrolled', 'exempt'] }) }))) return false;
  await rebuildDashboards(db);
  return true;
}
