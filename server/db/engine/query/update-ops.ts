/**
 * The field-level update operators ($set, $unset, $inc, $mul, $min, $max, $currentDate,
 * $bit, $rename). Each works on one concrete path of the working (cloned) document.
 * Array operators live in update-array-ops.ts.
 */
import { Decimal128, Timestamp } from 'bson';
import { arithmetic, bitwise, isIntegralNumber, type ArithmeticKind } from './arith';
import { cloneDeep, formatIdOf, formatValue, isDecimal128, isNumeric, isPlainObject, typeName } from './bson-types';
import { compareValues } from './compare';
import type { Matcher } from './match';
import { childOf, MISSING, readAt, setAt, unsetAt } from './update-paths';
import { errors } from '../errors';

/** State shared by the operators of one update. */
export interface OpContext {
  /** The working copy being modified. */
  doc: Record<string, unknown>;
  /** The time $currentDate uses (one value for the whole update, as in MongoDB). */
  now: Date;
  matcher: Matcher;
}

/** An operator applied to one concrete path with its argument. */
export type OpFunction = (ctx: OpContext, parts: string[], arg: unknown) => void;

const lastOf = (parts: string[]) => parts[parts.length - 1];

const setOp: OpFunction = (ctx, parts, arg) => setAt(ctx.doc, parts, cloneDeep(arg));

const unsetOp: OpFunction = (ctx, parts) => unsetAt(ctx.doc, parts);

function arithmeticOp(kind: ArithmeticKind, name: string): OpFunction {
  return (ctx, parts, arg) => {
    const current = readAt(ctx.doc, parts);
    if (current === MISSING) {
      // A missing field is created: with the increment for $inc, with zero for $mul.
      setAt(ctx.doc, parts, kind === 'add' ? arg : zeroLike(arg));
      return;
    }
    if (!isNumeric(current)) {
      throw errors.typeMismatch(`Cannot apply ${name} to a value of non-numeric type. ${formatIdOf(ctx.doc)} has the field '${lastOf(parts)}' of non-numeric type ${typeName(current)}`);
    }
    setAt(ctx.doc, parts, arithmetic(kind, name, current, arg, ctx.doc));
  };
}

function zeroLike(v: unknown): unknown {
  return isDecimal128(v) ? Decimal128.fromString('0') : 0;
}

/** $min / $max: replace when the argument sorts below / above the current value (BSON order). */
function comparisonOp(keepWhen: (cmp: number) => boolean): OpFunction {
  return (ctx, parts, arg) => {
    const current = readAt(ctx.doc, parts);
    if (current === MISSING || keepWhen(compareValues(arg, current))) setAt(ctx.doc, parts, cloneDeep(arg));
  };
}

/** Increment for Timestamps made within one second, so they stay unique and ordered. */
let lastTimestamp = { seconds: 0, increment: 0 };

function nextTimestamp(now: Date): Timestamp {
  const seconds = Math.floor(now.getTime() / 1000);
  lastTimestamp = seconds > lastTimestamp.seconds ? { seconds, increment: 1 } : { seconds: lastTimestamp.seconds, increment: lastTimestamp.increment + 1 };
  return new Timestamp({ t: lastTimestamp.seconds, i: lastTimestamp.increment });
}

const currentDateOp: OpFunction = (ctx, parts, arg) => {
  const wantsTimestamp = isPlainObject(arg) && arg.$type === 'timestamp';
  setAt(ctx.doc, parts, wantsTimestamp ? nextTimestamp(ctx.now) : new Date(ctx.now.getTime()));
};

const bitOp: OpFunction = (ctx, parts, arg) => {
  const current = readAt(ctx.doc, parts);
  if (current !== MISSING && !isIntegralNumber(current)) {
    throw errors.typeMismatch(`Cannot apply $bit to a value of non-integral type.${formatIdOf(ctx.doc)} has the field ${lastOf(parts)} of non-integer type ${typeName(current)}`);
  }
  let value: unknown = current === MISSING ? 0 : current;
  for (const [operation, operand] of Object.entries(arg as Record<string, unknown>)) {
    value = bitwise(operation as 'and' | 'or' | 'xor', value, operand);
  }
  setAt(ctx.doc, parts, value);
};

/** The first array met while walking `parts` (not counting the last component). */
function arrayOnPath(doc: unknown, parts: string[]): { name: string; value: unknown[] } | undefined {
  let current: unknown = doc;
  for (const part of parts.slice(0, -1)) {
    current = childOf(current, part);
    if (Array.isArray(current)) return { name: part, value: current };
    if (current === MISSING) return undefined;
  }
  return undefined;
}

/** $rename: move the value at `parts` to `targetParts` (neither may go through an array). */
export function renameField(ctx: OpContext, parts: string[], targetParts: string[]): void {
  const value = readAt(ctx.doc, parts);
  if (value === MISSING) return;
  for (const [label, path] of [['source', parts], ['destination', targetParts]] as const) {
    const array = arrayOnPath(ctx.doc, path);
    if (array) {
      throw errors.pathNotViable(`The ${label} field cannot be an array element, '${path.join('.')}' in doc with ${array.name}: ${formatValue(array.value)}`);
    }
  }
  unsetAt(ctx.doc, parts);
  setAt(ctx.doc, targetParts, value);
}

/** The field operators by name ($rename is separate: it has two paths). */
export const FIELD_OPERATORS: Record<string, OpFunction> = {
  $set: setOp,
  $setOnInsert: setOp,
  $unset: unsetOp,
  $inc: arithmeticOp('add', '$inc'),
  $mul: arithmeticOp('multiply', '$mul'),
  $min: comparisonOp((cmp) => cmp < 0),
  $max: comparisonOp((cmp) => cmp > 0),
  $currentDate: currentDateOp,
  $bit: bitOp,
};
