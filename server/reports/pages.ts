/** Locals of the report pages: the list of a scope's units with their report's state, and one report with its figures and form. */
import type { Connection } from 'mongoose';
import type { MessageId } from '../i18n';
import { formatDateTime } from '../http/views';
import type { Unit } from '../units/model';
import type { FormState } from '../units/forms';
import { categoryLabel, percent, reasonLabel, score } from './presenters';
import { loadReport, reportFigures, reportNarrative } from './service';
import type { Tracking, TrackedUnit } from './tracking';

export const trackingLabels: Record<Tracking, MessageId> = {
  none: 'report_status_none',
  draft: 'report_status_draft',
  frozen: 'report_status_frozen',
  submitted: 'report_status_submitted',
  late: 'report_status_late',
  missing: 'report_status_missing',
};

export function listLocals(year: number, tracked: TrackedUnit[], provinceLink: boolean) {
  const top = Math.min(...tracked.map((t) => t.unit.depth));
  return {
    title: 'reports_title',
    year,
    provinceLink,
    rows: tracked.map((t) => ({ id: t.unit._id.toHexString(), code: t.unit.code, name: `${'— '.repeat(t.unit.depth - top)}${t.unit.name}`, tracking: t.tracking, label: trackingLabels[t.tracking] })),
  };
}

export type ReportFormName = 'draft';

export async function reportLocals(db: Connection, unit: Unit, year: number, canEdit: boolean, state: FormState<ReportFormName>, done: string | undefined) {
  const report = await loadReport(db, unit, year);
  const figures = await reportFigures(db, report);
  const narrative = reportNarrative(report, figures);
  const values = { number: report.number, place: report.place, signerTitle: report.signerTitle, signerName: report.signerName, recipients: report.recipients.join('\n'), daysAhead: String(report.rule.daysAhead), minAverage: String(report.rule.minAverage), ...narrative, ...state.values };
  return {
    title: 'reports_title',
    unit: { id: unit._id.toHexString(), name: unit.name, code: unit.code },
    year,
    status: report.status,
    statusLabel: trackingLabels[report.status],
    frozenNote: report.frozenAt ? { at: formatDateTime(report.frozenAt), by: report.frozenBy?.name ?? '' } : null,
    submittedAt: report.submittedAt ? formatDateTime(report.submittedAt) : null,
    canEdit,
    editable: canEdit && report.status === 'draft',
    values,
    state,
    done: done && /^report_[a-z_]+$/.test(done) ? done : null,
    figures: {
      totals: { ...figures.totals, rate: percent(figures.totals.rate) },
      categories: figures.categories.filter((c) => c.counted > 0).map((c) => ({ ...c, label: categoryLabel(c.category), rate: percent(c.rate) })),
      exempt: figures.exemptByReason.map((r) => ({ label: reasonLabel(r.reason), count: r.count })),
      modules: figures.modules.map((m) => ({ ...m, rate: percent(m.rate), averageScore: score(m.averageScore) })),
      subUnits: figures.subUnits.map((u) => ({ ...u, rate: percent(u.rate) })),
      notCompleted: figures.notCompleted,
      commendations: figures.commendations.map((c) => ({ ...c, averageScore: score(c.averageScore) })),
    },
  };
}
