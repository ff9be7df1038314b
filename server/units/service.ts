/**
 * Unit commands. Each validates its input (422 with field ids), and those that change
 * several documents run in one transaction so a failure leaves nothing half done.
 */
import { trusted, Types, type ClientSession, type Connection, type Model } from 'mongoose';
import { badRequest, conflict, notFound } from '../errors';
import type { MessageId } from '../i18n';
import { vietnameseCollator } from '../i18n/vietnamese';
import { inTransaction } from '../db/transaction';
import { parse } from '../validation';
import { EMPLOYED_STATUSES, readyOfficerModel } from '../officers/model';
import { moveServingOfficers } from '../officers/memberships';
import { officersChanged } from '../officers/events';
import { bumpUnitsGeneration } from './generation';
import { readyUnitModel, type Unit } from './model';
import { presentUnit, type UnitTreeNode } from './presenters';
import { createUnitSchema, mergeUnitsSchema, moveUnitSchema, renameUnitSchema, unitIdSchema, type CreateUnitInput } from './schema';

async function loadUnit(Unit: Model<Unit>, id: Types.ObjectId, session: ClientSession | null = null, missing: MessageId = 'unit_not_found'): Promise<Unit> {
  const unit = await Unit.findById(id).session(session).lean<Unit>();
  if (!unit) throw notFound(missing);
  return unit;
}

function isCodeTaken(error: unknown): boolean {
  return (error as { code?: number }).code === 11000;
}

/** Creates a unit under `parentId` (an active unit) or as a root. 409 'unit_code_taken'. */
export async function createUnit(db: Connection, input: CreateUnitInput): Promise<Unit> {
  const fields = parse(createUnitSchema, input);
  const Unit = await readyUnitModel(db);
  const parent = fields.parentId ? await loadUnit(Unit, fields.parentId, null, 'unit_parent_not_found') : null;
  if (parent && !parent.active) throw conflict('unit_parent_inactive');
  const ancestors = parent ? [...parent.ancestors, parent._id] : [];
  try {
    const created = await Unit.create({ code: fields.code, name: fields.name, kind: fields.kind, parentId: parent?._id ?? null, ancestors, depth: ancestors.length });
    await bumpUnitsGeneration(db);
    return created.toObject();
  } catch (error) {
    throw isCodeTaken(error) ? conflict('unit_code_taken', { code: fields.code }) : error;
  }
}

/** Renames a unit (the name is trimmed and NFC-normalised). */
export async function renameUnit(db: Connection, unitId: string | Types.ObjectId, name: string): Promise<Unit> {
  const args = parse(renameUnitSchema, { unitId, name });
  const Unit = await readyUnitModel(db);
  const renamed = await Unit.findByIdAndUpdate(args.unitId, { $set: { name: args.name } }, { returnDocument: 'after' }).lean<Unit>();
  if (!renamed) throw notFound('unit_not_found');
  await bumpUnitsGeneration(db);
  return renamed;
}

/**
 * Rewrites the materialised path of every descendant of `anchorId`: the part of their
 * `ancestors` up to and including the anchor becomes `newPrefix`. One bulk write.
 * Returns the number of descendants rewritten.
 */
async function reanchorDescendants(Unit: Model<Unit>, session: ClientSession, anchorId: Types.ObjectId, newPrefix: Types.ObjectId[]): Promise<number> {
  const descendants = await Unit.find({ ancestors: anchorId }, { ancestors: 1 }).session(session).lean<Pick<Unit, '_id' | 'ancestors'>[]>();
  if (descendants.length === 0) return 0;
  const updates = descendants.map((unit) => {
    const below = unit.ancestors.slice(unit.ancestors.findIndex((id) => id.equals(anchorId)) + 1);
    const ancestors = [...newPrefix, ...below];
    return { updateOne: { filter: { _id: unit._id }, update: { $set: { ancestors, parentId: ancestors[ancestors.length - 1], depth: ancestors.length } } } };
  });
  await Unit.bulkWrite(updates, { session });
  return descendants.length;
}

/**
 * Moves a unit with its whole subtree under `parentId` (null: make it a root).
 * 409 'unit_move_cycle' when the new parent is the unit itself or one of its descendants.
 */
export async function moveUnit(db: Connection, unitId: string | Types.ObjectId, parentId: string | Types.ObjectId | null): Promise<Unit> {
  const args = parse(moveUnitSchema, { unitId, parentId });
  const Unit = await readyUnitModel(db);
  const moved = await inTransaction(db, async (session) => {
    const unit = await loadUnit(Unit, args.unitId, session);
    const parent = args.parentId ? await loadUnit(Unit, args.parentId, session, 'unit_parent_not_found') : null;
    if (parent && (parent._id.equals(unit._id) || parent.ancestors.some((id) => id.equals(unit._id)))) throw conflict('unit_move_cycle');
    if (parent && !parent.active) throw conflict('unit_parent_inactive');
    const ancestors = parent ? [...parent.ancestors, parent._id] : [];
    await reanchorDescendants(Unit, session, unit._id, [...ancestors, unit._id]);
    const moved = await Unit.findByIdAndUpdate(unit._id, { $set: { parentId: parent?._id ?? null, ancestors, depth: ancestors.length } }, { returnDocument: 'after', session }).lean<Unit>();
    await bumpUnitsGeneration(db, session);
    return moved as Unit;
  });
  await officersChangedIn(db, Unit, moved._id);
  return moved;
}

/** Tells the officer listeners about everyone serving in `rootId`'s subtree: its place in the tree changed. */
async function officersChangedIn(db: Connection, Unit: Model<Unit>, rootId: Types.ObjectId): Promise<void> {
  const units = [rootId, ...(await Unit.find({ ancestors: rootId }, { _id: 1 }).lean<Pick<Unit, '_id'>[]>()).map((u) => u._id)];
  const officers = await (await readyOfficerModel(db)).find({ unitId: trusted({ $in: units }) }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
  await officersChanged(db, officers.map((o) => o._id));
}

/**
 * Marks a unit inactive. 409 'unit_has_active_subunits' or 'unit_has_active_officers'
 * (officers active or on leave) while either remains; 409 'unit_inactive' if it already is.
 */
export async function deactivateUnit(db: Connection, unitId: string | Types.ObjectId): Promise<Unit> {
  const args = parse(unitIdSchema, { unitId });
  const [Unit, Officer] = await Promise.all([readyUnitModel(db), readyOfficerModel(db)]);
  return inTransaction(db, async (session) => {
    const unit = await loadUnit(Unit, args.unitId, session);
    if (!unit.active) throw conflict('unit_inactive', { code: unit.code });
    const subUnits = await Unit.countDocuments({ parentId: unit._id, active: true }).session(session);
    if (subUnits > 0) throw conflict('unit_has_active_subunits', { count: subUnits });
    const officers = await Officer.countDocuments({ unitId: unit._id, status: trusted({ $in: EMPLOYED_STATUSES }) }).session(session);
    if (officers > 0) throw conflict('unit_has_active_officers', { count: officers });
    const deactivated = await Unit.findByIdAndUpdate(unit._id, { $set: { active: false } }, { returnDocument: 'after', session }).lean<Unit>();
    await bumpUnitsGeneration(db, session);
    return deactivated as Unit;
  });
}

export interface MergeResult {
  source: Unit;
  target: Unit;
  officersMoved: number;
  subUnitsMoved: number;
}

/**
 * Merges `sourceId` into `targetId` on `effectiveDate` (the 2025 reorganisation): the
 * source's serving officers move to the target with their membership history recorded,
 * its sub-units (with their subtrees) are re-parented under the target, and the source
 * becomes inactive with `mergedInto` = target. All or nothing, in one transaction.
 */
export async function mergeUnits(db: Connection, sourceId: string | Types.ObjectId, targetId: string | Types.ObjectId, effectiveDate: Date | string): Promise<MergeResult> {
  const args = parse(mergeUnitsSchema, { sourceId, targetId, effectiveDate });
  if (args.sourceId.equals(args.targetId)) throw badRequest('unit_merge_same');
  const [Unit, Officer] = await Promise.all([readyUnitModel(db), readyOfficerModel(db)]);
  const result = await inTransaction(db, async (session) => {
    const source = await loadUnit(Unit, args.sourceId, session);
    const target = await loadUnit(Unit, args.targetId, session);
    for (const unit of [source, target]) if (!unit.active) throw conflict('unit_inactive', { code: unit.code });
    if (target.ancestors.some((id) => id.equals(source._id))) throw conflict('unit_merge_into_descendant');
    const officersMoved = await moveServingOfficers(Officer, session, source._id, target._id, args.effectiveDate);
    const subUnitsMoved = await reanchorDescendants(Unit, session, source._id, [...target.ancestors, target._id]);
    const merged = await Unit.findByIdAndUpdate(source._id, { $set: { active: false, mergedInto: target._id } }, { returnDocument: 'after', session }).lean<Unit>();
    await bumpUnitsGeneration(db, session);
    return { source: merged as Unit, target, officersMoved, subUnitsMoved };
  });
  // the moved officers and those of the re-anchored sub-units now sit elsewhere in the tree
  await officersChangedIn(db, Unit, result.target._id);
  return result;
}

/** The unit and all its descendants (active or not), the unit first. 404 if it does not exist. */
export async function subtreeIds(db: Connection, unitId: string | Types.ObjectId): Promise<Types.ObjectId[]> {
  const args = parse(unitIdSchema, { unitId });
  const Unit = await readyUnitModel(db);
  const root = await Unit.exists({ _id: args.unitId });
  if (!root) throw notFound('unit_not_found');
  const descendants = await Unit.find({ ancestors: args.unitId }, { _id: 1 }).lean<Pick<Unit, '_id'>[]>();
  return [args.unitId, ...descendants.map((unit) => unit._id)];
}

async function loadSubtree(Unit: Model<Unit>, rootKey: string): Promise<Unit[]> {
  const root = await loadUnit(Unit, new Types.ObjectId(rootKey));
  return [root, ...(await Unit.find({ ancestors: root._id }).lean<Unit[]>())];
}

/**
 * The unit tree as nested nodes, children sorted by name in Vietnamese order: the
 * subtree of `rootId`, or every tree when omitted. Inactive units (and what lies under
 * them) are left out unless `includeInactive`.
 */
export async function unitTree(db: Connection, rootId?: string | Types.ObjectId, options: { includeInactive?: boolean } = {}): Promise<UnitTreeNode[]> {
  const Unit = await readyUnitModel(db);
  const rootKey = rootId === undefined ? null : parse(unitIdSchema, { unitId: rootId }).unitId.toHexString();
  const units = rootKey === null ? await Unit.find().lean<Unit[]>() : await loadSubtree(Unit, rootKey);
  const nodes = new Map<string, UnitTreeNode>();
  for (const unit of units) if (unit.active || options.includeInactive) nodes.set(unit._id.toHexString(), { ...presentUnit(unit), children: [] });
  const roots: UnitTreeNode[] = [];
  for (const node of nodes.values()) {
    const isRoot = rootKey === null ? node.parentId === null : node.id === rootKey;
    // a node whose parent was left out (inactive) is left out with it
    if (isRoot) roots.push(node);
    else nodes.get(node.parentId ?? '')?.children.push(node);
  }
  const byName = (a: UnitTreeNode, b: UnitTreeNode) => vietnameseCollator.compare(a.name, b.name);
  const sortDeep = (list: UnitTreeNode[]): UnitTreeNode[] => {
    list.sort(byName);
    for (const node of list) sortDeep(node.children);
    return list;
  };
  return sortDeep(roots);
}
