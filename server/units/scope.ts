/**
 * What the unit and officer routes share: loading a unit named in a URL (404 before any
 * authorization, so the 403 only ever speaks of units that exist), the policy module's
 * view of a unit, and the part of the tree an account acts on (its scope).
 */
import type { NextFunction, Request, Response } from 'express';
import { Types, type Connection } from 'mongoose';
import { notFound } from '../errors';
import type { MessageId } from '../i18n';
import { can, type Action, type Actor, type SubjectOf, type UnitRef } from '../policies';
import { unitModel, type Unit } from './model';
import type { UnitTreeNode, UnitView } from './presenters';
import { unitTree } from './service';

const HEX_ID = /^[0-9a-fA-F]{24}$/;

/**
 * Route middleware (`before`): a path `:id` that cannot be a record id skips this route,
 * so `/officers/import` or `/officers/new` reach the routes made for them whatever the
 * registration order, and anything else ends as the shared 404.
 */
export function skipUnlessObjectId(req: Request, _res: Response, next: NextFunction): void {
  next(HEX_ID.test(String(req.params['id'] ?? '')) ? undefined : 'route');
}

/** The unit `id`, or 404 `missing` (also for a malformed id: it names nothing). */
export async function findUnitOr404(db: Connection, id: Types.ObjectId | string, missing: MessageId = 'unit_not_found'): Promise<Unit> {
  if (typeof id === 'string' && !HEX_ID.test(id)) throw notFound(missing);
  const unit = await unitModel(db).findById(id).lean<Unit>();
  if (!unit) throw notFound(missing);
  return unit;
}

export function unitRef(unit: Pick<Unit, '_id' | 'ancestors'>): UnitRef {
  return { id: unit._id, ancestors: unit.ancestors };
}

/** The same, from a presented unit (tree nodes carry ids as strings). */
export function unitViewRef(unit: Pick<UnitView, 'id' | 'ancestorIds'>): UnitRef {
  return { id: new Types.ObjectId(unit.id), ancestors: unit.ancestorIds.map((id) => new Types.ObjectId(id)) };
}

/**
 * "The whole installation" as a policy subject: a unit that is nobody's and below nobody,
 * so only rules that pass whatever the subject (an admin's) allow acting on it. Creating
 * a root unit and listing every tree are authorized against it.
 */
export const INSTALLATION: UnitRef = Object.freeze({ id: new Types.ObjectId('000000000000000000000000'), ancestors: Object.freeze([]) as readonly Types.ObjectId[] });

/** The part of the tree an account acts on: its unit's subtree, or everything for an account without a unit. */
export interface Scope {
  /** null: the whole installation */
  root: Unit | null;
  /** what list routes authorize against */
  ref: UnitRef;
}

/**
 * The scope of `actor`. An account whose unit has disappeared gets the installation as
 * its subject, which only an admin may act on: it sees nothing rather than everything.
 */
export async function callerScope(db: Connection, actor: Actor): Promise<Scope> {
  const root = actor.unitId ? await unitModel(db).findById(actor.unitId).lean<Unit>() : null;
  return { root, ref: root ? unitRef(root) : INSTALLATION };
}

/** The scope's trees (children in Vietnamese name order); inactive units only when asked. */
export async function scopeTree(db: Connection, scope: Scope, includeInactive = false): Promise<UnitTreeNode[]> {
  return unitTree(db, scope.root?._id, { includeInactive });
}

/** The nodes of `trees` in reading order (parents before their children), without their children. */
export function flattenTree(trees: readonly UnitTreeNode[]): UnitView[] {
  const out: UnitView[] = [];
  const walk = (nodes: readonly UnitTreeNode[]) => {
    for (const { children, ...unit } of nodes) {
      out.push(unit);
      walk(children);
    }
  };
  walk(trees);
  return out;
}

/** The actions whose subject is a unit. */
export type UnitAction = { [A in Action]: SubjectOf<A> extends UnitRef ? A : never }[Action];

export interface UnitOption {
  id: string;
  /** the name indented by its depth below the scope's top, for a <select> */
  label: string;
  code: string;
}

/**
 * The active units of the scope that `actor` may do `action` on, as choices for a form,
 * leaving out `exclude` and, if given, the subtree below `excludeSubtreeOf`.
 */
export async function unitOptions(
  db: Connection,
  actor: Actor,
  action: UnitAction,
  options: { exclude?: readonly string[]; excludeSubtreeOf?: string } = {},
): Promise<UnitOption[]> {
  const units = flattenTree(await scopeTree(db, await callerScope(db, actor)));
  const top = Math.min(...units.map((u) => u.depth));
  const skipped = new Set(options.exclude ?? []);
  return units
    .filter((u) => !skipped.has(u.id) && !(options.excludeSubtreeOf && u.ancestorIds.includes(options.excludeSubtreeOf)))
    .filter((u) => can(actor, action, unitViewRef(u)))
    .map((u) => ({ id: u.id, code: u.code, label: `${'— '.repeat(u.depth - top)}${u.name}` }));
}
