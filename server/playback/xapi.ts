/**
 * H5P tracking: xAPI statements and the content's saved state, posted by the H5P player
 * (public/player/h5p-player.js) to /xapi/<token>. Like SCORM commits, each post carries
 * the player's sequence number; one not newer than the attempt's last is ignored (a
 * duplicate or a late arrival). Completion, success, score and duration come from
 * "completed" / "answered" statements without a parent context (statements of
 * sub-contents have one, and do not decide the result).
 */
import type { Connection } from 'mongoose';
import { trusted } from 'mongoose';
import { attemptModel, type PackageAttempt } from './model';
import { announceResult, resultChanged } from './results';
import { seconds2004 } from './scorm';
import { xapiStatementModel } from './xapi-model';

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

/** Stores the statement (if any) and applies it and the state to the attempt; 'stale' when the post is not newer. */
export async function applyXapi(db: Connection, post: XapiPost, logError: (error: unknown) => void): Promise<'applied' | 'stale' | 'unknown_attempt'> {
  const Attempt = attemptModel(db);
  const before = await Attempt.findById(post.attemptId).lean<PackageAttempt>();
  if (!before || before.kind !== 'h5p') return 'unknown_attempt';
  if (before.session !== post.session || post.seq <= before.lastCommitSeq) return 'stale';
  const statement = post.statement && typeof post.statement === 'object' && !Array.isArray(post.statement) ? (post.statement as Record<string, unknown>) : null;
  const decided = statement ? resultOfStatement(statement) : null;
  const set: Record<string, unknown> = { lastCommitSeq: post.seq };
  if (post.state !== null) set['suspendData'] = post.state.slice(0, 64_000);
  if (decided) {
    Object.assign(set, decided);
  }
  const after = await Attempt.findOneAndUpdate({ _id: before._id, session: post.session, lastCommitSeq: trusted({ $lt: post.seq }) }, { $set: set, $inc: { commits: 1 } }, { returnDocument: 'after' }).lean<PackageAttempt>();
  if (!after) return 'stale';
  if (statement) {
    const verb = String(object(statement['verb'])['id'] ?? '').slice(0, 300) || 'unknown';
    const parent = object(object(statement['context'])['contextActivities'])['parent'];
    await xapiStatementModel(db).create({
      attemptId: after._id,
      accountId: after.accountId,
      officerId: after.officerId,
      packageId: after.packageId,
      verb,
      topLevel: parent === undefined || (Array.isArray(parent) && parent.length === 0),
      statement: JSON.stringify({ ...statement, actor: post.actor }).slice(0, 200_000),
      storedAt: new Date(),
    });
  }
  if (resultChanged(before, after)) await announceResult(after, logError);
  return 'applied';
}
