/**
 * Parsing and validation of find projections into a tree of per-path actions, with
 * MongoDB's error codes. Applying the tree lives in projection.ts.
 */
import { isNumeric, isPlainObject, typeName } from './bson-types';
import { EngineError, errors } from '../errors';

/** What a projection does at one path. */
export type ProjectionAction =
  | { kind: 'include' }
  | { kind: 'exclude' }
  | { kind: 'slice'; skip: number | undefined; limit: number }
  | { kind: 'elemMatch'; condition: Record<string, unknown> }
  | { kind: 'positional' };

/** A node of the projection tree: either an action (leaf) or children by field name. */
export interface ProjectionNode {
  action?: ProjectionAction;
  children: Map<string, ProjectionNode>;
}

/** A validated projection, reusable across documents. */
export interface ParsedProjection {
  readonly parsed: true;
  mode: 'inclusion' | 'exclusion';
  root: ProjectionNode;
  /** Dotted path of the `field.$` projection, if any. */
  positionalPath?: string;
}

interface FlatEntry {
  path: string;
  action: ProjectionAction;
}

/** True when `p` is already a {@link ParsedProjection}. */
export function isParsedProjection(p: unknown): p is ParsedProjection {
  return typeof p === 'object' && p !== null && !isPlainObject(p) && (p as { parsed?: unknown }).parsed === true;
}

/** Validates a projection document and builds its tree. Throws MongoDB's errors on bad input. */
export function parseProjection(spec: Record<string, unknown>): ParsedProjection {
  if (!isPlainObject(spec)) throw errors.badValue(`projection must be an object, not ${typeName(spec)}`);
  const entries = flatten(spec, '');
  checkSpecialOperators(entries);
  const mode = projectionMode(entries);
  const root: ProjectionNode = { children: new Map() };
  for (const entry of entries) {
    if (entry.path === '_id' && entry.action.kind === 'include' && mode === 'exclusion') continue;
    addPath(root, entry.path, entry.action);
  }
  if (mode === 'inclusion' && !root.children.has('_id')) root.children.set('_id', { action: { kind: 'include' }, children: new Map() });
  const positional = entries.find((e) => e.action.kind === 'positional');
  // Built without object-literal syntax so `isPlainObject` can tell it from a projection spec.
  const parsed = Object.create(PARSED_PROTOTYPE) as ParsedProjection;
  Object.assign(parsed, { mode, root, positionalPath: positional?.path });
  return parsed;
}

const PARSED_PROTOTYPE = { parsed: true };

/** Turns nested specs ({a: {b: 1}}) into dotted entries and classifies every value. */
function flatten(spec: Record<string, unknown>, prefix: string): FlatEntry[] {
  const out: FlatEntry[] = [];
  for (const [key, value] of Object.entries(spec)) {
    const path = prefix + key;
    checkFieldName(path);
    if (path.endsWith('.$')) {
      out.push({ path: path.slice(0, -2), action: { kind: 'positional' } });
    } else if (isPlainObject(value) && !Object.keys(value).some((k) => k.startsWith('$'))) {
      if (Object.keys(value).length === 0) {
        throw new EngineError(51270, 'Location51270', `An empty sub-projection is not a valid value. Found empty object at path`);
      }
      out.push(...flatten(value, `${path}.`));
    } else {
      out.push({ path, action: classifyValue(path, value) });
    }
  }
  return out;
}

function checkFieldName(path: string): void {
  const parts = path.split('.');
  if (parts.some((p) => p === '')) throw new EngineError(15998, 'Location15998', `FieldPath field names may not be empty strings.`);
  const dollar = parts.findIndex((p) => p.startsWith('$'));
  if (dollar === -1) return;
  if (parts[dollar] === '$' && dollar === parts.length - 1 && dollar > 0) return;
  if (parts[dollar] === '$') {
    throw new EngineError(31394, 'Location31394', `As of 4.4, it's illegal to specify positional operator in the middle of a path.Positional projection may only be used at the end, for example: a.b.$. If the query previously used a form like a.b.$.d, remove the parts following the '$' and the results will be equivalent.`);
  }
  throw new EngineError(16410, 'Location16410', `FieldPath field names may not start with '$'. Consider using $getField or $setField.`);
}

function classifyValue(path: string, value: unknown): ProjectionAction {
  if (typeof value === 'boolean') return { kind: value ? 'include' : 'exclude' };
  if (isNumeric(value)) return { kind: Number(value) === 0 ? 'exclude' : 'include' };
  if (isPlainObject(value)) return classifyOperator(path, value);
  throw errors.notImplemented(`projection of a literal or expression value for field '${path}' is not supported by this engine`);
}

function classifyOperator(path: string, value: Record<string, unknown>): ProjectionAction {
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === '$slice') return parseSlice(value.$slice);
  if (keys.length === 1 && keys[0] === '$elemMatch') {
    if (path.includes('.')) throw new EngineError(31275, 'Location31275', 'Cannot use $elemMatch projection on a nested field.');
    if (!isPlainObject(value.$elemMatch)) throw new EngineError(31274, 'Location31274', 'elemMatch: Invalid argument, object required.');
    return { kind: 'elemMatch', condition: value.$elemMatch };
  }
  if (keys.includes('$meta')) throw errors.notImplemented(`$meta projection on field '${path}' is not supported by this engine`);
  throw errors.notImplemented(`projection expression ${keys.join(', ')} on field '${path}' is not supported by this engine`);
}

function parseSlice(arg: unknown): ProjectionAction {
  if (isNumeric(arg)) return { kind: 'slice', skip: undefined, limit: Math.trunc(Number(arg)) };
  if (Array.isArray(arg) && arg.length === 2 && arg.every(isNumeric)) {
    const limit = Math.trunc(Number(arg[1]));
    if (limit <= 0) throw new EngineError(28724, 'Location28724', 'Second argument to $slice must be positive');
    return { kind: 'slice', skip: Math.trunc(Number(arg[0])), limit };
  }
  throw new EngineError(28667, 'Location28667', 'Invalid $slice syntax. The given syntax did not match the find() syntax because :: Location31273: $slice only supports numbers and [skip, limit] arrays');
}

function checkSpecialOperators(entries: FlatEntry[]): void {
  const positionals = entries.filter((e) => e.action.kind === 'positional');
  if (positionals.length > 1) throw new EngineError(31276, 'Location31276', 'Cannot specify more than one positional projection per query.');
  if (positionals.length === 1 && entries.some((e) => e.action.kind === 'elemMatch')) {
    throw new EngineError(31256, 'Location31256', 'Cannot specify positional operator and $elemMatch.');
  }
}

/**
 * Inclusion or exclusion, decided by the first non-_id field that is one or the other;
 * mixing them is an error (31254 / 31253). `$elemMatch` and `field.$` count as inclusion,
 * `$slice` as neither (alone it keeps every other field, like MongoDB).
 */
function projectionMode(entries: FlatEntry[]): 'inclusion' | 'exclusion' {
  let mode: 'inclusion' | 'exclusion' | undefined;
  for (const { path, action } of entries) {
    if (path === '_id' || action.kind === 'slice') continue;
    const entryMode = action.kind === 'exclude' ? 'exclusion' : 'inclusion';
    if (mode === undefined) mode = entryMode;
    else if (mode !== entryMode) throw mixedModeError(path, mode);
  }
  if (mode) return mode;
  const id = entries.find((e) => e.path === '_id');
  return id && id.action.kind === 'include' && entries.length === 1 ? 'inclusion' : 'exclusion';
}

function mixedModeError(path: string, mode: 'inclusion' | 'exclusion'): EngineError {
  return mode === 'inclusion'
    ? new EngineError(31254, 'Location31254', `Cannot do exclusion on field ${path} in inclusion projection`)
    : new EngineError(31253, 'Location31253', `Cannot do inclusion on field ${path} in exclusion projection`);
}

/** Inserts a path into the tree; overlapping paths ("a" and "a.b") are error 31250. */
function addPath(root: ProjectionNode, path: string, action: ProjectionAction): void {
  const parts = path.split('.');
  let node = root;
  for (let i = 0; i < parts.length - 1; i++) {
    let child = node.children.get(parts[i]);
    if (child?.action) {
      throw new EngineError(31250, 'Location31250', `Path collision at ${path} remaining portion ${parts.slice(i + 1).join('.')}`);
    }
    if (!child) {
      child = { children: new Map() };
      node.children.set(parts[i], child);
    }
    node = child;
  }
  const last = parts[parts.length - 1];
  if (node.children.has(last)) throw new EngineError(31250, 'Location31250', `Path collision at ${path}`);
  node.children.set(last, { action, children: new Map() });
}
