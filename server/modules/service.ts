/**
 * Authoring commands on a module's draft. Every edit rewrites the draft and marks it
 * dirty; publishing (versions.ts) snapshots it. Edits are guarded by the draft's
 * `updatedAt`: two coordinators saving at once cannot silently overwrite each other.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { conflict, notFound } from '../errors';
import type { MessageId } from '../i18n';
import { foldForSearch } from '../i18n/vietnamese';
import type { Actor, OwnedRef, UnitRef } from '../policies';
import { can } from '../policies';
import { questionModel } from '../questions/model';
import { unitModel, type Unit } from '../units/model';
import { subtreeIds } from '../units/service';
import { moduleModel, readyModuleModel, TOPICS, type LearningModule, type ModuleContent, type ModuleItem, type QuizItem, type Topic } from './model';
import { isPlainText, plainTextToHtml, sanitizeLessonHtml } from './sanitize';
import type { QuizFields } from './schema';

const HEX_ID = /^[0-9a-fA-F]{24}$/;

/** The module `id`, or 404. */
export async function findModuleOr404(db: Connection, id: Types.ObjectId | string): Promise<LearningModule> {
  if (typeof id === 'string' && !HEX_ID.test(id)) throw notFound('module_not_found');
  const module = await moduleModel(db).findById(id).lean<LearningModule>();
  if (!module) throw notFound('module_not_found');
  return module;
}

/** The policy's view of a unit id (null stays null: province-wide). */
export async function unitRefOf(db: Connection, unitId: Types.ObjectId | null): Promise<UnitRef | null> {
  if (!unitId) return null;
  const unit = await unitModel(db).findById(unitId, { ancestors: 1 }).lean<Pick<Unit, '_id' | 'ancestors'>>();
  // an owner that disappeared is nobody's: only admins may act on it
  return unit ? { id: unit._id, ancestors: unit.ancestors } : { id: unitId, ancestors: [] };
}

/** unitRefOf with a cache for one listing: many modules share a handful of owners. */
export function unitRefCache(db: Connection): (unitId: Types.ObjectId | null) => Promise<UnitRef | null> {
  const cache = new Map<string, Promise<UnitRef | null>>();
  return (unitId) => {
    if (!unitId) return Promise.resolve(null);
    const key = unitId.toHexString();
    if (!cache.has(key)) cache.set(key, unitRefOf(db, unitId));
    return cache.get(key)!;
  };
}

/** What 'content.author' judges for a module or question. */
export async function ownedRef(db: Connection, owner: { ownerUnitId: Types.ObjectId | null }): Promise<OwnedRef> {
  return { owner: await unitRefOf(db, owner.ownerUnitId) };
}

/**
 * The modules `actor` may author: admins all; coordinators those owned in their subtree
 * (province-wide modules are admins' per the policy). Newest first.
 */
export async function authorableModules(db: Connection, actor: Actor, archived: boolean): Promise<LearningModule[]> {
  const filter: Record<string, unknown> = { archived };
  if (actor.role !== 'admin') {
    if (!actor.unitId) return [];
    filter['ownerUnitId'] = trusted({ $in: await subtreeIds(db, actor.unitId) });
  }
  const modules = await moduleModel(db).find(filter).sort({ code: 1 }).lean<LearningModule[]>();
  const refs = await Promise.all(modules.map((m) => ownedRef(db, m)));
  return modules.filter((_m, i) => can(actor, 'content.author', refs[i]!));
}

/**
 * Published modules `actor` may see and assign but not author (a province-wide module, a
 * department's module seen from its division): the module page offers them read-only.
 */
export async function assignableModules(db: Connection, actor: Actor, home: UnitRef | null): Promise<LearningModule[]> {
  const modules = await moduleModel(db).find({ archived: false, publishedVersion: trusted({ $gt: 0 }) }).sort({ code: 1 }).lean<LearningModule[]>();
  const out: LearningModule[] = [];
  const refOf = unitRefCache(db);
  for (const module of modules) {
    const owner = await refOf(module.ownerUnitId);
    if (!can(actor, 'content.author', { owner }) && can(actor, 'module.view', { owner, home })) out.push(module);
  }
  return out;
}

export interface NewModule {
  code: string;
  ownerUnitId: Types.ObjectId | null;
  title: string;
  topic: Topic;
  description?: string | undefined;
  estimatedMinutes: number;
}

export async function createModule(db: Connection, input: NewModule, by: Types.ObjectId | null): Promise<LearningModule> {
  const Modules = await readyModuleModel(db);
  if (await Modules.exists({ code: input.code })) throw conflict('module_code_taken', { code: input.code });
  const draft: ModuleContent = { title: input.title, topic: input.topic, description: input.description ?? '', estimatedMinutes: input.estimatedMinutes, items: [] };
  const created = await Modules.create({ code: input.code, ownerUnitId: input.ownerUnitId, draft, createdBy: by });
  return created.toObject();
}

/**
 * Applies `change` to a copy of the draft and stores it (dirty), unless the module
 * changed since `module` was read (409 'module_changed': reload and try again).
 */
export async function editDraft(db: Connection, module: LearningModule, change: (draft: ModuleContent) => void): Promise<LearningModule> {
  const draft = structuredClone(module.draft);
  // structuredClone turns an ObjectId into a plain object: package items get theirs back
  draft.items.forEach((item, i) => {
    const original = module.draft.items[i];
    if (item.kind === 'package' && original?.kind === 'package') item.packageId = original.packageId;
  });
  change(draft);
  const updated = await moduleModel(db)
    .findOneAndUpdate({ _id: module._id, updatedAt: module.updatedAt }, { $set: { draft, draftDirty: true } }, { returnDocument: 'after' })
    .lean<LearningModule>();
  if (!updated) throw conflict('module_changed');
  return updated;
}

/** ASCII slug of a title ("Bài 1: Thái độ" → "bai-1-thai-do"), at most 60 characters. */
export function slugify(title: string): string {
  return foldForSearch(title)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

/** A key for a new item: the title's slug (or "bai-N"), made unique within the module. */
export function itemKey(items: readonly ModuleItem[], title: string): string {
  const taken = new Set(items.map((i) => i.key));
  const base = slugify(title) || `bai-${items.length + 1}`;
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}-${n}`;
  return key;
}

export function findItem(draft: ModuleContent, key: string): ModuleItem {
  const item = draft.items.find((i) => i.key === key);
  if (!item) throw notFound('module_item_not_found');
  return item;
}

/** A lesson's stored body: sanitised, whatever was posted. */
/** A lesson body as stored: pasted plain text keeps its paragraphs and lists; HTML is sanitised either way. */
export const lessonBody = (body: string) => sanitizeLessonHtml(isPlainText(body) ? plainTextToHtml(body) : body);

/**
 * The quiz item fields from the form (draws with a count of 0 are left out); with
 * `ownPool` every draw takes only the questions of the module's own pool (`moduleCode`).
 */
export function quizSettings(fields: QuizFields, moduleCode: string): Omit<QuizItem, 'kind' | 'key'> {
  const pool = fields.ownPool ? { pool: moduleCode } : {};
  return {
    title: fields.title,
    draw: TOPICS.filter((topic) => fields[`draw_${topic}`] > 0).map((topic) => ({ topic, count: fields[`draw_${topic}`], ...pool })),
    passPercent: fields.passPercent,
    attemptLimit: fields.attemptLimit,
    cooldownMinutes: fields.cooldownMinutes,
    timeLimitMinutes: fields.timeLimitMinutes,
    review: fields.review,
    shuffleOptions: fields.shuffleOptions,
  };
}

/** Moves item `key` one place up or down (no-op at either end). */
export function moveItem(draft: ModuleContent, key: string, direction: 'up' | 'down'): void {
  const index = draft.items.findIndex((i) => i.key === key);
  if (index < 0) throw notFound('module_item_not_found');
  const other = direction === 'up' ? index - 1 : index + 1;
  if (other < 0 || other >= draft.items.length) return;
  [draft.items[index], draft.items[other]] = [draft.items[other]!, draft.items[index]!];
}

/** Active questions per topic, as quizzes draw them; with `pool`, only the questions of that module pool. */
export async function activeQuestionCounts(db: Connection, pool?: string): Promise<Record<Topic, number>> {
  // five counts on the { topic, active } (or { pools, topic, active }) index: cheaper than reading the bank
  const counts = await Promise.all(TOPICS.map((topic) => questionModel(db).countDocuments({ topic, active: true, ...(pool ? { pools: pool } : {}) })));
  return Object.fromEntries(TOPICS.map((topic, i) => [topic, counts[i]!])) as Record<Topic, number>;
}

export interface PublishProblem {
  id: MessageId;
  params: Record<string, string | number>;
  /** a topic whose label the page shows in the message */
  topic?: Topic;
}

/**
 * Why the draft cannot be published (empty: it can): no item at all, a quiz that draws
 * nothing, or a draw asking more questions of a topic than its active bank (or the
 * module pool it names) holds.
 */
export async function publishProblems(db: Connection, draft: ModuleContent): Promise<PublishProblem[]> {
  const problems: PublishProblem[] = [];
  if (draft.items.length === 0) problems.push({ id: 'module_publish_no_items', params: {} });
  const counts = await activeQuestionCounts(db);
  const poolCounts = new Map<string, Record<Topic, number>>();
  for (const item of draft.items) {
    if (item.kind !== 'quiz') continue;
    if (item.draw.length === 0) problems.push({ id: 'module_publish_quiz_no_draw', params: { quiz: item.title } });
    for (const draw of item.draw) {
      if (draw.pool && !poolCounts.has(draw.pool)) poolCounts.set(draw.pool, await activeQuestionCounts(db, draw.pool));
      const available = draw.pool ? poolCounts.get(draw.pool)![draw.topic] : counts[draw.topic];
      if (draw.pool && available < draw.count) problems.push({ id: 'module_publish_pool_short', params: { quiz: item.title, count: draw.count, available, pool: draw.pool }, topic: draw.topic });
      else if (counts[draw.topic] < draw.count) problems.push({ id: 'module_publish_draw_short', params: { quiz: item.title, count: draw.count, available: counts[draw.topic] }, topic: draw.topic });
    }
  }
  return problems;
}

export async function setArchived(db: Connection, moduleId: Types.ObjectId, archived: boolean): Promise<void> {
  await moduleModel(db).updateOne({ _id: moduleId }, { $set: { archived } });
}
