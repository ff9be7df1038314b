/**
 * Applying MongoDB updates to promoted documents: operator updates (all standard field and
 * array operators, positional `$`, `$[]`, `$[ident]` with arrayFilters) and replacements.
 * Inputs are never mutated; results report whether anything changed (for nModified).
 */
import { cloneDeep, formatValue, isPlainObject, setOwn } from './bson-types';
import { valuesEqual } from './compare';
import { identical } from './identical';
import { matchedArrayIndex, mingoMatcher, type Matcher } from './match';
import { ARRAY_OPERATORS } from './update-array-ops';
import { FIELD_OPERATORS, renameField, type OpContext } from './update-ops';
import { parseUpdate, type ParsedUpdate, type UpdateOp } from './update-parse';
import { expandArrayUpdates } from './update-paths';
import { EngineError, errors } from '../errors';

export { parseUpdate, type ParsedUpdate, type UpdateOp } from './update-parse';

/** Options of {@link applyUpdate}. */
export interface UpdateOptions {
  /** The update command's arrayFilters, for `$[ident]`. */
  arrayFilters?: Record<string, unknown>[];
  /** The filter that selected the document, for the positional `$`. */
  query?: Record<string, unknown>;
  /** True when the document is being inserted by an upsert: enables $setOnInsert. */
  isUpsertInsert?: boolean;
  /** Time used by $currentDate (defaults to now). */
  now?: Date;
  /** Query matcher for $pull conditions, arrayFilters and `$` (defaults to mingo). */
  matcher?: Matcher;
}

/** The outcome of an update: the new document and whether it differs from the old one. */
export interface UpdateResult {
  doc: Record<string, unknown>;
  modified: boolean;
}

const ALL_OPERATORS = { ...FIELD_OPERATORS, ...ARRAY_OPERATORS };

/**
 * True for a replacement document (no top-level field starts with `$`), false for an
 * operator update. Pipeline updates (arrays) are refused with NotImplemented.
 */
export function isReplacement(update: unknown): boolean {
  if (Array.isArray(update)) throw errors.notImplemented('pipeline-style updates are not supported by this engine');
  if (!isPlainObject(update)) throw errors.failedToParse(`Update argument must be either an object or an array`);
  return !Object.keys(update).some((k) => k.startsWith('$'));
}

/**
 * Applies an operator update to `doc` and returns a new document. The update may be given
 * parsed (see {@link parseUpdate}) to validate it once for many documents; `arrayFilters`
 * must then have been given to parseUpdate.
 */
export function applyUpdate(
  doc: Record<string, unknown>,
  update: Record<string, unknown> | ParsedUpdate,
  options: UpdateOptions = {},
): UpdateResult {
  if (Array.isArray(update)) throw errors.notImplemented('pipeline-style updates are not supported by this engine');
  if (!isPlainObject(update)) throw errors.failedToParse('Update argument must be either an object or an array');
  const parsed = isParsedUpdate(update) ? update : parseUpdate(update, options.arrayFilters);
  const ctx: OpContext = { doc: cloneDeep(doc), now: options.now ?? new Date(), matcher: options.matcher ?? mingoMatcher };
  for (const op of parsed.ops) {
    if (op.operator === '$setOnInsert' && !options.isUpsertInsert) continue;
    const top = op.path.split('.')[0];
    if (top.startsWith('$') && !options.isUpsertInsert) {
      throw errors.dollarPrefixedFieldName(`The dollar ($) prefixed field '${top}' in '${op.path}' is not valid for storage.`);
    }
    applyOp(ctx, op, doc, parsed, options);
  }
  checkIdUnchanged(doc, ctx.doc, parsed.ops);
  checkIdValue(ctx.doc);
  return { doc: ctx.doc, modified: !identical(doc, ctx.doc) };
}

function isParsedUpdate(u: unknown): u is ParsedUpdate {
  return isPlainObject(u) && Array.isArray(u.ops) && u.arrayFilters instanceof Map;
}

function applyOp(ctx: OpContext, op: UpdateOp, original: Record<string, unknown>, parsed: ParsedUpdate, options: UpdateOptions): void {
  const parts = resolvePositional(op.parts, original, options, ctx.matcher);
  if (op.operator === '$rename') {
    renameField(ctx, parts, op.renameTo!);
    return;
  }
  const apply = ALL_OPERATORS[op.operator];
  for (const concrete of expandArrayUpdates(ctx.doc, parts, { arrayFilters: parsed.arrayFilters, matcher: ctx.matcher })) {
    apply(ctx, concrete, op.arg);
  }
}

/** Replaces the positional `$` with the index of the array element the query matched. */
function resolvePositional(parts: string[], original: Record<string, unknown>, options: UpdateOptions, matcher: Matcher): string[] {
  const at = parts.indexOf('$');
  if (at === -1) return parts;
  const index = options.isUpsertInsert ? undefined : matchedArrayIndex(original, parts.slice(0, at).join('.'), options.query, matcher);
  if (index === undefined) throw errors.badValue('The positional operator did not find the match needed from the query.');
  return [...parts.slice(0, at), String(index), ...parts.slice(at + 1)];
}

/** `_id` may be set to an equal value but never changed or removed (code 66). */
function checkIdUnchanged(before: Record<string, unknown>, after: Record<string, unknown>, ops: UpdateOp[]): void {
  if (!Object.hasOwn(before, '_id')) return; // an upsert may still choose its _id
  if (Object.hasOwn(after, '_id') && valuesEqual(before._id, after._id)) return;
  const touchesId = (parts: string[] | undefined) => parts !== undefined && parts[0] === '_id';
  const culprit = ops.find((op) => touchesId(op.parts) || touchesId(op.renameTo));
  const path = culprit ? (touchesId(culprit.parts) ? culprit.path : culprit.renameTo!.join('.')) : '_id';
  throw errors.immutableField(`Performing an update on the path '${path}' would modify the immutable field '_id'`);
}

/** MongoDB refuses arrays as `_id` (code 53 InvalidIdField). */
function checkIdValue(doc: Record<string, unknown>): void {
  if (Array.isArray(doc._id)) {
    throw new EngineError(53, 'InvalidIdField', `The '_id' value cannot be of type array`);
  }
}

/**
 * Replaces `oldDoc` with `replacement`, keeping `_id` (first). A replacement carrying a
 * different `_id` is error 66. Nested `$`-prefixed field names are stored as MongoDB 5.0+
 * stores them; a top-level one reads as an operator and is refused by `isReplacement`.
 */
export function applyReplacement(oldDoc: Record<string, unknown>, replacement: Record<string, unknown>): UpdateResult {
  if (!isReplacement(replacement)) throw errors.failedToParse('a replacement document must not contain update operators');
  const hasOldId = Object.hasOwn(oldDoc, '_id');
  if (hasOldId && Object.hasOwn(replacement, '_id') && !valuesEqual(oldDoc._id, replacement._id)) {
    throw errors.immutableField(`After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${formatValue(replacement._id)}`);
  }
  const doc: Record<string, unknown> = {};
  if (hasOldId) doc._id = oldDoc._id;
  else if (Object.hasOwn(replacement, '_id')) doc._id = replacement._id;
  for (const [key, value] of Object.entries(replacement)) if (key !== '_id') setOwn(doc, key, cloneDeep(value));
  checkIdValue(doc);
  return { doc, modified: !identical(oldDoc, doc) };
}
