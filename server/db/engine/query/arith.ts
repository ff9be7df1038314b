/**
 * Arithmetic for $inc, $mul and $bit over promoted numbers.
 *
 * In the promoted form a JS number may have been an int32, an int64 that fits in 53 bits, or
 * a double; a `Long` object is always an int64 too large for a double. So: two JS numbers
 * use double arithmetic, except that an integral result beyond 2^53 is recomputed exactly
 * (it may be an int64 sum); anything involving a `Long` uses exact 64-bit integer arithmetic
 * and, like MongoDB, refuses to overflow. Decimal128 arithmetic is refused outright rather
 * than approximated.
 */
import { Long } from 'bson';
import { bsonTag, formatIdOf, formatValue, isDecimal128 } from './bson-types';
import { errors } from '../errors';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The operation an arithmetic update operator performs. */
export type ArithmeticKind = 'add' | 'multiply';

/** The numeric result of `current (op) operand` with MongoDB's type rules (see module comment). */
export function arithmetic(
  kind: ArithmeticKind,
  operatorName: string,
  current: unknown,
  operand: unknown,
  doc: Record<string, unknown>,
): unknown {
  if (isDecimal128(current) || isDecimal128(operand)) {
    throw errors.notImplemented(`${operatorName} on Decimal128 values is not supported by this engine`);
  }
  const a = unwrap(current);
  const b = unwrap(operand);
  if (typeof a === 'number' && typeof b === 'number') {
    const result = kind === 'add' ? a + b : a * b;
    const bothIntegers = Number.isSafeInteger(a) && Number.isSafeInteger(b);
    if (!bothIntegers || Number.isSafeInteger(result) || !Number.isFinite(result)) return result;
    const exact = exactInteger(kind, BigInt(a), BigInt(b));
    return exact >= INT64_MIN && exact <= INT64_MAX ? Long.fromBigInt(exact) : result;
  }
  if (!isIntegralNumber(a) || !isIntegralNumber(b)) return kind === 'add' ? Number(a) + Number(b) : Number(a) * Number(b);
  const exact = exactInteger(kind, toBigInt(a), toBigInt(b));
  if (exact < INT64_MIN || exact > INT64_MAX) {
    throw errors.badValue(`Failed to apply ${operatorName} operations to current value (${formatValue(current)}) for document ${formatIdOf(doc)}`);
  }
  return fromBigInt(exact);
}

/** Bitwise and/or/xor for $bit: integers only, computed on 64 bits. */
export function bitwise(operation: 'and' | 'or' | 'xor', current: unknown, operand: unknown): unknown {
  const a = BigInt.asIntN(64, toBigInt(unwrap(current)));
  const b = BigInt.asIntN(64, toBigInt(unwrap(operand)));
  const result = operation === 'and' ? a & b : operation === 'or' ? a | b : a ^ b;
  return fromBigInt(BigInt.asIntN(64, result));
}

/**
 * True for a Long, or a JS number that is a safe integer (larger JS numbers can only have
 * been doubles). This is what $bit accepts and what takes the exact integer path.
 */
export function isIntegralNumber(v: unknown): boolean {
  const x = unwrap(v);
  return bsonTag(x) === 'Long' || (typeof x === 'number' && Number.isSafeInteger(x));
}

function exactInteger(kind: ArithmeticKind, a: bigint, b: bigint): bigint {
  return kind === 'add' ? a + b : a * b;
}

/** Int32/Double wrappers (exact form) become plain numbers; Long stays a Long. */
function unwrap(v: unknown): unknown {
  const tag = bsonTag(v);
  if (tag === 'Int32' || tag === 'Double') return (v as { value: number }).value;
  return v;
}

function toBigInt(v: unknown): bigint {
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'bigint') return v;
  return BigInt((v as { toString(): string }).toString());
}

/** A safe integer becomes a JS number (as bson would promote it); otherwise a Long. */
function fromBigInt(n: bigint): unknown {
  const asNumber = Number(n);
  return Number.isSafeInteger(asNumber) && BigInt(asNumber) === n ? asNumber : Long.fromBigInt(n);
}
