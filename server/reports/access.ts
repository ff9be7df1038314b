/**
 * What the report routes share: the unit named in the path (404 first), authorized, and
 * the commands with their audit lines, so the API and the pages run the same code.
 */
import type { SignedInContext } from '../http/route';
import type { Unit } from '../units/model';
import { findUnitOr404, unitRef } from '../units/scope';
import type { UnitReport } from './model';
import { freezeReport, loadReport, pickDraft, reopenReport, saveDraft, submitReport } from './service';
import type { DraftPatch } from './schema';

type Ctx = SignedInContext<{ unitId: import('mongoose').Types.ObjectId; year: number }>;

/** The path's unit, authorized for `action`. */
export async function reportUnit(ctx: Ctx, action: 'report.view' | 'report.edit'): Promise<Unit> {
  const unit = await findUnitOr404(ctx.services.db, ctx.input.unitId);
  ctx.authorize(action, unitRef(unit));
  return unit;
}

const who = (ctx: Ctx) => ({ id: ctx.account._id, name: ctx.account.displayName });
const audit = (ctx: Ctx, action: string, unit: Unit, report: UnitReport, details: Record<string, unknown> = {}) =>
  ctx.audit({ action, subject: { type: 'report', id: report._id }, unitId: unit._id, details: { unit: unit.name, year: report.year, ...details } });

/** Applies a patch to the draft (fields left out keep their value). */
export async function saveReportDraft(ctx: Ctx, unit: Unit, patch: Omit<DraftPatch, 'unitId' | 'year'>): Promise<UnitReport> {
  const db = ctx.services.db;
  const current = pickDraft(await loadReport(db, unit, ctx.input.year));
  const { daysAhead, minAverage, narrative, ...fields } = patch;
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const next = {
    ...current,
    ...defined,
    rule: { daysAhead: daysAhead ?? current.rule.daysAhead, minAverage: minAverage ?? current.rule.minAverage },
    narrative: narrative === undefined ? current.narrative : narrative === null ? null : { results: '', strengths: '', shortcomings: '', proposals: '', ...(current.narrative ?? {}), ...narrative },
  };
  const saved = await saveDraft(db, unit, ctx.input.year, next, new Date());
  await audit(ctx, 'report.save', unit, saved);
  return saved;
}

export async function freeze(ctx: Ctx, unit: Unit): Promise<UnitReport> {
  const report = await freezeReport(ctx.services.db, unit, ctx.input.year, who(ctx), new Date());
  await audit(ctx, 'report.freeze', unit, report, { enrolled: report.snapshot?.totals.enrolled, completed: report.snapshot?.totals.completed });
  return report;
}

export async function reopen(ctx: Ctx, unit: Unit): Promise<UnitReport> {
  const report = await reopenReport(ctx.services.db, unit, ctx.input.year, new Date());
  await audit(ctx, 'report.reopen', unit, report);
  return report;
}

export async function submit(ctx: Ctx, unit: Unit): Promise<UnitReport> {
  const report = await submitReport(ctx.services.db, unit, ctx.input.year, who(ctx), new Date());
  await audit(ctx, 'report.submit', unit, report);
  return report;
}
