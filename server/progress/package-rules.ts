/**
 * What completes a package item (issue #14, docs/playback.md): the item's rule applied to
 * a package attempt's result. Pure functions; recordPackageResult (packages.ts) applies
 * them. 'auto', the default, depends on the package:
 * - SCORM: 'completed' — completion reported and not failed (packageAttemptDone);
 * - H5P content types that report no result (Accordion, Dialogcards, GuessTheAnswer…):
 *   'viewed' — they send no "completed" statement, so nothing else could ever count;
 * - other H5P types (scored): passed when the content says so (its own pass mark);
 *   when it reports a score but no success (a CoursePresentation without a pass mark),
 *   a score of at least AUTO_MIN_SCORE %; completed with neither, when it reports no score.
 */
import type { PackageCompletion } from '../modules/model';
import type { PackageResult } from '../playback/results';

/** The pass mark 'auto' uses for an H5P content that reports a score without success. */
export const AUTO_MIN_SCORE = 50;

/** H5P content types that report no score nor completion: 'auto' counts them once opened. */
export const UNSCORED_H5P_TYPES: ReadonlySet<string> = new Set([
  'H5P.Accordion', 'H5P.Dialogcards', 'H5P.GuessTheAnswer', 'H5P.AdvancedText', 'H5P.Image', 'H5P.ImageHotspots', 'H5P.ImageSlider', 'H5P.ImageJuxtaposition',
  'H5P.Timeline', 'H5P.Agamotto', 'H5P.Collage', 'H5P.Chart', 'H5P.Table', 'H5P.Link', 'H5P.IFrameEmbed', 'H5P.Audio', 'H5P.InformationWall', 'H5P.DocumentationTool',
]);

export interface ItemRule {
  completion?: PackageCompletion;
  minScore?: number;
}

export type RuleResult = Pick<PackageResult, 'kind' | 'completion' | 'success' | 'scoreScaled'>;

/** The rule 'auto' stands for, for a package of `kind` whose H5P main library is `mainLibrary`. */
export function autoRule(kind: PackageResult['kind'], mainLibrary: string | null): PackageCompletion {
  const unscored = kind === 'h5p' && mainLibrary !== null && UNSCORED_H5P_TYPES.has(mainLibrary);
  return kind !== 'h5p' ? 'completed' : unscored ? 'viewed' : 'auto';
}

/**
 * The 'completed' rule: the attempt is completed and did not fail. SCORM 1.2: lesson_status
 * "completed" or "passed" ("failed" maps to completion completed + success failed: not
 * done); SCORM 2004: completion_status completed and success_status not failed; H5P:
 * completed (its "success" is the content's own threshold, which the 'passed' rule uses).
 */
export function packageAttemptDone(result: Pick<RuleResult, 'kind' | 'completion' | 'success'>): boolean {
  if (result.completion !== 'completed') return false;
  return result.kind === 'h5p' || result.success !== 'failed';
}

/** True when `result` (an attempt that exists: the package was opened) completes an item of `rule`. */
export function itemRuleDone(rule: ItemRule, mainLibrary: string | null, result: RuleResult): boolean {
  const chosen = rule.completion ?? 'auto';
  const applied = chosen === 'auto' ? autoRule(result.kind, mainLibrary) : chosen;
  switch (applied) {
    case 'viewed':
      return true;
    case 'completed':
      return packageAttemptDone(result);
    case 'passed':
      return result.success === 'passed';
    case 'score':
      return result.scoreScaled !== null && result.scoreScaled * 100 >= (rule.minScore ?? 100) - 1e-9;
    default:
      // 'auto' of a scored H5P content
      if (result.success !== 'unknown') return result.success === 'passed';
      if (result.scoreScaled !== null) return result.scoreScaled * 100 >= AUTO_MIN_SCORE;
      return result.completion === 'completed';
  }
}
