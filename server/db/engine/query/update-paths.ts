/**
 * Reading and writing concrete paths of a (cloned, mutable) document for update operators,
 * and expanding the array update operators `$[]` / `$[ident]` into concrete paths.
 * Error codes and messages follow MongoDB's update subsystem.
 */
import { formatValue, isArrayIndex, isPlainObject, setOwn } from './bson-types';
import type { Matcher } from './match';
import { errors } from '../errors';

type Container = Record<string, unknown> | unknown[];

/** Marks a field that does not exist (as opposed to one holding `undefined`). */
export const MISSING = Symbol('missing');

function isContainer(v: unknown): v is Container {
  return Array.isArray(v) || isPlainObject(v);
}

/** The child of a document or array at one path component, or MISSING. */
export function childOf(container: unknown, part: string): unknown {
  if (Array.isArray(container)) {
    if (!isArrayIndex(part)) return MISSING;
    const index = Number(part);
    return index < container.length ? container[index] : MISSING;
  }
  if (isPlainObject(container) && Object.hasOwn(container, part)) return container[part];
  return MISSING;
}

/** The value at a concrete path, or MISSING when any step is absent or not a container. */
export function readAt(doc: unknown, parts: readonly string[]): unknown {
  let current: unknown = doc;
  for (const part of parts) {
    current = childOf(current, part);
    if (current === MISSING) return MISSING;
  }
  return current;
}

function cannotCreate(field: string, holderName: string, holder: unknown) {
  return errors.pathNotViable(`Cannot create field '${field}' in element {${holderName}: ${formatValue(holder)}}`);
}

/** Stores into an array (padding with nulls past its end, as MongoDB does) or a document. */
function putChild(container: Container, part: string, value: unknown): void {
  if (Array.isArray(container)) {
    const index = Number(part);
    while (container.length < index) container.push(null);
    container[index] = value;
  } else {
    setOwn(container, part, value);
  }
}

/**
 * Sets the value at `parts`, creating missing intermediate documents. Walking into a scalar,
 * or naming a non-numeric field of an array, is error 28 PathNotViable.
 */
export function setAt(doc: Record<string, unknown>, parts: readonly string[], value: unknown): void {
  let container: Container = doc;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (Array.isArray(container) && !isArrayIndex(part)) throw cannotCreate(part, parts[i - 1], container);
    if (i === parts.length - 1) {
      putChild(container, part, value);
      return;
    }
    const next = childOf(container, part);
    if (next === MISSING) {
      const created: Record<string, unknown> = {};
      putChild(container, part, created);
      container = created;
    } else if (isContainer(next)) {
      container = next;
    } else {
      throw cannotCreate(parts[i + 1], part, next);
    }
  }
}

/** Removes the field at `parts` (an array element becomes null); absent paths are a no-op. */
export function unsetAt(doc: Record<string, unknown>, parts: readonly string[]): void {
  const parent = readAt(doc, parts.slice(0, -1));
  const last = parts[parts.length - 1];
  if (Array.isArray(parent)) {
    if (isArrayIndex(last) && Number(last) < parent.length) parent[Number(last)] = null;
  } else if (isPlainObject(parent)) {
    delete parent[last];
  }
}

/** Parses an array update component: `$[]` → all, `$[i]` → identifier i, else undefined. */
export function arrayUpdateOperator(part: string): { all: true } | { identifier: string } | undefined {
  if (part === '$[]') return { all: true };
  const m = /^\$\[(.+)\]$/.exec(part);
  return m ? { identifier: m[1] } : undefined;
}

/** What expansion needs to decide which elements `$[ident]` selects. */
export interface ExpansionContext {
  arrayFilters: Map<string, Record<string, unknown>>;
  matcher: Matcher;
}

/**
 * Expands `$[]` and `$[ident]` components against the current document into the concrete
 * paths they address (possibly none). The array they apply to must exist and be an array.
 */
export function expandArrayUpdates(doc: Record<string, unknown>, parts: readonly string[], ctx: ExpansionContext): string[][] {
  if (!parts.some((p) => p.startsWith('$['))) return [parts.slice()];
  const out: string[][] = [];
  expandFrom(doc, parts, 0, [], ctx, out);
  return out;
}

function expandFrom(value: unknown, parts: readonly string[], i: number, prefix: string[], ctx: ExpansionContext, out: string[][]): void {
  if (i === parts.length) {
    out.push(prefix);
    return;
  }
  const operator = arrayUpdateOperator(parts[i]);
  if (!operator) {
    expandFrom(value === MISSING ? MISSING : childOf(value, parts[i]), parts, i + 1, [...prefix, parts[i]], ctx, out);
    return;
  }
  if (value === MISSING) {
    throw errors.badValue(`The path '${prefix.join('.')}' must exist in the document in order to apply array updates.`);
  }
  if (!Array.isArray(value)) {
    throw errors.badValue(`Cannot apply array updates to non-array element ${prefix[prefix.length - 1]}: ${formatValue(value)}`);
  }
  const filter = 'identifier' in operator ? ctx.arrayFilters.get(operator.identifier) : undefined;
  value.forEach((element, index) => {
    if (filter && !ctx.matcher({ e: element }, filter)) return;
    expandFrom(element, parts, i + 1, [...prefix, String(index)], ctx, out);
  });
}
