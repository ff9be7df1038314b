/**
 * Chart geometry for the dashboards' inline SVG (no chart library, no script: the CSP
 * allows none). Sizes are in SVG user units; a 360-unit wide viewBox reads at about
 * 1:1 on a 390 px phone and scales up on wider screens.
 */
export const CHART_WIDTH = 360;

export interface BarChart {
  height: number;
  bars: { y: number; width: number; label: string; value: string }[];
}

const BAR_ROW = 34;

/** Horizontal bars of percents (0–100), one row per item: label above its bar. */
export function barChart(items: readonly { label: string; percent: number | null; value: string }[]): BarChart {
  const bars = items.map((item, i) => ({ y: i * BAR_ROW, width: Math.round(((item.percent ?? 0) / 100) * (CHART_WIDTH - 60)), label: item.label, value: item.value }));
  return { height: Math.max(BAR_ROW, items.length * BAR_ROW), bars };
}

export interface LineChart {
  width: number;
  height: number;
  /** "x,y x,y …" of the cumulative line */
  points: string;
  dots: { x: number; y: number }[];
  dueLines: number[];
  max: number;
  firstLabel: string;
  lastLabel: string;
  left: number;
  bottom: number;
}

/** The cumulative completions as a line over the weeks, with vertical marks at due weeks. */
export function lineChart(weeks: readonly { cumulative: number; due: boolean; label: string }[]): LineChart {
  const height = 180;
  const left = 36;
  const top = 12;
  const bottom = height - 24;
  const right = CHART_WIDTH - 8;
  const max = Math.max(1, ...weeks.map((w) => w.cumulative));
  const step = weeks.length > 1 ? (right - left) / (weeks.length - 1) : 0;
  const at = (i: number, value: number) => ({ x: Math.round(left + i * step), y: Math.round(bottom - (value / max) * (bottom - top)) });
  const dots = weeks.map((w, i) => at(i, w.cumulative));
  return {
    width: CHART_WIDTH,
    height,
    points: dots.map((d) => `${d.x},${d.y}`).join(' '),
    dots,
    dueLines: weeks.flatMap((w, i) => (w.due ? [at(i, 0).x] : [])),
    max,
    firstLabel: weeks[0]?.label ?? '',
    lastLabel: weeks[weeks.length - 1]?.label ?? '',
    left,
    bottom,
  };
}
