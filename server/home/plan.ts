/**
 * The officer's own plan on their home page: this year's modules of their enrolments
 * with due dates and where they stand ("còn N ngày", "quá hạn N ngày", "Đã hoàn thành
 * dd/mm/yyyy", exempt), their notices (reminders, due dates moved, exemptions), and past
 * years' completions with dates and scores. The home route has authorized the account.
 */
import type { Connection, Types } from 'mongoose';
import { vietnamDate, vietnamDay } from '../campaigns/dates';
import type { Enrolment } from '../campaigns/model';
import { recentNotices } from '../campaigns/notices';
import { t, type Locale, type MessageId } from '../i18n';
import type { ModuleProgress } from '../progress/model';
import { loadOfficerYear, readModuleFacts, type OfficerYearRows } from '../progress/my-modules';
import { trainingYear } from '../progress/year';
import { daysBetween } from '../reminders/schedule';

export interface PlanLine {
  moduleId: string;
  title: string;
  due: string;
  /** what the line says about it, with its parameters */
  standing: { id: MessageId; params: Record<string, string | number> };
  tone: 'done' | 'late' | 'soon' | 'exempt' | 'open';
  /** a link to learn, while there is something to learn */
  learn: boolean;
}

/** The modules' titles (as planned: the draft's), from those already read where the home page has them. */
async function titles(db: Connection, ids: Types.ObjectId[], known?: OfficerYearRows['modules']): Promise<Map<string, string>> {
  const found = await readModuleFacts(db, ids, known);
  return new Map([...found.values()].map((m) => [m._id.toHexString(), m.draft.title]));
}

/** A module's standing on `today` (yyyy-mm-dd). */
function standing(e: Pick<Enrolment, 'state' | 'dueDate'>, progress: Pick<ModuleProgress, 'status' | 'completedAt'> | undefined, today: string): Pick<PlanLine, 'standing' | 'tone' | 'learn'> {
  if (progress?.status === 'completed' && progress.completedAt) return { standing: { id: 'home_plan_completed', params: { date: vietnamDate(progress.completedAt) } }, tone: 'done', learn: false };
  if (e.state === 'exempt') return { standing: { id: 'home_plan_exempt', params: {} }, tone: 'exempt', learn: false };
  const left = daysBetween(today, vietnamDay(e.dueDate));
  if (left < 0) return { standing: { id: 'home_plan_overdue', params: { days: -left } }, tone: 'late', learn: true };
  if (left === 0) return { standing: { id: 'home_plan_due_today', params: {} }, tone: 'late', learn: true };
  return { standing: { id: 'home_plan_days_left', params: { days: left } }, tone: left <= 14 ? 'soon' : 'open', learn: true };
}

/**
 * The plan of `officerId` at `now`, its notices in `locale`, and past years. `rows`: the
 * officer's enrolments and progress of the year as the home page already loaded them
 * for "Học phần của tôi" (server/progress/my-modules.ts), read here otherwise.
 */
export async function officerPlan(db: Connection, officerId: Types.ObjectId, locale: Locale, now: Date, rows?: OfficerYearRows) {
  const year = trainingYear(now);
  const today = vietnamDay(now);
  const [loaded, notices] = await Promise.all([rows ?? loadOfficerYear(db, officerId, year), recentNotices(db, officerId, 10)]);
  const enrolments = [...loaded.enrolments].sort((a, b) => a.dueDate.getTime() - b.dueDate.getTime());
  const progress = loaded.progresses;
  // a module in two campaigns of the year is one line: the earliest due date
  const byModule = new Map<string, (typeof enrolments)[number]>();
  for (const e of enrolments) if (!byModule.has(e.moduleId.toHexString())) byModule.set(e.moduleId.toHexString(), e);
  const past = progress.filter((p) => p.year < year && p.status === 'completed');
  const names = await titles(db, [...new Map([...enrolments, ...past].map((x) => [x.moduleId.toHexString(), x.moduleId])).values()], loaded.modules);
  const thisYear = new Map(progress.filter((p) => p.year === year).map((p) => [p.moduleId.toHexString(), p]));
  const lines: PlanLine[] = [...byModule.values()].map((e) => ({ moduleId: e.moduleId.toHexString(), title: names.get(e.moduleId.toHexString()) ?? '', due: vietnamDate(e.dueDate), ...standing(e, thisYear.get(e.moduleId.toHexString()), today) }));
  const years = [...new Set(past.map((p) => p.year))].sort((a, b) => b - a);
  const history = years.map((y) => ({
    year: y,
    modules: past
      .filter((p) => p.year === y)
      .sort((a, b) => (a.completedAt?.getTime() ?? 0) - (b.completedAt?.getTime() ?? 0))
      .map((p) => ({ title: names.get(p.moduleId.toHexString()) ?? '', date: p.completedAt ? vietnamDate(p.completedAt) : '—', score: p.bestScore })),
  }));
  return { year, lines, notices: notices.map((n) => ({ text: t(locale, n.message, n.params), at: n.createdAt })), history };
}
