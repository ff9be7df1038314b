/**
 * Opening a package (create or resume an attempt, start a new session of it) and
 * applying commits. Both are single conditional updates, so two tabs or a late,
 * duplicated or reordered commit can never interleave into a half-applied state.
 */
import { trusted, type Connection } from 'mongoose';
import { readyAttemptModel, attemptModel, type PackageAttempt } from './model';
import type { ScoRules } from '../packages/scorm-manifest';
import { endsAttempt, fieldsOfCommit, storableCmi, type ScormKind } from './scorm';
import { announceResult, resultChanged } from './results';

/** Who opens which package (SCO), where: the attempt fields an opening decides. */
export type Opening = Pick<PackageAttempt, 'officerId' | 'accountId' | 'packageId' | 'kind' | 'scoIdentifier' | 'context' | 'preview'>;

/** An opened attempt; `review`: a completed attempt shown again, read-only (nothing it commits is kept). */
export interface OpenedAttempt {
  attempt: PackageAttempt;
  review: boolean;
}

/**
 * Whether reopening `latest` shows it for review instead of starting attempt n+1: a
 * learner's SCORM attempt that finished completed (docs/playback.md, "reopening a
 * completed attempt"). Previews (authors trying their package) always start again; an
 * attempt that ended without completion (1.2 "logout", 2004 exit "") is retried.
 */
export const reviewsOnReopen = (latest: Pick<PackageAttempt, 'status' | 'completion' | 'kind' | 'preview'>): boolean => latest.status === 'finished' && latest.completion === 'completed' && latest.kind !== 'h5p' && !latest.preview;

/**
 * The attempt the learner continues — the latest unfinished one, a completed one for
 * review (`reviewsOnReopen`), or a new one after another finished attempt or when the
 * learner asks for one (`fresh`) — with its session counter moved on: the previous
 * session's time is folded into `priorSeconds` here, once, and the commit counter starts again.
 */
export async function openAttempt(db: Connection, opening: Opening, fresh = false): Promise<OpenedAttempt> {
  const Attempt = await readyAttemptModel(db);
  const key = { accountId: opening.accountId, packageId: opening.packageId, scoIdentifier: opening.scoIdentifier, context: opening.context };
  for (let tries = 0; tries < 5; tries++) {
    const latest = await Attempt.findOne(key).sort({ number: -1 }).lean<PackageAttempt>();
    if (latest && !fresh && reviewsOnReopen(latest)) return { attempt: latest, review: true };
    if (!latest || latest.status === 'finished') {
      const created = await Attempt.create({ ...opening, number: (latest?.number ?? 0) + 1, session: 1 });
      return { attempt: created.toObject() as PackageAttempt, review: false };
    }
    const updated = await Attempt.findOneAndUpdate(
      { _id: latest._id, session: latest.session, status: 'active' },
      { $set: { session: latest.session + 1, lastCommitSeq: 0, priorSeconds: latest.priorSeconds + latest.sessionSeconds, sessionSeconds: 0 } },
      { returnDocument: 'after' },
    ).lean<PackageAttempt>();
    if (updated) return { attempt: updated, review: false };
    // another opening or a final commit got there first: look again
  }
  throw new Error('could not open the package attempt (too much contention)');
}

export interface Commit {
  attemptId: string;
  session: number;
  seq: number;
  kind: ScormKind;
  cmi: unknown;
  final: boolean;
  /** the SCO's mastery rules (from the playback token) */
  rules?: ScoRules;
}

/** applied, or why nothing changed: stale (a duplicate / older commit, an older session, a finished attempt), unknown_attempt. */
export const OUTCOME = { applied: 'applied', stale: 'stale', unknownAttempt: 'unknown_attempt' } as const;
export type CommitOutcome = (typeof OUTCOME)[keyof typeof OUTCOME];

/**
 * Applies a commit if it is newer than everything applied in its session: the fields it
 * decides, the stored CMI, the time (previous sessions + this session's latest report)
 * and, when it is the final commit that ends the attempt (endsAttempt), its end.
 * Listeners of results.ts hear about changed results.
 */
export interface Applied {
  outcome: CommitOutcome;
  /** the attempt after the commit, when its result changed (listeners were told) */
  changed: PackageAttempt | null;
}

export async function applyCommit(db: Connection, commit: Commit, logError: (error: unknown) => void): Promise<Applied> {
  const Attempt = attemptModel(db);
  const fields = fieldsOfCommit(commit.kind, commit.cmi, commit.rules, commit.final);
  const finished = commit.final && endsAttempt(commit.kind, fields);
  const set = { ...fields, cmi: storableCmi(commit.cmi) as Record<string, unknown>, lastCommitSeq: commit.seq, ...(finished ? { status: 'finished' as const, finishedAt: new Date() } : {}) };
  // one conditional update (the commit rate is what a province's peak needs): the document
  // as it was comes back, and the new one is that plus `set`
  const before = await Attempt.findOneAndUpdate(
    { _id: commit.attemptId, kind: commit.kind, session: commit.session, status: 'active', lastCommitSeq: trusted({ $lt: commit.seq }) },
    { $set: set, $inc: { commits: 1 } },
    // the stored CMI object is the bulk of the document and not needed to compare results
    { returnDocument: 'before', projection: { cmi: 0 } },
  ).lean<PackageAttempt>();
  if (!before) return { outcome: (await Attempt.exists({ _id: commit.attemptId, kind: commit.kind })) ? OUTCOME.stale : OUTCOME.unknownAttempt, changed: null };
  const after: PackageAttempt = { ...before, ...set, commits: before.commits + 1 };
  if (!resultChanged(before, after)) return { outcome: OUTCOME.applied, changed: null };
  await announceResult(after, logError);
  return { outcome: OUTCOME.applied, changed: after };
}
