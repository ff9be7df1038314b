/**
 * The writing stages of an aggregation, `$out` and `$merge`, into a collection of the
 * same database. The pipeline's results are computed first (so a pipeline may read the
 * collection it writes), then written:
 * - `$out` replaces the target whole, in one durable record: the new contents are built
 *   off to the side first, so a duplicate key leaves the old collection untouched; the
 *   target's options and indexes are kept, as MongoDB does.
 * - `$merge` writes document by document through the ordinary write path; like MongoDB it
 *   is not atomic: writes before an error stay.
 */
import { ObjectId, type Document } from 'bson';
import { Aggregator } from 'mingo/aggregator';
import { toBson } from '../bson-raw';
import { ChangeSet } from '../catalog/oplog';
import { Collection } from '../catalog/collection';
import { validateCollectionName } from '../catalog/catalog';
import type { IndexSpec } from '../catalog/btree-index';
import { canonicalKey } from '../query/compare';
import { getValueAt } from '../query/paths';
import { ENGINE_CONTEXT } from '../query/mingo-context';
import { checkUpdatePipeline } from '../query/pipeline-update';
import { EngineError, errors } from '../errors';
import type { CommandContext } from './types';
import { scope } from './types';
import { updateMatched, withId } from './mutations';
import { validateDocument } from '../catalog/validation';

export const WRITE_STAGES = new Set(['$out', '$merge']);

/** `$out` / `$merge` only as the last stage, never in a transaction (MongoDB: 40601, 263). */
export function checkWriteStage(ctx: CommandContext, pipeline: Document[]): void {
  pipeline.forEach((stage, i) => {
    const name = Object.keys(stage)[0];
    if (!WRITE_STAGES.has(name)) return;
    if (i !== pipeline.length - 1) throw new EngineError(40601, 'Location40601', `${name} can only be the final stage in the pipeline`);
    if (ctx.txn) throw errors.operationNotSupportedInTransaction(`${name} cannot be used in a transaction`);
  });
}

/** The target collection name of `$out: name | {db, coll}` or `$merge: {into: name | {db, coll}}`; another database is refused. */
function targetOf(ctx: CommandContext, stage: string, spec: unknown): string {
  let db = ctx.db, coll: unknown = spec;
  if (spec && typeof spec === 'object' && !Array.isArray(spec)) {
    const given = spec as Document;
    if (given.timeseries !== undefined) throw errors.notImplemented(`${stage} into a time series collection is not supported by the embedded engine`);
    db = (given.db ?? ctx.db) as string;
    coll = given.coll;
  }
  if (typeof coll !== 'string' || typeof db !== 'string') throw errors.failedToParse(`${stage} needs a collection name (a string or {db, coll})`);
  if (db !== ctx.db) throw errors.notImplemented(`${stage} into another database ('${db}') is not supported by the embedded engine; only into '${ctx.db}'`);
  validateCollectionName(ctx.db, coll);
  return coll;
}

/** Refuses a target whose semantics `$out`/`$merge` cannot keep (MongoDB: capped target 17152 for $out). */
function checkTargetOptions(stage: string, coll: Collection | undefined): void {
  if (stage === '$out' && coll?.options.capped) throw new EngineError(17152, 'Location17152', `namespace '${coll.ns}' is capped so it can't be used for $out`);
}

/** `$out`: the results become the target's whole content, atomically. */
export async function runOut(ctx: CommandContext, spec: unknown, results: Document[]): Promise<void> {
  const name = targetOf(ctx, '$out', spec);
  const existing = ctx.engine.catalog.get(ctx.db, name);
  checkTargetOptions('$out', existing);
  const options = existing?.options ?? {};
  const specs: IndexSpec[] = existing ? [...existing.indexes.values()].map((ix) => ix.spec).filter((s) => s.name !== '_id_') : [];
  const staging = new Collection(ctx.db, name, options);
  for (const s of specs) staging.createIndex(s);
  const changes = new ChangeSet();
  if (existing) changes.add({ o: 'dropCollection', ns: staging.ns });
  changes.add({ o: 'createCollection', ns: staging.ns, options, uuid: staging.uuid });
  for (const s of specs) changes.add({ o: 'createIndex', ns: staging.ns, spec: s as unknown as Document });
  for (const result of results) {
    const { buf, doc } = withId(toBson(result));
    validateDocument(existing, doc, buf, { bypass: ctx.cmd.bypassDocumentValidation === true, warn: ctx.engine.log });
    const key = canonicalKey(doc._id);
    if (staging.docs.has(key)) throw staging.duplicateKey(staging.indexes.get('_id_')!, doc);
    staging.checkUnique(doc, key);
    staging.put(key, buf, doc);
    changes.put(staging.ns, buf);
  }
  ctx.engine.assertWritable();
  ctx.engine.abortTransactionsOn(staging.ns);
  ctx.engine.catalog.applyRecord(changes.encode(), 'live');
  await ctx.engine.persist(changes);
}

interface MergeSpec {
  into: string;
  on: string[];
  whenMatched: 'replace' | 'keepExisting' | 'merge' | 'fail' | Document[];
  whenNotMatched: 'insert' | 'discard' | 'fail';
  let?: Document;
}

const WHEN_MATCHED = ['replace', 'keepExisting', 'merge', 'fail'];
const WHEN_NOT_MATCHED = ['insert', 'discard', 'fail'];
const MERGE_FIELDS = new Set(['into', 'on', 'whenMatched', 'whenNotMatched', 'let']);

function parseMerge(ctx: CommandContext, raw: unknown): MergeSpec {
  if (typeof raw === 'string') return { into: targetOf(ctx, '$merge', raw), on: ['_id'], whenMatched: 'merge', whenNotMatched: 'insert' };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw errors.failedToParse('$merge takes a collection name or a document');
  const spec = raw as Document;
  for (const k of Object.keys(spec)) if (!MERGE_FIELDS.has(k)) throw new EngineError(40415, 'Location40415', `BSON field '$merge.${k}' is an unknown field.`);
  const on = spec.on === undefined ? ['_id'] : typeof spec.on === 'string' ? [spec.on] : spec.on;
  if (!Array.isArray(on) || on.length === 0 || on.some((f) => typeof f !== 'string')) {
    throw new EngineError(51186, 'Location51186', "$merge 'on' field must be a string or an array of strings");
  }
  const whenMatched = spec.whenMatched ?? 'merge';
  if (!(Array.isArray(whenMatched) || WHEN_MATCHED.includes(whenMatched))) throw errors.badValue(`Enumeration value '${String(whenMatched)}' for field '$merge.whenMatched' is not a valid value.`);
  if (Array.isArray(whenMatched)) checkUpdatePipeline(whenMatched);
  const whenNotMatched = spec.whenNotMatched ?? 'insert';
  if (!WHEN_NOT_MATCHED.includes(whenNotMatched)) throw errors.badValue(`Enumeration value '${String(whenNotMatched)}' for field '$merge.whenNotMatched' is not a valid value.`);
  if (spec.let !== undefined && !Array.isArray(whenMatched)) throw new EngineError(51199, 'Location51199', "Cannot use 'let' variables with 'whenMatched: " + String(whenMatched) + "' mode");
  return { into: targetOf(ctx, '$merge', spec.into), on: on as string[], whenMatched, whenNotMatched, let: spec.let as Document | undefined };
}

/** `on` other than `_id` needs a unique index over exactly those fields (MongoDB: 51183). */
function checkOnIndex(coll: Collection | undefined, on: string[]): string {
  if (on.length === 1 && on[0] === '_id') return '_id_';
  const wanted = [...on].sort().join('\0');
  const found = coll && [...coll.indexes.values()].find((ix) => ix.spec.unique && !ix.spec.partialFilterExpression && !ix.spec.collation &&
    Object.keys(ix.spec.key).sort().join('\0') === wanted);
  if (!found) throw new EngineError(51183, 'Location51183', 'Cannot find index to verify that join fields will be unique');
  return found.name;
}

/** The `on` fields of a result as an equality filter; each must be present, not null and not an array (MongoDB: 51132). */
function onFilter(doc: Document, on: string[]): Document {
  const filter: Document = {};
  for (const field of on) {
    const value = getValueAt(doc, field);
    if (value === undefined || value === null || Array.isArray(value)) {
      throw new EngineError(51132, 'Location51132', `$merge write error: 'on' field '${field}' cannot be missing, null, undefined or an array`);
    }
    filter[field] = { $eq: value };
  }
  return filter;
}

function variablesFor(spec: MergeSpec, doc: Document): Document {
  if (!spec.let) return { new: doc };
  return (new Aggregator([{ $replaceWith: { v: spec.let } }], { context: ENGINE_CONTEXT }).run([doc])[0] as Document).v as Document;
}

/** `$merge`: each result is matched on `on` in the target and written as whenMatched / whenNotMatched say. */
export async function runMerge(ctx: CommandContext, raw: unknown, results: Document[]): Promise<void> {
  const spec = parseMerge(ctx, raw);
  const s = scope(ctx);
  const indexName = checkOnIndex(s.coll(spec.into), spec.on);
  try {
    for (const result of results) {
      // MongoDB gives a result without _id a new one when merging on _id
      const doc = spec.on.length === 1 && spec.on[0] === '_id' && result._id === undefined ? { _id: new ObjectId(), ...result } : result;
      const filter = onFilter(doc, spec.on);
      const match = s.coll(spec.into) ? s.read(spec.into, filter, { limit: 1 }).matches[0] : undefined;
      if (!match) {
        if (spec.whenNotMatched === 'fail') throw new EngineError(13113, 'MergeStageNoMatchingDocument', '$merge could not find a matching document in the target collection for at least one document in the source collection');
        if (spec.whenNotMatched === 'insert') {
          const inserted = withId(toBson(doc));
          s.insert(spec.into, inserted.buf, inserted.doc);
        }
        continue;
      }
      if (spec.whenMatched === 'keepExisting') continue;
      if (spec.whenMatched === 'fail') {
        const coll = s.coll(spec.into)!;
        throw coll.duplicateKey(coll.indexes.get(indexName)!, doc);
      }
      if (Array.isArray(spec.whenMatched)) {
        updateMatched(s, spec.into, match, { u: spec.whenMatched, filter, variables: variablesFor(spec, doc) });
        continue;
      }
      if (doc._id !== undefined && canonicalKey(doc._id) !== match.key) {
        throw errors.immutableField("$merge write error: the (immutable) field '_id' was found to have been altered");
      }
      const { _id, ...fields } = doc;
      void _id;
      if (spec.whenMatched === 'replace') updateMatched(s, spec.into, match, { u: fields, filter });
      else if (Object.keys(fields).length > 0) updateMatched(s, spec.into, match, { u: { $set: fields }, filter });
    }
  } finally {
    // writes made before an error stay, as in MongoDB; they must reach the journal before the reply
    await s.finish();
  }
}
