/**
 * The document an upsert starts from when nothing matched: the equality conditions of the
 * filter, as MongoDB extracts them before applying the update with isUpsertInsert.
 */
import { cloneDeep, isPlainObject, isRegExpValue } from './bson-types';
import { setAt } from './update-paths';
import { EngineError } from '../errors';

/**
 * Builds the seed document for an upsert from `filter`: `{a: 1}`, `{a: {$eq: 1}}`,
 * `{a: {$in: [1]}}` (single value), and the same inside `$and` (or a one-branch `$or`)
 * become fields; dotted paths create nested documents; `_id` comes first. Other operators,
 * regexes and `$elemMatch` are ignored. A path given twice, or a path and one inside it, is
 * error 54 NotSingleValueField.
 */
export function upsertSeed(filter: Record<string, unknown>): Record<string, unknown> {
  const equalities: Array<[string, unknown]> = [];
  collectEqualities(filter ?? {}, equalities);
  checkDistinctPaths(equalities.map(([path]) => path));
  const ordered = [...equalities.filter(([p]) => p === '_id' || p.startsWith('_id.')), ...equalities.filter(([p]) => p !== '_id' && !p.startsWith('_id.'))];
  const seed: Record<string, unknown> = {};
  for (const [path, value] of ordered) setAt(seed, path.split('.'), cloneDeep(value));
  return seed;
}

function collectEqualities(filter: Record<string, unknown>, out: Array<[string, unknown]>): void {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and' || (key === '$or' && Array.isArray(condition) && condition.length === 1)) {
      for (const branch of condition as unknown[]) if (isPlainObject(branch)) collectEqualities(branch, out);
      continue;
    }
    if (key.startsWith('$')) continue;
    const value = equalityValue(condition);
    if (value !== NO_EQUALITY) out.push([key, value]);
  }
}

const NO_EQUALITY = Symbol('no equality');

/** The value a condition pins its field to, or NO_EQUALITY. */
function equalityValue(condition: unknown): unknown {
  if (isRegExpValue(condition)) return NO_EQUALITY;
  if (!isPlainObject(condition)) return condition;
  const keys = Object.keys(condition);
  if (!keys.some((k) => k.startsWith('$'))) return condition; // a literal document
  if (Object.hasOwn(condition, '$eq')) return condition.$eq;
  const values = condition.$in;
  if (Array.isArray(values) && values.length === 1 && !isRegExpValue(values[0])) return values[0];
  return NO_EQUALITY;
}

function checkDistinctPaths(paths: string[]): void {
  paths.forEach((a, i) => {
    for (const b of paths.slice(i + 1)) {
      if (a === b) throw new EngineError(54, 'NotSingleValueField', `cannot infer query fields to set, path '${a}' is matched twice`);
      const [shorter, longer] = a.length < b.length ? [a, b] : [b, a];
      if (longer.startsWith(`${shorter}.`)) {
        throw new EngineError(54, 'NotSingleValueField', `cannot infer query fields to set, both paths '${longer}' and '${shorter}' are matched`);
      }
    }
  });
}
