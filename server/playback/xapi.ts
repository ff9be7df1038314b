/**
 * H5P tracking: xAPI statements and the content's saved state, posted by the H5P player
 * (public/player/h5p-player.js) to /xapi/<token>. Like SCORM commits, each post carries
 * the player's sequence number; the state and result of a post not newer than the
 * attempt's last are ignored (a duplicate or a late arrival), its statement is still
 * stored (once per statement id). Completion, success, score and duration come from
 * "completed" / "answered" statements without a parent context (statements of
 * sub-contents have one, and do not decide the result).
 */
import { randomUUID } from 'node:crypto';
import { trusted, type Connection } from 'mongoose';
import { OUTCOME, type CommitOutcome } from './attempts';
import { attemptModel, type PackageAttempt } from './model';
import { announceResult, resultChanged } from './results';
import { seconds2004 } from './scorm';
import { readyXapiStatementModel } from './xapi-model';

export interface XapiPost {
  attemptId: string;
  session: number;
  seq: number;
  statement: unknown;
  /** the content's current state (JSON text, from getCurrentState) */
  state: string | null;
  /** the account as a statement's actor (replaces what the browser claimed) */
  actor: Record<string, unknown>;
}

const object = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const finite = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** What a statement says about the attempt, or null when it does not decide the result. */
export function resultOfStatement(statement: Record<string, unknown>): Partial<Pick<PackageAttempt, 'completion' | 'success' | 'scoreRaw' | 'scoreScaled' | 'sessionSeconds'>> | null {
  const verb = String(object(statement['verb'])['id'] ?? '');
  if (!/\/(completed|answered)$/.test(verb)) return null;
  const parent = object(object(statement['context'])['contextActivities'])['parent'];
  if (parent !== undefined && !(Array.isArray(parent) && parent.length === 0)) return null;
  const result = object(statement['result']);
  const score = object(result['score']);
  const raw = finite(score['raw']);
  const max = finite(score['max']);
  const scaled = finite(score['scaled']) ?? (raw !== null && max !== null && max > 0 ? raw / max : null);
  const out: ReturnType<typeof resultOfStatement> = { completion: 'completed' };
  if (result['success'] === true) out.success = 'passed';
  if (result['success'] === false) out.success = 'failed';
  if (raw !== null) out.scoreRaw = raw;
  if (scaled !== null) out.scoreScaled = Math.min(1, Math.max(0, scaled));
  if (typeof result['duration'] === 'string') out.sessionSeconds = seconds2004(result['duration']);
  return out;
}

/**
 * Stores the statement (if any, once per statement id, whatever the order of arrival —
 * statements are events, none may be lost) and, when the post is newer than the last one
 * applied, applies its state and result to the attempt; 'stale' when it was not newer.
 */
export async function applyXapi(db: Connection, post: XapiPost, logError: (error: unknown) => void): Promise<CommitOutcome> {
  const Attempt = attemptModel(db);
  const current = await Attempt.findById(post.attemptId).lean<PackageAttempt>();
  if (!current || current.kind !== 'h5p' || current.session !== post.session) return current && current.kind === 'h5p' ? OUTCOME.stale : OUTCOME.unknownAttempt;
  const statement = post.statement && typeof post.statement === 'object' && !Array.isArray(post.statement) ? (post.statement as Record<string, unknown>) : null;
  if (statement) await storeStatement(db, current, statement, post.actor);
  const decided = statement ? resultOfStatement(statement) : null;
  const set: Record<string, unknown> = { lastCommitSeq: post.seq };
  if (post.state !== null) set['suspendData'] = post.state.slice(0, 64_000);
  if (decided) Object.assign(set, decided);
  const before = await Attempt.findOneAndUpdate({ _id: current._id, session: post.session, lastCommitSeq: trusted({ $lt: post.seq }) }, { $set: set, $inc: { commits: 1 } }, { returnDocument: 'before' }).lean<PackageAttempt>();
  if (!before) return OUTCOME.stale;
  const after: PackageAttempt = { ...before, ...(set as Partial<PackageAttempt>), commits: before.commits + 1 };
  if (resultChanged(before, after)) await announceResult(after, logError);
  return OUTCOME.applied;
}

const STATEMENT_ID = /^[0-9a-fA-F-]{8,64}$/;

async function storeStatement(db: Connection, attempt: PackageAttempt, statement: Record<string, unknown>, actor: Record<string, unknown>): Promise<void> {
  const Statement = await readyXapiStatementModel(db);
  const given = statement['id'];
  const statementId = typeof given === 'string' && STATEMENT_ID.test(given) ? given : randomUUID();
  const verb = String(object(statement['verb'])['id'] ?? '').slice(0, 300) || 'unknown';
  const parent = object(object(statement['context'])['contextActivities'])['parent'];
  try {
    await Statement.create({
      attemptId: attempt._id,
      accountId: attempt.accountId,
      officerId: attempt.officerId,
      packageId: attempt.packageId,
      statementId,
      verb,
      topLevel: parent === undefined || (Array.isArray(parent) && parent.length === 0),
      statement: JSON.stringify({ ...statement, id: statementId, actor }).slice(0, 200_000),
      storedAt: new Date(),
    });
  } catch (error) {
    // the same statement posted again (a retry, a beacon after a fetch): stored once
    if ((error as { code?: number }).code !== 11000) throw error;
  }
}
