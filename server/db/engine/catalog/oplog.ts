/**
 * The engine's durable change records. One record holds every change of one command or
 * one transaction, so recovery applies it whole or not at all. Layout of a payload:
 * a BSON header `{ops: [...]}` followed by the raw BSON of each document that a `put`
 * op refers to, in op order — stored bytes go to disk untouched, never re-encoded.
 * Snapshots use the same records, so recovery has a single replay routine.
 */
import { deserialize, type Document } from 'bson';
import { toBson } from '../bson-raw';

export type Op =
  | { o: 'put'; ns: string; n: number } // the next n raw documents replace/insert into ns
  | { o: 'del'; ns: string; id: unknown }
  | { o: 'createCollection'; ns: string; options: Document; uuid: unknown }
  | { o: 'createIndex'; ns: string; spec: Document }
  | { o: 'dropIndex'; ns: string; name: string }
  | { o: 'dropCollection'; ns: string }
  /** collMod: the collection's options (validator, validationLevel, validationAction) become these. */
  | { o: 'setOptions'; ns: string; options: Document }
  | { o: 'renameCollection'; ns: string; to: string }
  | { o: 'dropDatabase'; db: string }
  /** Snapshots only: an index's order as ordinals of the collection's snapshot documents, so recovery need not sort. */
  | { o: 'indexOrder'; ns: string; name: string; order: unknown };

/** Collects the changes of one command or transaction. */
export class ChangeSet {
  readonly ops: Op[] = [];
  readonly docs: Buffer[] = [];

  put(ns: string, buf: Buffer): void {
    const last = this.ops[this.ops.length - 1];
    if (last && last.o === 'put' && last.ns === ns) last.n++;
    else this.ops.push({ o: 'put', ns, n: 1 });
    this.docs.push(buf);
  }

  add(op: Op): void {
    this.ops.push(op);
  }

  get empty(): boolean {
    return this.ops.length === 0;
  }

  encode(): Buffer {
    const head = toBson({ ops: this.ops });
    return Buffer.concat([head, ...this.docs]);
  }
}

/** Splits a payload back into its ops and raw documents. */
export function decodeChangeSet(payload: Buffer): { ops: Op[]; docs: Buffer[] } {
  const headLen = payload.readInt32LE(0);
  const { ops } = deserialize(payload.subarray(0, headLen), { promoteBuffers: false }) as { ops: Op[] };
  const docs: Buffer[] = [];
  let p = headLen;
  while (p < payload.length) {
    const len = payload.readInt32LE(p);
    // a view, not a copy: the payload is this record's own buffer (the storage layer copies
    // each record out of its read chunks) and is made almost entirely of these documents
    docs.push(payload.subarray(p, p + len));
    p += len;
  }
  return { ops, docs };
}
