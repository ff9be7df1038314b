/**
 * Exports of completion (per unit, per module, per officer) for a subtree, year / campaign
 * and status: rows come from the roll-up (counters for units and modules, a cursor over
 * entries for officers, looked up in batches), so a province-wide export of 60,000
 * officers streams with bounded memory. Writers: CSV (UTF-8 with BOM, comma, RFC 4180
 * quoting, CRLF) and XLSX (exceljs' streaming WorkbookWriter).
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { trusted, type Connection } from 'mongoose';
import type { Campaign } from '../campaigns/model';
import { formatDate } from '../http/views';
import { t, type Locale, type MessageId } from '../i18n';
import { officerCategoryLabels, officerModel, type Officer } from '../officers/model';
import { countersOf, figuresOf, sumBy, type Figures } from './figures';
import { entryModel, type DashboardEntry } from './model';
import { statusLabels } from './presenters';
import { moduleTitles, type OfficerStatus, type SubtreeUnit } from './service';
import { endOfDueDay } from '../progress/year';

export type Cell = string | number | null;

const FIGURE_COLUMNS: MessageId[] = ['export_col_enrolled', 'export_col_completed', 'export_col_in_progress', 'export_col_not_started', 'export_col_overdue', 'export_col_exempt', 'export_col_rate', 'export_col_average'];
export const COLUMNS: Record<'unit' | 'module' | 'officer', MessageId[]> = {
  unit: ['export_col_unit_code', 'export_col_unit', ...FIGURE_COLUMNS],
  module: ['export_col_module', 'export_col_due', ...FIGURE_COLUMNS],
  officer: ['export_col_unit_code', 'export_col_unit', 'export_col_campaign', 'export_col_module', 'export_col_due', 'export_col_officer_code', 'export_col_officer', 'export_col_category', 'export_col_status', 'export_col_best_score', 'export_col_completed_at'],
};

const figureCells = (f: Figures): Cell[] => [f.enrolled, f.completed, f.inProgress, f.notStarted, f.overdue, f.exempt, f.ratePercent, f.averageScore];

/** What an export covers. */
export interface ExportScope {
  units: readonly SubtreeUnit[];
  campaigns: readonly Campaign[];
  status?: OfficerStatus | undefined;
  now: Date;
  locale: Locale;
}

/** One row per unit of the subtree with officers counted there (its own officers, not its sub-units'). */
export async function* unitRows(db: Connection, scope: ExportScope): AsyncGenerator<Cell[][]> {
  const counters = await countersOf(db, scope.campaigns.map((c) => c._id), scope.units.map((u) => u._id));
  const sums = sumBy(counters, scope.now, (c) => c.unit);
  const rows: Cell[][] = [];
  for (const unit of scope.units) {
    const sum = sums.get(unit._id.toHexString());
    if (sum) rows.push([unit.code, unit.name, ...figureCells(figuresOf(sum))]);
  }
  yield rows;
}

/** One row per module of the campaigns. */
export async function* moduleRows(db: Connection, scope: ExportScope): AsyncGenerator<Cell[][]> {
  const counters = await countersOf(db, scope.campaigns.map((c) => c._id), scope.units.map((u) => u._id));
  const sums = sumBy(counters, scope.now, (c) => c.module);
  const lines = scope.campaigns.flatMap((c) => c.modules);
  const titles = await moduleTitles(db, lines.map((m) => m.moduleId));
  const seen = new Set<string>();
  const rows: Cell[][] = [];
  for (const line of lines) {
    const id = line.moduleId.toHexString();
    if (seen.has(id)) continue;
    seen.add(id);
    const sum = sums.get(id);
    if (sum) rows.push([titles.get(id) ?? '', formatDate(line.dueDate), ...figureCells(figuresOf(sum))]);
  }
  yield rows;
}

const DAY_MS = 86_400_000;
const VN_OFFSET_MS = 7 * 3_600_000;
const ENTRY_FIELDS = { campaignId: 1, moduleId: 1, officerId: 1, unitId: 1, category: 1, dueDate: 1, state: 1, status: 1, bestScore: 1, completedAt: 1 } as const;
type ExportEntry = Pick<DashboardEntry, keyof typeof ENTRY_FIELDS>;

/** `f` remembered per argument (dates, ids: few distinct values among 300,000 rows). */
function memo<K, V>(f: (key: K) => V): (key: K) => V {
  const seen = new Map<K, V>();
  return (key) => {
    let value = seen.get(key);
    if (value === undefined && !seen.has(key)) seen.set(key, (value = f(key)));
    return value as V;
  };
}

/**
 * One row per officer × module, by unit (in id order) then officer. Each unit's entries
 * are read by the (campaignId, unitId) index and ordered here: one sorted cursor over the
 * whole subtree made the engine sort every entry of the province (300,000) before the
 * first row, holding them all. The next unit's entries and officers are read while this
 * unit's rows are written (the engine runs on its own thread), so at most two units'
 * entries are held.
 */
export async function* officerRows(db: Connection, scope: ExportScope): AsyncGenerator<Cell[][]> {
  const campaigns = new Map(scope.campaigns.map((c) => [c._id.toHexString(), c.name]));
  const titles = await moduleTitles(db, scope.campaigns.flatMap((c) => c.modules.map((m) => m.moduleId)));
  const filter: Record<string, unknown> = { campaignId: trusted({ $in: scope.campaigns.map((c) => c._id) }), state: trusted({ $in: ['enrolled', 'exempt'] }) };
  if (scope.status === 'exempt') filter.state = 'exempt';
  if (scope.status === 'completed') filter.status = 'completed';
  // per-row work done once per distinct value
  // by Vietnam calendar day (UTC+7 all year): a completion time is seldom repeated, its day is
  const day = memo((vnDay: number) => formatDate(new Date(vnDay * DAY_MS)));
  const date = (ms: number) => day(Math.floor((ms + VN_OFFSET_MS) / DAY_MS));
  const dueEnd = memo((ms: number) => endOfDueDay(new Date(ms)).getTime());
  const now = scope.now.getTime();
  const categoryLabel = memo((c: DashboardEntry['category']) => t(scope.locale, officerCategoryLabels[c]));
  const statusLabel = memo((s: OfficerStatus) => t(scope.locale, statusLabels[s]));
  const statusOf = (e: ExportEntry): OfficerStatus => (e.state === 'exempt' ? 'exempt' : e.status === 'completed' ? 'completed' : now >= dueEnd(e.dueDate.getTime()) ? 'overdue' : e.status);

  const read = async (unit: SubtreeUnit) => {
    const entries = (await entryModel(db).find({ ...filter, unitId: unit._id }, ENTRY_FIELDS).lean<ExportEntry[]>())
      .map((e) => ({ e, officer: e.officerId.toHexString() }))
      .sort((a, b) => (a.officer < b.officer ? -1 : a.officer > b.officer ? 1 : 0));
    const ids = [...new Map(entries.map(({ e, officer }) => [officer, e.officerId])).values()];
    const officers = ids.length ? await officerModel(db).find({ _id: trusted({ $in: ids }) }, { code: 1, fullName: 1 }).lean<Pick<Officer, '_id' | 'code' | 'fullName'>[]>() : [];
    return { unit, entries, officers: new Map(officers.map((o) => [o._id.toHexString(), o])) };
  };
  const ordered = [...scope.units].sort((a, b) => a._id.toHexString().localeCompare(b._id.toHexString()));
  let next = ordered.length ? read(ordered[0]!) : null;
  for (let i = 0; next; i++) {
    const { unit, entries, officers } = await next;
    next = i + 1 < ordered.length ? read(ordered[i + 1]!) : null;
    // a failed read ahead surfaces when awaited, not as an unhandled rejection meanwhile
    next?.catch(() => undefined);
    const rows: Cell[][] = [];
    for (const { e, officer: id } of entries) {
      const status = statusOf(e);
      if (scope.status && status !== scope.status) continue;
      const officer = officers.get(id);
      rows.push([unit.code, unit.name, campaigns.get(e.campaignId.toHexString()) ?? '', titles.get(e.moduleId.toHexString()) ?? '', date(e.dueDate.getTime()), officer?.code ?? '', officer?.fullName ?? '', categoryLabel(e.category), statusLabel(status), e.bestScore, e.completedAt ? date(e.completedAt.getTime()) : '']);
    }
    yield rows;
  }
}

/**
 * A text cell that a spreadsheet would read as a formula (= + - @, or a leading tab / CR)
 * gets a leading apostrophe, so it stays text (OWASP "CSV injection").
 */
export function neutralise(cell: Cell): Cell {
  return typeof cell === 'string' && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

const csvField = (cell: Cell) => {
  const text = cell === null ? '' : String(neutralise(cell));
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/**
 * `write(chunk)` for `out` that resolves once `out` takes more (back-pressure). One 'drain'
 * listener for the whole export: `once('drain')` per wait leaked a listener each time on a
 * compressed response (compression moves 'drain' listeners to its gzip stream, and once's
 * clean-up removes them from the response). A closed connection ends the wait with an error.
 */
export function drainingWriter(out: Writable): (chunk: string) => Promise<void> {
  let waiting: ((error?: Error) => void) | null = null;
  const wake = (error?: Error) => {
    const resolve = waiting;
    waiting = null;
    resolve?.(error);
  };
  out.on('drain', () => wake());
  out.once('close', () => wake(new Error('the client closed the connection')));
  return (chunk) => {
    if (out.destroyed) return Promise.reject(new Error('the client closed the connection'));
    if (out.write(chunk)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      waiting = (error) => (error ? reject(error) : resolve());
    });
  };
}

const CHUNK_CHARS = 64 * 1024;

/** Writes `header` and `rows` as CSV into `out` in chunks of about 64 KB, waiting for the stream to drain (back-pressure). */
export async function writeCsv(out: Writable, header: string[], batches: AsyncIterable<Cell[][]>): Promise<number> {
  const write = drainingWriter(out);
  let chunk = `\uFEFF${header.map(csvField).join(',')}\r\n`;
  let count = 0;
  for await (const rows of batches) {
    for (const row of rows) {
      chunk += `${row.map(csvField).join(',')}\r\n`;
      count++;
      if (chunk.length >= CHUNK_CHARS) {
        await write(chunk);
        chunk = '';
      }
    }
  }
  if (chunk) await write(chunk);
  return count;
}

/** Writes `header` and `rows` as one XLSX sheet into `out`, row by row (nothing kept in memory). */
export async function writeXlsx(out: Writable, sheetName: string, header: string[], batches: AsyncIterable<Cell[][]>): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
  const sheet = workbook.addWorksheet(sheetName);
  const head = sheet.addRow(header);
  head.font = { bold: true };
  head.commit();
  let count = 0;
  for await (const rows of batches) {
    for (const row of rows) {
      sheet.addRow(row.map(neutralise)).commit();
      count++;
    }
  }
  sheet.commit();
  await workbook.commit();
  return count;
}

/** The rows of `level`, in batches (one per unit for officers: a `for await` step per row cost more than the row). */
export function rowsOf(db: Connection, level: 'unit' | 'module' | 'officer', scope: ExportScope): AsyncGenerator<Cell[][]> {
  return level === 'unit' ? unitRows(db, scope) : level === 'module' ? moduleRows(db, scope) : officerRows(db, scope);
}

