/**
 * What the unit pages show: the tree of the caller's scope and one unit with its forms.
 * Everything handed to a template is presented (ids as strings, labels as message ids)
 * and every button the template may show comes as a flag computed here by the policy
 * module; templates never decide.
 */
import { trusted, type Connection } from 'mongoose';
import type { RouteContext } from '../http/route';
import { can, type Actor } from '../policies';
import { vietnameseCollator } from '../i18n/vietnamese';
import { EMPLOYED_STATUSES, officerModel } from '../officers/model';
import { subtreeStats } from '../home/stats';
import { UNIT_KINDS, unitKindLabels, unitModel, type Unit } from './model';
import { presentUnit, type UnitTreeNode } from './presenters';
import { actorOfContext, emptyForm, todayInVietnam, type FormState } from './forms';
import { unitOptions, unitRef, unitViewRef } from './scope';
import type { UnitDone } from './route-schemas';

export type UnitForm = 'child' | 'rename' | 'move' | 'deactivate' | 'merge';

const doneMessages = {
  created: 'unit_done_created',
  renamed: 'unit_done_renamed',
  moved: 'unit_done_moved',
  deactivated: 'unit_done_deactivated',
  merged: 'unit_done_merged',
} as const;

/** The tree page: nested nodes, each with whether the caller may open it. */
export function treeLocals(actor: Actor, trees: UnitTreeNode[], showInactive: boolean) {
  type Node = { id: string; code: string; name: string; active: boolean; link: boolean; children: Node[] };
  const toNode = (node: UnitTreeNode): Node => ({
    id: node.id,
    code: node.code,
    name: node.name,
    active: node.active,
    link: can(actor, 'unit.view', unitViewRef(node)),
    children: node.children.map(toNode),
  });
  return { title: 'units_title', trees: trees.map(toNode), showInactive };
}

/** A unit by name, or null; linked only when the caller may open it. */
function namedLink(actor: Actor, unit: Unit | null) {
  return unit ? { id: unit._id.toHexString(), name: unit.name, link: can(actor, 'unit.view', unitRef(unit)) } : null;
}

async function neighbours(db: Connection, unit: Unit) {
  const Unit = unitModel(db);
  const related = [...unit.ancestors, ...(unit.mergedInto ? [unit.mergedInto] : [])];
  const [linked, children] = await Promise.all([
    related.length ? Unit.find({ _id: trusted({ $in: related }) }).lean<Unit[]>() : Promise.resolve([]),
    Unit.find({ parentId: unit._id }).lean<Unit[]>(),
  ]);
  const byId = new Map(linked.map((u) => [u._id.toHexString(), u]));
  children.sort((a, b) => vietnameseCollator.compare(a.name, b.name));
  return {
    ancestors: unit.ancestors.flatMap((id) => byId.get(id.toHexString()) ?? []),
    mergedInto: unit.mergedInto ? (byId.get(unit.mergedInto.toHexString()) ?? null) : null,
    children,
  };
}

/** The unit page's locals: details, counts, sub-units, and the forms the caller may use. */
export async function unitPageLocals(db: Connection, actor: Actor, unit: Unit, state: FormState<UnitForm>, done?: UnitDone) {
  const ref = unitRef(unit);
  const { ancestors, mergedInto, children } = await neighbours(db, unit);
  const [servingHere, subtree] = await Promise.all([
    officerModel(db).countDocuments({ unitId: unit._id, status: trusted({ $in: EMPLOYED_STATUSES }) }),
    subtreeStats(db, unit._id),
  ]);
  const manage = unit.active && can(actor, 'unit.manage', ref);
  const forms = { createChild: unit.active && can(actor, 'unit.create_child', ref), rename: manage, move: manage, merge: manage, deactivate: manage };
  const own = unit._id.toHexString();
  const [moveTargets, mergeTargets] = manage
    ? await Promise.all([
        unitOptions(db, actor, 'unit.create_child', { exclude: [own, unit.parentId?.toHexString() ?? ''], excludeSubtreeOf: own }),
        unitOptions(db, actor, 'unit.create_child', { exclude: [own], excludeSubtreeOf: own }),
      ])
    : [[], []];
  return {
    title: 'units_title',
    unit: { ...presentUnit(unit), kindLabel: unitKindLabels[unit.kind] },
    breadcrumb: ancestors.map((a) => namedLink(actor, a)).filter((a) => a !== null && a.link),
    parent: namedLink(actor, ancestors[ancestors.length - 1] ?? null),
    mergedInto: namedLink(actor, mergedInto),
    children: children.map((c) => ({ id: c._id.toHexString(), code: c.code, name: c.name, active: c.active, link: can(actor, 'unit.view', unitRef(c)) })),
    counts: { servingHere, servingSubtree: subtree.officers, activeUnits: subtree.units },
    // not `can`: that name holds the page-wide flags the navigation reads
    unitCan: { viewOfficers: can(actor, 'report.view', ref), createOfficer: unit.active && can(actor, 'officer.create', ref), activationSheet: can(actor, 'account.activation', ref) },
    forms,
    moveTargets,
    mergeTargets,
    kinds: UNIT_KINDS.map((kind) => ({ value: kind, label: unitKindLabels[kind] })),
    today: todayInVietnam(),
    state,
    done: done ? doneMessages[done] : null,
  };
}

/** Renders the unit page (200, or the status of a failed form). */
export async function renderUnitPage(ctx: RouteContext<unknown>, unit: Unit, state: FormState<UnitForm> = emptyForm(), status = 200, done?: UnitDone): Promise<void> {
  const locals = await unitPageLocals(ctx.services.db, actorOfContext(ctx), unit, state, done);
  ctx.res.status(status).render('units/show', locals);
}
