import type { Document } from 'bson';
import type { Engine } from '../engine';
import type { Session, Transaction } from '../sessions';
import type { IncomingCommand } from '../wire';
import { WriteScope } from '../write-scope';
import { errors } from '../errors';

export interface CommandContext {
  engine: Engine;
  db: string;
  cmd: Document;
  req: IncomingCommand;
  session: Session | null;
  txn: Transaction | null;
  connectionId: number;
  connections: { current: number; total: number };
}

export interface CommandDef {
  /** Fields this command accepts besides the generic ones (`$db`, `lsid`, …). */
  fields: string[];
  /** Refuse fields outside `fields` with 40415, as MongoDB's strict command parsers do (CRUD and index commands, where an ignored option would change the result). */
  strict?: boolean;
  /** Fields MongoDB accepts that this engine does not implement: refused with a message naming them. */
  unsupported?: string[];
  /** May run inside a multi-document transaction. */
  inTransaction?: boolean;
  run(ctx: CommandContext): Document | Promise<Document>;
}

export function scope(ctx: CommandContext): WriteScope {
  const s = new WriteScope(ctx.engine, ctx.db, ctx.txn);
  s.bypassValidation = ctx.cmd.bypassDocumentValidation === true;
  return s;
}

/** The collection name a command targets (its first field's value). */
export function collectionName(ctx: CommandContext): string {
  const [name, value] = Object.entries(ctx.cmd)[0];
  if (typeof value !== 'string' || value.length === 0) throw errors.invalidNamespace(`collection name has invalid type ${typeof value} in '${name}'`);
  return value;
}

export function optionalDoc(ctx: CommandContext, field: string): Document | undefined {
  const v = ctx.cmd[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw errors.typeMismatch(`BSON field '${Object.keys(ctx.cmd)[0]}.${field}' is the wrong type '${Array.isArray(v) ? 'array' : typeof v}', expected type 'object'`);
  return v as Document;
}

export function optionalInt(ctx: CommandContext, field: string, min = 0): number | undefined {
  const v = ctx.cmd[field];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : (v as { toNumber?: () => number }).toNumber?.();
  if (n === undefined || !Number.isFinite(n)) throw errors.typeMismatch(`BSON field '${Object.keys(ctx.cmd)[0]}.${field}' is the wrong type, expected a number`);
  if (n < min) throw errors.badValue(`${field} value must be >= ${min}`);
  return Math.trunc(n);
}

/** Namespace `db.coll` for cursor replies. */
export function ns(ctx: CommandContext, coll: string): string {
  return `${ctx.db}.${coll}`;
}
