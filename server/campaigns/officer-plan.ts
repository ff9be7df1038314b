/**
 * An officer's plan of a year, as their coordinator or manager sees it (`/officers/:id/plan`):
 * each module they must learn with its due date and progress, the overrides granted, and —
 * for a coordinator of their subtree — the form that grants one (an extra attempt, a later
 * due date, a reset of a failed quiz). The same services as the API (createOverride).
 */
import { trusted, type Connection, type Types } from 'mongoose';
import type { MessageId } from '../i18n';
import type { RouteContext } from '../http/route';
import { moduleModel, type LearningModule } from '../modules/model';
import type { LoadedOfficer } from '../officers/access';
import { can } from '../policies';
import { progressModel, type ModuleProgress } from '../progress/model';
import { actorOfContext, emptyForm, type FormState } from '../units/forms';
import { vietnamDate } from './dates';
import { enrolmentModel, type Enrolment } from './model';
import { OVERRIDE_KINDS, overridesOf, type OverrideKind } from './overrides';

export const overrideKindLabels: Record<OverrideKind, MessageId> = {
  'extra-attempt': 'override_kind_extra_attempt',
  'later-due-date': 'override_kind_later_due_date',
  'quiz-reset': 'override_kind_quiz_reset',
};

const progressLabels: Record<'completed' | 'in-progress' | 'not-started' | 'exempt', MessageId> = {
  completed: 'learn_status_completed',
  'in-progress': 'learn_status_in_progress',
  'not-started': 'learn_status_not_started',
  exempt: 'officer_plan_exempt',
};

export async function officerPlanLocals(db: Connection, ctx: RouteContext<unknown>, loaded: LoadedOfficer, year: number, state: FormState<'override'>, done: boolean) {
  const { officer, ref } = loaded;
  const enrolments = await enrolmentModel(db)
    .find({ officerId: officer._id, year, state: trusted({ $in: ['enrolled', 'exempt'] }) })
    .sort({ dueDate: 1 })
    .lean<Enrolment[]>();
  const moduleIds = [...new Map(enrolments.map((e) => [e.moduleId.toHexString(), e.moduleId])).values()];
  const overrides = await overridesOf(db, officer._id, year);
  const allIds: Types.ObjectId[] = [...moduleIds, ...overrides.map((o) => o.moduleId)];
  const modules = allIds.length ? await moduleModel(db).find({ _id: trusted({ $in: allIds }) }, { code: 1, 'draft.title': 1 }).lean<Pick<LearningModule, '_id' | 'code' | 'draft'>[]>() : [];
  const name = (id: Types.ObjectId) => {
    const m = modules.find((x) => x._id.equals(id));
    return m ? `${m.code} — ${m.draft?.title ?? ''}` : id.toHexString();
  };
  const progress = moduleIds.length ? await progressModel(db).find({ officerId: officer._id, year, moduleId: trusted({ $in: moduleIds }) }).lean<ModuleProgress[]>() : [];
  // one row per module: an officer in two campaigns with the same module learns it once
  const rows = moduleIds.map((moduleId) => {
    const mine = enrolments.filter((e) => e.moduleId.equals(moduleId));
    const enrolled = mine.find((e) => e.state === 'enrolled');
    const p = progress.find((x) => x.moduleId.equals(moduleId));
    const status = !enrolled ? 'exempt' : p?.status === 'completed' ? 'completed' : p ? 'in-progress' : 'not-started';
    return {
      moduleId: moduleId.toHexString(),
      name: name(moduleId),
      dueDate: vietnamDate((enrolled ?? mine[0]!).dueDate),
      statusLabel: progressLabels[status],
      status,
      percent: p?.percent ?? 0,
      attempts: p?.attempts ?? 0,
      bestScore: p?.bestScore ?? null,
      completedAt: p?.completedAt ?? null,
      exemptReason: enrolled ? null : (mine[0]!.exemptReason ?? null),
    };
  });
  return {
    title: 'officer_plan_title',
    officer: { id: officer._id.toHexString(), fullName: officer.fullName, code: officer.code },
    year,
    rows,
    overrides: overrides.map((o) => ({ kindLabel: overrideKindLabels[o.kind], module: name(o.moduleId), reason: o.reason, dueDate: o.dueDate ? vietnamDate(o.dueDate) : null, at: o.createdAt })),
    canOverride: can(actorOfContext(ctx), 'officer.override', ref) && rows.some((r) => r.status !== 'exempt'),
    moduleOptions: rows.filter((r) => r.status !== 'exempt').map((r) => ({ value: r.moduleId, label: r.name })),
    kinds: OVERRIDE_KINDS.map((value) => ({ value, label: overrideKindLabels[value] })),
    state,
    done: done ? 'override_done_created' : null,
  };
}

export async function renderOfficerPlan(ctx: RouteContext<unknown>, loaded: LoadedOfficer, year: number, state: FormState<'override'> = emptyForm(), status = 200, done = false): Promise<void> {
  ctx.res.status(status).render('campaigns/officer-plan', await officerPlanLocals(ctx.services.db, ctx, loaded, year, state, done));
}
