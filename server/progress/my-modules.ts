/**
 * "Học phần của tôi": the modules an officer must or did study in a year — those
 * assigned to them (to their unit or any unit above it, or by name) and any they have
 * progress for — with due date and status. "Quá hạn" is computed here, at read time:
 * it changes with the clock, so it is never stored.
 */
import { trusted, Types, type Connection } from 'mongoose';
import { assignmentModel, type Assignment } from '../assignments/model';
import { findMany, rawCollection } from '../db/raw';
import { moduleModel, type LearningModule, type Topic } from '../modules/model';
import { findVersion } from '../modules/versions';
// a shared collator: localeCompare(…, 'vi') builds a new one for every comparison
import { vietnameseCollator } from '../i18n/vietnamese';
import type { Learner } from './learner';
import { progressModel, type ModuleProgress } from './model';
import { endOfDueDay } from './year';

export type MyStatus = 'not-started' | 'in-progress' | 'completed' | 'overdue';

export interface MyModule {
  moduleId: Types.ObjectId;
  code: string;
  title: string;
  topic: Topic;
  /** the earliest due date of the assignments that name this officer; null = studied voluntarily */
  dueDate: Date | null;
  status: MyStatus;
  percent: number;
  /** the pinned version once started, else the newest published */
  version: number;
  progress: ModuleProgress | null;
}

/** What "Học phần của tôi" needs of an assignment: never its officer list, which can be long. */
export type AssignmentDue = Pick<Assignment, 'year' | 'moduleId' | 'dueDate'>;

// read with the driver (server/db/raw.ts): the ids come from the learner record
const reaching = (learner: Learner) => ({ active: true, $or: [{ unitId: { $in: [learner.unitId, ...learner.ancestors] } }, { officerIds: learner.officerId }] });
const DUE = { _id: 0, year: 1, moduleId: 1, dueDate: 1 };

/** Assignments of `year` that reach the learner: their unit, a unit above it, or by name. */
async function assignmentsFor(db: Connection, learner: Learner, year: number): Promise<AssignmentDue[]> {
  return findMany<AssignmentDue>(rawCollection(assignmentModel(db)), { year, ...reaching(learner) }, { projection: DUE });
}

/** The assignments of every year that reach the learner: /learn takes this year's rows and the years to pick from one read. */
export async function allAssignmentsFor(db: Connection, learner: Learner): Promise<AssignmentDue[]> {
  return findMany<AssignmentDue>(rawCollection(assignmentModel(db)), reaching(learner), { projection: DUE });
}

/** What the officer's lists show of a module: the plan's title (draft), code, published version, archived. */
export type ModuleFacts = Pick<LearningModule, '_id' | 'code' | 'publishedVersion' | 'archived'> & { draft: Pick<LearningModule['draft'], 'title'> };

/**
 * The modules `ids` (those of `known` are not read again), by id. The home page reads the
 * modules of the officer's rows once for "Học phần của tôi" and the plan.
 */
export async function readModuleFacts(db: Connection, ids: readonly Types.ObjectId[], known?: ReadonlyMap<string, ModuleFacts>): Promise<Map<string, ModuleFacts>> {
  const facts = new Map(known ?? []);
  const missing = [...new Map(ids.filter((id) => !facts.has(id.toHexString())).map((id) => [id.toHexString(), id])).values()];
  if (missing.length) {
    const found = await findMany<ModuleFacts>(rawCollection(moduleModel(db)), { _id: { $in: missing } }, { projection: { code: 1, publishedVersion: 1, archived: 1, 'draft.title': 1 } });
    for (const m of found) facts.set(m._id.toHexString(), m);
  }
  return facts;
}

/**
 * Due dates from the campaigns' enrolments (server/campaigns) — read here by collection
 * name, so progress does not import the feature above it. Stopped, left and exempt
 * enrolments set no due date.
 */
async function enrolmentDues(db: Connection, learner: Learner, year: number): Promise<{ moduleId: Types.ObjectId; dueDate: Date }[]> {
  return db.collection<{ moduleId: Types.ObjectId; dueDate: Date }>('enrolments').find({ officerId: learner.officerId, year, state: 'enrolled' }, { projection: { moduleId: 1, dueDate: 1 } }).toArray();
}

/**
 * The officer's rows of a year that both "Học phần của tôi" and the home page's plan
 * (server/home/plan.ts) read: the home page loads them once for both (two queries
 * fewer per page). Enrolments of the year that are enrolled or exempt, progress of the
 * year and of earlier years.
 */
export interface OfficerYearRows {
  enrolments: { moduleId: Types.ObjectId; dueDate: Date; state: 'enrolled' | 'exempt' }[];
  progresses: ModuleProgress[];
  /** the active assignments of every year that reach the learner, when the caller read them (allAssignmentsFor) */
  assignments?: AssignmentDue[];
  /** modules the caller already read (readModuleFacts), by id */
  modules?: ReadonlyMap<string, ModuleFacts>;
}

export async function loadOfficerYear(db: Connection, officerId: Types.ObjectId, year: number): Promise<OfficerYearRows> {
  const [enrolments, progresses] = await Promise.all([
    findMany<OfficerYearRows['enrolments'][number]>(db.db!.collection('enrolments'), { officerId, year, state: { $in: ['enrolled', 'exempt'] } }, { projection: { _id: 0, moduleId: 1, dueDate: 1, state: 1 } }),
    findMany<ModuleProgress>(rawCollection(progressModel(db)), { officerId, year: { $lte: year } }),
  ]);
  return { enrolments, progresses };
}

/** Status at `now`: completed wins; otherwise late once the due day (Vietnam time) is over. */
export function statusAt(progress: Pick<ModuleProgress, 'status'> | null, dueDate: Date | null, now: Date): MyStatus {
  const late = dueDate !== null && now >= endOfDueDay(dueDate);
  const status: MyStatus = progress?.status === 'completed' ? 'completed' : late ? 'overdue' : progress ? 'in-progress' : 'not-started';
  return status;
}

/** The learner's modules of `year`, soonest due first (voluntary ones last), then by title; `rows`: the officer's rows of that year, when the caller has them. */
export async function myModules(db: Connection, learner: Learner, year: number, now: Date, rows?: OfficerYearRows): Promise<MyModule[]> {
  const [assignments, enrolments, progresses] = await Promise.all([
    rows?.assignments ? rows.assignments.filter((a) => a.year === year) : assignmentsFor(db, learner, year),
    rows ? rows.enrolments.filter((e) => e.state === 'enrolled') : enrolmentDues(db, learner, year),
    rows ? rows.progresses.filter((p) => p.year === year) : progressModel(db).find({ officerId: learner.officerId, year }).lean<ModuleProgress[]>(),
  ]);
  const due = new Map<string, Date>();
  const earliest = (into: Map<string, Date>, rows: readonly { moduleId: Types.ObjectId; dueDate: Date }[]) => {
    for (const a of rows) {
      const key = String(a.moduleId);
      const earlier = into.get(key);
      if (!earlier || a.dueDate < earlier) into.set(key, a.dueDate);
    }
    return into;
  };
  earliest(due, assignments);
  // a campaign's enrolment is the current plan (with overrides and moved dates): it wins over old assignments
  for (const [key, date] of earliest(new Map(), enrolments)) due.set(key, date);
  const progressOf = new Map(progresses.map((p) => [String(p.moduleId), p]));
  const ids = [...new Set([...due.keys(), ...progressOf.keys()])];
  if (!ids.length) return [];
  const read = await readModuleFacts(db, ids.map((id) => new Types.ObjectId(id)), rows?.modules);
  const modules = ids.map((id) => read.get(id)).filter((m) => m !== undefined);
  // an unpublished or archived module is shown only if the officer already started it
  const wanted = modules
    .map((m) => ({ module: m, progress: progressOf.get(String(m._id)) ?? null }))
    .filter(({ module, progress }) => progress || (!module.archived && module.publishedVersion > 0))
    .map(({ module, progress }) => ({ module, progress, version: progress?.version ?? module.publishedVersion }));
  if (!wanted.length) return [];
  // published versions never change: findVersion serves them from memory after the first read
  const versions = await Promise.all(wanted.map((w) => findVersion(db, w.module._id, w.version)));
  const found: MyModule[] = [];
  for (const [i, { module, progress, version }] of wanted.entries()) {
    const content = versions[i]?.content;
    if (!content) continue;
    const dueDate = due.get(String(module._id)) ?? null;
    found.push({ moduleId: module._id, code: module.code, title: content.title, topic: content.topic, dueDate, status: statusAt(progress, dueDate, now), percent: progress?.percent ?? 0, version, progress });
  }
  const far = Number.MAX_SAFE_INTEGER;
  return found.sort((a, b) => (a.dueDate?.getTime() ?? far) - (b.dueDate?.getTime() ?? far) || vietnameseCollator.compare(a.title, b.title));
}

/**
 * Years the learner has anything in (assignments or progress), plus `current`; newest
 * first. `known`: the years of the learner's progress up to `current` and of the
 * assignments reaching them, when the caller has read those already (no round trip).
 */
export async function learningYears(db: Connection, learner: Learner, current: number, known?: { progress: number[]; assignments: number[] }): Promise<number[]> {
  const units = [learner.unitId, ...learner.ancestors];
  const [fromProgress, fromAssignments] = known
    ? [known.progress, known.assignments]
    : await Promise.all([progressModel(db).distinct('year', { officerId: learner.officerId }), assignmentModel(db).distinct('year', { active: true, $or: [{ unitId: trusted({ $in: units }) }, { officerIds: learner.officerId }] })]);
  return [...new Set([current, ...fromProgress, ...fromAssignments].map(Number))].filter((y) => y <= current).sort((a, b) => b - a);
}
