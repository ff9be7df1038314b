/**
 * The array update operators: $push (with $each, $position, $sort, $slice), $addToSet
 * (with $each), $pop, $pull and $pullAll.
 */
import { cloneDeep, formatIdOf, isPlainObject, isRegExpValue, typeName } from './bson-types';
import { compareValues, regexParts, valuesEqual } from './compare';
import type { Matcher } from './match';
import { makeSortComparator } from './sort';
import { hasEachModifier } from './update-validate';
import { MISSING, readAt, setAt } from './update-paths';
import type { OpContext, OpFunction } from './update-ops';
import { errors } from '../errors';

/** Query operators that apply to a whole document rather than to one value. */
const DOCUMENT_LEVEL_OPERATORS = new Set(['$and', '$or', '$nor', '$expr', '$where', '$text', '$comment', '$jsonSchema']);

/** The current array at `parts`, MISSING, or an error from `notArray` for any other value. */
function currentArray(ctx: OpContext, parts: string[], notArray: (value: unknown) => Error): unknown[] | typeof MISSING {
  const current = readAt(ctx.doc, parts);
  if (current === MISSING || Array.isArray(current)) return current;
  throw notArray(current);
}

const pushOp: OpFunction = (ctx, parts, arg) => {
  const current = currentArray(ctx, parts, (value) =>
    errors.badValue(`The field '${parts.join('.')}' must be an array but is of type ${typeName(value)} in document ${formatIdOf(ctx.doc)}`),
  );
  const spec = hasEachModifier(arg) ? arg : { $each: [arg] };
  const array = current === MISSING ? [] : current.slice();
  const items = (spec.$each as unknown[]).map(cloneDeep);
  array.splice(insertionIndex(array.length, spec.$position), 0, ...items);
  if (spec.$sort !== undefined) array.sort(pushSortComparator(spec.$sort));
  setAt(ctx.doc, parts, spec.$slice === undefined ? array : sliceKeeping(array, Number(spec.$slice)));
};

/** `$position`: an index from the start, or from the end when negative; default: append. */
function insertionIndex(length: number, position: unknown): number {
  if (position === undefined) return length;
  const p = Number(position);
  return p < 0 ? Math.max(length + p, 0) : Math.min(p, length);
}

/** `$slice` in $push: keep the first n elements, or the last |n| when negative. */
function sliceKeeping(array: unknown[], n: number): unknown[] {
  return n >= 0 ? array.slice(0, n) : array.slice(Math.max(array.length + n, 0));
}

/** `$sort: 1 | -1` sorts whole elements; `$sort: {field: 1}` sorts documents by fields. */
function pushSortComparator(sort: unknown): (a: unknown, b: unknown) => number {
  if (isPlainObject(sort)) return makeSortComparator(sort);
  const direction = Number(sort);
  return (a, b) => compareValues(a, b) * direction;
}

const addToSetOp: OpFunction = (ctx, parts, arg) => {
  const current = currentArray(ctx, parts, (value) =>
    errors.badValue(`Cannot apply $addToSet to non-array field. Field named '${parts[parts.length - 1]}' has non-array type ${typeName(value)}`),
  );
  const items = hasEachModifier(arg) ? (arg.$each as unknown[]) : [arg];
  const array = current === MISSING ? [] : current.slice();
  for (const item of items) {
    if (!array.some((existing) => valuesEqual(existing, item))) array.push(cloneDeep(item));
  }
  // A missing field is created even when nothing is added ($each: []), as in MongoDB.
  if (current === MISSING || array.length !== current.length) setAt(ctx.doc, parts, array);
};

const popOp: OpFunction = (ctx, parts, arg) => {
  const current = currentArray(ctx, parts, (value) =>
    errors.typeMismatch(`Path '${parts.join('.')}' contains an element of non-array type '${typeName(value)}'`),
  );
  if (current === MISSING || current.length === 0) return;
  setAt(ctx.doc, parts, Number(arg) === 1 ? current.slice(0, -1) : current.slice(1));
};

function removeElements(ctx: OpContext, parts: string[], shouldRemove: (element: unknown) => boolean): void {
  const current = currentArray(ctx, parts, () => errors.badValue('Cannot apply $pull to a non-array value'));
  if (current === MISSING) return;
  const kept = current.filter((element) => !shouldRemove(element));
  if (kept.length !== current.length) setAt(ctx.doc, parts, kept);
}

const pullOp: OpFunction = (ctx, parts, arg) => removeElements(ctx, parts, pullPredicate(arg, ctx.matcher));

const pullAllOp: OpFunction = (ctx, parts, arg) =>
  removeElements(ctx, parts, (element) => (arg as unknown[]).some((value) => valuesEqual(element, value)));

/**
 * How $pull decides which elements go, following MongoDB: a condition whose first field is
 * a value operator ({$gte: 5}, {$in: […]}) tests each element as a value; any other document
 * is a query each *document* element must match (so {a: 1} removes {a: 1, b: 2}); a regex
 * matches strings; anything else removes elements equal to it.
 */
export function pullPredicate(condition: unknown, matcher: Matcher): (element: unknown) => boolean {
  if (isPlainObject(condition)) {
    const first = Object.keys(condition)[0];
    if (first !== undefined && first.startsWith('$') && !DOCUMENT_LEVEL_OPERATORS.has(first)) {
      const filter = { e: condition };
      return (element) => matcher({ e: element }, filter);
    }
    return (element) => isPlainObject(element) && matcher(element, condition);
  }
  if (isRegExpValue(condition)) {
    const filter = { e: toJsRegExp(condition) };
    return (element) => matcher({ e: element }, filter);
  }
  return (element) => valuesEqual(element, condition);
}

function toJsRegExp(v: unknown): RegExp {
  if (v instanceof RegExp) return v;
  const { pattern, flags } = regexParts(v);
  return new RegExp(pattern, flags.replace(/[^imsu]/g, ''));
}

/** The array operators by name. */
export const ARRAY_OPERATORS: Record<string, OpFunction> = {
  $push: pushOp,
  $addToSet: addToSetOp,
  $pop: popOp,
  $pull: pullOp,
  $pullAll: pullAllOp,
};
