/**
 * Operators MongoDB has and this engine does not implement. They are refused by name
 * with 238 NotImplemented before anything runs, rather than answered "unknown operator"
 * (which would call a real MongoDB operator a typo) or half-run by mingo.
 */
import { errors } from '../errors';
import { isPlainObject } from './bson-types';

/** Query operators that need text / geo indexes or server-side JavaScript. */
const QUERY_OPERATORS = new Map([
  ['$text', 'text search needs a text index, which the embedded engine does not have'],
  ['$near', 'geospatial queries need a 2d / 2dsphere index, which the embedded engine does not have'],
  ['$nearSphere', 'geospatial queries need a 2d / 2dsphere index, which the embedded engine does not have'],
  ['$geoWithin', 'geospatial queries are not supported by the embedded engine'],
  ['$geoIntersects', 'geospatial queries are not supported by the embedded engine'],
  ['$within', 'geospatial queries are not supported by the embedded engine'],
  ['$where', 'server-side JavaScript is not supported by the embedded engine'],
]);

/** Aggregation expressions that run server-side JavaScript. */
const EXPRESSION_OPERATORS = new Map([
  ['$function', 'server-side JavaScript is not supported by the embedded engine'],
  ['$accumulator', 'server-side JavaScript is not supported by the embedded engine'],
]);

/** The first key of `refused` found anywhere in `value` (documents and arrays, any depth). */
function findOperator(value: unknown, refused: Map<string, string>, depth = 0): string | undefined {
  if (depth > 100) return undefined;
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = findOperator(v, refused, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (!isPlainObject(value)) return undefined;
  for (const [k, v] of Object.entries(value)) {
    if (refused.has(k)) return k;
    const found = findOperator(v, refused, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Throws 238 NotImplemented when a filter uses an operator the engine does not implement. */
export function refuseUnsupportedQuery(filter: unknown): void {
  const op = findOperator(filter, QUERY_OPERATORS);
  if (op) throw errors.notImplemented(`the query operator ${op} is not supported: ${QUERY_OPERATORS.get(op)}`);
}

/** Same for a pipeline: its `$match` filters and its expressions. */
export function refuseUnsupportedPipeline(pipeline: unknown): void {
  refuseUnsupportedQuery(pipeline);
  const op = findOperator(pipeline, EXPRESSION_OPERATORS);
  if (op) throw errors.notImplemented(`the aggregation operator ${op} is not supported: ${EXPRESSION_OPERATORS.get(op)}`);
}
