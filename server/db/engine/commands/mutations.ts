/**
 * Building new document versions for update / upsert / replace, shared by the `update`
 * and `findAndModify` commands.
 */
import { deserialize, ObjectId, type Document } from 'bson';
import { toBson, EXACT_DECODE } from '../bson-raw';
import { findElement, prependObjectId, withIdFirst } from '../bson-walk';
import type { WriteScope } from '../write-scope';
import type { Match } from '../catalog/read';
import { Collection } from '../catalog/collection';
import { applyUpdate, isReplacement } from '../query/update';
import { upsertSeed } from '../query/upsert';
import { retype } from '../query/retype';
import { applyPipelineUpdate } from '../query/pipeline-update';
import { canonicalKey } from '../query/compare';
import { errors } from '../errors';

export interface UpdateSpec {
  /** Operator document, replacement document (promoted form) or pipeline. */
  u: Document;
  /** Replacement in exact form (types as sent), when `u` is a replacement. */
  exactReplacement?: Document;
  arrayFilters?: Document[];
  filter: Document;
  /** `$$name` variables of a pipeline update (`$merge` with a pipeline: `$$new`). */
  variables?: Document;
}


function checkUpdateShape(u: unknown): asserts u is Document {
  if (!u || typeof u !== 'object') throw errors.failedToParse('Update argument must be either an object or an array');
}

/** Puts `_id` first, as MongoDB stores it. */
function idFirst(doc: Document): Document {
  if (Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

function validateId(id: unknown): void {
  if (Array.isArray(id)) throw errors.badValue("can't use an array for _id");
  if (id instanceof RegExp) throw errors.badValue("can't use a regex for _id");
  if (id === undefined) throw errors.badValue("can't use undefined for _id");
}

/** Applies an update to a matched document. Returns false when nothing changed. */
export function updateMatched(scope: WriteScope, name: string, match: Match, spec: UpdateSpec): { changed: boolean; buf: Buffer; doc: Document } {
  checkUpdateShape(spec.u);
  const oldExact = deserialize(match.buf, EXACT_DECODE);
  let next: Document;
  if (Array.isArray(spec.u)) {
    next = retype(applyPipelineUpdate(match.doc, spec.u, spec.variables), oldExact) as Document;
  } else if (isReplacement(spec.u)) {
    const replacement = { ...(spec.exactReplacement ?? spec.u) };
    if ('_id' in spec.u && canonicalKey(spec.u._id) !== match.key) {
      throw errors.immutableField(`After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${String(spec.u._id)}`);
    }
    delete replacement._id;
    next = { _id: oldExact._id, ...replacement };
  } else {
    const { doc, modified } = applyUpdate(match.doc, spec.u, { arrayFilters: spec.arrayFilters, query: spec.filter, isUpsertInsert: false });
    if (!modified) return { changed: false, buf: match.buf, doc: match.doc };
    next = retype(doc, oldExact) as Document;
  }
  const buf = toBson(idFirst(next));
  if (buf.equals(match.buf)) return { changed: false, buf, doc: match.doc };
  const doc = Collection.decode(buf);
  scope.replace(name, match, buf, doc);
  return { changed: true, buf, doc };
}

/** Inserts the document an upsert creates when nothing matched. */
export function upsertNew(scope: WriteScope, name: string, spec: UpdateSpec): { buf: Buffer; doc: Document } {
  checkUpdateShape(spec.u);
  let next: Document;
  if (Array.isArray(spec.u)) {
    next = applyPipelineUpdate(upsertSeed(spec.filter), spec.u);
  } else if (isReplacement(spec.u)) {
    const seed = upsertSeed(spec.filter);
    next = { ...(spec.exactReplacement ?? spec.u) };
    if (!('_id' in next) && '_id' in seed) next._id = seed._id;
  } else {
    next = applyUpdate(upsertSeed(spec.filter), spec.u, { arrayFilters: spec.arrayFilters, query: spec.filter, isUpsertInsert: true }).doc;
  }
  if (!('_id' in next)) next._id = new ObjectId();
  validateId(next._id);
  const buf = toBson(idFirst(next));
  const doc = Collection.decode(buf);
  scope.insert(name, buf, doc);
  return { buf, doc };
}

/** Gives a raw inserted document an `_id` if it lacks one, and puts `_id` first, as MongoDB stores it — by moving bytes, not re-encoding. */
export function withId(buf: Buffer): { buf: Buffer; doc: Document } {
  if (findElement(buf, '_id') === null) {
    const withNewId = prependObjectId(buf, new ObjectId());
    return { buf: withNewId, doc: Collection.decode(withNewId) };
  }
  const ordered = withIdFirst(buf);
  const doc = Collection.decode(ordered);
  validateId(doc._id);
  return { buf: ordered, doc };
}
