/**
 * Parsing and validation of operator-style update documents ({$set: …, $inc: …}) and their
 * arrayFilters, done before any document is touched, with MongoDB's error codes.
 */
import { isPlainObject, typeName, formatValue } from './bson-types';
import { compareStrings } from './compare';
import { renameFilterIdentifier } from './match';
import { arrayUpdateOperator } from './update-paths';
import { validateOperatorArgument } from './update-validate';
import { EngineError, errors } from '../errors';

/** The update operators this engine implements. */
export const UPDATE_OPERATORS = new Set([
  '$set', '$unset', '$inc', '$mul', '$min', '$max', '$rename', '$currentDate',
  '$push', '$addToSet', '$pop', '$pull', '$pullAll', '$setOnInsert', '$bit',
]);

/** One field of one operator, e.g. `$inc: {"a.b": 1}` → {operator: '$inc', path: 'a.b', arg: 1}. */
export interface UpdateOp {
  operator: string;
  path: string;
  parts: string[];
  arg: unknown;
  /** For $rename: the destination path components. */
  renameTo?: string[];
}

/** A validated update: operations in MongoDB's application order, and named array filters. */
export interface ParsedUpdate {
  ops: UpdateOp[];
  /** Array filters by identifier, rewritten to test an element stored under field `e`. */
  arrayFilters: Map<string, Record<string, unknown>>;
}

/** A node of the conflict-detection tree of update paths. */
interface PathNode {
  leaf: boolean;
  children: Map<string, PathNode>;
}

/** Validates `update` (operator form) and `arrayFilters`; throws MongoDB's errors. */
export function parseUpdate(update: Record<string, unknown>, arrayFilters?: unknown[]): ParsedUpdate {
  if (Object.keys(update).length === 0) throw errors.failedToParse("'update' is empty");
  const filters = parseArrayFilters(arrayFilters);
  const usedIdentifiers = new Set<string>();
  const tree: PathNode = { leaf: false, children: new Map() };
  const ops: UpdateOp[] = [];
  for (const [operator, fields] of Object.entries(update)) {
    if (!UPDATE_OPERATORS.has(operator)) {
      throw errors.failedToParse(`Unknown modifier: ${operator}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
    if (!isPlainObject(fields)) {
      throw errors.failedToParse(`Modifiers operate on fields but we found type ${typeName(fields)} instead. For example: {$mod: {<field>: ...}} not {${operator}: ${formatValue(fields)}}`);
    }
    for (const [path, arg] of Object.entries(fields)) {
      const op = parseOp(operator, path, arg);
      for (const parts of [op.parts, op.renameTo]) {
        if (!parts) continue;
        checkPathComponents(parts.join('.'), parts, filters, usedIdentifiers);
        registerPath(tree, parts);
      }
      ops.push(op);
    }
  }
  for (const identifier of filters.keys()) {
    if (!usedIdentifiers.has(identifier)) {
      throw errors.failedToParse(`The array filter for identifier '${identifier}' was not used in the update ${formatValue(update)}`);
    }
  }
  return { ops: ops.sort(compareOps), arrayFilters: filters };
}

function parseOp(operator: string, path: string, arg: unknown): UpdateOp {
  const parts = checkPath(path);
  validateOperatorArgument(operator, path, arg);
  const op: UpdateOp = { operator, path, parts, arg };
  if (operator === '$rename') op.renameTo = checkRenameTarget(path, arg as string);
  return op;
}

/** Rejects empty paths and empty components (code 56 EmptyFieldName). */
function checkPath(path: string): string[] {
  if (path === '') throw new EngineError(56, 'EmptyFieldName', 'An empty update path is not valid.');
  const parts = path.split('.');
  if (parts.some((p) => p === '')) {
    throw new EngineError(56, 'EmptyFieldName', `The update path '${path}' contains an empty field name, which is not allowed.`);
  }
  return parts;
}

function checkRenameTarget(source: string, target: string): string[] {
  const targetParts = checkPath(target);
  if (source === target) throw errors.badValue(`The source and target field for $rename must differ: ${source}: ${formatValue(target)}`);
  if (target.startsWith(`${source}.`) || source.startsWith(`${target}.`)) {
    throw errors.badValue(`The source and target field for $rename must not be on the same path: ${source}: ${formatValue(target)}`);
  }
  for (const [label, path] of [['source', source], ['destination', target]]) {
    if (path.split('.').some((p) => p.startsWith('$'))) throw errors.badValue(`The ${label} field for $rename may not be dynamic: ${path}`);
  }
  return targetParts;
}

/** Checks positional components: `$` (once, not first), `$[]`, `$[ident]` (known identifier). */
function checkPathComponents(path: string, parts: string[], filters: Map<string, unknown>, used: Set<string>): void {
  let positionalCount = 0;
  parts.forEach((part, index) => {
    if (!part.startsWith('$')) return;
    if (part === '$') {
      positionalCount++;
      if (index === 0) throw errors.badValue(`Cannot have positional (i.e. '$') element in the first position in path '${path}'`);
      return;
    }
    const arrayOperator = arrayUpdateOperator(part);
    // MongoDB 5+ stores $-prefixed field names: a nested one ("address.$street") may be
    // updated; a top-level one only by an upsert that inserts (checked in applyUpdate)
    if (!arrayOperator) return;
    if (index === 0) throw errors.badValue(`Cannot have array filter identifier (i.e. '$[<id>]') element in the first position in path '${path}'`);
    if ('identifier' in arrayOperator) {
      if (!filters.has(arrayOperator.identifier)) {
        throw errors.badValue(`No array filter found for identifier '${arrayOperator.identifier}' in path '${path}'`);
      }
      used.add(arrayOperator.identifier);
    }
  });
  if (positionalCount > 1) throw errors.badValue(`Too many positional (i.e. '$') elements found in path '${path}'`);
}

/**
 * Adds a path to the tree, refusing one that equals, contains or is contained in a path
 * already there (code 40), with MongoDB's message.
 */
function registerPath(root: PathNode, parts: string[]): void {
  const path = parts.join('.');
  let node = root;
  for (let i = 0; i < parts.length; i++) {
    let child = node.children.get(parts[i]);
    const isLast = i === parts.length - 1;
    if (child && (child.leaf || isLast)) {
      const at = isLast ? path : parts.slice(0, i + 1).join('.');
      throw errors.conflictingUpdateOperators(`Updating the path '${path}' would create a conflict at '${at}'`);
    }
    if (!child) {
      child = { leaf: isLast, children: new Map() };
      node.children.set(parts[i], child);
    }
    node = child;
  }
}

/**
 * MongoDB (5.0+) applies updates in field-name order (numeric names numerically), which
 * decides the order of newly created fields. $rename is placed at its destination.
 */
function compareOps(a: UpdateOp, b: UpdateOp): number {
  return comparePaths(a.renameTo ?? a.parts, b.renameTo ?? b.parts);
}

function comparePaths(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const numeric = /^\d+$/.test(a[i]) && /^\d+$/.test(b[i]);
    const c = numeric ? Number(a[i]) - Number(b[i]) : compareStrings(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Validates arrayFilters and indexes them by identifier. */
function parseArrayFilters(arrayFilters: unknown[] | undefined): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const filter of arrayFilters ?? []) {
    if (!isPlainObject(filter)) throw errors.typeMismatch(`Each array filter must be an object, found ${typeName(filter)}`);
    const identifier = filterIdentifier(filter);
    if (out.has(identifier)) throw errors.failedToParse(`Found multiple array filters with the same top-level field name ${identifier}`);
    out.set(identifier, renameFilterIdentifier(filter, identifier, 'e'));
  }
  return out;
}

function filterIdentifier(filter: Record<string, unknown>): string {
  const names = [...new Set(topLevelFieldPaths(filter).map((p) => p.split('.')[0]))];
  if (names.length === 0) throw errors.failedToParse('Cannot use an expression without a top-level field name in arrayFilters');
  if (names.length > 1) {
    throw errors.failedToParse(`Error parsing array filter :: caused by :: Expected a single top-level field name, found '${names[0]}' and '${names[1]}'`);
  }
  if (!/^[a-z][a-zA-Z0-9]*$/.test(names[0])) {
    throw errors.badValue(`Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '${names[0]}'`);
  }
  return names[0];
}

function topLevelFieldPaths(filter: Record<string, unknown>): string[] {
  return Object.entries(filter).flatMap(([key, value]) => {
    if ((key === '$and' || key === '$or' || key === '$nor') && Array.isArray(value)) {
      return value.flatMap((branch) => (isPlainObject(branch) ? topLevelFieldPaths(branch) : []));
    }
    return key.startsWith('$') ? [] : [key];
  });
}
