/**
 * MongoDB's `$jsonSchema` (JSON Schema draft 4 plus `bsonType`), own implementation:
 * mingo has the operator but no validator behind it. A schema is checked once when it is
 * compiled (unknown keywords answer 9 FailedToParse, as MongoDB does); the compiled form
 * returns the rules a value breaks, in the shape MongoDB 5+ reports in `errInfo`
 * (`operatorName`, `specifiedAs`, `reason`, nested `propertiesNotSatisfied`).
 *
 * Values may be in exact form (Int32 / Double wrappers, so `bsonType: 'double'` is exact)
 * or promoted (plain numbers: integral ones count as `int`).
 */
import type { Document } from 'bson';
import { bsonTag, isNumeric, isPlainObject, typeName } from './bson-types';
import { canonicalKey } from './compare';
import { promote } from './retype';
import { EngineError } from '../errors';

export type SchemaFailure = Document;
type Check = (value: unknown) => SchemaFailure[];

const BSON_TYPES = new Set(['double', 'string', 'object', 'array', 'binData', 'undefined', 'objectId', 'bool', 'date', 'null', 'regex',
  'dbPointer', 'javascript', 'symbol', 'javascriptWithScope', 'int', 'timestamp', 'long', 'decimal', 'minKey', 'maxKey', 'number']);
const JSON_TYPES = new Set(['object', 'array', 'number', 'boolean', 'string', 'null']);
const IGNORED = new Set(['title', 'description']);
/** Keywords of JSON Schema that MongoDB itself refuses. */
const MONGO_REFUSES = new Set(['$ref', '$schema', 'default', 'definitions', 'format', 'id']);

const parseError = (msg: string) => new EngineError(9, 'FailedToParse', msg);

function numberOf(v: unknown): number {
  return typeof v === 'number' ? v : Number((v as { valueOf(): unknown }).valueOf());
}

/** MongoDB's type name of a value in either form (a DBRef-like object is an object). */
function bsonTypeOf(v: unknown): string {
  const name = typeName(v);
  return name === 'bool' || typeof v !== 'object' || bsonTag(v) || v === null || Array.isArray(v) || v instanceof Date ? name : 'object';
}

function jsonTypeOf(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (isNumeric(v)) return 'number';
  if (Array.isArray(v)) return 'array';
  return isPlainObject(v) ? 'object' : 'other';
}

function typeList(kw: string, spec: unknown, known: Set<string>): string[] {
  const list = Array.isArray(spec) ? spec : [spec];
  if (list.length === 0 || list.some((t) => typeof t !== 'string')) throw parseError(`$jsonSchema keyword '${kw}' must be a string or an array of strings`);
  for (const t of list as string[]) {
    if (kw === 'type' && t === 'integer') throw parseError("$jsonSchema type 'integer' is not currently supported.");
    if (!known.has(t)) throw parseError(`Unknown type name alias: ${t}`);
  }
  return list as string[];
}

function fail(kw: string, spec: unknown, reason: string, value?: unknown, extra: Document = {}): SchemaFailure {
  return { operatorName: kw, specifiedAs: { [kw]: spec }, reason, ...(value === undefined ? {} : { consideredValue: value }), ...extra };
}

function nonNegativeInt(kw: string, v: unknown): number {
  const n = isNumeric(v) ? numberOf(v) : NaN;
  if (!Number.isInteger(n) || n < 0) throw parseError(`$jsonSchema keyword '${kw}' must be a non-negative integer`);
  return n;
}

function schemaList(kw: string, v: unknown): Check[] {
  if (!Array.isArray(v) || v.length === 0) throw parseError(`$jsonSchema keyword '${kw}' must be a non-empty array of schemas`);
  return v.map((s) => compileSchema(s));
}

/** Compiles a schema (throws 9 on a malformed one); the result lists the rules a value breaks. */
export function compileSchema(schema: unknown): Check {
  if (!isPlainObject(schema)) throw parseError('$jsonSchema must be an object');
  const s = promote(schema) as Document;
  const checks: Check[] = [];
  const isObj = isPlainObject, isArr = Array.isArray, isStr = (v: unknown): v is string => typeof v === 'string';
  for (const [kw, spec] of Object.entries(s)) {
    if (IGNORED.has(kw) || kw === 'exclusiveMinimum' || kw === 'exclusiveMaximum' || kw === 'additionalItems') continue;
    if (MONGO_REFUSES.has(kw)) throw parseError(`$jsonSchema keyword '${kw}' is not currently supported`);
    switch (kw) {
      case 'bsonType': {
        const types = typeList(kw, spec, BSON_TYPES);
        if ('type' in s) throw parseError('Cannot specify both $jsonSchema keywords \'type\' and \'bsonType\'');
        checks.push((v) => {
          const t = bsonTypeOf(v);
          return types.includes(t) || (types.includes('number') && isNumeric(v)) ? [] : [fail(kw, spec, 'type did not match', v, { consideredType: t })];
        });
        break;
      }
      case 'type': {
        const types = typeList(kw, spec, JSON_TYPES);
        checks.push((v) => (types.includes(jsonTypeOf(v)) ? [] : [fail(kw, spec, 'type did not match', v, { consideredType: bsonTypeOf(v) })]));
        break;
      }
      case 'enum': {
        if (!isArr(spec) || spec.length === 0) throw parseError("$jsonSchema keyword 'enum' must be a non-empty array");
        const allowed = new Set(spec.map((x) => canonicalKey(x)));
        checks.push((v) => (allowed.has(canonicalKey(promote(v))) ? [] : [fail(kw, spec, 'value was not found in enum', v)]));
        break;
      }
      case 'minimum': case 'maximum': {
        if (!isNumeric(spec)) throw parseError(`$jsonSchema keyword '${kw}' must be a number`);
        const bound = numberOf(spec), exclusive = s[kw === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum'] === true;
        checks.push((v) => {
          if (!isNumeric(v)) return [];
          const n = numberOf(v);
          const ok = kw === 'minimum' ? (exclusive ? n > bound : n >= bound) : (exclusive ? n < bound : n <= bound);
          return ok ? [] : [fail(kw, spec, kw === 'minimum' ? 'comparison failed' : 'comparison failed', v)];
        });
        break;
      }
      case 'minLength': case 'maxLength': {
        const bound = nonNegativeInt(kw, spec);
        checks.push((v) => {
          if (!isStr(v)) return [];
          const len = [...v].length; // code points, as MongoDB counts
          return (kw === 'minLength' ? len >= bound : len <= bound) ? [] : [fail(kw, spec, 'specified string length was not satisfied', v)];
        });
        break;
      }
      case 'pattern': {
        if (!isStr(spec)) throw parseError("$jsonSchema keyword 'pattern' must be a string");
        const re = new RegExp(spec, 'u');
        checks.push((v) => (!isStr(v) || re.test(v) ? [] : [fail(kw, spec, 'regular expression did not match', v)]));
        break;
      }
      case 'minItems': case 'maxItems': {
        const bound = nonNegativeInt(kw, spec);
        checks.push((v) => (!isArr(v) || (kw === 'minItems' ? v.length >= bound : v.length <= bound) ? [] : [fail(kw, spec, 'array did not match specified length', v)]));
        break;
      }
      case 'uniqueItems':
        if (typeof spec !== 'boolean') throw parseError("$jsonSchema keyword 'uniqueItems' must be a boolean");
        if (spec) checks.push((v) => (!isArr(v) || new Set(v.map((x) => canonicalKey(promote(x)))).size === v.length ? [] : [fail(kw, spec, 'found a duplicate item', v)]));
        break;
      case 'items': {
        const single = isObj(spec) ? compileSchema(spec) : null;
        const each = single ? null : schemaList(kw, spec);
        const extra = s.additionalItems;
        const rest = isObj(extra) ? compileSchema(extra) : null;
        checks.push((v) => {
          if (!isArr(v)) return [];
          const itemFailures = v.flatMap((x, i): Document[] => {
            const check = single ?? each![i] ?? rest;
            if (!check && extra === false && i >= each!.length) return [{ index: i, reason: 'additionalItems is false' }];
            const details = check ? check(x) : [];
            return details.length ? [{ index: i, details }] : [];
          });
          return itemFailures.length ? [{ operatorName: 'items', reason: 'At least one item did not match the sub-schema', itemsNotSatisfied: itemFailures }] : [];
        });
        break;
      }
      case 'required': {
        if (!isArr(spec) || spec.length === 0 || spec.some((f) => !isStr(f))) throw parseError("$jsonSchema keyword 'required' must be a non-empty array of strings");
        checks.push((v) => {
          if (!isObj(v)) return [];
          const missing = (spec as string[]).filter((f) => !Object.hasOwn(v, f));
          return missing.length ? [fail(kw, spec, 'missing required properties', undefined, { missingProperties: missing })] : [];
        });
        break;
      }
      case 'properties': case 'patternProperties': {
        if (!isObj(spec)) throw parseError(`$jsonSchema keyword '${kw}' must be an object`);
        const subs = Object.entries(spec).map(([name, sub]) => [name, compileSchema(sub), kw === 'patternProperties' ? new RegExp(name, 'u') : null] as const);
        checks.push((v) => {
          if (!isObj(v)) return [];
          const notSatisfied = subs.flatMap(([name, check, re]) =>
            Object.keys(v).filter((k) => (re ? re.test(k) : k === name)).flatMap((k) => {
              const details = check(v[k]);
              return details.length ? [{ propertyName: k, details }] : [];
            }));
          return notSatisfied.length ? [{ operatorName: kw, propertiesNotSatisfied: notSatisfied }] : [];
        });
        break;
      }
      case 'additionalProperties': {
        const sub = isObj(spec) ? compileSchema(spec) : null;
        if (!sub && typeof spec !== 'boolean') throw parseError("$jsonSchema keyword 'additionalProperties' must be either an object or a boolean");
        const declared = new Set(Object.keys(isObj(s.properties) ? s.properties : {}));
        const patterns = Object.keys(isObj(s.patternProperties) ? s.patternProperties : {}).map((p) => new RegExp(p, 'u'));
        checks.push((v) => {
          if (!isObj(v)) return [];
          const extra = Object.keys(v).filter((k) => !declared.has(k) && !patterns.some((re) => re.test(k)));
          if (spec === false) return extra.length ? [fail(kw, spec, 'found additional properties', undefined, { additionalProperties: extra })] : [];
          if (!sub) return [];
          const bad = extra.filter((k) => sub(v[k]).length > 0);
          return bad.length ? [fail(kw, spec, 'at least one additional property did not match the sub-schema', undefined, { additionalProperties: bad })] : [];
        });
        break;
      }
      case 'minProperties': case 'maxProperties': {
        const bound = nonNegativeInt(kw, spec);
        checks.push((v) => {
          if (!isObj(v)) return [];
          const n = Object.keys(v).length;
          return (kw === 'minProperties' ? n >= bound : n <= bound) ? [] : [fail(kw, spec, 'specified number of properties was not satisfied', undefined, { numberOfProperties: n })];
        });
        break;
      }
      case 'dependencies': {
        if (!isObj(spec)) throw parseError("$jsonSchema keyword 'dependencies' must be an object");
        const deps = Object.entries(spec).map(([name, dep]) => [name, isArr(dep) ? dep : compileSchema(dep)] as const);
        checks.push((v) => {
          if (!isObj(v)) return [];
          const broken = deps.filter(([name, dep]) => Object.hasOwn(v, name) && (isArr(dep) ? dep.some((f) => !Object.hasOwn(v, f as string)) : dep(v).length > 0));
          return broken.length ? [fail(kw, spec, 'dependencies not satisfied', undefined, { failingDependencies: broken.map(([n]) => n) })] : [];
        });
        break;
      }
      case 'allOf': case 'anyOf': case 'oneOf': {
        const subs = schemaList(kw, spec);
        checks.push((v) => {
          const passed = subs.filter((c) => c(v).length === 0).length;
          const ok = kw === 'allOf' ? passed === subs.length : kw === 'anyOf' ? passed > 0 : passed === 1;
          return ok ? [] : [fail(kw, spec, kw === 'allOf' ? 'at least one clause did not match' : 'no clause or more than one matched', v)];
        });
        break;
      }
      case 'not': {
        const sub = compileSchema(spec);
        checks.push((v) => (sub(v).length === 0 ? [fail(kw, spec, 'child expression matched', v)] : []));
        break;
      }
      default:
        throw parseError(`Unknown $jsonSchema keyword: ${kw}`);
    }
  }
  return (value) => checks.flatMap((c) => c(value));
}

/** For mingo's `jsonSchemaValidator` option: `$jsonSchema` nested in a query (`$or`, `$nor`, find). */
export function jsonSchemaPredicate(schema: Document): (doc: unknown) => boolean {
  const check = compileSchema(schema);
  return (doc) => check(doc).length === 0;
}
