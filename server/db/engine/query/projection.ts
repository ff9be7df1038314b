/**
 * Applies find projections to promoted documents: inclusion / exclusion (with nested and
 * dotted paths, through arrays of subdocuments), `_id` rules, `$slice`, `$elemMatch` and the
 * positional `field.$`.
 */
import { isPlainObject } from './bson-types';
import { matchedArrayIndex, mingoMatcher, type Matcher } from './match';
import { isParsedProjection, parseProjection, type ParsedProjection, type ProjectionAction, type ProjectionNode } from './projection-parse';
import { EngineError } from '../errors';

export { parseProjection, type ParsedProjection } from './projection-parse';

/** Marks "leave this field out of the result". */
const OMIT = Symbol('omit');

interface ApplyContext {
  rootDoc: Record<string, unknown>;
  query: Record<string, unknown> | undefined;
  matcher: Matcher;
}

/**
 * Returns a new document with `projection` applied to `doc` (the input is not modified).
 * `projection` may be a projection document (validated here) or the result of
 * {@link parseProjection}. `matchedQuery` is the find filter, needed by `field.$`.
 * An empty projection returns the document unchanged.
 */
export function applyProjection(
  doc: Record<string, unknown>,
  projection: Record<string, unknown> | ParsedProjection,
  matchedQuery?: Record<string, unknown>,
  matcher: Matcher = mingoMatcher,
): Record<string, unknown> {
  const parsed = isParsedProjection(projection) ? projection : parseProjection(projection);
  if (parsed.positionalPath !== undefined && !matchedQuery) {
    throw new EngineError(51050, 'Location51050', 'Projections with a positional operator require a matcher');
  }
  const ctx: ApplyContext = { rootDoc: doc, query: matchedQuery, matcher };
  return parsed.mode === 'inclusion' ? includeFields(doc, parsed.root, ctx, '') : excludeFields(doc, parsed.root, ctx, '');
}

/**
 * Inclusion: keep only the projected fields, in document order, except that `$elemMatch`
 * fields come after the other inclusions (MongoDB 4.4+).
 */
function includeFields(obj: Record<string, unknown>, node: ProjectionNode, ctx: ApplyContext, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const elemMatched: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(obj)) {
    const child = node.children.get(key);
    if (!child) continue;
    const path = prefix + key;
    const projected = child.action ? applyIncludedAction(value, child.action, ctx, path) : includeNested(value, child, ctx, `${path}.`);
    if (projected === OMIT) continue;
    if (child.action?.kind === 'elemMatch') elemMatched.push([key, projected]);
    else out[key] = projected;
  }
  for (const [key, projected] of elemMatched) out[key] = projected;
  return out;
}

/** A sub-projection reaches into documents, and into arrays element by element. */
function includeNested(value: unknown, node: ProjectionNode, ctx: ApplyContext, prefix: string): unknown {
  if (isPlainObject(value)) return includeFields(value, node, ctx, prefix);
  if (!Array.isArray(value)) return OMIT;
  const out: unknown[] = [];
  for (const element of value) {
    // Scalars inside the array have none of the projected fields, so they are dropped.
    const projected = isPlainObject(element) || Array.isArray(element) ? includeNested(element, node, ctx, prefix) : OMIT;
    if (projected !== OMIT) out.push(projected);
  }
  return out;
}

function applyIncludedAction(value: unknown, action: ProjectionAction, ctx: ApplyContext, path: string): unknown {
  switch (action.kind) {
    case 'include':
      return value;
    case 'exclude':
      return OMIT; // only `_id: 0` reaches here in an inclusion projection
    case 'slice':
      return sliceArray(value, action);
    case 'elemMatch':
      return firstElementMatching(value, action.condition, ctx.matcher);
    case 'positional':
      return positionalElement(value, ctx, path);
  }
}

/** Exclusion: keep everything except the excluded fields. */
function excludeFields(obj: Record<string, unknown>, node: ProjectionNode, ctx: ApplyContext, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    const child = node.children.get(key);
    if (!child) {
      out[key] = value;
      continue;
    }
    if (child.action?.kind === 'exclude') continue;
    out[key] = child.action ? applyExcludedAction(value, child.action) : excludeNested(value, child, ctx, `${prefix}${key}.`);
  }
  return out;
}

function excludeNested(value: unknown, node: ProjectionNode, ctx: ApplyContext, prefix: string): unknown {
  if (isPlainObject(value)) return excludeFields(value, node, ctx, prefix);
  if (Array.isArray(value)) return value.map((element) => excludeNested(element, node, ctx, prefix));
  return value;
}

function applyExcludedAction(value: unknown, action: ProjectionAction): unknown {
  return action.kind === 'slice' ? sliceArray(value, action) : value;
}

/** `$slice: n` (first n, or last n when negative) and `$slice: [skip, limit]`; non-arrays pass through. */
function sliceArray(value: unknown, action: { skip: number | undefined; limit: number }): unknown {
  if (!Array.isArray(value)) return value;
  const { skip, limit } = action;
  if (skip === undefined) return limit >= 0 ? value.slice(0, limit) : value.slice(Math.max(value.length + limit, 0));
  const start = skip < 0 ? Math.max(value.length + skip, 0) : Math.min(skip, value.length);
  return value.slice(start, start + limit);
}

/** `$elemMatch`: an array holding the first matching element, or the field left out. */
function firstElementMatching(value: unknown, condition: Record<string, unknown>, matcher: Matcher): unknown {
  if (!Array.isArray(value)) return OMIT;
  const filter = { e: { $elemMatch: condition } };
  const index = value.findIndex((element) => matcher({ e: [element] }, filter));
  return index === -1 ? OMIT : [value[index]];
}

/** `field.$`: an array holding the first element that satisfied the query's condition on it. */
function positionalElement(value: unknown, ctx: ApplyContext, path: string): unknown {
  if (!Array.isArray(value)) return value;
  const index = matchedArrayIndex(ctx.rootDoc, path, ctx.query, ctx.matcher);
  if (index === undefined) {
    throw new EngineError(51246, 'Location51246', "Executor error during find command :: caused by :: positional operator '.$' couldn't find a matching element in the array");
  }
  return [value[index]];
}
