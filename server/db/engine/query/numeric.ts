/**
 * Exact numeric comparison across BSON number types.
 *
 * MongoDB compares int32, int64, double and decimal128 by mathematical value: 1, 1.0,
 * NumberLong(1) and NumberDecimal("1.0") are equal, while NumberDecimal("0.1") is NOT equal to
 * the double 0.1 (whose exact value is 0.1000000000000000055…). To get this right without a
 * decimal library, every number is turned into an exact `coefficient × 10^exponent` with
 * bigint arithmetic. The common case (two JS numbers) never leaves the fast path.
 */
import { bsonTag } from './bson-types';

/** An exact numeric value. `fin` means `coef × 10^exp`. NaN sorts below every other number. */
export type ExactNumber =
  | { kind: 'nan' }
  | { kind: 'inf'; sign: 1 | -1 }
  | { kind: 'fin'; coef: bigint; exp: number };

/** Converts any BSON numeric (number, bigint, Long, Int32, Double, Decimal128) to exact form. */
export function toExact(v: unknown): ExactNumber {
  if (typeof v === 'number') return doubleToExact(v);
  if (typeof v === 'bigint') return { kind: 'fin', coef: v, exp: 0 };
  const tag = bsonTag(v);
  if (tag === 'Long') return { kind: 'fin', coef: BigInt((v as { toString(): string }).toString()), exp: 0 };
  if (tag === 'Int32' || tag === 'Double') return doubleToExact((v as { value: number }).value);
  if (tag === 'Decimal128') return decimalStringToExact((v as { toString(): string }).toString());
  throw new TypeError(`not a numeric BSON value: ${String(v)}`);
}

function doubleToExact(x: number): ExactNumber {
  if (Number.isNaN(x)) return { kind: 'nan' };
  if (!Number.isFinite(x)) return { kind: 'inf', sign: x > 0 ? 1 : -1 };
  if (Number.isInteger(x)) return { kind: 'fin', coef: BigInt(x), exp: 0 };
  // A non-integral double is m / 2^k; doubling is exact, so find k, then m/2^k = m·5^k / 10^k.
  let scaled = x;
  let k = 0;
  while (!Number.isInteger(scaled)) {
    scaled *= 2;
    k++;
  }
  return { kind: 'fin', coef: BigInt(scaled) * 5n ** BigInt(k), exp: -k };
}

const DECIMAL_PATTERN = /^(-?)(\d+)(?:\.(\d+))?(?:E([+-]?\d+))?$/i;

/** Parses Decimal128's canonical string form ("1.50", "1E+3", "-Infinity", "NaN"). */
export function decimalStringToExact(s: string): ExactNumber {
  if (/^-?NaN$/i.test(s)) return { kind: 'nan' };
  if (/^-?Inf(inity)?$/i.test(s)) return { kind: 'inf', sign: s.startsWith('-') ? -1 : 1 };
  const m = DECIMAL_PATTERN.exec(s);
  if (!m) throw new TypeError(`unparseable Decimal128 string: ${s}`);
  const fraction = m[3] ?? '';
  const digits = BigInt(m[2] + fraction);
  return { kind: 'fin', coef: m[1] === '-' ? -digits : digits, exp: Number(m[4] ?? 0) - fraction.length };
}

/** Orders two exact numbers: NaN < -Infinity < finite values < +Infinity; NaN equals NaN. */
export function compareExact(a: ExactNumber, b: ExactNumber): number {
  const ra = exactRank(a);
  const rb = exactRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (a.kind !== 'fin' || b.kind !== 'fin') return 0;
  const sa = a.coef === 0n ? 0 : a.coef > 0n ? 1 : -1;
  const sb = b.coef === 0n ? 0 : b.coef > 0n ? 1 : -1;
  if (sa !== sb) return sa < sb ? -1 : 1;
  const common = Math.min(a.exp, b.exp);
  const left = a.coef * 10n ** BigInt(a.exp - common);
  const right = b.coef * 10n ** BigInt(b.exp - common);
  return left === right ? 0 : left < right ? -1 : 1;
}

function exactRank(x: ExactNumber): number {
  if (x.kind === 'nan') return 0;
  if (x.kind === 'inf') return x.sign < 0 ? 1 : 3;
  return 2;
}

/** Compares two BSON numerics by value (see module comment). */
export function compareNumbers(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return compareDoubles(a, b);
  return compareExact(toExact(a), toExact(b));
}

function compareDoubles(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  // At least one NaN: NaN sorts below everything and equals NaN.
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  if (aNaN && bNaN) return 0;
  return aNaN ? -1 : 1;
}

/**
 * A string identifying a number's value regardless of its BSON type. Values exactly
 * representable as a double use the double's text (so 1, Long(1) and Decimal "1.00" all give
 * "n:1"); anything else uses a normalised decimal form.
 */
export function numericKey(v: unknown): string {
  if (typeof v === 'number') return doubleKey(v);
  const tag = bsonTag(v);
  if (tag === 'Int32' || tag === 'Double') return doubleKey((v as { value: number }).value);
  const exact = toExact(v);
  if (exact.kind === 'nan') return 'n:NaN';
  if (exact.kind === 'inf') return exact.sign > 0 ? 'n:Infinity' : 'n:-Infinity';
  const nearest = Number(exactToString(exact));
  if (compareExact(doubleToExact(nearest), exact) === 0) return doubleKey(nearest);
  return `N:${normalizedDecimal(exact)}`;
}

function doubleKey(x: number): string {
  return Object.is(x, -0) ? 'n:0' : `n:${String(x)}`;
}

function exactToString(x: { coef: bigint; exp: number }): string {
  return `${x.coef.toString()}e${x.exp}`;
}

function normalizedDecimal(x: { coef: bigint; exp: number }): string {
  let { coef, exp } = x;
  if (coef === 0n) return '0';
  while (coef % 10n === 0n) {
    coef /= 10n;
    exp++;
  }
  return `${coef.toString()}e${exp}`;
}
