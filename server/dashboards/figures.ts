/**
 * A subtree's dashboard figures, summed from the roll-up's counters (never from enrolments):
 * totals, by sub-unit, by module, by staff category, the weekly completion trend, and the
 * overdue list (entries past their due day, not completed). Definitions in docs/dashboards.md.
 */
import type { Connection, Types } from 'mongoose';
import { vietnamDay } from '../campaigns/dates';
import { OFFICER_CATEGORIES, type OfficerCategory } from '../officers/model';
import { emptyFigures, isoWeek } from './entries';
import type { CounterFigures } from './model';
import { campaignCounters, type CounterRow } from './snapshot';

/** What a page or the API shows for a group of officers. Rates and scores are percents (1 decimal). */
export interface Figures {
  enrolled: number;
  completed: number;
  inProgress: number;
  notStarted: number;
  overdue: number;
  exempt: number;
  /** completed ÷ enrolled × 100 (exempt excluded); null with nobody enrolled */
  ratePercent: number | null;
  /** mean of the enrolled officers' best quiz scores; null before any attempt */
  averageScore: number | null;
}

/** Counter sums plus the overdue count (which depends on `now`). */
export interface Sum extends CounterFigures {
  overdue: number;
}

export const emptySum = (): Sum => ({ ...emptyFigures(), overdue: 0 });

const oneDecimal = (n: number) => Math.round(n * 10) / 10;

/** The page's figures of a sum. */
export function figuresOf(sum: Sum): Figures {
  return {
    enrolled: sum.enrolled,
    completed: sum.completed,
    inProgress: sum.inProgress,
    notStarted: sum.enrolled - sum.completed - sum.inProgress,
    overdue: sum.overdue,
    exempt: sum.exempt,
    ratePercent: sum.enrolled ? oneDecimal((sum.completed * 100) / sum.enrolled) : null,
    averageScore: sum.scoreCount ? oneDecimal(sum.scoreSum / sum.scoreCount) : null,
  };
}

/**
 * Adds one counter to a sum; its not-completed officers are overdue once its due day is
 * over. `weeks`: also the weekly completions (only the trend needs them).
 */
export function addCounter(sum: Sum, counter: CounterRow, now: number, weeks = false): void {
  sum.enrolled += counter.enrolled;
  sum.exempt += counter.exempt;
  sum.completed += counter.completed;
  sum.inProgress += counter.inProgress;
  sum.scoreSum += counter.scoreSum;
  sum.scoreCount += counter.scoreCount;
  if (weeks) for (const week in counter.weeks) sum.weeks[week] = (sum.weeks[week] ?? 0) + counter.weeks[week]!;
  if (now >= counter.dueEnd) sum.overdue += counter.enrolled - counter.completed;
}

/** The counters of these campaigns at these units (from the held snapshot, snapshot.ts). */
export async function countersOf(db: Connection, campaignIds: readonly Types.ObjectId[], unitIds: readonly Types.ObjectId[]): Promise<CounterRow[]> {
  const units = new Set(unitIds.map((id) => id.toHexString()));
  const rows: CounterRow[] = [];
  for (const held of (await campaignCounters(db, campaignIds)).values()) for (const row of held) if (units.has(row.unit)) rows.push(row);
  return rows;
}

/** Sums `counters` grouped by `keyOf` (null: left out); `weeks` as in addCounter. */
export function sumBy(counters: readonly CounterRow[], now: Date, keyOf: (c: CounterRow) => string | null, weeks = false): Map<string, Sum> {
  const sums = new Map<string, Sum>();
  const at = now.getTime();
  for (const counter of counters) {
    const key = keyOf(counter);
    if (key === null) continue;
    let sum = sums.get(key);
    if (!sum) sums.set(key, (sum = emptySum()));
    addCounter(sum, counter, at, weeks);
  }
  return sums;
}

export const total = (counters: readonly CounterRow[], now: Date): Sum => sumBy(counters, now, () => '', true).get('') ?? emptySum();

export function byCategory(counters: readonly CounterRow[], now: Date): { category: OfficerCategory; figures: Figures }[] {
  const sums = sumBy(counters, now, (c) => c.category);
  return OFFICER_CATEGORIES.filter((c) => sums.has(c)).map((category) => ({ category, figures: figuresOf(sums.get(category)!) }));
}

/** One week of the trend: completions that week and since the start. */
export interface TrendWeek {
  week: string;
  /** Monday of the week, yyyy-mm-dd (Vietnam) */
  monday: string;
  completed: number;
  cumulative: number;
  /** a due date of the campaigns falls in this week */
  due: boolean;
}

const DAY_MS = 86_400_000;

/**
 * Completions per ISO week from `from` to `to` (Vietnam time), with the weeks where a due
 * date falls. Completions before `from` count in the first week's cumulative figure.
 */
export function trend(sum: CounterFigures, from: Date, to: Date, dueDates: readonly Date[]): TrendWeek[] {
  const dueWeeks = new Set(dueDates.map(isoWeek));
  const weeks: TrendWeek[] = [];
  const first = isoWeek(from);
  let cumulative = Object.entries(sum.weeks).reduce((n, [week, count]) => (week < first ? n + count : n), 0);
  const day = Date.parse(vietnamDay(from)); // the calendar day, as UTC midnight
  const mondayDay = new Date(day - ((new Date(day).getUTCDay() + 6) % 7) * DAY_MS).toISOString().slice(0, 10);
  const monday = new Date(`${mondayDay}T00:00:00+07:00`);
  for (let at = monday; at <= to && weeks.length < 60; at = new Date(at.getTime() + 7 * DAY_MS)) {
    const week = isoWeek(at);
    const completed = sum.weeks[week] ?? 0;
    cumulative += completed;
    weeks.push({ week, monday: vietnamDay(at), completed, cumulative, due: dueWeeks.has(week) });
  }
  return weeks;
}

/** Whole days between the due day and today (Vietnam calendar days): 1 the day after. */
export function daysLate(dueDate: Date, now: Date): number {
  return Math.round((Date.parse(vietnamDay(now)) - Date.parse(vietnamDay(dueDate))) / DAY_MS);
}
