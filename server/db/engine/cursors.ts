/**
 * Open cursors. Results are materialised when the cursor opens (so a cursor sees a
 * consistent set of documents) and handed out in batches that stay under 16 MiB.
 */
import { Long } from 'bson';
import { RawDocArray } from './bson-raw';
import { errors } from './errors';

/** Leave room for the reply envelope around a batch. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;
const DEFAULT_FIRST_BATCH = 101;

interface Cursor {
  id: bigint;
  ns: string;
  docs: Buffer[];
  pos: number;
  lastUse: number;
  sessionId: string | null;
}

export class CursorRegistry {
  private readonly cursors = new Map<bigint, Cursor>();
  private nextId = BigInt(Date.now()) * 1000n;
  totalOpened = 0;
  timedOut = 0;

  get openCount(): number { return this.cursors.size; }

  /**
   * Builds the first batch and keeps a cursor for the rest (id 0 when everything fit or
   * `singleBatch`). Returns the reply's `cursor` sub-document.
   */
  open(ns: string, docs: Buffer[], batchSize: number | undefined, sessionId: string | null, singleBatch = false): { firstBatch: RawDocArray; id: Long; ns: string } {
    const cursor: Cursor = { id: 0n, ns, docs, pos: 0, lastUse: Date.now(), sessionId };
    // batchSize 0 opens the cursor with an empty first batch, as in MongoDB
    const batch = batchSize === 0 ? [] : takeBatch(cursor, batchSize ?? DEFAULT_FIRST_BATCH);
    if (!singleBatch && cursor.pos < docs.length) {
      cursor.id = ++this.nextId;
      this.cursors.set(cursor.id, cursor);
      this.totalOpened++;
    }
    return { firstBatch: new RawDocArray(batch), id: Long.fromBigInt(cursor.id), ns };
  }

  getMore(id: bigint, ns: string, batchSize: number | undefined): { nextBatch: RawDocArray; id: Long; ns: string } {
    const cursor = this.cursors.get(id);
    if (!cursor) throw errors.cursorNotFound(`cursor id ${id} not found`);
    if (cursor.ns !== ns) throw errors.unauthorized(`Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`);
    cursor.lastUse = Date.now();
    const batch = takeBatch(cursor, batchSize || Infinity);
    let replyId = id;
    if (cursor.pos >= cursor.docs.length) {
      this.cursors.delete(id);
      replyId = 0n;
    }
    return { nextBatch: new RawDocArray(batch), id: Long.fromBigInt(replyId), ns };
  }

  kill(ids: bigint[]): { killed: bigint[]; notFound: bigint[] } {
    const killed: bigint[] = [], notFound: bigint[] = [];
    for (const id of ids) (this.cursors.delete(id) ? killed : notFound).push(id);
    return { killed, notFound };
  }

  killSession(sessionId: string): void {
    for (const [id, c] of this.cursors) if (c.sessionId === sessionId) this.cursors.delete(id);
  }

  /** Closes cursors idle for longer than `timeoutMs`. */
  expire(timeoutMs: number, now = Date.now()): void {
    for (const [id, c] of this.cursors) {
      if (now - c.lastUse > timeoutMs) {
        this.cursors.delete(id);
        this.timedOut++;
      }
    }
  }
}

function takeBatch(cursor: Cursor, max: number): Buffer[] {
  const out: Buffer[] = [];
  let bytes = 0;
  while (cursor.pos < cursor.docs.length && out.length < max) {
    const doc = cursor.docs[cursor.pos];
    if (out.length > 0 && bytes + doc.length > MAX_BATCH_BYTES) break;
    out.push(doc);
    bytes += doc.length + 8;
    cursor.pos++;
  }
  return out;
}
