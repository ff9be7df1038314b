/**
 * Chooses an index for a filter and sort. The index only narrows the candidates: every
 * candidate is re-checked against the full filter, so a plan may be loose (a superset)
 * but never misses a document. Only plain equality, `$in` and range predicates on
 * top-level fields (or inside a top-level `$and`) drive index selection.
 */
import type { Document } from 'bson';
import type { BTreeIndex, Direction } from './btree-index';

interface FieldPredicate {
  points?: unknown[];
  lo?: unknown;
  hi?: unknown;
  loExclusive?: boolean;
  hiExclusive?: boolean;
}

/** [low, high, lowExclusive, highExclusive] in value order; undefined bounds are open. */
export type Interval = [unknown, unknown, boolean?, boolean?];

export interface Plan {
  index: BTreeIndex | null;
  /** One interval list per combination of `$in` points; each is per index field. */
  intervalSets: Interval[][];
  walk: Direction;
  /** The index walk yields documents already in the requested sort order. */
  providesSort: boolean;
  /** The index bounds answer the whole filter exactly: candidates need no re-check. */
  exact: boolean;
}

/**
 * Cap on the interval sets of one plan (the product of the `$in` lists over the index's
 * fields). One long `$in` is fine — each point is one B-tree seek — and is what a batch
 * read by ids looks like (2,000 officers, 10,000 enrolments); the cap only stops a product
 * of several lists from exploding. Past it the plan uses the fields before.
 */
const MAX_POINT_COMBINATIONS = 100_000;

function isOperatorObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys[0].startsWith('$');
}

/** Values whose equality semantics differ from plain index equality (regex match, array element or whole). */
function indexableValue(v: unknown): boolean {
  if (v instanceof RegExp || Array.isArray(v)) return false;
  if (v !== null && typeof v === 'object' && (v as { _bsontype?: string })._bsontype === 'BSONRegExp') return false;
  return true;
}

function collectPredicates(filter: Document, out: Map<string, FieldPredicate>): void {
  for (const [field, cond] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(cond)) {
      for (const sub of cond) if (sub && typeof sub === 'object') collectPredicates(sub as Document, out);
      continue;
    }
    if (field.startsWith('$')) continue;
    const pred = out.get(field) ?? {};
    if (!isOperatorObject(cond)) {
      if (indexableValue(cond)) pred.points = [cond];
    } else {
      for (const [op, arg] of Object.entries(cond)) {
        if (op === '$eq' && indexableValue(arg)) pred.points = [arg];
        else if (op === '$in' && Array.isArray(arg) && arg.every(indexableValue)) pred.points = arg;
        else if ((op === '$gt' || op === '$gte') && indexableValue(arg)) [pred.lo, pred.loExclusive] = [arg, op === '$gt'];
        else if ((op === '$lt' || op === '$lte') && indexableValue(arg)) [pred.hi, pred.hiExclusive] = [arg, op === '$lt'];
      }
    }
    if (pred.points || pred.lo !== undefined || pred.hi !== undefined) out.set(field, pred);
  }
}

interface Candidate extends Plan { score: number }

function planFor(index: BTreeIndex, preds: Map<string, FieldPredicate>, sort: Array<[string, Direction]>): Candidate {
  const fields = index.pattern;
  let combos: unknown[][] = [[]];
  let eqPrefix = 0;
  let singlePointPrefix = 0;
  for (const [field] of fields) {
    const p = preds.get(field);
    if (!p?.points || combos.length * p.points.length > MAX_POINT_COMBINATIONS) break;
    combos = combos.flatMap((c) => p.points!.map((v) => [...c, v]));
    if (p.points.length === 1 && singlePointPrefix === eqPrefix) singlePointPrefix++;
    eqPrefix++;
  }
  const next = fields[eqPrefix] && preds.get(fields[eqPrefix][0]);
  // an index holding values kept only for equality (documents, regexes) serves no range or sort
  const ordered = index.exactOrder;
  const range: Interval | null = ordered && next && (next.lo !== undefined || next.hi !== undefined) ? [next.lo, next.hi, next.loExclusive, next.hiExclusive] : null;
  const intervalSets = combos.map((c) => {
    const iv: Interval[] = c.map((v) => [v, v]);
    if (range) iv.push(range);
    return iv;
  });

  // Sort order from the index: the sort fields follow the single-point prefix in index order.
  let walk: Direction = 1;
  let providesSort = false;
  if (sort.length > 0 && ordered && !index.multikey && intervalSets.length === 1) {
    const rest = fields.slice(singlePointPrefix);
    if (sort.length <= rest.length && sort.every(([f], i) => rest[i][0] === f)) {
      const same = sort.every(([, d], i) => d === rest[i][1]);
      const opposite = sort.every(([, d], i) => d === -rest[i][1]);
      if (same || opposite) {
        providesSort = true;
        walk = same ? 1 : -1;
      }
    }
  }
  let score = eqPrefix * 10 + (range ? 5 : 0) + (providesSort ? 3 : 0);
  if (score > 0 && (index.spec.unique || index.name === '_id_') && eqPrefix === fields.length) score += 2;
  const consumed = fields.slice(0, eqPrefix + (range ? 1 : 0)).map(([f]) => f);
  return { index, intervalSets, walk, providesSort, score, exact: false, consumed } as Candidate;
}

const EXACT_OPERATORS = new Set(['$eq', '$in', '$gt', '$gte', '$lt', '$lte']);

/** Values whose index encoding is exact (numbers as doubles are exact for JS numbers). */
function exactScalar(v: unknown): boolean {
  if (typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (v instanceof Date) return true;
  return (v as { _bsontype?: string } | null)?._bsontype === 'ObjectId';
}

/**
 * True when the plan's bounds select exactly the documents the filter matches, so the
 * per-document re-check can be skipped: every filter field is an index field the bounds
 * consumed, with only equality / $in / range operators on exactly-encoded scalars, on an
 * index without array values.
 */
function answersExactly(plan: Candidate & { consumed: string[] }, filter: Document): boolean {
  if (!plan.index || plan.index.multikey || !plan.index.exactOrder || plan.index.approximate) return false;
  const fields = Object.keys(filter);
  if (fields.length !== plan.consumed.length || !fields.every((f) => plan.consumed.includes(f))) return false;
  for (const f of fields) {
    const cond = filter[f];
    if (!isOperatorObject(cond)) {
      if (!exactScalar(cond)) return false;
      continue;
    }
    const ops = Object.entries(cond);
    if (!ops.every(([op, arg]) => EXACT_OPERATORS.has(op) && (op === '$in' ? Array.isArray(arg) && arg.every(exactScalar) : exactScalar(arg)))) return false;
    // the bounds hold one equality or one range per field: {$eq, $gt} or {$gt, $gte} needs the re-check
    const names = ops.map(([op]) => op);
    const points = names.filter((op) => op === '$eq' || op === '$in').length;
    const lower = names.filter((op) => op === '$gt' || op === '$gte').length;
    const upper = names.filter((op) => op === '$lt' || op === '$lte').length;
    if (points > 1 || (points === 1 && names.length > 1) || lower > 1 || upper > 1) return false;
    // a range mixing BSON types (e.g. a number and a string bound) is left to the re-check
    const bounds = ops.filter(([op]) => op !== '$eq' && op !== '$in').map(([, arg]) => (arg instanceof Date ? 'date' : typeof arg));
    if (new Set(bounds).size > 1) return false;
  }
  return true;
}

/** Picks the best usable index, or a collection scan when none helps. */
export function choosePlan(indexes: Iterable<BTreeIndex>, filter: Document, sort: Array<[string, Direction]>, hint?: BTreeIndex): Plan {
  const preds = new Map<string, FieldPredicate>();
  collectPredicates(filter, preds);
  if (hint) {
    const hinted = planFor(hint, preds, sort) as Candidate & { consumed: string[] };
    return { ...hinted, exact: answersExactly(hinted, filter) };
  }
  let best: Candidate | null = null;
  for (const ix of indexes) {
    // sparse and partial indexes do not hold every document: only a hint may choose them
    if (ix.spec.sparse || ix.spec.partialFilterExpression) continue;
    const c = planFor(ix, preds, sort);
    if (c.score > 0 && (!best || c.score > best.score || (c.score === best.score && ix.pattern.length < best.index!.pattern.length))) best = c;
  }
  if (!best) return { index: null, intervalSets: [], walk: 1, providesSort: false, exact: false };
  return { ...best, exact: answersExactly(best as Candidate & { consumed: string[] }, filter) };
}

/** Normalises a sort document into ordered [field, direction] pairs. */
export function sortPairs(sort: Document | undefined): Array<[string, Direction]> {
  if (!sort) return [];
  return Object.entries(sort).map(([f, d]) => [f, Number(d) < 0 ? -1 : 1]);
}
