/**
 * aggregate: a leading `$match` (and `$sort`) runs through the indexed read path; the
 * rest of the pipeline runs in mingo over decoded documents. Stages are checked against
 * an allowlist first so an unsupported stage is refused by name, never half-run.
 */
import { type Document } from 'bson';
import { toBson } from '../bson-raw';
import { Aggregator } from 'mingo/aggregator';
import { ENGINE_CONTEXT } from '../query/mingo-context';
import { fastGroup } from './group';
import { FALLBACK, rawFieldValue } from '../catalog/raw-keys';
import { explainPlan, type Match } from '../catalog/read';
import type { CommandContext, CommandDef } from './types';
import { ns, optionalInt, scope } from './types';
import { collationOf } from './read';
import { parseCollation, withCollation, type Collator } from '../query/collation';
import { EngineError, errors, isEngineError } from '../errors';
import { refuseUnsupportedPipeline } from '../query/refusals';
import { checkWriteStage, runMerge, runOut, WRITE_STAGES } from './aggregate-out';

const SUPPORTED_STAGES = new Set([
  '$match', '$group', '$project', '$addFields', '$set', '$unset', '$sort', '$limit', '$skip', '$unwind', '$lookup',
  '$facet', '$count', '$bucket', '$bucketAuto', '$sortByCount', '$replaceRoot', '$replaceWith', '$sample',
  '$unionWith', '$graphLookup', '$redact', '$setWindowFields', '$densify', '$fill',
]);
/** Real MongoDB stages this engine does not run: refused with a message that names them. */
const KNOWN_UNSUPPORTED = new Set(['$geoNear', '$search', '$searchMeta', '$vectorSearch', '$changeStream', '$collStats', '$indexStats', '$currentOp', '$listSessions', '$listLocalSessions', '$planCacheStats', '$listSearchIndexes', '$changeStreamSplitLargeEvent', '$shardedDataDistribution']);

function checkStages(pipeline: Document[], databaseLevel: boolean): void {
  for (const [i, stage] of pipeline.entries()) {
    const keys = stage && typeof stage === 'object' ? Object.keys(stage) : [];
    if (keys.length !== 1) throw new EngineError(40323, 'Location40323', 'A pipeline stage specification object must contain exactly one field.');
    const name = keys[0];
    if (name === '$documents') {
      if (databaseLevel && i === 0) continue;
      throw new EngineError(40602, 'Location40602', '$documents is only valid as the first stage in a pipeline run on the database ({aggregate: 1})');
    }
    if (WRITE_STAGES.has(name)) continue;
    if (KNOWN_UNSUPPORTED.has(name)) throw errors.notImplemented(`the aggregation stage ${name} is not supported by the embedded engine`);
    if (!SUPPORTED_STAGES.has(name)) {
      throw new EngineError(40324, 'Location40324', `Unrecognized pipeline stage name: '${name}'`);
    }
  }
}

const fieldNames = new Map<string, Buffer>();

/** A matched document's top-level field, from its bytes when the type allows (no decode). */
function readStoredField(m: Match, field: string): unknown {
  let name = fieldNames.get(field);
  if (!name) {
    if (fieldNames.size > 1000) fieldNames.clear(); // field names come from requests: keep the cache bounded
    fieldNames.set(field, (name = Buffer.from(field, 'utf8')));
  }
  const v = rawFieldValue(m.buf, name);
  return v === FALLBACK ? m.doc[field] : v;
}

/** `$count: name` is defined as this pair; mingo's own $count emits a zero document for no input. */
function expandCount(pipeline: Document[]): Document[] {
  return pipeline.flatMap((stage) =>
    typeof stage.$count === 'string' ? [{ $group: { _id: null, [stage.$count]: { $sum: 1 } } }, { $project: { _id: 0 } }] : [stage]);
}

/** The leading `$match` / `$sort` the indexed read path runs, and the stages left for mingo. */
function splitPipeline(pipeline: Document[]): { filter: Document; sort?: Document; rest: Document[] } {
  let rest = expandCount(pipeline);
  let filter: Document = {};
  let sort: Document | undefined;
  if (rest[0]?.$match) {
    filter = rest[0].$match as Document;
    rest = rest.slice(1);
    if (rest[0]?.$sort) {
      sort = rest[0].$sort as Document;
      rest = rest.slice(1);
    }
  }
  return { filter, sort, rest };
}

function collationFor(ctx: CommandContext, collName: string) {
  const given = collationOf(ctx.cmd.collation);
  return given !== undefined ? given : parseCollation(scope(ctx).coll(collName)?.options.collation);
}

function runPipeline(ctx: CommandContext, collName: string, pipeline: Document[]): Document[] {
  const s = scope(ctx);
  const collation = collationFor(ctx, collName);
  const split = splitPipeline(pipeline);
  const { filter, sort } = split;
  let rest = split.rest;
  // countDocuments() sends exactly this; answer it without running mingo
  const only = rest.length === 1 ? rest[0].$group : undefined;
  const isCount = only && Object.keys(only).length === 2 && only._id === 1 && only.n && (only.n as Document).$sum === 1;
  const { matches } = s.read(collName, filter, { sort, hint: ctx.cmd.hint as string | Document | undefined, collation });
  if (isCount) return matches.length ? [{ _id: 1, n: matches.length }] : [];
  let input: Document[] | null = null;
  const grouped = rest[0]?.$group ? fastGroup(matches, rest[0].$group as Document, readStoredField) : null;
  if (grouped) {
    input = grouped;
    rest = rest.slice(1);
  }
  input ??= matches.map((m) => m.doc);
  if (rest.length === 0) return input;
  return runInMingo(ctx, rest, input, collation);
}

/** Runs stages over documents in mingo; `$lookup` and friends read other collections of the database. */
function runInMingo(ctx: CommandContext, rest: Document[], input: Document[], collation: Collator | null): Document[] {
  const s = scope(ctx);
  const resolved = new Map<string, Document[]>();
  const collectionResolver = (name: string): Document[] => {
    let docs = resolved.get(name);
    if (!docs) resolved.set(name, (docs = s.read(name, {}).matches.map((m) => m.doc)));
    return docs;
  };
  const aggregator = new Aggregator(rest, { collectionResolver, context: ENGINE_CONTEXT, collation: collation?.intlSpec as never });
  return withCollation(collation, () => aggregator.run(input) as Document[]);
}

/**
 * mingo names an operator it does not know "accumulator '$x' is not registered" wherever
 * it appears; MongoDB says "unknown group operator" inside `$group` (15952) and
 * "Unrecognized expression" elsewhere (168 InvalidPipelineOperator).
 */
function pipelineError(e: Error, pipeline: Document[]): EngineError {
  const unknown = /(?:accumulator|operator) '(\$\w+)' is not registered/.exec(e.message)?.[1];
  if (!unknown) return errors.badValue(`aggregation failed: ${e.message}`);
  const inGroup = pipeline.some((stage) => Object.values((stage.$group ?? {}) as Document).some((acc) => acc && typeof acc === 'object' && unknown in acc));
  return inGroup
    ? new EngineError(15952, 'Location15952', `unknown group operator '${unknown}'`)
    : new EngineError(168, 'InvalidPipelineOperator', `Invalid expression :: caused by :: Unrecognized expression '${unknown}'`);
}

/** `{aggregate: 1, pipeline: [{$documents: [...]}, ...]}`: the documents are the pipeline's input. */
function runDatabasePipeline(ctx: CommandContext, pipeline: Document[]): Document[] {
  const [first, ...rest] = pipeline;
  if (!first || !('$documents' in first)) {
    const name = first ? Object.keys(first)[0] : 'nothing';
    throw errors.notImplemented(`database-level aggregation ({aggregate: 1}) starting with ${name} is not supported by the embedded engine; only $documents is`);
  }
  let docs = first.$documents;
  if (!Array.isArray(docs)) {
    // an expression: evaluate it against an empty document
    docs = (new Aggregator([{ $project: { _id: 0, d: docs } }], { context: ENGINE_CONTEXT }).run([{}])[0] as Document | undefined)?.d;
  }
  if (!Array.isArray(docs) || docs.some((d) => !d || typeof d !== 'object' || Array.isArray(d))) {
    throw new EngineError(5858203, 'Location5858203', 'an array of documents must be specified to $documents');
  }
  return rest.length ? runInMingo(ctx, rest, docs as Document[], parseCollation(ctx.cmd.collation)) : (docs as Document[]);
}

/** `explain` of an aggregation: the read of the leading $match / $sort as find explains it, then the other stages. */
function explainAggregate(ctx: CommandContext, collName: string, pipeline: Document[]): Document {
  const { filter, sort, rest } = splitPipeline(pipeline);
  const started = Date.now();
  const { matches, stats } = scope(ctx).read(collName, filter, { sort, hint: ctx.cmd.hint as string | Document | undefined, collation: collationFor(ctx, collName) });
  const cursorStage = explainPlan(ns(ctx, collName), filter, stats, matches.length, Date.now() - started);
  delete cursorStage.ok;
  return { explainVersion: '1', ...cursorStage, stages: [{ $cursor: cursorStage }, ...rest], command: { aggregate: collName, pipeline }, ok: 1 };
}

export const aggregate: CommandDef = {
  strict: true,
  fields: ['pipeline', 'cursor', 'allowDiskUse', 'explain', 'hint', 'collation', 'let', 'bypassDocumentValidation', 'fromMongos', 'needsMerge'],
  unsupported: ['let'],
  inTransaction: true,
  async run(ctx) {
    const target = ctx.cmd.aggregate;
    const databaseLevel = target === 1;
    if (!databaseLevel && typeof target !== 'string') throw errors.typeMismatch("BSON field 'aggregate.aggregate' must be a collection name");
    const pipeline = ctx.cmd.pipeline;
    if (!Array.isArray(pipeline)) throw errors.typeMismatch("BSON field 'aggregate.pipeline' is the wrong type, expected type 'array'");
    const explain = ctx.cmd.explain === true;
    const cursorOpt = (ctx.cmd.cursor ?? (explain ? {} : undefined)) as Document | undefined;
    if (!cursorOpt || typeof cursorOpt !== 'object') throw errors.failedToParse("The 'cursor' option is required, except for aggregate with the explain argument");
    checkStages(pipeline as Document[], databaseLevel);
    checkWriteStage(ctx, pipeline as Document[]);
    refuseUnsupportedPipeline(pipeline);
    if (explain) {
      if (databaseLevel) throw errors.notImplemented('explain of a database-level aggregation is not supported by the embedded engine');
      return explainAggregate(ctx, target as string, pipeline as Document[]);
    }
    // a final $out / $merge writes the results of the stages before it and answers an empty cursor
    const last = (pipeline as Document[])[pipeline.length - 1];
    const write = last && WRITE_STAGES.has(Object.keys(last)[0]) ? last : undefined;
    const stages = write ? (pipeline as Document[]).slice(0, -1) : (pipeline as Document[]);
    let out: Document[];
    try {
      out = databaseLevel ? runDatabasePipeline(ctx, stages) : runPipeline(ctx, target as string, stages);
    } catch (e) {
      if (isEngineError(e)) throw e;
      throw pipelineError(e as Error, pipeline as Document[]);
    }
    if (write?.$out !== undefined) await runOut(ctx, write.$out, out);
    if (write?.$merge !== undefined) await runMerge(ctx, write.$merge, out);
    if (write) out = [];
    const docs = out.map((d) => toBson(d));
    const batchSize = cursorOpt.batchSize === undefined ? undefined : optionalInt({ ...ctx, cmd: cursorOpt }, 'batchSize');
    const cursor = ctx.engine.cursors.open(ns(ctx, databaseLevel ? '$cmd.aggregate' : (target as string)), docs, batchSize, ctx.session?.id ?? null);
    return { cursor, ok: 1 };
  },
};
