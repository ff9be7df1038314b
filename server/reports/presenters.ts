/**
 * Pure presenters of the report's figures: Vietnamese number and percent formats, labels
 * of categories and exemption reasons, and the narrative paragraphs generated from the
 * numbers (the unit head edits them before export). The documents are Vietnamese whatever
 * the reader's language (they go to Sở Nội vụ), so these use the 'vi' catalogue.
 */
import { t, isMessageId, type Locale, type MessageId } from '../i18n';

/** The documents go to Sở Nội vụ: Vietnamese whatever the reader's language. */
export const DOCUMENT_LOCALE: Locale = 'vi';
import { officerCategoryLabels } from '../officers/model';
import type { Counts, ReportFigures } from './figures';

const vi = (id: MessageId, params?: Record<string, unknown>) => t(DOCUMENT_LOCALE, id, params);

/** One decimal at most, Vietnamese comma: made once (toLocaleString builds a formatter per call, ~90 µs). */
const ONE_DECIMAL = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });

/** 85,5% (one decimal, Vietnamese comma); "—" for no rate. */
export function percent(rate: number | null): string {
  if (rate === null) return '—';
  return `${ONE_DECIMAL.format(Math.round(rate * 1000) / 10)}%`;
}

/** 92,5 (one decimal at most); "—" for none. */
export function score(value: number | null): string {
  return value === null ? '—' : ONE_DECIMAL.format(value);
}

export const categoryLabel = (category: string) => vi(officerCategoryLabels[category as keyof typeof officerCategoryLabels] ?? 'officer_category_cong_chuc');

/** An exemption reason's label: an exemption kind, the late joiner's, or the reason as written. */
export function reasonLabel(reason: string): string {
  if (reason === 'late-joiner') return vi('report_doc_late_joiner');
  const id = `exemption_kind_${reason.replace(/-/g, '_')}`;
  return isMessageId(id) ? vi(id) : reason;
}

export interface Narrative {
  results: string;
  strengths: string;
  shortcomings: string;
  proposals: string;
}

const best = <T>(items: T[], key: (item: T) => number) => items.reduce<T | null>((top, item) => (top === null || key(item) > key(top) ? item : top), null);

/** The generated paragraphs; every number in them is one of the figures. */
export function narrativeOf(f: ReportFigures): Narrative {
  const { totals } = f;
  const results = vi('report_narrative_results', { year: f.year, unit: f.unit.name, counted: totals.counted, enrolled: totals.enrolled, exempt: totals.exempt, completed: totals.completed, rate: percent(totals.rate), notCompleted: totals.notCompleted });
  const modules = f.modules.filter((m) => m.rate !== null);
  const top = best(modules, (m) => m.rate!);
  const bottom = best(modules, (m) => -m.rate!);
  const rated = (units: ReportFigures['subUnits']) => units.filter((u) => u.rate !== null && u.unitId !== f.unit.id);
  const leaders = rated(f.subUnits).filter((u) => u.rate === Math.max(...rated(f.subUnits).map((x) => x.rate!))).slice(0, 3);
  let strengths = top
    ? vi('report_narrative_strengths_modules', { title: top.title, rate: percent(top.rate), score: top.averageScore === null ? '' : vi('report_narrative_strengths_score', { score: score(top.averageScore) }) })
    : vi('report_narrative_strengths_none');
  if (leaders.length && f.subUnits.length > 1) strengths += vi('report_narrative_strengths_units', { units: leaders.map((u) => `${u.name} (${percent(u.rate)})`).join(', ') });
  if (f.commendations.length) strengths += vi('report_narrative_strengths_commend', { count: f.commendations.length });
  const lagging = rated(f.subUnits).filter((u) => u.notCompleted > 0).sort((a, b) => a.rate! - b.rate!).slice(0, 3);
  const shortcomings = totals.notCompleted === 0 || !bottom
    ? vi('report_narrative_shortcomings_none')
    : vi('report_narrative_shortcomings', { notCompleted: totals.notCompleted, title: bottom.title, rate: percent(bottom.rate), units: lagging.length ? vi('report_narrative_shortcomings_units', { units: lagging.map((u) => `${u.name} (${u.notCompleted} người)`).join(', ') }) : '' });
  const proposals = vi('report_narrative_proposals', { notCompleted: totals.notCompleted, next: f.year + 1, commend: f.commendations.length });
  return { results, strengths, shortcomings, proposals };
}

/** A counts row as table cells: enrolled, completed, exempt, not completed, rate. */
export const countCells = (c: Counts) => [String(c.enrolled), String(c.completed), String(c.exempt), String(c.notCompleted), percent(c.rate)];

/** A report for JSON: an allowlist of its fields, its figures and paragraphs. */
export function presentReport(report: {
  unitId: { toHexString(): string }; year: number; status: string; number: string; place: string; signerTitle: string; signerName: string; recipients: string[];
  narrative: Narrative | null; rule: { daysAhead: number; minAverage: number }; frozenAt: Date | null; frozenBy: { name: string } | null; submittedAt: Date | null; submittedBy: { name: string } | null;
}, figures: ReportFigures, narrative: Narrative) {
  return {
    unitId: report.unitId.toHexString(), year: report.year, status: report.status, number: report.number, place: report.place,
    signerTitle: report.signerTitle, signerName: report.signerName, recipients: report.recipients, rule: report.rule,
    narrativeEdited: report.narrative !== null, narrative,
    frozenAt: report.frozenAt?.toISOString() ?? null, frozenBy: report.frozenBy?.name ?? null,
    submittedAt: report.submittedAt?.toISOString() ?? null, submittedBy: report.submittedBy?.name ?? null,
    figures,
  };
}
