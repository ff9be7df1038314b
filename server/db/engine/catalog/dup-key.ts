/**
 * Formats a duplicate key the way MongoDB's E11000 message does:
 * `{ email: "a@b.vn" }`, `{ _id: ObjectId('…') }`, `{ unit: ObjectId('…'), year: 2026 }`.
 */
import { ObjectId } from 'bson';

function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof ObjectId) return `ObjectId('${v.toHexString()}')`;
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (Array.isArray(v)) return `[ ${v.map(formatValue).join(', ')} ]`;
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return formatKeyValue(v as Record<string, unknown>);
  return String(v);
}

export function formatKeyValue(kv: Record<string, unknown>): string {
  const parts = Object.entries(kv).map(([k, v]) => `${k}: ${formatValue(v)}`);
  return parts.length ? `{ ${parts.join(', ')} }` : '{}';
}
