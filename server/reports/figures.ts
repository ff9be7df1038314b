/**
 * The figures of a unit's annual training report (design §6): for the unit's subtree and a
 * training year, as the enrolments count officers (docs/campaigns.md: after the cut-off an
 * enrolment stays at the unit of the cut-off day). Three set queries — enrolments of the
 * subtree, the progress of those officers, their officer records — and the rest is pure
 * arithmetic in `summarise()`, so the tests can check it against hand-computed numbers.
 * The result is plain JSON (ids as hex, dates as ISO strings): a frozen report stores it as is.
 */
import { trusted, Types, type Connection } from 'mongoose';
import { enrolmentModel, campaignModel } from '../campaigns/model';
import { progressModel } from '../progress/model';
import { officerModel, OFFICER_CATEGORIES, type OfficerCategory } from '../officers/model';
import { unitModel, type Unit } from '../units/model';
import { moduleModel, moduleVersionModel } from '../modules/model';
import { vietnameseCollator } from '../i18n/vietnamese';

const compareVietnamese = (a: string, b: string) => vietnameseCollator.compare(a, b);

const DAY_MS = 86_400_000;
/**
 * Officers per query of their progress and records. The embedded engine drives an index with
 * at most 500 `$in` points (server/db/engine/catalog/planner.ts); with more it scanned the
 * whole collection and checked every document against the list — 4 s for one unit of 3,000
 * officers in the bench, and the engine blocked long enough for the driver to time out on a
 * province. 500 keeps every chunk on the index.
 */
const CHUNK = 500;

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
  const progressOf = new Map(input.progress.map((p) => [`${p.officerId}:${p.moduleId}`, p]));

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
    const enrolled = [...modules.values()].filter((e) => e.state === 'enrolled');
    for (const e of modules.values()) {
      const m = moduleTally.get(e.moduleId) ?? moduleTally.set(e.moduleId, { enrolled: 0, completed: 0, exempt: 0, scores: [], attempts: [] }).get(e.moduleId)!;
      if (e.state === 'exempt') {
        m.exempt++;
        continue;
      }
      m.enrolled++;
      const p = progressOf.get(`${officerId}:${e.moduleId}`);
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
    const done = enrolled.filter((e) => progressOf.get(`${officerId}:${e.moduleId}`)?.status === 'completed');
    const unitName = unitById.get(unitId)?.name ?? '';
    const who = { officerId, code: officer?.code ?? '', fullName: officer?.fullName ?? '', unitName };
    if (done.length < enrolled.length) {
      notCompleted.push({ ...who, done: done.length, total: enrolled.length });
      continue;
    }
    for (const t of tallies) t.completed++;
    const early = enrolled.every((e) => {
      const at = progressOf.get(`${officerId}:${e.moduleId}`)?.completedAt;
      return at !== null && at !== undefined && at.getTime() <= e.dueDate.getTime() - rule.daysAhead * DAY_MS;
    });
    const scores = enrolled.map((e) => progressOf.get(`${officerId}:${e.moduleId}`)?.bestScore).filter((s): s is number => typeof s === 'number');
    const average = mean(scores);
    if (early && average !== null && average >= rule.minAverage) commendations.push({ ...who, averageScore: Math.round(average * 10) / 10, modules: enrolled.length });
  }

  const sortKey = (id: string) => officerById.get(id)?.sortName ?? '';
  const byName = (a: { officerId: string }, b: { officerId: string }) => (sortKey(a.officerId) < sortKey(b.officerId) ? -1 : sortKey(a.officerId) > sortKey(b.officerId) ? 1 : 0);
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
    notCompleted: notCompleted.sort(byName),
    commendations: commendations.sort(byName),
  };
}

const hex = (id: Types.ObjectId) => id.toHexString();
/** find() with a projection, not aggregate() with $project: the embedded engine's pipeline projection cost ~0.4 s a unit report in the bench's profile. */
const ENROLMENT_FIELDS = { _id: 0, officerId: 1, moduleId: 1, unitId: 1, campaignId: 1, state: 1, exemptReason: 1, dueDate: 1 } as const;

/** The figures of `unitId`'s subtree for `year`, computed now. */
export async function computeFigures(db: Connection, unitId: Types.ObjectId, year: number, rule: CommendationRule = DEFAULT_RULE, now = new Date()): Promise<ReportFigures> {
  const unitDocs = await unitModel(db).find(trusted({ $or: [{ _id: unitId }, { ancestors: unitId }] }), { code: 1, name: 1, ancestors: 1 }).lean<Pick<Unit, '_id' | 'code' | 'name' | 'ancestors'>[]>();
  const rootDoc = unitDocs.find((u) => u._id.equals(unitId));
  if (!rootDoc) throw new Error(`unit ${hex(unitId)} not found`);
  const parentId = rootDoc.ancestors[rootDoc.ancestors.length - 1];
  const parent = parentId ? await unitModel(db).findById(parentId, { name: 1 }).lean<Pick<Unit, 'name'>>() : null;
  const units: UnitRow[] = unitDocs.map((u) => ({ id: hex(u._id), code: u.code, name: u.name, ancestors: u.ancestors.map(hex) }));

  // one query per campaign of the year, on the { campaignId, unitId } index (a year-wide scan of the enrolments is what made a unit's report slow)
  const yearCampaigns = await campaignModel(db).find({ year }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
  type Raw = { officerId: Types.ObjectId; moduleId: Types.ObjectId; unitId: Types.ObjectId; campaignId: Types.ObjectId; state: 'enrolled' | 'exempt'; exemptReason: string | null; dueDate: Date };
  const raw: Raw[] = [];
  for (const c of yearCampaigns) {
    const found = await enrolmentModel(db).find({ campaignId: c._id, unitId: trusted({ $in: unitDocs.map((u) => u._id) }), state: trusted({ $in: ['enrolled', 'exempt'] }) }, ENROLMENT_FIELDS).lean<Raw[]>();
    // not push(...found): a province's campaign has 300,000 enrolments, more arguments than the stack holds
    for (const e of found) raw.push(e);
  }
  const enrolments: EnrolmentRow[] = raw.map((e) => ({ officerId: hex(e.officerId), moduleId: hex(e.moduleId), unitId: hex(e.unitId), state: e.state, exemptReason: e.exemptReason ?? null, dueDate: new Date(e.dueDate) }));
  const officerIds = [...new Set(enrolments.map((e) => e.officerId))].map((id) => new Types.ObjectId(id));
  const moduleIds = [...new Set(enrolments.map((e) => e.moduleId))].map((id) => new Types.ObjectId(id));

  const progress: ProgressRow[] = [];
  const officers: OfficerRow[] = [];
  for (let i = 0; i < officerIds.length; i += CHUNK) {
    const ids = officerIds.slice(i, i + CHUNK);
    const [p, o] = await Promise.all([
      progressModel(db)
        .find({ year, officerId: trusted({ $in: ids }), moduleId: trusted({ $in: moduleIds }) }, { _id: 0, officerId: 1, moduleId: 1, status: 1, bestScore: 1, attempts: 1, completedAt: 1 })
        .lean<{ officerId: Types.ObjectId; moduleId: Types.ObjectId; status: string; bestScore: number | null; attempts: number; completedAt: Date | null }[]>(),
      officerModel(db).find({ _id: trusted({ $in: ids }) }, { code: 1, fullName: 1, sortName: 1, category: 1 }).lean<{ _id: Types.ObjectId; code: string; fullName: string; sortName: string; category: OfficerCategory }[]>(),
    ]);
    for (const r of p) progress.push({ officerId: hex(r.officerId), moduleId: hex(r.moduleId), status: r.status, bestScore: r.bestScore ?? null, attempts: r.attempts ?? 0, completedAt: r.completedAt ? new Date(r.completedAt) : null });
    for (const r of o) officers.push({ id: hex(r._id), code: r.code, fullName: r.fullName, sortName: r.sortName, category: r.category });
  }
  // the title as last published (the draft's while nothing was)
  const drafts = await moduleModel(db).find({ _id: trusted({ $in: moduleIds }) }, { 'draft.title': 1, publishedVersion: 1 }).lean<{ _id: Types.ObjectId; draft: { title: string }; publishedVersion: number }[]>();
  const versions = await moduleVersionModel(db).find({ moduleId: trusted({ $in: moduleIds }) }, { moduleId: 1, version: 1, 'content.title': 1 }).lean<{ moduleId: Types.ObjectId; version: number; content: { title: string } }[]>();
  const titles = new Map(drafts.map((m) => [hex(m._id), versions.find((v) => v.moduleId.equals(m._id) && v.version === m.publishedVersion)?.content.title ?? m.draft.title]));
  const campaignIds = [...new Set(raw.map((e) => hex(e.campaignId)))].map((id) => new Types.ObjectId(id));
  const campaigns = campaignIds.length ? await campaignModel(db).find({ _id: trusted({ $in: campaignIds }) }, { cutoffDate: 1 }).lean<{ cutoffDate: Date }[]>() : [];
  const cutoffDate = campaigns.reduce<Date | null>((latest, c) => (!latest || c.cutoffDate > latest ? c.cutoffDate : latest), null);

  return summarise({
    year, rule, now, cutoffDate, units, enrolments, progress, officers,
    root: units.find((u) => u.id === hex(unitId))!,
    parentName: parent?.name ?? null,
    moduleTitles: titles,
  });
}
