/**
 * SCORM data in and out: what a commit (scorm-again's JSON rendering of the CMI object)
 * means for an attempt, and what a resumed session is given back. Pure functions; the
 * database work is in attempts.ts.
 */
import type { ScoRules } from '../packages/scorm-manifest';
import type { PackageAttempt } from './model';

export type ScormKind = 'scorm12' | 'scorm2004';

/** The attempt fields a commit decides. */
export type CommitFields = Pick<PackageAttempt, 'lessonStatus' | 'completion' | 'success' | 'scoreRaw' | 'scoreScaled' | 'location' | 'suspendData' | 'exit' | 'sessionSeconds'>;

const object = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const text = (value: unknown, max = 65_536): string => (typeof value === 'string' ? value.slice(0, max) : typeof value === 'number' ? String(value) : '');
function number(value: unknown): number | null {
  if (value === '' || value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
const clamp01 = (n: number) => Math.min(1, Math.max(0, n));

/** Seconds of a SCORM 1.2 CMITimespan "HHHH:MM:SS.SS" (0 when malformed). */
export function seconds12(value: string): number {
  const m = /^(\d{2,4}):([0-5]\d):([0-5]\d(?:\.\d{1,2})?)$/.exec(value.trim());
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : 0;
}

/** Seconds of an ISO 8601 duration as SCORM 2004 writes it ("PT1H2M3.5S", "P1DT2H"); 0 when malformed. */
export function seconds2004(value: string): number {
  const m = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value.trim());
  if (!m || value.trim() === 'P' || value.trim().endsWith('T')) return 0;
  const [, y, mo, d, h, mi, s] = m.map((part) => Number(part ?? 0));
  return y! * 365 * 86400 + mo! * 30 * 86400 + d! * 86400 + h! * 3600 + mi! * 60 + s!;
}

/** A SCORM 1.2 CMITimespan for `total` seconds. */
export function timespan12(total: number): string {
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total - h * 3600 - m * 60;
  return `${String(Math.min(h, 9999)).padStart(4, '0')}:${String(m).padStart(2, '0')}:${s.toFixed(2).padStart(5, '0')}`;
}

/** An ISO 8601 duration for `total` seconds (hundredths kept). */
export function duration2004(total: number): string {
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = Math.round((total - h * 3600 - m * 60) * 100) / 100;
  return `PT${h}H${m}M${s}S`;
}

/**
 * SCORM 1.2's lesson status after the LMS's own rules (docs/playback.md): a SCO still
 * "not attempted" (or silent) at LMSFinish is "completed" (RTE 3.4.4, as Moodle does);
 * with a mastery score, a score decides "passed" / "failed" when the SCO did not say
 * either itself — at LMSFinish, or as soon as it claims "completed".
 */
function lessonStatus12(status: string, raw: number | null, credit: string, rules: ScoRules, final: boolean): string {
  let decided = status;
  if (final && (decided === '' || decided === 'not attempted')) decided = 'completed';
  const mastery = rules.masteryScore;
  if (mastery !== undefined && raw !== null && credit !== 'no-credit' && decided !== 'passed' && decided !== 'failed' && (final || decided === 'completed')) decided = raw >= mastery ? 'passed' : 'failed';
  return decided;
}

/**
 * What the CMI object of a commit says about the attempt, judged by the SCO's `rules`
 * (mastery score, scaled passing score, completion threshold); `final` is LMSFinish / Terminate.
 */
export function fieldsOfCommit(kind: ScormKind, cmiValue: unknown, rules: ScoRules = {}, final = false): CommitFields {
  const cmi = object(cmiValue);
  if (kind === 'scorm12') {
    const core = object(cmi['core']);
    const score = object(core['score']);
    const raw = number(score['raw']);
    const min = number(score['min']);
    const max = number(score['max']);
    const status = lessonStatus12(text(core['lesson_status'], 32), raw, text(core['credit'], 16), rules, final);
    const scaled = raw === null ? null : clamp01(min !== null && max !== null && max > min ? (raw - min) / (max - min) : raw / 100);
    return {
      lessonStatus: status || null,
      completion: status === 'passed' || status === 'failed' || status === 'completed' ? 'completed' : status === 'incomplete' || status === 'browsed' ? 'incomplete' : status === 'not attempted' ? 'not_attempted' : 'unknown',
      success: status === 'passed' ? 'passed' : status === 'failed' ? 'failed' : 'unknown',
      scoreRaw: raw,
      scoreScaled: scaled,
      location: text(core['lesson_location'], 255),
      suspendData: text(cmi['suspend_data'], 4096),
      exit: text(core['exit'], 32),
      sessionSeconds: seconds12(text(core['session_time'], 32)),
    };
  }
  const score = object(cmi['score']);
  const scaled = number(score['scaled']);
  const progress = number(cmi['progress_measure']);
  // SCORM 2004 RTE 4.2.4 / 4.2.22: with a threshold or a passing score, the LMS evaluates the status
  const completion = rules.completionThreshold !== undefined && progress !== null ? (progress >= rules.completionThreshold ? 'completed' : 'incomplete') : text(cmi['completion_status'], 32);
  const success = rules.scaledPassingScore !== undefined && scaled !== null ? (scaled >= rules.scaledPassingScore ? 'passed' : 'failed') : text(cmi['success_status'], 32);
  return {
    lessonStatus: null,
    completion: completion === 'completed' ? 'completed' : completion === 'incomplete' ? 'incomplete' : completion === 'not attempted' ? 'not_attempted' : 'unknown',
    success: success === 'passed' ? 'passed' : success === 'failed' ? 'failed' : 'unknown',
    scoreRaw: number(score['raw']),
    scoreScaled: scaled === null ? null : clamp01(scaled),
    location: text(cmi['location'], 1000),
    suspendData: text(cmi['suspend_data'], 64_000),
    exit: text(cmi['exit'], 32),
    sessionSeconds: seconds2004(text(cmi['session_time'], 64)),
  };
}

/**
 * A copy of a commit's CMI object that is safe to store: no keys a database would read as
 * operators or paths ("$…", "a.b"), nesting and sizes bounded.
 */
export function storableCmi(value: unknown, depth = 0): unknown {
  if (depth > 8) return null;
  if (typeof value === 'string') return value.slice(0, 65_536);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value)) return value.slice(0, 1000).map((v) => storableCmi(v, depth + 1));
  if (typeof value !== 'object') return null;
  const out: Record<string, unknown> = {};
  let count = 0;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key.startsWith('$') || key.includes('.') || key.length > 100 || ++count > 1000) continue;
    out[key] = storableCmi(v, depth + 1);
  }
  return out;
}

/**
 * Whether a final commit (LMSFinish / Terminate) ends the attempt. SCORM 2004 follows
 * cmi.exit: "suspend" keeps it, anything else ends it. SCORM 1.2 keeps an attempt that is
 * not completed (exit "" included) unless the SCO said "logout" or "time-out", and keeps
 * any attempt left with "suspend".
 */
export function endsAttempt(kind: ScormKind, fields: Pick<CommitFields, 'exit' | 'completion'>): boolean {
  if (fields.exit === 'suspend') return false;
  if (kind === 'scorm2004') return true;
  return fields.exit === 'logout' || fields.exit === 'time-out' || fields.completion === 'completed';
}

/** What the player gives scorm-again (loadFromJSON) when an opening starts. */
export interface LaunchData {
  /** passed to loadFromJSON before the SCO starts */
  cmi: Record<string, unknown>;
  /** cmi.core.entry (1.2) / cmi.entry (2004) */
  entry: string;
  /** cmi.core.lesson_mode (1.2) / cmi.mode (2004) and the credit: a review is "review", "no-credit" */
  mode: 'normal' | 'review';
}

/**
 * The CMI values of a new session: the learner, the SCO's mastery rules, the time so far
 * and the saved state of a continued attempt. Entry "resume": SCORM 2004 when the last
 * exit was "suspend" (otherwise the attempt would have ended); SCORM 1.2 whenever an
 * attempt is continued — an incomplete 1.2 attempt stays open whatever its exit
 * (applyCommit), as Moodle does, because exporters such as Adapt leave exit empty.
 */
export function launchData(kind: ScormKind, attempt: PackageAttempt, learner: { id: string; name: string }, rules: ScoRules = {}, review = false): LaunchData {
  // a review shows the completed attempt's saved state, entered neither fresh nor resumed
  const fresh = !review && (attempt.session <= 1 || attempt.commits === 0);
  const resume = !review && (kind === 'scorm12' ? !fresh : attempt.exit === 'suspend' && attempt.session > 1);
  const mode = review ? 'review' : 'normal';
  const saved = object(attempt.cmi);
  if (kind === 'scorm12') {
    const core: Record<string, unknown> = { student_id: learner.id, student_name: learner.name, total_time: timespan12(attempt.priorSeconds) };
    if (!fresh) {
      const savedCore = object(saved['core']);
      core['lesson_location'] = attempt.location;
      if (attempt.lessonStatus) core['lesson_status'] = attempt.lessonStatus;
      const score = object(savedCore['score']);
      if (Object.keys(score).length) core['score'] = { raw: text(score['raw'], 16), min: text(score['min'], 16), max: text(score['max'], 16) };
    }
    const studentData = rules.masteryScore === undefined ? {} : { student_data: { mastery_score: String(rules.masteryScore) } };
    return { cmi: { core, ...studentData, ...(fresh ? {} : { suspend_data: attempt.suspendData }) }, entry: resume ? 'resume' : fresh ? 'ab-initio' : '', mode };
  }
  const cmi: Record<string, unknown> = { learner_id: learner.id, learner_name: learner.name, total_time: duration2004(attempt.priorSeconds) };
  if (rules.scaledPassingScore !== undefined) cmi['scaled_passing_score'] = String(rules.scaledPassingScore);
  if (rules.completionThreshold !== undefined) cmi['completion_threshold'] = String(rules.completionThreshold);
  if (!fresh) {
    cmi['location'] = attempt.location;
    cmi['suspend_data'] = attempt.suspendData;
    const completion = text(saved['completion_status'], 32);
    const success = text(saved['success_status'], 32);
    if (completion) cmi['completion_status'] = completion;
    if (success) cmi['success_status'] = success;
    const score = object(saved['score']);
    const cleanScore = Object.fromEntries(['scaled', 'raw', 'min', 'max'].filter((k) => text(score[k], 16) !== '').map((k) => [k, text(score[k], 16)]));
    if (Object.keys(cleanScore).length) cmi['score'] = cleanScore;
  }
  return { cmi, entry: resume ? 'resume' : fresh ? 'ab-initio' : '', mode };
}
