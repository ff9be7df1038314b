/**
 * mingo with MongoDB's BSON comparison rules. mingo compares values with JavaScript
 * semantics, which is wrong for Decimal128 (0.10 = 0.1), Long beyond 2^53, and the
 * numeric BSON types `$type` distinguishes. Here the comparison query operators are
 * replaced by versions built on compareValues / valuesEqual; every other operator is
 * mingo's own.
 */
import { Context, type Query as MingoQuery } from 'mingo';
import * as queryOps from 'mingo/operators/query';
import * as expressionOps from 'mingo/operators/expression';
import * as accumulatorOps from 'mingo/operators/accumulator';
import * as pipelineOps from 'mingo/operators/pipeline';
import * as projectionOps from 'mingo/operators/projection';
import * as windowOps from 'mingo/operators/window';
import { resolve } from 'mingo/util';
import { evalExpr } from 'mingo/core';
import { DBRef } from 'bson';
import { canonicalKey, compareValues, typeRank, valuesEqual } from './compare';
import { bsonTag, isPlainObject } from './bson-types';
import { BITWISE, bitwiseMatch, maskPositions } from './bitwise';
import { activeCollator } from './collation';

type Predicate = (fieldValue: unknown, operand: unknown) => boolean;
type QueryOperator = (selector: string, operand: unknown, options: unknown) => (doc: object) => boolean;

const isNil = (v: unknown) => v === null || v === undefined;

/**
 * Values a path holds: the value itself and, for arrays, their elements. A dotted path
 * through arrays of documents resolves to nested arrays, one level per dot.
 */
function candidates(v: unknown, depth: number): unknown[] {
  return Array.isArray(v) ? [v, ...v, ...v.flat(depth)] : [v];
}

let depthOfCall = 1;

function fieldOperator(predicate: Predicate): QueryOperator {
  return (selector, operand) => {
    const depth = selector.split('.').length;
    return (doc) => {
      depthOfCall = depth;
      return predicate(resolve(doc as Record<string, unknown>, selector, { unwrapArray: true }), operand);
    };
  };
}

function isRegex(v: unknown): v is RegExp {
  return v instanceof RegExp;
}

/** Equality under the command's collation: strings by the collator, everything else BSON-exact. */
function collatedEqual(x: unknown, b: unknown): boolean {
  const collator = activeCollator();
  if (collator && typeof x === 'string' && typeof b === 'string') return collator.compare(x, b) === 0;
  return valuesEqual(x, b);
}

function collatedCompare(x: unknown, b: unknown): number {
  const collator = activeCollator();
  if (collator && typeof x === 'string' && typeof b === 'string') return collator.compare(x, b);
  return compareValues(x, b);
}

const eq: Predicate = (a, b) => {
  if (b === null && isNil(a)) return true;
  if (isRegex(b)) return candidates(a, depthOfCall).some((x) => typeof x === 'string' && b.test(x));
  return candidates(a, depthOfCall).some((x) => collatedEqual(x, b));
};

const isHashable = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v) || v instanceof Date || bsonTag(v) !== undefined && !isRegex(v) && bsonTag(v) !== 'BSONRegExp';

/**
 * `$in` compiled once per query: scalar operands go into a set of canonical keys, so a
 * document costs one lookup per value instead of one comparison per operand.
 */
function compileIn(list: unknown): Predicate {
  if (!Array.isArray(list)) throw new Error('$in needs an array');
  // under a collation, equal strings need not be identical: compare those one by one
  const hashable = (v: unknown) => isHashable(v) && !(activeCollator() && typeof v === 'string');
  const keys = new Set(list.filter(hashable).map(canonicalKey));
  const others = list.filter((b) => !hashable(b));
  const wantsNull = list.includes(null);
  return (a) => (wantsNull && isNil(a)) || candidates(a, depthOfCall).some((x) => keys.has(canonicalKey(x))) || others.some((b) => eq(a, b));
}

const isNaNValue = (v: unknown) => typeof v === 'number' && Number.isNaN(v);

/**
 * Range comparisons only compare values of the same canonical type (MongoDB type
 * bracketing). NaN equals NaN but is otherwise neither less nor greater than anything,
 * so only $lte / $gte with a NaN bound match a NaN value.
 */
const range = (test: (c: number) => boolean, inclusive: boolean): Predicate => (a, b) =>
  candidates(a, depthOfCall).some((x) => {
    if (isNaNValue(x) || isNaNValue(b)) return inclusive && isNaNValue(x) && isNaNValue(b);
    return typeRank(x) === typeRank(b) && test(collatedCompare(x, b));
  });

const TYPE_ALIASES: Record<string, number> = {
  double: 1, string: 2, object: 3, array: 4, binData: 5, undefined: 6, objectId: 7, bool: 8, date: 9, null: 10,
  regex: 11, dbPointer: 12, javascript: 13, symbol: 14, javascriptWithScope: 15, int: 16, timestamp: 17, long: 18,
  decimal: 19, minKey: -1, maxKey: 127,
};
const TAG_CODES: Record<string, number> = {
  Double: 1, Int32: 16, Long: 18, Decimal128: 19, ObjectId: 7, ObjectID: 7, Binary: 5, Timestamp: 17, BSONRegExp: 11,
  Code: 13, MinKey: -1, MaxKey: 127, BSONSymbol: 14, DBRef: 3,
};

/** BSON type number of a value; plain JS numbers (promoted form) count as int when integral in int32 range. */
function bsonTypeOf(v: unknown): number | null {
  if (v === undefined) return null;
  if (v === null) return 10;
  if (typeof v === 'string') return 2;
  if (typeof v === 'boolean') return 8;
  if (typeof v === 'bigint') return 18;
  if (typeof v === 'number') return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? 16 : 1;
  if (Array.isArray(v)) return 4;
  if (v instanceof Date) return 9;
  if (v instanceof RegExp) return 11;
  const tag = bsonTag(v);
  if (tag && tag in TAG_CODES) return TAG_CODES[tag];
  return 3;
}

function typeMatches(v: unknown, wanted: unknown): boolean {
  if (wanted === 'number') return [1, 16, 18, 19].includes(bsonTypeOf(v) ?? 0);
  const code = typeof wanted === 'string' ? TYPE_ALIASES[wanted] : Number(wanted);
  if (code === undefined || Number.isNaN(code)) throw new Error(`unknown type name alias: ${String(wanted)}`);
  return bsonTypeOf(v) === code;
}

const type: Predicate = (a, wanted) => {
  const wants = Array.isArray(wanted) ? wanted : [wanted];
  // an array field matches when the array itself or any element has the type
  const values = Array.isArray(a) ? [a, ...a] : [a];
  return values.some((v) => wants.some((w) => typeMatches(v, w)));
};

const stockQueryOps = queryOps as unknown as Record<string, QueryOperator>;

/**
 * A DBRef decodes to a class instance holding `collection`/`oid`/`db`, but queries name
 * its stored fields: `{'members.$id': oid}`. These read-only getters let a path reach them.
 */
for (const [field, prop] of [['$ref', 'collection'], ['$id', 'oid'], ['$db', 'db']] as const) {
  if (!Object.getOwnPropertyDescriptor(DBRef.prototype, field)) {
    Object.defineProperty(DBRef.prototype, field, { get(this: DBRef) { return this[prop]; }, enumerable: false, configurable: true });
  }
}

const DBREF_FIELDS = new Set(['$ref', '$id', '$db']);
/** Stand-in names for DBRef fields inside `$elemMatch`, where mingo would take `$id` for an operator. */
const dbrefAlias = (field: string) => `\u0000dbref${field}`;

/** `$elemMatch` whose criteria may name DBRef fields (`{$elemMatch: {$id: oid}}`). */
const elemMatch: QueryOperator = (selector, operand, options) => {
  // {$ref, $id} criteria arrive decoded as a DBRef instance
  if (bsonTag(operand) === 'DBRef') {
    const ref = operand as DBRef;
    operand = { $ref: ref.collection, $id: ref.oid, ...(ref.db ? { $db: ref.db } : {}), ...ref.fields };
  }
  if (!isPlainObject(operand) || !Object.keys(operand).some((k) => DBREF_FIELDS.has(k))) return stockQueryOps.$elemMatch(selector, operand, options);
  const renamed = Object.fromEntries(Object.entries(operand).map(([k, v]) => [DBREF_FIELDS.has(k) ? dbrefAlias(k) : k, v]));
  const inner = stockQueryOps.$elemMatch('v', renamed, options);
  const view = (el: unknown): unknown => {
    if (el === null || typeof el !== 'object' || Array.isArray(el)) return el;
    const out: Record<string, unknown> = { ...(bsonTag(el) === 'DBRef' ? (el as DBRef).fields : el) };
    for (const f of DBREF_FIELDS) {
      const v = (el as Record<string, unknown>)[f];
      if (v !== undefined) out[dbrefAlias(f)] = v;
    }
    return out;
  };
  return (doc) => {
    const value = resolve(doc as Record<string, unknown>, selector, { unwrapArray: true });
    return Array.isArray(value) && inner({ v: value.map(view) });
  };
};

/**
 * `$all` as a conjunction of equalities: `{a: {$all: [x, y]}}` is `{a: x, a: y}`, so a
 * scalar field matches too (mingo's own only looks inside arrays).
 */
const all: QueryOperator = (selector, operand, options) => {
  if (!Array.isArray(operand)) throw new Error('$all needs an array');
  const tests = operand.map((elem) =>
    isPlainObject(elem) && Object.keys(elem)[0] === '$elemMatch'
      ? elemMatch(selector, elem.$elemMatch, options)
      : fieldOperator(eq)(selector, elem, options));
  return (doc) => tests.length > 0 && tests.every((t) => t(doc));
};

const bitwiseOperators = Object.fromEntries(Object.entries(BITWISE).map(([name, combine]): [string, QueryOperator] => [
  name,
  (selector, operand) => {
    const positions = maskPositions(name, operand);
    return (doc) => bitwiseMatch(combine, positions, resolve(doc as Record<string, unknown>, selector, { unwrapArray: true }));
  },
]));

const overrides: Record<string, QueryOperator> = {
  ...bitwiseOperators,
  $all: all,
  $elemMatch: elemMatch,
  $eq: fieldOperator(eq),
  $ne: fieldOperator((a, b) => !eq(a, b)),
  $in: (selector, operand, options) => {
    const test = compileIn(operand);
    return fieldOperator((a) => test(a, operand))(selector, operand, options);
  },
  $nin: (selector, operand, options) => {
    const test = compileIn(operand);
    return fieldOperator((a) => !test(a, operand))(selector, operand, options);
  },
  $gt: fieldOperator(range((c) => c > 0, false)),
  $gte: fieldOperator(range((c) => c >= 0, true)),
  $lt: fieldOperator(range((c) => c < 0, false)),
  $lte: fieldOperator(range((c) => c <= 0, true)),
  $type: fieldOperator(type),
};

/** Minutes east of UTC of a timezone ("Asia/Ho_Chi_Minh", "+07:00") at an instant. */
export function timezoneOffsetMinutes(tz: string, at: Date): number {
  const fixed = /^([+-])(\d{2}):?(\d{2})?$/.exec(tz);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3] ?? 0));
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - (at.getTime() - at.getUTCMilliseconds())) / 60_000);
}

type ExpressionOperator = (obj: unknown, expr: unknown, options: unknown) => unknown;
const stockDateTrunc = (expressionOps as unknown as Record<string, ExpressionOperator>).$dateTrunc;

/**
 * mingo's $dateTrunc mishandles a timezone for calendar units (a month off in
 * Asia/Ho_Chi_Minh). Truncate the local wall-clock time instead and convert back.
 */
const dateTrunc: ExpressionOperator = (obj, expr, options) => {
  const args = evalExpr(obj, expr, options as never) as Record<string, unknown> | null;
  const { date, timezone } = args ?? {};
  if (!(date instanceof Date) || typeof timezone !== 'string') return stockDateTrunc(obj, expr, options);
  const offset = timezoneOffsetMinutes(timezone, date);
  const local = new Date(date.getTime() + offset * 60_000);
  const truncated = stockDateTrunc(obj, { ...args, date: local, timezone: undefined }, options);
  if (!(truncated instanceof Date)) return truncated;
  const backOffset = timezoneOffsetMinutes(timezone, new Date(truncated.getTime() - offset * 60_000));
  return new Date(truncated.getTime() - backOffset * 60_000);
};

/** A mingo context with every stock operator and the BSON-aware comparisons above. */
export const ENGINE_CONTEXT = Context.init({
  query: { ...(queryOps as unknown as Record<string, QueryOperator>), ...overrides } as never,
  expression: { ...(expressionOps as unknown as Record<string, ExpressionOperator>), $dateTrunc: dateTrunc } as never,
  accumulator: accumulatorOps as never,
  pipeline: pipelineOps as never,
  projection: projectionOps as never,
  window: windowOps as never,
});

/** True when a filter uses `$type`, which needs documents decoded with their exact numeric types. */
export function needsExactTypes(filter: unknown): boolean {
  return JSON.stringify(filter ?? {}).includes('"$type"');
}

export type { MingoQuery };
