/**
 * First start: an installation with no modules gets the starter content (real content,
 * demo data or not — a fresh install that shows empty pages teaches nothing), and the
 * demo province gets the starter modules assigned for the current year, so the demo
 * officer has something in "Học phần của tôi" from the first sign-in.
 */
import type { Connection, Types } from 'mongoose';
import { trusted } from 'mongoose';
import { readyAssignmentModel } from '../assignments/model';
import { moduleModel } from '../modules/model';
import type { Env } from '../env';
import { problemText } from './format';
import { ContentProblems, loadContent, provinceRootId, type LoadSummary } from './loader';

const YEAR_FORMAT = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' });

/** The year in Asia/Ho_Chi_Minh at `now`. */
export function trainingYear(now = new Date()): number {
  return Number(YEAR_FORMAT.format(now));
}

/** 31/12 of `year` (the day, at 00:00 Asia/Ho_Chi_Minh: the end of that day is the deadline). */
export function yearEnd(year: number): Date {
  return new Date(`${year}-12-31T00:00:00+07:00`);
}

/**
 * Loads the starter content when the database has no module yet; null when it had some.
 * Bad content (a CONTENT_DIR being edited) is reported to `warn` and skipped: the
 * platform still starts, and `npm run content:load` loads it once fixed. `config` says
 * where the starter's H5P/SCORM packages are stored.
 */
export async function loadStarterContent(db: Connection, dir?: string, warn: (message: string) => void = () => undefined, config?: Env): Promise<LoadSummary | null> {
  if (await moduleModel(db).exists({})) return null;
  try {
    return await loadContent(db, { ...(dir ? { dir } : {}), ...(config ? { config } : {}) });
  } catch (error) {
    if (error instanceof ContentProblems) {
      warn(`starter content not loaded, ${error.problems.length} problem(s):\n${error.problems.map((p) => `  ${problemText(p)}`).join('\n')}`);
      return null;
    }
    // another instance sharing the database loaded it at the same moment (unique code)
    if ((error as { code?: number }).code === 11000) return null;
    throw error;
  }
}

/**
 * Assigns the modules `codes` to the province root for the current year, due 31/12,
 * skipping modules that already have an assignment this year. Returns how many were made.
 */
export async function assignStarterModules(db: Connection, codes: readonly string[], now = new Date()): Promise<number> {
  const rootId = await provinceRootId(db);
  if (!rootId || codes.length === 0) return 0;
  const year = trainingYear(now);
  const modules = await moduleModel(db).find({ code: trusted({ $in: [...codes] }) }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
  const Assignment = await readyAssignmentModel(db);
  const assigned = new Set((await Assignment.find({ year, moduleId: trusted({ $in: modules.map((m) => m._id) }) }, { moduleId: 1 }).lean()).map((a) => String(a.moduleId)));
  const missing = modules.filter((m) => !assigned.has(String(m._id)));
  if (missing.length === 0) return 0;
  await Assignment.insertMany(missing.map((m) => ({ moduleId: m._id, year, unitId: rootId, officerIds: [], dueDate: yearEnd(year), active: true, createdBy: null })));
  return missing.length;
}
