/**
 * The hook between package playback and module progress. Whenever an accepted commit
 * changes an attempt's completion, success or score (or finishes the attempt), every
 * listener is called with the attempt's result. Module items that hold packages listen
 * here (after the merge with issue #4: `onPackageProgress(result => rollUp(...))` in the
 * progress domain), and roll `result.context` (module, item, year) into module_progress.
 *
 * Listeners run after the attempt is saved, one after the other, awaited by the commit
 * that caused the change; a failing listener is logged and does not refuse the commit
 * (the attempt is the record of truth: a roll-up can be rebuilt from it).
 * Preview attempts (a coordinator trying a package) are reported too, with `preview: true`;
 * progress listeners should ignore them.
 */
import type { Types } from 'mongoose';
import { attemptSeconds, type PackageAttempt } from './model';

/** What listeners hear: the attempt's identity, place and result (scoreScaled is 0…1). */
export interface PackageResult
  extends Pick<PackageAttempt, 'officerId' | 'accountId' | 'packageId' | 'kind' | 'scoIdentifier' | 'context' | 'preview' | 'completion' | 'success' | 'scoreRaw' | 'scoreScaled'> {
  attemptId: Types.ObjectId;
  /** seconds spent on the attempt, all sessions */
  totalSeconds: number;
  finished: boolean;
}

export type PackageProgressListener = (result: PackageResult) => void | Promise<void>;

const listeners = new Set<PackageProgressListener>();

/** Registers `listener` for every change of a package attempt's result; returns a function that removes it. */
export function onPackageProgress(listener: PackageProgressListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function resultOf(attempt: PackageAttempt): PackageResult {
  return {
    attemptId: attempt._id,
    officerId: attempt.officerId,
    accountId: attempt.accountId,
    packageId: attempt.packageId,
    kind: attempt.kind,
    scoIdentifier: attempt.scoIdentifier,
    context: attempt.context,
    preview: attempt.preview,
    completion: attempt.completion,
    success: attempt.success,
    scoreRaw: attempt.scoreRaw,
    scoreScaled: attempt.scoreScaled,
    totalSeconds: attemptSeconds(attempt),
    finished: attempt.status === 'finished',
  };
}

/** True when the parts of an attempt listeners care about differ. */
export function resultChanged(before: PackageAttempt, after: PackageAttempt): boolean {
  return before.completion !== after.completion || before.success !== after.success || before.scoreRaw !== after.scoreRaw || before.scoreScaled !== after.scoreScaled || before.status !== after.status;
}

/** Tells every listener; errors go to `logError`, never to the caller. */
export async function announceResult(attempt: PackageAttempt, logError: (error: unknown) => void): Promise<void> {
  const result = resultOf(attempt);
  for (const listener of [...listeners]) {
    try {
      await listener(result);
    } catch (error) {
      logError(error);
    }
  }
}
