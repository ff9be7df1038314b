/**
 * Pipeline-style updates (`u` is an array of stages): the stages MongoDB allows in an
 * update run through mingo over the one document; `_id` may not change.
 */
import type { Document } from 'bson';
import { Aggregator } from 'mingo/aggregator';
import { ENGINE_CONTEXT } from './mingo-context';
import { refuseUnsupportedPipeline } from './refusals';
import { canonicalKey } from './compare';
import { EngineError, errors } from '../errors';

const UPDATE_STAGES = new Set(['$set', '$addFields', '$unset', '$project', '$replaceWith', '$replaceRoot']);

export function checkUpdatePipeline(pipeline: unknown[]): void {
  for (const stage of pipeline) {
    const keys = stage && typeof stage === 'object' ? Object.keys(stage) : [];
    if (keys.length !== 1) throw new EngineError(40323, 'Location40323', 'A pipeline stage specification object must contain exactly one field.');
    if (!UPDATE_STAGES.has(keys[0])) throw errors.invalidOptions(`${keys[0]} is not allowed to be used within an update`);
  }
  refuseUnsupportedPipeline(pipeline);
}

/** The document after the pipeline (promoted form); `variables` are `$$name`s it may read (`$merge`'s `$$new`). */
export function applyPipelineUpdate(doc: Document, pipeline: Document[], variables?: Document): Document {
  checkUpdatePipeline(pipeline);
  let out: Document | undefined;
  try {
    out = new Aggregator(pipeline, { context: ENGINE_CONTEXT, variables }).run([doc])[0] as Document | undefined;
  } catch (e) {
    throw errors.badValue(`update pipeline failed: ${(e as Error).message}`);
  }
  if (!out || typeof out !== 'object') throw errors.badValue('the update pipeline produced no document');
  if ('_id' in doc && (!('_id' in out) || canonicalKey(out._id) !== canonicalKey(doc._id))) {
    throw errors.immutableField("After applying the update, the (immutable) field '_id' was found to have been altered");
  }
  return out;
}
