/**
 * Document validation: a collection's `validator` (query operators, `$jsonSchema`
 * included) with `validationLevel` (strict | moderate | off) and `validationAction`
 * (error | warn), as MongoDB applies them to inserts and updates. A failing write answers
 * 121 DocumentValidationFailure with `errInfo: {failingDocumentId, details}`.
 */
import { Query } from 'mingo';
import { deserialize, type Document } from 'bson';
import { ENGINE_CONTEXT } from '../query/mingo-context';
import { compileSchema, jsonSchemaPredicate } from '../query/json-schema';
import { refuseUnsupportedQuery } from '../query/refusals';
import { EXACT_DECODE } from '../bson-raw';
import { EngineError, errors, isEngineError } from '../errors';
import { isPlainObject } from '../query/bson-types';
import type { Collection } from './collection';

const LEVELS = ['strict', 'moderate', 'off'];
const ACTIONS = ['error', 'warn'];

interface Clause {
  test(doc: Document, exact: Document): Document | null;
}

interface CompiledValidator { clauses: Clause[]; spec: Document }

const compiled = new WeakMap<object, CompiledValidator>();

/** One top-level clause: `$jsonSchema` reports the rules broken; any other clause is a query. */
function compileClause(key: string, value: unknown): Clause {
  if (key === '$jsonSchema') {
    const check = compileSchema(value);
    return { test: (_doc, exact) => {
      const broken = check(exact);
      return broken.length ? { operatorName: '$jsonSchema', schemaRulesNotSatisfied: broken } : null;
    } };
  }
  const query = new Query({ [key]: value }, { context: ENGINE_CONTEXT, jsonSchemaValidator: jsonSchemaPredicate as never });
  const operatorName = key.startsWith('$') ? key : isPlainObject(value) && Object.keys(value)[0]?.startsWith('$') ? Object.keys(value)[0] : '$eq';
  return { test: (doc) => (query.test(doc) ? null : { operatorName, specifiedAs: { [key]: value }, reason: 'expression did not match' }) };
}

/** Checks a validator when it is set (create, collMod); throws MongoDB's errors for a bad one. */
export function compileValidator(validator: unknown): CompiledValidator {
  if (!isPlainObject(validator)) throw errors.typeMismatch("BSON field 'validator' is the wrong type, expected type 'object'");
  const cached = compiled.get(validator);
  if (cached) return cached;
  refuseUnsupportedQuery(validator);
  let clauses: Clause[];
  try {
    clauses = Object.entries(validator).map(([k, v]) => compileClause(k, v));
  } catch (e) {
    if (isEngineError(e)) throw e;
    throw errors.badValue(`invalid validator: ${(e as Error).message}`);
  }
  const result = { clauses, spec: validator as Document };
  compiled.set(validator, result);
  return result;
}

/** Checks and normalises the validation options of `create` / `collMod`; returns the ones given. */
export function validationOptions(cmd: Document): Document {
  const out: Document = {};
  if (cmd.validator !== undefined) {
    compileValidator(cmd.validator);
    out.validator = cmd.validator;
  }
  if (cmd.validationLevel !== undefined) {
    if (!LEVELS.includes(cmd.validationLevel)) throw errors.badValue(`Enumeration value '${String(cmd.validationLevel)}' for field 'validationLevel' is not a valid value.`);
    out.validationLevel = cmd.validationLevel;
  }
  if (cmd.validationAction !== undefined) {
    if (!ACTIONS.includes(cmd.validationAction)) throw errors.badValue(`Enumeration value '${String(cmd.validationAction)}' for field 'validationAction' is not a valid value.`);
    out.validationAction = cmd.validationAction;
  }
  return out;
}

/** The broken clauses of `doc` against the collection's validator, as MongoDB's errInfo.details; null when it passes. */
function failureDetails(v: CompiledValidator, doc: Document, buf: Buffer): Document | null {
  const exact = deserialize(buf, EXACT_DECODE);
  const failed = v.clauses.map((c, index) => ({ index, details: c.test(doc, exact) })).filter((f) => f.details !== null);
  if (failed.length === 0) return null;
  if (v.clauses.length === 1) return failed[0].details;
  return { operatorName: '$and', clausesNotSatisfied: failed };
}

export interface ValidationContext {
  bypass: boolean;
  /** The stored version an update replaces (moderate level skips documents that were already invalid). */
  old?: { doc: Document; buf: Buffer };
  warn(msg: string): void;
}

/** Throws 121 DocumentValidationFailure (or warns) when a new document version breaks the collection's validator. */
export function validateDocument(coll: Collection | undefined, doc: Document, buf: Buffer, ctx: ValidationContext): void {
  const options = coll?.options;
  if (!options?.validator || ctx.bypass || options.validationLevel === 'off') return;
  const v = compileValidator(options.validator);
  const details = failureDetails(v, doc, buf);
  if (!details) return;
  if (options.validationLevel === 'moderate' && ctx.old && failureDetails(v, ctx.old.doc, ctx.old.buf)) return;
  const errInfo = { failingDocumentId: doc._id, details };
  if (options.validationAction === 'warn') {
    ctx.warn(`Document would fail validation: collection ${coll!.ns}, _id ${JSON.stringify(doc._id)}`);
    return;
  }
  throw new EngineError(121, 'DocumentValidationFailure', 'Document failed validation', { errInfo });
}
