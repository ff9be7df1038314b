/**
 * The figures of a unit's annual training report (design §6): for the unit's subtree and a
 * training year, as the enrolments count officers (docs/campaigns.md: after the cut-off an
 * enrolment stays at the unit of the cut-off day). Three set queries — enrolments of the
 * subtree, the progress of those officers, their officer records — and the rest is pure
 * arithmetic in `summarise()`, so the tests can check it against hand-computed numbers.
 * The result is plain JSON (ids as hex, dates as ISO strings): a frozen report stores it as is.
 */
import type { FindCursor } from 'mongodb';
import { trusted, Types, type Connection } from 'mongoose';
import { enrolmentModel, campaignModel } from '../campaigns/model';
import { progressModel } from '../progress/model';
import { officerModel, OFFICER_CATEGORIES, type OfficerCategory } from '../officers/model';
import { unitModel, type Unit } from '../units/model';
import { moduleModel, moduleVersionModel } from '../modules/model';
import { vietnameseCollator } from '../i18n/vietnamese';
import { fieldSet, readFields, type FieldSet } from './raw-fields';

type RawEnrolmentState = 'enrolled' | 'exempt' | 'left' | 'stopped';

const compareVietnamese = (a: string, b: string) => vietnameseCollator.compare(a, b);

const DAY_MS = 86_400_000;
/**
 * Officers per query of their progress and records. The embedded engine seeks its index once
 * per `$in` value (server/db/engine/catalog/planner.ts: up to 100,000 combinations of the
 * index's `$in` lists; past that it keeps the leading fields, here `officerId`, and checks the
 * rest per document), so a long list stays on the index. Chunks of 500 cost a province report
 * 120 round trips of each query; 20,000 keeps a query's id list (~0.5 MB of BSON) well under
 * MongoDB's 16 MB document limit.
 */
const CHUNK = 20_000;

/** Who is proposed for commendation (biểu dương): all done `daysAhead` days before each due date, average best score ≥ `minAverage`. */
export interface CommendationRule {
  daysAhead: number;
  minAverage: number;
}
export const DEFAULT_RULE: CommendationRule = { daysAhead: 30, minAverage: 90 };

export interface Counts {
  /** officers who must learn (at least one enrolled module) */
  enrolled: number;
  /** of them, those who completed every enrolled module */
  completed: number;
  /** officers with only exempt enrolments */
  exempt: number;
  notCompleted: number;
  /** completed ÷ enrolled (exempt excluded), 0..1; null with nobody enrolled */
  rate: number | null;
}

export interface ReportFigures {
  year: number;
  unit: { id: string; code: string; name: string };
  /** the parent unit's name (cơ quan chủ quản), null for a root */
  parentName: string | null;
  computedAt: string;
  /** the latest cut-off day of the year's campaigns counted (ISO), null without campaigns */
  cutoffDate: string | null;
  rule: CommendationRule;
  totals: Counts & { counted: number };
  categories: Array<Counts & { category: OfficerCategory; counted: number }>;
  exemptByReason: Array<{ reason: string; count: number }>;
  modules: Array<{ moduleId: string; title: string; enrolled: number; completed: number; exempt: number; rate: number | null; averageScore: number | null; averageAttempts: number | null }>;
  subUnits: Array<Counts & { unitId: string; code: string; name: string }>;
  notCompleted: Array<{ officerId: string; code: string; fullName: string; unitName: string; done: number; total: number }>;
  commendations: Array<{ officerId: string; code: string; fullName: string; unitName: string; averageScore: number; modules: number }>;
}

/** What `summarise()` reads: one row per enrolment, progress and officer. */
export interface EnrolmentRow { officerId: string; moduleId: string; unitId: string; state: 'enrolled' | 'exempt'; exemptReason: string | null; dueDate: Date }
export interface ProgressRow { officerId: string; moduleId: string; status: string; bestScore: number | null; attempts: number; completedAt: Date | null }
export interface OfficerRow { id: string; code: string; fullName: string; sortName: string; category: OfficerCategory }
export interface UnitRow { id: string; code: string; name: string; ancestors: string[] }

const counts = (enrolled: number, completed: number, exempt: number): Counts => ({ enrolled, completed, exempt, notCompleted: enrolled - completed, rate: enrolled ? completed / enrolled : null });
const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);

/**
 * The figures from the rows. An officer × module enrolled in two campaigns counts once
 * (enrolled wins over exempt); an officer is "completed" when every enrolled module is,
 * "exempt" when every module is exempt (reason: the first exempt enrolment's).
 */
export function summarise(input: {
  year: number; root: UnitRow; parentName: string | null; units: UnitRow[]; cutoffDate: Date | null; rule: CommendationRule; now: Date;
  enrolments: EnrolmentRow[]; progress: ProgressRow[]; officers: OfficerRow[]; moduleTitles: Map<string, string>;
}): ReportFigures {
  const { root, rule } = input;
  const unitById = new Map(input.units.map((u) => [u.id, u]));
  const officerById = new Map(input.officers.map((o) => [o.id, o]));
  // officer → module → progress: a composite "officer:module" string key cost a new string per lookup (four per module and officer)
  const progressByOfficer = new Map<string, Map<string, ProgressRow>>();
  for (const p of input.progress) {
    const mine = progressByOfficer.get(p.officerId) ?? progressByOfficer.set(p.officerId, new Map()).get(p.officerId)!;
    mine.set(p.moduleId, p);
  }
  const NO_PROGRESS = new Map<string, ProgressRow>();

  // officer → module → the enrolment that counts
  const byOfficer = new Map<string, { unitId: string; modules: Map<string, EnrolmentRow> }>();
  for (const e of input.enrolments) {
    const entry = byOfficer.get(e.officerId) ?? { unitId: e.unitId, modules: new Map<string, EnrolmentRow>() };
    byOfficer.set(e.officerId, entry);
    const seen = entry.modules.get(e.moduleId);
    if (!seen || (seen.state === 'exempt' && e.state === 'enrolled') || (seen.state === e.state && e.dueDate < seen.dueDate)) entry.modules.set(e.moduleId, e);
  }

  const directChild = (unitId: string) => {
    if (unitId === root.id) return root.id;
    const u = unitById.get(unitId);
    if (!u) return root.id;
    const at = u.ancestors.indexOf(root.id);
    return at >= 0 && at + 1 < u.ancestors.length ? u.ancestors[at + 1]! : u.id;
  };

  type Tally = { counted: number; enrolled: number; completed: number; exempt: number };
  const tally = (): Tally => ({ counted: 0, enrolled: 0, completed: 0, exempt: 0 });
  const total = tally();
  const byCategory = new Map<OfficerCategory, Tally>(OFFICER_CATEGORIES.map((c) => [c, tally()]));
  const bySubUnit = new Map<string, Tally>();
  const reasons = new Map<string, number>();
  const moduleTally = new Map<string, { enrolled: number; completed: number; exempt: number; scores: number[]; attempts: number[] }>();
  const notCompleted: ReportFigures['notCompleted'] = [];
  const commendations: ReportFigures['commendations'] = [];

  for (const [officerId, { unitId, modules }] of byOfficer) {
    const officer = officerById.get(officerId);
    const category = officer?.category ?? 'cong-chuc';
    const sub = directChild(unitId);
    const tallies = [total, byCategory.get(category)!, bySubUnit.get(sub) ?? bySubUnit.set(sub, tally()).get(sub)!];
    const progressOf = progressByOfficer.get(officerId) ?? NO_PROGRESS;
    const enrolled = [...modules.values()].filter((e) => e.state === 'enrolled');
    for (const e of modules.values()) {
      const m = moduleTally.get(e.moduleId) ?? moduleTally.set(e.moduleId, { enrolled: 0, completed: 0, exempt: 0, scores: [], attempts: [] }).get(e.moduleId)!;
      if (e.state === 'exempt') {
        m.exempt++;
        continue;
      }
      m.enrolled++;
      const p = progressOf.get(e.moduleId);
      if (p?.status === 'completed') m.completed++;
      if (p?.bestScore !== null && p?.bestScore !== undefined) m.scores.push(p.bestScore);
      if (p && p.attempts > 0) m.attempts.push(p.attempts);
    }
    for (const t of tallies) t.counted++;
    if (enrolled.length === 0) {
      for (const t of tallies) t.exempt++;
      const reason = [...modules.values()][0]?.exemptReason ?? 'khac';
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      continue;
    }
    for (const t of tallies) t.enrolled++;
    const done = enrolled.filter((e) => progressOf.get(e.moduleId)?.status === 'completed');
    const unitName = unitById.get(unitId)?.name ?? '';
    const who = { officerId, code: officer?.code ?? '', fullName: officer?.fullName ?? '', unitName };
    if (done.length < enrolled.length) {
      notCompleted.push({ ...who, done: done.length, total: enrolled.length });
      continue;
    }
    for (const t of tallies) t.completed++;
    const early = enrolled.every((e) => {
      const at = progressOf.get(e.moduleId)?.completedAt;
      return at !== null && at !== undefined && at.getTime() <= e.dueDate.getTime() - rule.daysAhead * DAY_MS;
    });
    const scores = enrolled.map((e) => progressOf.get(e.moduleId)?.bestScore).filter((s): s is number => typeof s === 'number');
    const average = mean(scores);
    if (early && average !== null && average >= rule.minAverage) commendations.push({ ...who, averageScore: Math.round(average * 10) / 10, modules: enrolled.length });
  }

  // sorted on keys looked up once (a province lists 60,000 officers: a lookup per comparison was a second of the report)
  const byName = <T extends { officerId: string }>(rows: T[]): T[] =>
    rows
      .map((row) => ({ row, key: officerById.get(row.officerId)?.sortName ?? '' }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ row }) => row);
  const withCounts = (t: Tally) => ({ counted: t.counted, ...counts(t.enrolled, t.completed, t.exempt) });
  const subUnits = [...bySubUnit.entries()].map(([id, t]) => {
    const u = unitById.get(id) ?? root;
    return { unitId: id, code: u.code, name: u.name, ...counts(t.enrolled, t.completed, t.exempt) };
  });
  subUnits.sort((a, b) => (a.unitId === root.id ? -1 : b.unitId === root.id ? 1 : compareVietnamese(a.name, b.name)));

  return {
    year: input.year,
    unit: { id: root.id, code: root.code, name: root.name },
    parentName: input.parentName,
    computedAt: input.now.toISOString(),
    cutoffDate: input.cutoffDate?.toISOString() ?? null,
    rule,
    totals: withCounts(total),
    categories: OFFICER_CATEGORIES.map((category) => ({ category, ...withCounts(byCategory.get(category)!) })),
    exemptByReason: [...reasons.entries()].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    modules: [...moduleTally.entries()]
      .map(([moduleId, m]) => {
        const avg = mean(m.scores);
        const att = mean(m.attempts);
        return { moduleId, title: input.moduleTitles.get(moduleId) ?? '', enrolled: m.enrolled, completed: m.completed, exempt: m.exempt, rate: m.enrolled ? m.completed / m.enrolled : null, averageScore: avg === null ? null : Math.round(avg * 10) / 10, averageAttempts: att === null ? null : Math.round(att * 10) / 10 };
      })
      .sort((a, b) => compareVietnamese(a.title, b.title)),
    subUnits,
    notCompleted: byName(notCompleted),
    commendations: byName(commendations),
  };
}

const hex = (id: Types.ObjectId) => id.toHexString();
/**
 * One string per id: a province's rows hold 300,000 enrolments of 60,000 officers over a few
 * modules and 250 units, plus their progress, and a fresh hex string per field and row kept
 * over a million copies alive until summarise() ends — garbage collection was a third of the
 * province's figures in the profile. The same for the few due dates (one Date per value).
 */
function interner<K, V>(make: (key: K) => V): (key: K) => V {
  const seen = new Map<K, V>();
  return (key) => {
    const known = seen.get(key);
    if (known !== undefined) return known;
    const value = make(key);
    seen.set(key, value);
    return value;
  };
}
/**
 * Documents per batch of the set queries below. Measured on the bench's 300,000 enrolments
 * (~240 bytes each, raw reads, CPU of both threads, three alternating rounds on the shared
 * machine): 3,000 and 5,000 a batch 2.1–2.7 s, 10,000 (~2.4 MB replies) 5.0–5.7 s, 30,000
 * 5.4–6.0 s, 1,000–2,000 2.2–3.4 s.
 */
const BATCH = 3_000;
/**
 * The fields each set query reads from the raw documents (raw-fields.ts). Whole documents,
 * no projection: the embedded engine sends stored documents as they are but builds a new one
 * per projected document (0.85 s of CPU for a province's 300,000 enrolments), and the
 * unwanted fields cost the reader only a skip.
 */
const ENROLMENT_FIELDS = fieldSet(['officerId', 'moduleId', 'unitId', 'state', 'exemptReason', 'dueDate']);
const PROGRESS_FIELDS = fieldSet(['officerId', 'moduleId', 'status', 'bestScore', 'attempts', 'completedAt']);
const OFFICER_FIELDS = fieldSet(['_id', 'code', 'fullName', 'sortName', 'category']);

/**
 * A raw read started: its first batch asked for at once (the driver sends the query on the
 * first `hasNext()`), so the engine works on it while this thread reads an earlier one.
 */
interface Started { cursor: FindCursor<Buffer>; first: Promise<boolean> }
function start(cursor: FindCursor): Started {
  const raw = cursor as unknown as FindCursor<Buffer>;
  const first = raw.hasNext();
  first.catch(() => undefined); // handled where it is awaited; not an unhandled rejection meanwhile
  return { cursor: raw, first };
}

/**
 * Hands `fields` of every document of a started read to `each`, a batch at a time, read from
 * the documents' bytes (`raw: true`: the driver builds no objects). `each` gets one reused
 * array and must copy what it keeps.
 */
async function eachRaw({ cursor, first }: Started, fields: FieldSet, each: (values: unknown[]) => void): Promise<void> {
  const values: unknown[] = [];
  try {
    for (let more = await first; more; more = await cursor.hasNext()) for (const doc of cursor.readBufferedDocuments()) each(readFields(doc, fields, values));
  } finally {
    await cursor.close();
  }
}
const RAW = { raw: true, batchSize: BATCH } as const;
/** A campaign's enrolments are read in this many parts of the subtree's units, each asked for while the one before is read. */
const PARTS = 4;


/** The figures of `unitId`'s subtree for `year`, computed now. */
export async function computeFigures(db: Connection, unitId: Types.ObjectId, year: number, rule: CommendationRule = DEFAULT_RULE, now = new Date()): Promise<ReportFigures> {
  const unitDocs = await unitModel(db).find(trusted({ $or: [{ _id: unitId }, { ancestors: unitId }] }), { code: 1, name: 1, ancestors: 1 }).lean<Pick<Unit, '_id' | 'code' | 'name' | 'ancestors'>[]>();
  const rootDoc = unitDocs.find((u) => u._id.equals(unitId));
  if (!rootDoc) throw new Error(`unit ${hex(unitId)} not found`);
  const parentId = rootDoc.ancestors[rootDoc.ancestors.length - 1];
  const parent = parentId ? await unitModel(db).findById(parentId, { name: 1 }).lean<Pick<Unit, 'name'>>() : null;
  const units: UnitRow[] = unitDocs.map((u) => ({ id: hex(u._id), code: u.code, name: u.name, ancestors: u.ancestors.map(hex) }));

  // one query per campaign of the year, on the { campaignId, unitId } index (a year-wide scan of the enrolments is what made a unit's report slow)
  const yearCampaigns = await campaignModel(db).find({ year }, { _id: 1, cutoffDate: 1 }).lean<{ _id: Types.ObjectId; cutoffDate: Date }[]>();
  // in the index's order (ObjectId bytes, as their hex): the parts below, read one after the other, give the rows in the order of one query
  const unitIds = unitDocs.map((u) => u._id).sort((a, b) => (hex(a) < hex(b) ? -1 : 1));
  const partSize = Math.ceil(unitIds.length / PARTS);
  const unitParts = Array.from({ length: Math.ceil(unitIds.length / partSize) }, (_, i) => unitIds.slice(i * partSize, (i + 1) * partSize));
  const shared = interner((h: string) => h);
  const dateOf = interner((ms: number) => new Date(ms));
  const officers = new Map<string, OfficerRow>();
  const officerRow = (v: unknown[]) => {
    const id = shared(v[0] as string);
    officers.set(id, { id, code: v[1] as string, fullName: v[2] as string, sortName: v[3] as string, category: v[4] as OfficerCategory });
  };
  // the records of the officers in the subtree now, read by the engine while this thread reads the enrolments; those counted here who have
  // moved out since the cut-off are read by id afterwards, the others are dropped (summarise() looks officers up by id)
  const present = eachRaw(start(officerModel(db).collection.find({ unitId: { $in: unitIds } }, RAW)), OFFICER_FIELDS, officerRow);
  present.catch(() => undefined); // awaited below

  const enrolments: EnrolmentRow[] = [];
  const officerIds = new Map<string, Types.ObjectId>();
  const moduleIds = new Map<string, Types.ObjectId>();
  // the latest cut-off of the campaigns that count someone here
  let cutoffDate: Date | null = null;
  for (const c of yearCampaigns) {
    const before = enrolments.length;
    // the state is checked here, not in the query: matching it made the embedded engine decode every enrolment (a third of its time for a province);
    // `left` and `stopped` enrolments are few
    const read = (units: Types.ObjectId[]) => start(enrolmentModel(db).collection.find({ campaignId: c._id, unitId: { $in: units } }, RAW));
    let next = read(unitParts[0]!);
    for (let i = 0; i < unitParts.length; i++) {
      const current = next;
      if (i + 1 < unitParts.length) next = read(unitParts[i + 1]!);
      await eachRaw(current, ENROLMENT_FIELDS, (v) => {
        const state = v[3] as RawEnrolmentState;
        if (state !== 'enrolled' && state !== 'exempt') return;
        const officerId = shared(v[0] as string);
        const moduleId = shared(v[1] as string);
        if (!officerIds.has(officerId)) officerIds.set(officerId, new Types.ObjectId(officerId));
        if (!moduleIds.has(moduleId)) moduleIds.set(moduleId, new Types.ObjectId(moduleId));
        enrolments.push({ officerId, moduleId, unitId: shared(v[2] as string), state, exemptReason: (v[4] as string | null | undefined) ?? null, dueDate: dateOf(v[5] as number) });
      });
    }
    if (enrolments.length > before && (!cutoffDate || c.cutoffDate > cutoffDate)) cutoffDate = c.cutoffDate;
  }
  const officerList = [...officerIds.values()];
  const moduleList = [...moduleIds.values()];
  await present;
  const movedOut = officerList.filter((id) => !officers.has(hex(id)));

  const progress: ProgressRow[] = [];
  const optionalDate = (ms: unknown) => (typeof ms === 'number' ? new Date(ms) : null);
  for (let i = 0; i < Math.max(officerList.length, movedOut.length); i += CHUNK) {
    await Promise.all([
      // without the module list: {officerId, year} on the { officerId, moduleId, year } index costs the embedded engine a seek per officer, where
      // the module list made it one per officer × module (0.4 vs 1.6 s of CPU for a province); other modules' progress is dropped here
      eachRaw(start(progressModel(db).collection.find({ year, officerId: { $in: officerList.slice(i, i + CHUNK) } }, RAW)), PROGRESS_FIELDS, (v) => {
        const moduleId = moduleIds.has(v[1] as string) ? shared(v[1] as string) : null;
        if (moduleId === null) return;
        progress.push({ officerId: shared(v[0] as string), moduleId, status: v[2] as string, bestScore: (v[3] as number | null | undefined) ?? null, attempts: (v[4] as number | undefined) ?? 0, completedAt: optionalDate(v[5]) });
      }),
      movedOut.length > i ? eachRaw(start(officerModel(db).collection.find({ _id: { $in: movedOut.slice(i, i + CHUNK) } }, RAW)), OFFICER_FIELDS, officerRow) : null,
    ]);
  }
  // the title as last published (the draft's while nothing was)
  const drafts = await moduleModel(db).find({ _id: trusted({ $in: moduleList }) }, { 'draft.title': 1, publishedVersion: 1 }).lean<{ _id: Types.ObjectId; draft: { title: string }; publishedVersion: number }[]>();
  const versions = await moduleVersionModel(db).find({ moduleId: trusted({ $in: moduleList }) }, { moduleId: 1, version: 1, 'content.title': 1 }).lean<{ moduleId: Types.ObjectId; version: number; content: { title: string } }[]>();
  const titles = new Map(drafts.map((m) => [hex(m._id), versions.find((v) => v.moduleId.equals(m._id) && v.version === m.publishedVersion)?.content.title ?? m.draft.title]));

  return summarise({
    year, rule, now, cutoffDate, units, enrolments, progress,
    officers: [...officers.values()].filter((o) => officerIds.has(o.id)),
    root: units.find((u) => u.id === hex(unitId))!,
    parentName: parent?.name ?? null,
    moduleTitles: titles,
  });
}
