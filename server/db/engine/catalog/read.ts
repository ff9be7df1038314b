/**
 * The read path shared by find, count, distinct, update, delete, findAndModify and the
 * first `$match` of an aggregation: plan → candidate keys → decode → filter → sort →
 * skip/limit. A transaction's pending writes are merged in as an overlay.
 */
import { Query } from 'mingo/query';
import { deserialize, type Document } from 'bson';
import { ENGINE_CONTEXT, needsExactTypes } from '../query/mingo-context';
import { Collection } from './collection';
import { choosePlan, sortPairs, type Plan } from './planner';
import type { BTreeIndex } from './btree-index';
import { makeSortComparator } from '../query/sort';
import { errors, EngineError, isEngineError } from '../errors';
import { jsonSchemaPredicate } from '../query/json-schema';
import { refuseUnsupportedQuery } from '../query/refusals';
import { parseCollation, withCollation, type Collator } from '../query/collation';

export interface Match {
  key: string;
  buf: Buffer;
  doc: Document;
}

/** A match whose document is decoded only if someone reads it (a plain find returns the bytes). */
class StoredMatch implements Match {
  private decoded: Document | undefined;
  constructor(readonly key: string, readonly buf: Buffer) {}
  get doc(): Document {
    return (this.decoded ??= Collection.decode(this.buf));
  }
}

/** Pending writes of a transaction for one collection: key → new bytes, or null if deleted. */
export type Overlay = Map<string, { buf: Buffer; doc: Document } | null>;

export interface ReadOptions {
  sort?: Document;
  skip?: number;
  limit?: number;
  hint?: string | Document;
  overlay?: Overlay;
  /** The command's collation; undefined takes the collection's default, null is binary order. */
  collation?: Collator | null;
}

export interface ReadStats {
  plan: Plan;
  keysExamined: number;
  docsExamined: number;
}

/** Compiles a filter, turning mingo's errors into MongoDB-shaped ones that name the operator. */
export function compileFilter(filter: Document): Query {
  refuseUnsupportedQuery(filter);
  try {
    return new Query(filter, { context: ENGINE_CONTEXT, jsonSchemaValidator: jsonSchemaPredicate as never });
  } catch (e) {
    if (isEngineError(e)) throw e;
    throw errors.badValue((e as Error).message.replace(/^unknown (query|top level) operator:? ?/, 'unknown operator: '));
  }
}

function resolveHint(coll: Collection, hint: string | Document | undefined): BTreeIndex | undefined {
  if (hint === undefined) return undefined;
  const found = typeof hint === 'string'
    ? coll.indexes.get(hint)
    : [...coll.indexes.values()].find((ix) => JSON.stringify(ix.spec.key) === JSON.stringify(hint));
  if (!found) throw errors.badValue('hint provided does not correspond to an existing index');
  return found;
}

function* candidateKeys(coll: Collection, plan: Plan, stats: ReadStats): Generator<string> {
  if (!plan.index) {
    for (const key of coll.docs.keys()) yield key;
    return;
  }
  const seen = plan.index.multikey || plan.intervalSets.length > 1 ? new Set<string>() : null;
  for (const intervals of plan.intervalSets) {
    for (const key of plan.index.range(intervals, plan.walk)) {
      stats.keysExamined++;
      if (seen) {
        if (seen.has(key)) continue;
        seen.add(key);
      }
      yield key;
    }
  }
}

/** Runs a filter with options; returns the matching documents in result order. */
export function readMatches(coll: Collection | undefined, filter: Document, opts: ReadOptions = {}): { matches: Match[]; stats: ReadStats } {
  const collator = opts.collation !== undefined ? opts.collation : parseCollation(coll?.options.collation);
  return withCollation(collator, () => readCollated(coll, filter, opts, collator !== null));
}

/**
 * The indexes a read may use. Index keys are in binary string order, so under a
 * collation no index bounds are used (a scan, then an in-memory sort), and an index built
 * with a collation is never used for bounds (its entries are not in collation order).
 */
function usableIndexes(coll: Collection, collated: boolean): BTreeIndex[] {
  if (collated) return [];
  return [...coll.indexes.values()].filter((ix) => !ix.spec.collation && !ix.spec.hidden);
}

function readCollated(coll: Collection | undefined, filter: Document, opts: ReadOptions, collated: boolean): { matches: Match[]; stats: ReadStats } {
  const sort = sortPairs(opts.sort);
  const skip = opts.skip ?? 0;
  const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
  const empty: ReadStats = { plan: { index: null, intervalSets: [], walk: 1, providesSort: false, exact: false }, keysExamined: 0, docsExamined: 0 };
  // compiled on first use: a plan whose index bounds answer the filter never needs it
  let query: Query | undefined;
  // $type must see Int32 / Double / Long as stored, not promoted to JS numbers
  const exactTypes = needsExactTypes(filter);
  const test = (buf: Buffer, doc: Document) => testDoc((query ??= compileFilter(filter)), exactTypes ? deserialize(buf, { promoteValues: false, promoteBuffers: false }) : doc);
  const overlay = opts.overlay;
  if (!coll) {
    query ??= compileFilter(filter); // a bad filter is an error even on a missing collection
    return { matches: overlayMatches(overlay, test), stats: empty };
  }

  const hinted = resolveHint(coll, opts.hint);
  const plan = choosePlan(usableIndexes(coll, collated), filter, sort, collated ? undefined : hinted);
  if (!plan.exact) query ??= compileFilter(filter); // reports a bad filter even when nothing matches
  const stats: ReadStats = { plan, keysExamined: 0, docsExamined: 0 };
  const ordered = sort.length === 0 || (plan.providesSort && !overlay?.size);
  const matches: Match[] = [];
  const stopAt = ordered ? skip + limit : Infinity;
  for (const key of candidateKeys(coll, plan, stats)) {
    if (overlay?.has(key)) continue;
    const buf = coll.docs.get(key);
    if (!buf) continue;
    stats.docsExamined++;
    const match = new StoredMatch(key, buf);
    if (!plan.exact && !test(buf, match.doc)) continue;
    matches.push(match);
    if (matches.length >= stopAt) break;
  }
  if (overlay?.size) matches.push(...overlayMatches(overlay, test));
  if (!ordered) sortMatches(matches, opts.sort!);
  return { matches: matches.slice(skip, skip + limit), stats };
}

function overlayMatches(overlay: Overlay | undefined, test: (buf: Buffer, doc: Document) => boolean): Match[] {
  const out: Match[] = [];
  if (!overlay) return out;
  for (const [key, v] of overlay) if (v && test(v.buf, v.doc)) out.push({ key, buf: v.buf, doc: v.doc });
  return out;
}

function testDoc(query: Query, doc: Document): boolean {
  try {
    return query.test(doc);
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw errors.badValue((e as Error).message);
  }
}

export function sortMatches(matches: Match[], sort: Document): void {
  const cmp = makeSortComparator(sort as Record<string, 1 | -1>);
  // Array.prototype.sort is stable, so equal keys keep index / insertion order
  matches.sort((a, b) => cmp(a.doc, b.doc));
}

/** Explain output in MongoDB's shape (queryPlanner + executionStats). */
export function explainPlan(ns: string, filter: Document, stats: ReadStats, nReturned: number, ms: number): Document {
  const { plan } = stats;
  const scan = plan.index
    ? { stage: 'IXSCAN', keyPattern: plan.index.spec.key, indexName: plan.index.name, isMultiKey: plan.index.multikey, direction: plan.walk === 1 ? 'forward' : 'backward' }
    : { stage: 'COLLSCAN', filter, direction: 'forward' };
  const winningPlan = plan.index ? { stage: 'FETCH', filter, inputStage: scan } : scan;
  return {
    queryPlanner: { namespace: ns, parsedQuery: filter, winningPlan, rejectedPlans: [] },
    executionStats: {
      executionSuccess: true,
      nReturned,
      executionTimeMillis: ms,
      totalKeysExamined: stats.keysExamined,
      totalDocsExamined: stats.docsExamined,
      executionStages: { ...winningPlan, nReturned, docsExamined: stats.docsExamined },
    },
    ok: 1,
  };
}
