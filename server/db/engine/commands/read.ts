/** Read commands: find, getMore, killCursors, count, distinct, explain. */
import { deserialize, Long, type Document } from 'bson';
import { toBson, EXACT_DECODE } from '../bson-raw';
import { inclusionTree, projectInclusion } from '../bson-walk';
import type { CommandContext, CommandDef } from './types';
import { collectionName, ns, optionalDoc, optionalInt, scope } from './types';
import { explainPlan, type Match } from '../catalog/read';
import { applyProjection } from '../query/projection';
import { exactFormMatcher } from '../query/match';
import { getValues } from '../query/paths';
import { canonicalKey } from '../query/compare';
import { errors } from '../errors';
import { aggregate } from './aggregate';
import { parseCollation, type Collator } from '../query/collation';

const FIND_FIELDS = ['filter', 'sort', 'projection', 'hint', 'skip', 'limit', 'batchSize', 'singleBatch', 'noCursorTimeout', 'allowDiskUse', 'allowPartialResults', 'readOnce', 'awaitData', 'tailable', 'oplogReplay', 'collation', 'let', 'min', 'max', 'returnKey', 'showRecordId', 'ntoreturn'];
/** Options that change results; silently ignoring them would give wrong answers. */
const FIND_UNSUPPORTED = ['let', 'min', 'max', 'returnKey', 'showRecordId', 'tailable', 'awaitData', 'oplogReplay'];

/** The command's collation: undefined when it names none (the collection's default applies). */
export function collationOf(spec: unknown): Collator | null | undefined {
  return spec === undefined ? undefined : parseCollation(spec);
}

/** Encodes matched documents for a reply, applying a projection if any. */
export function outputDocs(matches: Match[], projection: Document | undefined, filter: Document): Buffer[] {
  if (!projection || Object.keys(projection).length === 0) return matches.map((m) => m.buf);
  // projecting the exact form keeps each value's stored BSON type, also inside sliced arrays
  const decoded = (m: Match) => toBson(applyProjection(deserialize(m.buf, EXACT_DECODE), projection, filter, exactFormMatcher));
  // a plain inclusion ({code: 1, 'draft.title': 1}) copies the kept elements' bytes: a few
  // fields of a large document (a module with its lessons) without decoding all of it
  const inclusion = inclusionTree(projection);
  if (!inclusion) return matches.map(decoded);
  return matches.map((m) => projectInclusion(m.buf, inclusion) ?? decoded(m));
}

function runFind(ctx: CommandContext, explainOnly = false): Document {
  const collation = collationOf(ctx.cmd.collation);
  const name = collectionName(ctx);
  const filter = optionalDoc(ctx, 'filter') ?? {};
  const sort = optionalDoc(ctx, 'sort');
  const projection = optionalDoc(ctx, 'projection');
  const skip = optionalInt(ctx, 'skip');
  const limit = optionalInt(ctx, 'limit');
  const batchSize = optionalInt(ctx, 'batchSize');
  const started = Date.now();
  const { matches, stats } = scope(ctx).read(name, filter, { sort, skip, limit, hint: ctx.cmd.hint as string | Document | undefined, collation });
  if (explainOnly) return explainPlan(ns(ctx, name), filter, stats, matches.length, Date.now() - started);
  ctx.engine.counters.query++;
  const docs = outputDocs(matches, projection, filter);
  const singleBatch = ctx.cmd.singleBatch === true;
  const cursor = ctx.engine.cursors.open(ns(ctx, name), docs, batchSize, ctx.session?.id ?? null, singleBatch);
  return { cursor, ok: 1 };
}

export const find: CommandDef = {
  strict: true, fields: FIND_FIELDS, unsupported: FIND_UNSUPPORTED, inTransaction: true, run: (ctx) => runFind(ctx) };

export const getMore: CommandDef = {
  strict: true,
  fields: ['collection', 'batchSize', 'maxTimeMS', 'term', 'lastKnownCommittedOpTime'],
  inTransaction: true,
  run(ctx) {
    const raw = ctx.cmd.getMore;
    const id = typeof raw === 'number' ? BigInt(raw) : raw instanceof Long ? raw.toBigInt() : typeof raw === 'bigint' ? raw : null;
    if (id === null) throw errors.typeMismatch("BSON field 'getMore.getMore' is the wrong type, expected type 'long'");
    const coll = ctx.cmd.collection;
    if (typeof coll !== 'string') throw errors.typeMismatch("BSON field 'getMore.collection' is missing or the wrong type");
    ctx.engine.counters.getmore++;
    return { cursor: ctx.engine.cursors.getMore(id, ns(ctx, coll), optionalInt(ctx, 'batchSize')), ok: 1 };
  },
};

export const killCursors: CommandDef = {
  fields: ['cursors'],
  inTransaction: true,
  run(ctx) {
    const ids = ((ctx.cmd.cursors as unknown[]) ?? []).map((c) => (c instanceof Long ? c.toBigInt() : BigInt(c as number)));
    const { killed, notFound } = ctx.engine.cursors.kill(ids);
    const longs = (xs: bigint[]) => xs.map((x) => Long.fromBigInt(x));
    return { cursorsKilled: longs(killed), cursorsNotFound: longs(notFound), cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  },
};

export const count: CommandDef = {
  strict: true,
  fields: ['query', 'limit', 'skip', 'hint', 'collation', 'readConcern', 'fields'],
  run(ctx) {
    const collation = collationOf(ctx.cmd.collation);
    const name = collectionName(ctx);
    const query = optionalDoc(ctx, 'query') ?? {};
    const skip = optionalInt(ctx, 'skip') ?? 0;
    const limit = Math.abs(Number(ctx.cmd.limit ?? 0));
    const coll = scope(ctx).coll(name);
    let n: number;
    if (Object.keys(query).length === 0 && !ctx.txn) n = coll?.docs.size ?? 0;
    else n = scope(ctx).read(name, query, { hint: ctx.cmd.hint as string | undefined, collation }).matches.length;
    n = Math.max(0, n - skip);
    if (limit > 0) n = Math.min(n, limit);
    return { n, ok: 1 };
  },
};

export const distinct: CommandDef = {
  strict: true,
  fields: ['key', 'query', 'collation', 'hint'],
  inTransaction: true,
  run(ctx) {
    const collation = collationOf(ctx.cmd.collation);
    const name = collectionName(ctx);
    const key = ctx.cmd.key;
    if (typeof key !== 'string') throw errors.typeMismatch("BSON field 'distinct.key' is missing or not a string");
    const { matches } = scope(ctx).read(name, optionalDoc(ctx, 'query') ?? {}, { collation });
    const seen = new Map<string, unknown>();
    for (const m of matches) {
      for (const v of getValues(m.doc, key)) {
        for (const item of Array.isArray(v) ? v : [v]) {
          const k = canonicalKey(item);
          if (!seen.has(k)) seen.set(k, item);
        }
      }
    }
    return { values: [...seen.values()], ok: 1 };
  },
};

export const explain: CommandDef = {
  fields: ['verbosity'],
  run(ctx) {
    const inner = ctx.cmd.explain as Document;
    const innerName = inner && typeof inner === 'object' ? Object.keys(inner)[0] : 'nothing';
    if (innerName === 'aggregate') return aggregate.run({ ...ctx, cmd: { ...inner, explain: true } });
    if (innerName !== 'find') throw errors.notImplemented(`explain is supported for find and aggregate only, not for '${innerName}'`);
    return runFind({ ...ctx, cmd: inner }, true);
  },
};
