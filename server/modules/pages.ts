/**
 * What the authoring pages show: the module list, the editor of one module and the edit
 * page of one item. Everything is presented (ids as strings, labels as message ids) and
 * every form the template may show comes as a flag computed here by the policy module.
 */
import { trusted, type Connection } from 'mongoose';
import { isAppError } from '../errors';
import type { MessageId } from '../i18n';
import type { RouteContext } from '../http/route';
import { can, type Actor } from '../policies';
import { assignmentModel, type Assignment } from '../assignments/model';
import { officerModel, type Officer } from '../officers/model';
import { actorOfContext, todayInVietnam } from '../units/forms';
import { unitModel, type Unit } from '../units/model';
import { callerScope, unitOptions } from '../units/scope';
import { MODULE_ORDERS, moduleOrderOf, TOPICS, topicLabels, type LearningModule, type ModuleItem, type Topic } from './model';
import { activeQuestionCounts, ownedRef, unitRefOf, type PublishProblem } from './service';
import { usablePackages } from '../packages/access';
import { packageModel, type ContentPackage } from '../packages/model';
import { autoRule } from '../progress/package-rules';

export const topicOptions = TOPICS.map((topic) => ({ value: topic, label: topicLabels[topic] }));
export const moduleOrderOptions = MODULE_ORDERS.map((order) => ({ value: order, label: `module_order_${order.replace('-', '_')}` as const }));

/** What a refused form shows: the problems by field, or one alert. */
export interface EditorState {
  form: string | null;
  values: Record<string, string>;
  problems: Record<string, MessageId>;
  /** the refusal's parameters, for a field message that names values ("Không tìm thấy cán bộ có mã: X") */
  problemParams: Record<string, unknown>;
  /** a refusal, or with tone 'success' a notice (e.g. a .docx imported into the editor, not saved yet) */
  alert: { id: MessageId; params?: Record<string, unknown>; tone?: 'success' } | null;
  publishProblems: PublishProblem[];
}

export const emptyState = (): EditorState => ({ form: null, values: {}, problems: {}, problemParams: {}, alert: null, publishProblems: [] });

/** The state of a refused form, or null when `error` is not one a form shows. */
export function stateOf(error: unknown, form: string, body: unknown): EditorState | null {
  if (!isAppError(error) || ![400, 409, 413, 415, 422].includes(error.status)) return null;
  const problems: Record<string, MessageId> = {};
  for (const p of error.details ?? []) problems[p.field] ??= p.id;
  return { ...emptyState(), form, values: stringValues(body), problems, problemParams: error.details ? (error.params ?? {}) : {}, alert: error.details ? { id: 'form_has_errors' } : { id: error.id, ...(error.params ? { params: error.params } : {}) } };
}

export function stringValues(body: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (typeof body === 'object' && body !== null) for (const [k, v] of Object.entries(body)) if (k !== '_csrf' && typeof v === 'string') values[k] = v;
  return values;
}

function presentItem(item: ModuleItem, packages: ReadonlyMap<string, ContentPackage>) {
  if (item.kind === 'lesson') return { key: item.key, kind: item.kind, title: item.title, attachments: item.attachments.length, draw: [] as { label: MessageId; count: number }[] };
  if (item.kind === 'package') {
    const record = packages.get(item.packageId.toHexString());
    const auto = record ? autoRule(record.kind, record.h5p?.mainLibrary ?? null) : 'completed';
    return {
      key: item.key,
      kind: item.kind,
      title: item.title,
      attachments: 0,
      draw: [],
      packageKind: packageKindLabel(record),
      packageTitle: record?.title ?? '',
      completion: item.completion ?? 'auto',
      minScore: item.minScore ?? '',
      // what "default" means for this package, shown in the choice
      autoRule: (auto === 'auto' ? 'playback_rule_auto_scored' : `playback_rule_${auto}`) as MessageId,
    };
  }
  return { key: item.key, kind: item.kind, title: item.title, attachments: 0, draw: item.draw.map((d) => ({ label: topicLabels[d.topic], count: d.count })), passPercent: item.passPercent };
}

/** The packages of a module's package items, by id. */
export async function itemPackages(db: Connection, items: readonly ModuleItem[]): Promise<Map<string, ContentPackage>> {
  const ids = items.flatMap((i) => (i.kind === 'package' ? [i.packageId] : []));
  const found = ids.length ? await packageModel(db).find({ _id: trusted({ $in: ids }) }, { title: 1, kind: 1, 'h5p.mainLibrary': 1 }).lean<ContentPackage[]>() : [];
  return new Map(found.map((p) => [p._id.toHexString(), p]));
}

/** "Gói H5P" / "Gói SCORM 1.2" / "Gói SCORM 2004"; a package gone from the platform: the missing-package message. */
export const packageKindLabel = (record: Pick<ContentPackage, 'kind'> | undefined): MessageId => (record ? (`playback_item_kind_${record.kind}` as const) : 'playback_item_package_missing');

async function ownerName(db: Connection, module: LearningModule): Promise<string | null> {
  if (!module.ownerUnitId) return null;
  return (await unitModel(db).findById(module.ownerUnitId, { name: 1 }).lean<Pick<Unit, 'name'>>())?.name ?? null;
}

/** The module as its pages show it. */
export async function presentModule(db: Connection, module: LearningModule) {
  return {
    id: module._id.toHexString(),
    code: module.code,
    title: module.draft.title,
    topic: module.draft.topic,
    topicLabel: topicLabels[module.draft.topic],
    description: module.draft.description,
    estimatedMinutes: module.draft.estimatedMinutes,
    order: moduleOrderOf(module.draft),
    ownerName: await ownerName(db, module),
    publishedVersion: module.publishedVersion,
    draftDirty: module.draftDirty && module.publishedVersion > 0,
    archived: module.archived,
  };
}

/** The assignments of `module` whose targets the caller may assign to. */
async function visibleAssignments(db: Connection, actor: Actor, module: LearningModule) {
  const assignments = await assignmentModel(db).find({ moduleId: module._id }).sort({ createdAt: -1 }).limit(200).lean<Assignment[]>();
  const unitIds = assignments.flatMap((a) => (a.unitId ? [a.unitId] : []));
  const officerIds = assignments.flatMap((a) => a.officerIds);
  const officers = officerIds.length ? await officerModel(db).find({ _id: trusted({ $in: officerIds }) }, { code: 1, fullName: 1, unitId: 1 }).lean<Officer[]>() : [];
  const units = await unitModel(db)
    .find({ _id: trusted({ $in: [...unitIds, ...officers.map((o) => o.unitId)] }) }, { name: 1, ancestors: 1 })
    .lean<Unit[]>();
  const unitById = new Map(units.map((u) => [u._id.toHexString(), u]));
  const officerById = new Map(officers.map((o) => [o._id.toHexString(), o]));
  const mayAssign = (unitId: Unit['_id']) => {
    const unit = unitById.get(unitId.toHexString());
    return unit !== undefined && can(actor, 'module.assign', { id: unit._id, ancestors: unit.ancestors });
  };
  return assignments
    .filter((a) => (a.unitId ? mayAssign(a.unitId) : a.officerIds.every((id) => { const o = officerById.get(id.toHexString()); return o !== undefined && mayAssign(o.unitId); })))
    .map((a) => ({
      id: a._id.toHexString(),
      year: a.year,
      dueDate: a.dueDate,
      active: a.active,
      unitName: a.unitId ? (unitById.get(a.unitId.toHexString())?.name ?? '') : null,
      officers: a.officerIds.map((id) => { const o = officerById.get(id.toHexString()); return o ? `${o.fullName} (${o.code})` : ''; }),
    }));
}

/** The editor page's locals. */
export async function editorLocals(db: Connection, actor: Actor, module: LearningModule, state: EditorState, done?: string) {
  const canEdit = can(actor, 'content.author', await ownedRef(db, module));
  const scope = await callerScope(db, actor);
  const canAssign = module.publishedVersion > 0 && !module.archived && can(actor, 'module.assign', scope.ref);
  const packages = await itemPackages(db, module.draft.items);
  return {
    title: 'authoring_module_title',
    module: await presentModule(db, module),
    items: module.draft.items.map((item) => presentItem(item, packages)),
    packageOptions: canEdit ? (await usablePackages(db, scope)).map((p) => ({ value: p._id.toHexString(), label: `${p.title} (${p.kind === 'h5p' ? 'H5P' : p.kind === 'scorm12' ? 'SCORM 1.2' : 'SCORM 2004'})` })) : [],
    canEdit,
    canAssign,
    assignUnits: canAssign ? await unitOptions(db, actor, 'module.assign') : [],
    assignments: await visibleAssignments(db, actor, module),
    topics: topicOptions,
    moduleOrders: moduleOrderOptions,
    counts: await activeQuestionCounts(db),
    poolCounts: await activeQuestionCounts(db, module.code),
    today: todayInVietnam(),
    year: Number(todayInVietnam().slice(0, 4)),
    quiz: null,
    state,
    done: done && DONE_MESSAGES.has(done) ? (`authoring_done_${done}` as MessageId) : null,
  };
}

const DONE_MESSAGES = new Set(['created', 'saved', 'published', 'archived', 'unarchived', 'assigned', 'unassigned', 'item_added', 'item_removed', 'imported']);

export async function renderEditor(ctx: RouteContext<unknown>, module: LearningModule, state: EditorState = emptyState(), status = 200, done?: string): Promise<void> {
  ctx.res.status(status).render('authoring/module', await editorLocals(ctx.services.db, actorOfContext(ctx), module, state, done));
}

/** The edit page of one item (a lesson with its attachments, or a quiz's settings). */
export async function renderItem(ctx: RouteContext<unknown>, module: LearningModule, item: ModuleItem, state: EditorState = emptyState(), status = 200, done?: string): Promise<void> {
  const db = ctx.services.db;
  ctx.res.status(status).render('authoring/item', {
    title: 'authoring_item_title',
    module: await presentModule(db, module),
    item:
      item.kind === 'lesson'
        ? { ...item, attachments: item.attachments.map((a) => ({ ...a })) }
        : item.kind === 'package'
          ? presentItem(item, await itemPackages(db, [item]))
          : { ...item, drawCounts: Object.fromEntries(item.draw.map((d) => [d.topic, d.count])), ownPool: item.draw.some((d) => d.pool === module.code) },
    topics: topicOptions,
    moduleOrders: moduleOrderOptions,
    counts: await activeQuestionCounts(db),
    poolCounts: await activeQuestionCounts(db, module.code),
    maxVideoMb: ctx.services.config.MEDIA_MAX_MB,
    maxDocMb: ctx.services.config.MEDIA_DOC_MAX_MB,
    state,
    done: done === 'saved' ? 'authoring_done_saved' : done === 'attached' ? 'authoring_done_attached' : null,
  });
}

export function topicLabel(topic: Topic): MessageId {
  return topicLabels[topic];
}

export { unitRefOf };
