/**
 * What leaves the dashboards: the JSON of `/api/v1/dashboards/...` (ids as hex, dates ISO,
 * percents as numbers) and the pages' view model (numbers formatted, chart geometry
 * computed here so templates only draw). Allowlists: nothing else of the documents leaves.
 */
import { formatDate, formatDateTime, formatNumber, formatPercent } from '../http/views';
import { t, type Locale, type MessageId } from '../i18n';
import { officerCategoryLabels } from '../officers/model';
import { barChart, lineChart } from './charts';
import type { Figures } from './figures';
import type { Dashboard, OfficerStatus, UnitOfficerRow } from './service';

export const statusLabels: Record<OfficerStatus, MessageId> = {
  completed: 'dashboard_status_completed',
  'in-progress': 'dashboard_status_in_progress',
  'not-started': 'dashboard_status_not_started',
  overdue: 'dashboard_status_overdue',
  exempt: 'dashboard_status_exempt',
};

/** The API's dashboard. */
export function presentDashboard(d: Dashboard, officers: UnitOfficerRow[] | null) {
  return {
    year: d.year,
    asOf: d.asOf.toISOString(),
    unit: d.root ? { id: d.root._id.toHexString(), name: d.root.name } : null,
    campaigns: d.campaigns.map((c) => ({ id: c._id.toHexString(), name: c.name, status: c.status })),
    totals: d.totals,
    subUnits: d.subUnits.map((s) => ({ id: s.unit._id.toHexString(), name: s.unit.name, own: s.own, figures: s.figures })),
    modules: d.modules.map((m) => ({ id: m.moduleId.toHexString(), title: m.title, dueDate: m.dueDate?.toISOString() ?? null, figures: m.figures })),
    categories: d.categories,
    trend: d.trend,
    overdue: d.overdue.map((o) => ({ officerId: o.officerId.toHexString(), code: o.code, fullName: o.fullName, unit: o.unitName, module: o.module, dueDate: o.dueDate.toISOString(), daysLate: o.daysLate })),
    overdueTotal: d.overdueTotal,
    ...(officers ? { officers: officers.map((o) => ({ id: o.officerId.toHexString(), code: o.code, fullName: o.fullName, category: o.category, modules: Object.fromEntries(o.modules) })) } : {}),
  };
}

type Formatted = Record<'enrolled' | 'completed' | 'inProgress' | 'notStarted' | 'overdue' | 'exempt' | 'rate' | 'average', string>;

/** Formatted once per figures object and locale: the held figures (held-figures.ts) are the same objects page after page. */
const formatted = new WeakMap<Figures, Map<Locale, Formatted>>();

function formatFigures(f: Figures, locale: Locale): Formatted {
  let byLocale = formatted.get(f);
  if (!byLocale) formatted.set(f, (byLocale = new Map()));
  let out = byLocale.get(locale);
  if (!out) byLocale.set(locale, (out = Object.freeze(formatOnce(f, locale))));
  return out;
}

function formatOnce(f: Figures, locale: Locale): Formatted {
  const n = (v: number) => formatNumber(v, locale);
  return {
    enrolled: n(f.enrolled),
    completed: n(f.completed),
    inProgress: n(f.inProgress),
    notStarted: n(f.notStarted),
    overdue: n(f.overdue),
    exempt: n(f.exempt),
    rate: f.ratePercent === null ? '—' : formatPercent(f.ratePercent, locale),
    average: f.averageScore === null ? '—' : formatNumber(f.averageScore, locale),
  };
}

export interface PageOptions {
  locale: Locale;
  heading: string;
  /** where the year / campaign form goes (the same page) */
  path: string;
  campaignChoices: { id: string; name: string }[];
  chosenCampaignId: string | null;
  officers: UnitOfficerRow[] | null;
  /** the unit whose figures can be exported, null: none */
  exportUnitId: string | null;
}

/**
 * View parts drawn from held objects (held-figures.ts: the sub-unit rows, the trend) are
 * kept with them, per locale and whatever else they depend on (`variant`): a page whose
 * figures did not move formats no number and draws no chart again.
 */
function memo<K extends object, V>(store: WeakMap<K, Map<string, V>>, of: K, variant: string, make: () => V): V {
  let byVariant = store.get(of);
  if (!byVariant) store.set(of, (byVariant = new Map()));
  let view = byVariant.get(variant);
  if (view === undefined) {
    // a handful of variants per object (locales × campaign choices); cleared rather than grown
    if (byVariant.size > 16) byVariant.clear();
    byVariant.set(variant, (view = make()));
  }
  return view;
}

function subUnitsView(d: Dashboard, locale: Locale, chosenCampaignId: string | null) {
  const query = `?year=${d.year}${chosenCampaignId ? `&campaignId=${chosenCampaignId}` : ''}`;
  const rows = d.subUnits.map((s) => ({
    name: s.own ? t(locale, 'dashboard_own_officers', { unit: s.unit.name }) : s.unit.name,
    link: s.own ? null : `/dashboards/units/${s.unit._id.toHexString()}${query}`,
    figures: formatFigures(s.figures, locale),
  }));
  return { rows, bars: barChart(d.subUnits.map((s, i) => ({ label: rows[i]!.name, percent: s.figures.ratePercent, value: rows[i]!.figures.rate }))) };
}
const subUnitViews = new WeakMap<Dashboard['subUnits'], Map<string, ReturnType<typeof subUnitsView>>>();

function trendView(trend: Dashboard['trend'], locale: Locale) {
  const label = (monday: string) => formatDate(new Date(`${monday}T00:00:00+07:00`));
  return {
    rows: trend.map((w) => ({ label: label(w.monday), completed: formatNumber(w.completed, locale), cumulative: formatNumber(w.cumulative, locale), due: w.due })),
    line: lineChart(trend.map((w) => ({ cumulative: w.cumulative, due: w.due, label: label(w.monday) }))),
  };
}
const trendViews = new WeakMap<Dashboard['trend'], Map<string, ReturnType<typeof trendView>>>();

/** The pages' view model. */
export function dashboardView(d: Dashboard, o: PageOptions) {
  const { locale } = o;
  const subUnits = memo(subUnitViews, d.subUnits, `${locale}|${d.year}|${o.chosenCampaignId ?? ''}`, () => subUnitsView(d, locale, o.chosenCampaignId));
  const trend = memo(trendViews, d.trend, locale, () => trendView(d.trend, locale));
  const moduleIds = d.modules.map((m) => m.moduleId.toHexString());
  return {
    heading: o.heading,
    asOf: t(locale, 'dashboard_as_of', { time: formatDateTime(d.asOf) }),
    year: d.year,
    path: o.path,
    campaignOptions: o.campaignChoices.map((c) => ({ value: c.id, label: c.name, selected: c.id === o.chosenCampaignId })),
    hasCampaigns: d.campaigns.length > 0,
    totals: formatFigures(d.totals, locale),
    subUnits: subUnits.rows,
    bars: subUnits.bars,
    modules: d.modules.map((m) => ({ title: m.title, due: formatDate(m.dueDate), figures: formatFigures(m.figures, locale) })),
    categories: d.categories.map((c) => ({ label: t(locale, officerCategoryLabels[c.category]), figures: formatFigures(c.figures, locale) })),
    trend: trend.rows,
    line: trend.line,
    overdue: d.overdue.map((r) => ({ officerId: r.officerId.toHexString(), code: r.code, fullName: r.fullName, unit: r.unitName, module: r.module, due: formatDate(r.dueDate), daysLate: formatNumber(r.daysLate, locale) })),
    overdueNote: d.overdueTotal > d.overdue.length ? t(locale, 'dashboard_overdue_more', { shown: d.overdue.length, total: d.overdueTotal }) : null,
    // the reminders route belongs to one campaign: the selection form needs exactly one
    remindCampaignId: d.campaigns.length === 1 ? d.campaigns[0]!._id.toHexString() : null,
    officers: o.officers && {
      modules: d.modules.map((m) => m.title),
      rows: o.officers.map((r) => ({
        code: r.code,
        fullName: r.fullName,
        category: t(locale, officerCategoryLabels[r.category]),
        cells: moduleIds.map((id) => {
          const status = r.modules.get(id);
          return { status: status ?? 'none', label: t(locale, status ? statusLabels[status] : 'dashboard_status_none') };
        }),
      })),
    },
    exportUnitId: o.exportUnitId,
    chosenCampaignId: o.chosenCampaignId,
  };
}
