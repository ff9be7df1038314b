/**
 * `$bitsAllSet`, `$bitsAnySet`, `$bitsAllClear`, `$bitsAnyClear` as MongoDB defines them.
 * mingo works on 32-bit JavaScript numbers only and ignores BinData; here a number is
 * read as a 64-bit two's complement integer (bits past 63 repeat the sign) and BinData
 * as little-endian bytes (bit 0 is the low bit of the first byte; bits past the end are 0).
 */
import { bsonTag } from './bson-types';

type BitTest = (position: number) => boolean;

function bytesOf(v: unknown): Uint8Array | undefined {
  const buffer = (v as { buffer?: unknown }).buffer;
  return buffer instanceof Uint8Array ? buffer : undefined;
}

/** The integral value of a number type, or undefined (fractions, NaN, out of int64 range). */
function integerOf(v: unknown): bigint | undefined {
  const tag = bsonTag(v);
  let n: number | bigint | undefined;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'bigint') n = v;
  else if (tag === 'Long') return BigInt((v as { toString(): string }).toString());
  else if (tag === 'Int32' || tag === 'Double') n = (v as { valueOf(): number }).valueOf();
  else if (tag === 'Decimal128') n = Number((v as { toString(): string }).toString());
  if (typeof n === 'bigint') return n;
  if (n === undefined || !Number.isInteger(n) || Math.abs(n) > 2 ** 63) return undefined;
  return BigInt(n);
}

/** A bit reader over a stored value, or undefined when the value is neither numeric nor BinData. */
function bitsOf(v: unknown): BitTest | undefined {
  if (bsonTag(v) === 'Binary') {
    const bytes = bytesOf(v);
    if (!bytes) return undefined;
    return (i) => i < bytes.length * 8 && ((bytes[i >> 3] >> (i & 7)) & 1) === 1;
  }
  const n = integerOf(v);
  if (n === undefined) return undefined;
  const word = BigInt.asUintN(64, n);
  return (i) => ((word >> BigInt(Math.min(i, 63))) & 1n) === 1n;
}

/** The bit positions a mask names: an array of positions, a non-negative integer, or BinData. */
export function maskPositions(operator: string, mask: unknown): number[] {
  if (Array.isArray(mask)) {
    for (const p of mask) {
      if (typeof p !== 'number' || !Number.isInteger(p) || p < 0) throw new Error(`${operator}: bit positions must be non-negative integers`);
    }
    return mask as number[];
  }
  const bits = bsonTag(mask) === 'Binary' ? bitsOf(mask) : undefined;
  if (bits) return positionsWhere(bits, (bytesOf(mask)?.length ?? 0) * 8);
  const n = integerOf(mask);
  if (n === undefined || n < 0n) throw new Error(`${operator} takes an Array, a number, or a BinData but received: ${String(mask)}`);
  return positionsWhere(bitsOf(n) as BitTest, 64);
}

function positionsWhere(bits: BitTest, width: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < width; i++) if (bits(i)) out.push(i);
  return out;
}

type Combine = (positions: number[], bits: BitTest) => boolean;

export const BITWISE: Record<string, Combine> = {
  $bitsAllSet: (ps, bits) => ps.every((p) => bits(p)),
  $bitsAnySet: (ps, bits) => ps.some((p) => bits(p)),
  $bitsAllClear: (ps, bits) => ps.every((p) => !bits(p)),
  $bitsAnyClear: (ps, bits) => ps.some((p) => !bits(p)),
};

/** True when `value` (or, for an array, one of its elements) satisfies the bitwise test. */
export function bitwiseMatch(combine: Combine, positions: number[], value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => {
    const bits = bitsOf(v);
    return bits !== undefined && combine(positions, bits);
  });
}
