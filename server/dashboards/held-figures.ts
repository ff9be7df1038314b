/**
 * A subtree's summed figures, held between pages. Summing a province's ~5,000 held counters
 * four ways (totals, sub-units, modules, categories) was about a quarter of a province page's
 * CPU, for figures that only move when the counters or the unit tree do.
 *
 * No token of its own: the sums are held with the very arrays they were summed from — each
 * campaign's held counters (snapshot.ts, replaced when its roll-up generation moved) and the
 * held subtree (unit-tree.ts, replaced when the units' generation moved) — and used only
 * while the page was handed those same arrays, so they are exactly as current as the
 * counters a page would otherwise sum. The overdue figures also depend on the time: they
 * are used only between the two ends of due days around the time they were summed at.
 */
import type { Connection } from 'mongoose';
import { OFFICER_CATEGORIES, type OfficerCategory } from '../officers/model';
import { vietnamDay } from '../campaigns/dates';
import { addCounter, emptySum, figuresOf, trend, type Figures, type Sum, type TrendWeek } from './figures';
import type { CounterRow } from './snapshot';
import type { SubtreeUnit } from './service';

export interface SubtreeFigures {
  /** the sum of every counter in the subtree, completions per week included (the trend) */
  sum: Sum;
  totals: Figures;
  /** the root's children (each with its whole subtree), then the root's own officers when any */
  subUnits: readonly { unit: SubtreeUnit; own: boolean; figures: Figures }[];
  /** module id (hex) → figures */
  modules: ReadonlyMap<string, Figures>;
  categories: readonly { category: OfficerCategory; figures: Figures }[];
  /** hex id → unit, of the subtree */
  units: ReadonlyMap<string, SubtreeUnit>;
}

interface Held {
  rows: readonly (readonly CounterRow[])[];
  subtree: readonly SubtreeUnit[];
  /** the ends of due days (ms) around the time of the sums: valid from ≤ now < until */
  from: number;
  until: number;
  figures: SubtreeFigures;
}

/** Subtree × campaign choices held per connection; the least recently used goes first past this. */
const MAX_HELD = 500;
const held = new WeakMap<Connection, Map<string, Held>>();

/** Which row of the sub-unit table a unit's counters go to: the root's child on its path, or the root itself. */
function childOnPath(root: SubtreeUnit | null, unit: SubtreeUnit): string {
  const depth = root ? root.ancestors.length + 1 : 0;
  return (unit.ancestors[depth] ?? unit._id).toHexString();
}

const sumIn = (sums: Map<string, Sum>, key: string): Sum => {
  let sum = sums.get(key);
  if (!sum) sums.set(key, (sum = emptySum()));
  return sum;
};

/** One pass over the counters in the subtree: every grouping at once. */
function sumSubtree(root: SubtreeUnit | null, subtree: readonly SubtreeUnit[], rows: readonly (readonly CounterRow[])[], now: number): Omit<Held, 'rows' | 'subtree'> {
  const units = new Map(subtree.map((u) => [u._id.toHexString(), u]));
  // each unit's row of the sub-unit table, once per unit rather than once per counter
  const rowOf = new Map([...units].map(([hex, unit]) => [hex, childOnPath(root, unit)]));
  const sum = emptySum();
  const bySub = new Map<string, Sum>();
  const byModule = new Map<string, Sum>();
  const byCategory = new Map<string, Sum>();
  let from = -Infinity;
  let until = Infinity;
  for (const campaign of rows) {
    for (const row of campaign) {
      const sub = rowOf.get(row.unit);
      if (sub === undefined) continue;
      if (row.dueEnd <= now) from = Math.max(from, row.dueEnd);
      else until = Math.min(until, row.dueEnd);
      addCounter(sum, row, now, true);
      addCounter(sumIn(bySub, sub), row, now);
      addCounter(sumIn(byModule, row.module), row, now);
      addCounter(sumIn(byCategory, row.category), row, now);
    }
  }
  const rootHex = root?._id.toHexString();
  const subUnits = [...bySub.entries()]
    .map(([id, s]) => ({ unit: units.get(id)!, own: id === rootHex, figures: Object.freeze(figuresOf(s)) }))
    .sort((a, b) => Number(a.own) - Number(b.own) || a.unit.name.localeCompare(b.unit.name, 'vi'));
  const figures: SubtreeFigures = {
    sum: Object.freeze(sum),
    totals: Object.freeze(figuresOf(sum)),
    subUnits: Object.freeze(subUnits.map((s) => Object.freeze(s))),
    modules: new Map([...byModule].map(([id, s]) => [id, Object.freeze(figuresOf(s))])),
    categories: Object.freeze(OFFICER_CATEGORIES.filter((c) => byCategory.has(c)).map((category) => Object.freeze({ category, figures: Object.freeze(figuresOf(byCategory.get(category)!)) }))),
    units,
  };
  return { from, until, figures };
}

/**
 * The figures of `subtree` (rooted at `root`, null: the installation) from these campaigns'
 * held counters at `now`: held ones when the same arrays were summed for a time between the
 * same due-day ends, otherwise summed now and held. `subtree` and `rows` must be the held
 * arrays themselves (subtreeUnits, campaignCounters), not copies: their identity is the check.
 */
export function subtreeFigures(db: Connection, root: SubtreeUnit | null, campaignIds: readonly string[], subtree: readonly SubtreeUnit[], rows: readonly (readonly CounterRow[])[], now: Date): SubtreeFigures {
  const at = now.getTime();
  const key = `${root?._id.toHexString() ?? '*'}|${campaignIds.join(',')}`;
  let cache = held.get(db);
  if (!cache) held.set(db, (cache = new Map()));
  let entry = cache.get(key);
  cache.delete(key); // re-inserted below: the Map's order is the recency order
  const same = entry && entry.subtree === subtree && entry.rows.length === rows.length && entry.rows.every((r, i) => r === rows[i]) && entry.from <= at && at < entry.until;
  if (!entry || !same) entry = { rows: [...rows], subtree, ...sumSubtree(root, subtree, rows, at) };
  cache.set(key, entry);
  while (cache.size > MAX_HELD) cache.delete(cache.keys().next().value!);
  return entry.figures;
}

/** The last trend of each held figures: the weeks only move with the day (Vietnam) the trend runs to. */
const trends = new WeakMap<SubtreeFigures, { key: string; weeks: readonly TrendWeek[] }>();

/**
 * `trend(figures.sum, from, to, dueDates)`, computed once per held figures and day: about
 * 60 weeks, each with its ISO week and calendar day, on every page otherwise.
 */
export function heldTrend(figures: SubtreeFigures, from: Date, to: Date, dueDates: readonly Date[]): readonly TrendWeek[] {
  const key = `${from.getTime()}|${vietnamDay(to)}|${dueDates.map((d) => d.getTime()).join(',')}`;
  const last = trends.get(figures);
  if (last?.key === key) return last.weeks;
  const weeks = Object.freeze(trend(figures.sum, from, to, dueDates).map((w) => Object.freeze(w)));
  trends.set(figures, { key, weeks });
  return weeks;
}
