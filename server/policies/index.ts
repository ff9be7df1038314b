/**
 * All authorization in one place. A rule answers "may this actor do this action on this
 * subject?"; admins may do everything. Coordinators and managers act on the subtree of
 * their unit, officers on themselves. Routes call `authorize()` (through their context,
 * which records that they did); templates never decide — they read `abilities()` flags.
 */
import type { Types } from 'mongoose';
import { AppError } from '../errors';
import type { Role } from '../users/model';

/** Who is acting: the signed-in account, reduced to what rules need. */
export interface Actor {
  id: string;
  role: Role;
  /** coordinators / managers: the root of their subtree; officers: their unit */
  unitId: Types.ObjectId | null;
  officerId: Types.ObjectId | null;
}

/** A unit as rules see it: its id and its ancestors (root first). */
export interface UnitRef {
  id: Types.ObjectId;
  ancestors: readonly Types.ObjectId[];
}

/** An officer as rules see it: the officer and the unit they belong to. */
export interface OfficerRef {
  id: Types.ObjectId;
  unit: UnitRef;
}

/** A quiz attempt as rules see it: whose it is. */
export interface AttemptRef {
  officerId: Types.ObjectId;
}

/** A module or question as rules see it: the unit that owns it (null = the installation: admins only). */
export interface OwnedRef {
  owner: UnitRef | null;
}

/**
 * A published module as a reader sees it: its owner (null = province-wide) and the
 * reader's own home unit (the rule needs the reader's ancestors, which the actor lacks).
 */
export interface ModuleViewRef {
  owner: UnitRef | null;
  home: UnitRef | null;
}

/** A certificate as rules see it: whose it is and the unit whose register numbers it. */
export interface CertificateRef {
  officerId: Types.ObjectId;
  unit: UnitRef;
}

/** What the actor's own account is (for self-service actions). */
export interface AccountRef {
  id: string;
}

/** An account as rules see it: who it is, its role and the unit it acts on (null: an admin's, or no unit). */
export interface AccountTargetRef {
  id: string;
  role: Role;
  unit: UnitRef | null;
}

/** An appointment as rules see it: the role to be given and the unit it will act on. */
export interface AppointmentRef {
  role: Role;
  unit: UnitRef | null;
}

interface Subjects {
  'unit.view': UnitRef;
  /** create a sub-unit under this unit */
  'unit.create_child': UnitRef;
  /** rename, move, deactivate, merge (never the actor's own root) */
  'unit.manage': UnitRef;
  'officer.view': OfficerRef;
  'officer.manage': OfficerRef;
  /** create officers / import into this unit's subtree */
  'officer.create': UnitRef;
  'officer.invite': OfficerRef;
  'report.view': UnitRef;
  /** edit, freeze, re-open and submit this unit's annual report */
  'report.edit': UnitRef;
  /** the province consolidation of the annual reports (subject: the province, a root unit) */
  'report.province': UnitRef;
  'account.self': AccountRef;
  /** create modules / questions owned by this unit */
  'content.create': UnitRef;
  /** edit, publish, preview, export a module; edit a question */
  'content.author': OwnedRef;
  /** see a published module in lists (GET /api/v1/modules) */
  'module.view': ModuleViewRef;
  /** assign a module to this unit's subtree (or to officers of it) */
  'module.assign': UnitRef;
  /** take modules and quizzes as this officer (one's own learning): whose learning it is is all the rule needs */
  'learning.take': Pick<OfficerRef, 'id'>;
  /** answer, submit or review a quiz attempt (one's own only) */
  'learning.attempt': AttemptRef;
  /** see an officer's learning progress */
  'progress.view': OfficerRef;
  'admin.audit': null;
  'admin.outbox': null;
  'admin.accounts': null;
  /** list the accounts of this unit's subtree */
  'account.list': UnitRef;
  'account.view': AccountTargetRef;
  /** change this account's role or unit, deactivate, reactivate, unlock, send it a link */
  'account.manage': AccountTargetRef;
  /** give this role over this unit (appoint, or change an account's role / unit to it) */
  'account.appoint': AppointmentRef;
  /** print activation codes for the officers of this unit */
  'account.activation': UnitRef;
  /** list the campaigns of this scope (the caller's root; INSTALLATION for admins' own) */
  'campaign.list': UnitRef;
  /** see a campaign and its enrolment figures (owner null: a province-wide campaign) */
  'campaign.view': OwnedRef;
  /** plan a campaign owned by this unit (INSTALLATION: province-wide, admins) */
  'campaign.create': UnitRef;
  /** change, open, close, clone a campaign */
  'campaign.manage': OwnedRef;
  /** give this officer an override (extra attempt, later due date, quiz reset) */
  'officer.override': OfficerRef;
  /** propose an exemption for this officer */
  'exemption.propose': OfficerRef;
  /** approve or refuse an exemption of this officer, or read its evidence */
  'exemption.decide': OfficerRef;
  /** list the exemptions of this unit's subtree */
  'exemption.list': UnitRef;
  /** see the completion dashboards of this unit's subtree (INSTALLATION: the whole province, admins) */
  'dashboard.view': UnitRef;
  /** export the completion figures of this unit's subtree (XLSX, CSV, JSON) */
  'dashboard.export': UnitRef;
  /** remind now ("Nhắc nhở") the officers of this unit's subtree who have not completed */
  'reminder.send': UnitRef;
  /** see and download a certificate */
  'certificate.view': CertificateRef;
  /** list the certificates of this unit's subtree and download them as one ZIP */
  'certificate.list': UnitRef;
  /** revoke or re-issue a certificate */
  'certificate.revoke': CertificateRef;
  /** edit the installation's certificate template */
  'certificate.settings': null;
}

export type Action = keyof Subjects;
/** What `action` acts on. */
export type SubjectOf<A extends Action> = Subjects[A];

const sameId = (a: Types.ObjectId | null, b: Types.ObjectId) => a !== null && a.equals(b);

/** True when `unit` is the actor's unit or lies below it. */
export function inSubtree(actor: Actor, unit: UnitRef): boolean {
  return actor.unitId !== null && (sameId(actor.unitId, unit.id) || unit.ancestors.some((a) => a.equals(actor.unitId!)));
}

/** Below the actor's unit, not the unit itself. */
const strictlyBelow = (actor: Actor, unit: UnitRef) => actor.unitId !== null && unit.ancestors.some((a) => a.equals(actor.unitId!));

/**
 * A module applies to a reader when it is province-wide or owned by the reader's home unit
 * or one of its ancestors (a department's module reaches its divisions).
 */
const applies = (module: ModuleViewRef) =>
  module.owner === null || (module.home !== null && (module.home.id.equals(module.owner.id) || module.home.ancestors.some((a) => a.equals(module.owner!.id))));

/**
 * The accounts a coordinator may give roles to and act on: a coordinator strictly below
 * their own unit, a manager or an officer anywhere in their subtree; never an admin. A
 * coordinator of the same unit is a peer, not a subordinate: peers could otherwise remove
 * each other (or the one who appointed them), so same-level appointments are the job of
 * the coordinator above or of an admin.
 */
const belowInRank = (actor: Actor, role: Role, unit: UnitRef | null) =>
  unit !== null && (role === 'coordinator' ? strictlyBelow(actor, unit) : (role === 'manager' || role === 'officer') && inSubtree(actor, unit));

type Rule<S> = (actor: Actor, subject: S) => boolean;
type RuleSet = { [A in Action]: Partial<Record<Exclude<Role, 'admin'>, Rule<Subjects[A]>>> };

const rules: RuleSet = {
  'unit.view': {
    coordinator: inSubtree,
    manager: inSubtree,
    officer: (actor, unit) => sameId(actor.unitId, unit.id),
  },
  'unit.create_child': { coordinator: inSubtree },
  'unit.manage': { coordinator: strictlyBelow },
  'officer.view': {
    coordinator: (actor, officer) => inSubtree(actor, officer.unit),
    manager: (actor, officer) => inSubtree(actor, officer.unit),
    officer: (actor, officer) => sameId(actor.officerId, officer.id),
  },
  'officer.manage': { coordinator: (actor, officer) => inSubtree(actor, officer.unit) },
  'officer.create': { coordinator: inSubtree },
  'officer.invite': { coordinator: (actor, officer) => inSubtree(actor, officer.unit) },
  'report.view': { coordinator: inSubtree, manager: inSubtree },
  // the unit's managers and the coordinators above write the unit's report
  'report.edit': { coordinator: inSubtree, manager: inSubtree },
  // Sở Nội vụ consolidates: admins, and a coordinator of the province itself (a root unit)
  'report.province': { coordinator: (actor, unit) => unit.ancestors.length === 0 && sameId(actor.unitId, unit.id) },
  'account.self': {
    coordinator: (actor, account) => actor.id === account.id,
    manager: (actor, account) => actor.id === account.id,
    officer: (actor, account) => actor.id === account.id,
  },
  'content.create': { coordinator: inSubtree },
  'content.author': { coordinator: (actor, content) => content.owner !== null && inSubtree(actor, content.owner) },
  'module.view': {
    coordinator: (actor, module) => applies(module) || (module.owner !== null && inSubtree(actor, module.owner)),
    manager: (actor, module) => applies(module) || (module.owner !== null && inSubtree(actor, module.owner)),
    officer: (_actor, module) => applies(module),
  },
  'module.assign': { coordinator: inSubtree },
  // everyone learns: coordinators and managers are officers too, through their own record
  'learning.take': {
    coordinator: (actor, officer) => sameId(actor.officerId, officer.id),
    manager: (actor, officer) => sameId(actor.officerId, officer.id),
    officer: (actor, officer) => sameId(actor.officerId, officer.id),
  },
  'learning.attempt': {
    coordinator: (actor, attempt) => sameId(actor.officerId, attempt.officerId),
    manager: (actor, attempt) => sameId(actor.officerId, attempt.officerId),
    officer: (actor, attempt) => sameId(actor.officerId, attempt.officerId),
  },
  'progress.view': {
    coordinator: (actor, officer) => inSubtree(actor, officer.unit) || sameId(actor.officerId, officer.id),
    manager: (actor, officer) => inSubtree(actor, officer.unit) || sameId(actor.officerId, officer.id),
    officer: (actor, officer) => sameId(actor.officerId, officer.id),
  },
  'admin.audit': {},
  'admin.outbox': {},
  'admin.accounts': {},
  'account.list': { coordinator: inSubtree },
  'account.view': {
    coordinator: (actor, target) => target.id === actor.id || (target.role !== 'admin' && target.unit !== null && inSubtree(actor, target.unit)),
  },
  // never one's own account: no one raises, lowers or locks out themselves by mistake
  'account.manage': { coordinator: (actor, target) => target.id !== actor.id && belowInRank(actor, target.role, target.unit) },
  'account.appoint': { coordinator: (actor, appointment) => belowInRank(actor, appointment.role, appointment.unit) },
  'account.activation': { coordinator: inSubtree },
  'campaign.list': { coordinator: inSubtree, manager: inSubtree },
  // a unit's plan is seen by the managers and coordinators of its subtree; a province-wide plan by admins
  'campaign.view': {
    coordinator: (actor, campaign) => campaign.owner !== null && inSubtree(actor, campaign.owner),
    manager: (actor, campaign) => campaign.owner !== null && inSubtree(actor, campaign.owner),
  },
  'campaign.create': { coordinator: inSubtree },
  'campaign.manage': { coordinator: (actor, campaign) => campaign.owner !== null && inSubtree(actor, campaign.owner) },
  'officer.override': { coordinator: (actor, officer) => inSubtree(actor, officer.unit) },
  'exemption.propose': { coordinator: (actor, officer) => inSubtree(actor, officer.unit), manager: (actor, officer) => inSubtree(actor, officer.unit) },
  'exemption.decide': { coordinator: (actor, officer) => inSubtree(actor, officer.unit) },
  'exemption.list': { coordinator: inSubtree, manager: inSubtree },
  'dashboard.view': { coordinator: inSubtree, manager: inSubtree },
  'dashboard.export': { coordinator: inSubtree, manager: inSubtree },
  // the unit head chases their own people as the coordinator does (issue #12)
  'reminder.send': { coordinator: inSubtree, manager: inSubtree },
  // one's own certificate, or any of the subtree for those who report on it
  'certificate.view': {
    coordinator: (actor, certificate) => sameId(actor.officerId, certificate.officerId) || inSubtree(actor, certificate.unit),
    manager: (actor, certificate) => sameId(actor.officerId, certificate.officerId) || inSubtree(actor, certificate.unit),
    officer: (actor, certificate) => sameId(actor.officerId, certificate.officerId),
  },
  'certificate.list': { coordinator: inSubtree, manager: inSubtree },
  'certificate.revoke': { coordinator: (actor, certificate) => inSubtree(actor, certificate.unit) },
  'certificate.settings': {},
};

/** True when `actor` may do `action` on `subject`. */
export function can<A extends Action>(actor: Actor, action: A, subject: Subjects[A]): boolean {
  if (actor.role === 'admin') return true;
  const rule = rules[action][actor.role] as Rule<Subjects[A]> | undefined;
  return rule !== undefined && rule(actor, subject);
}

/** Throws 403 'forbidden' unless `actor` may do `action` on `subject`. */
export function authorize<A extends Action>(actor: Actor, action: A, subject: Subjects[A]): void {
  if (!can(actor, action, subject)) throw new AppError(403, 'forbidden', { action });
}

/**
 * The flags for the actor's own home unit (`actor.unitId`), without reading the unit: every
 * rule `abilities` asks about one's own unit holds by its id alone (inSubtree, sameId), so
 * its ancestors change nothing, and units are never deleted. Every page's header reads
 * these: one database round trip fewer per request (issue #16).
 */
export function homeAbilities(actor: Actor | null): Record<string, boolean> {
  return abilities(actor, actor?.unitId ? { id: actor.unitId, ancestors: [] } : null);
}

/** The flags views use to show or hide links and buttons (never to decide access). */
export function abilities(actor: Actor | null, home: UnitRef | null): Record<string, boolean> {
  if (!actor) return {};
  // learning needs an officer record: an admin without one has nothing to take
  const learn = actor.officerId !== null;
  if (actor.role === 'admin') return { learn, viewUnits: true, viewOfficers: true, createOfficers: true, importOfficers: true, authorContent: true, viewAudit: true, viewOutbox: true, manageAccounts: true, viewAccounts: true, viewCampaigns: true, viewExemptions: true, viewReports: true, viewDashboards: true, viewCertificates: true, certificateSettings: true };
  const at = <A extends Action>(action: A, subject: Subjects[A] | null) => subject !== null && can(actor, action, subject);
  return {
    learn,
    viewUnits: at('unit.view', home),
    viewOfficers: actor.role !== 'officer' && home !== null && can(actor, 'report.view', home),
    createOfficers: at('officer.create', home),
    importOfficers: at('officer.create', home),
    authorContent: at('content.create', home),
    viewAudit: can(actor, 'admin.audit', null),
    viewOutbox: can(actor, 'admin.outbox', null),
    manageAccounts: can(actor, 'admin.accounts', null),
    viewAccounts: at('account.list', home),
    viewCampaigns: at('campaign.list', home),
    viewExemptions: at('exemption.list', home),
    viewReports: actor.role !== 'officer' && at('report.view', home),
    viewDashboards: at('dashboard.view', home),
    viewCertificates: learn || at('certificate.list', home),
    certificateSettings: can(actor, 'certificate.settings', null),
  };
}
