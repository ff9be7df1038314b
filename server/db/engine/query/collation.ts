/**
 * Collation (locale-aware string comparison) with the ICU data Node ships, through
 * Intl.Collator: `locale` ("vi", "en", …, or "simple" for binary order), `strength` 1–3,
 * `numericOrdering`, `caseFirst`, `caseLevel`. Strings compare with the collator; every
 * other type keeps BSON order. Options ICU would need beyond Intl.Collator (`alternate`,
 * `maxVariable`, `backwards`) are refused by name rather than ignored.
 *
 * The comparison query operators and the sort comparator read the collator of the
 * command being run (`withCollation`), because mingo builds them without a way to pass it.
 */
import type { Document } from 'bson';
import { errors } from '../errors';
import { isPlainObject } from './bson-types';

export interface Collator {
  compare(a: string, b: string): number;
  /** The collation as MongoDB reports it (listIndexes, listCollections). */
  spec: Document;
  /** The same with a BCP 47 locale ("en-US" for "en_US"), as mingo's `$sort` hands it to Intl. */
  intlSpec: Document;
}

const STRENGTH_TO_SENSITIVITY: Record<number, Intl.CollatorOptions['sensitivity']> = { 1: 'base', 2: 'accent', 3: 'variant' };
const KNOWN_FIELDS = new Set(['locale', 'strength', 'numericOrdering', 'caseFirst', 'caseLevel', 'alternate', 'maxVariable', 'backwards', 'normalization', 'version']);
const cache = new Map<string, Collator | null>();

/** Parses a `collation` document; null for absent or `{locale: 'simple'}` (binary order). */
export function parseCollation(raw: unknown): Collator | null {
  if (raw === undefined || raw === null) return null;
  if (!isPlainObject(raw)) throw errors.typeMismatch("BSON field 'collation' is the wrong type, expected type 'object'");
  const key = JSON.stringify(raw);
  if (cache.has(key)) return cache.get(key)!;
  const collator = build(raw);
  if (cache.size > 100) cache.clear(); // specs come from requests: keep the cache bounded
  cache.set(key, collator);
  return collator;
}

function build(raw: Record<string, unknown>): Collator | null {
  for (const field of Object.keys(raw)) {
    if (!KNOWN_FIELDS.has(field)) throw errors.failedToParse(`unknown collation option: ${field}`);
  }
  const locale = raw.locale;
  if (typeof locale !== 'string') throw errors.failedToParse("missing 'locale' field in collation");
  if (locale === 'simple') return null;
  if (raw.alternate !== undefined && raw.alternate !== 'non-ignorable') throw errors.notImplemented(`collation alternate '${String(raw.alternate)}' is not supported by the embedded engine`);
  if (raw.backwards === true) throw errors.notImplemented('collation backwards: true is not supported by the embedded engine');
  const strength = raw.strength === undefined ? 3 : Number(raw.strength);
  if (!Number.isInteger(strength) || strength < 1 || strength > 5) throw errors.badValue(`collation strength must be an integer 1 to 5, got ${String(raw.strength)}`);
  if (strength > 3) throw errors.notImplemented(`collation strength ${strength} is not supported by the embedded engine (1 to 3 are)`);
  const icuLocale = locale.replace(/@.*$/, '').replace(/_/g, '-');
  if (Intl.Collator.supportedLocalesOf([icuLocale]).length === 0) throw errors.badValue(`Field 'locale' is invalid in: { locale: "${locale}" }`);
  const caseFirst = raw.caseFirst === 'upper' || raw.caseFirst === 'lower' ? raw.caseFirst : 'false';
  // caseLevel with strength 1 compares base letters and case, not accents ("case" sensitivity)
  const sensitivity = strength === 1 && raw.caseLevel === true ? 'case' : STRENGTH_TO_SENSITIVITY[strength];
  const intl = new Intl.Collator(icuLocale, { sensitivity, numeric: raw.numericOrdering === true, caseFirst, usage: 'sort' });
  const spec: Document = {
    locale, caseLevel: raw.caseLevel === true, caseFirst: raw.caseFirst ?? 'off', strength,
    numericOrdering: raw.numericOrdering === true, alternate: 'non-ignorable', maxVariable: 'punct',
    normalization: raw.normalization === true, backwards: false, version: '57.1',
  };
  return { compare: (a, b) => intl.compare(a, b), spec, intlSpec: { ...spec, locale: icuLocale } };
}

let active: Collator | null = null;

/** The collator of the command being run (null: binary order). */
export function activeCollator(): Collator | null {
  return active;
}

/** Runs `fn` (synchronously) with `collator` as the active one. */
export function withCollation<T>(collator: Collator | null, fn: () => T): T {
  const previous = active;
  active = collator;
  try {
    return fn();
  } finally {
    active = previous;
  }
}
