/** Write commands: insert, update, delete, findAndModify. */
import { deserialize, type Document } from 'bson';
import { toBson } from '../bson-raw';
import type { CommandContext, CommandDef } from './types';
import { collectionName, optionalDoc, scope } from './types';
import { updateMatched, upsertNew, withId, type UpdateSpec } from './mutations';
import { collationOf, outputDocs } from './read';
import { RawDoc, EXACT_DECODE } from '../bson-raw';
import { EngineError, errors, isEngineError } from '../errors';
import { Collection } from '../catalog/collection';
import type { WriteScope } from '../write-scope';

const WRITE_FIELDS = ['ordered', 'bypassDocumentValidation', 'let'];

interface WriteError { index: number; code: number; errmsg: string; [k: string]: unknown }

function toWriteError(index: number, e: unknown): WriteError {
  if (!isEngineError(e)) throw e;
  return { index, code: e.code, errmsg: e.message, ...e.extra };
}

/** Statements from a kind-1 sequence (raw) or the body; each with its raw bytes when available. */
function statements(ctx: CommandContext, field: string): Array<{ doc: Document; raw?: Buffer }> {
  const raw = ctx.req.sequences.get(field);
  if (raw) return raw.map((b) => ({ doc: Collection.decode(b), raw: b }));
  const inline = ctx.cmd[field];
  if (!Array.isArray(inline)) throw errors.failedToParse(`BSON field '${Object.keys(ctx.cmd)[0]}.${field}' is missing but a required field`);
  return inline.map((doc) => ({ doc: doc as Document }));
}

/** Runs statements in order; ordered mode stops at the first error; a transaction aborts on any. */
async function runStatements(ctx: CommandContext, s: WriteScope, count: number, each: (i: number) => void): Promise<WriteError[]> {
  const ordered = ctx.cmd.ordered !== false;
  const writeErrors: WriteError[] = [];
  try {
    for (let i = 0; i < count; i++) {
      try {
        each(i);
      } catch (e) {
        // a write conflict ends the whole command (top-level error + TransientTransactionError), as in MongoDB
        if (isEngineError(e) && e.code === 112) throw e;
        writeErrors.push(toWriteError(i, e));
        if (ctx.txn) ctx.engine.abortTransaction(ctx.txn);
        if (ordered || ctx.txn) break;
      }
    }
  } finally {
    // whatever was applied before a failure must still reach the journal before any reply
    await s.finish();
  }
  return writeErrors;
}

function withErrors(reply: Document, writeErrors: WriteError[]): Document {
  return writeErrors.length ? { ...reply, writeErrors, ok: 1 } : { ...reply, ok: 1 };
}

export const insert: CommandDef = {
  strict: true,
  fields: ['documents', ...WRITE_FIELDS],
  inTransaction: true,
  async run(ctx) {
    const name = collectionName(ctx);
    let raws = ctx.req.sequences.get('documents');
    if (!raws) {
      // inline documents: re-read the body with exact types so numbers keep their BSON type
      const exact = deserialize(ctx.req.bodyBytes, EXACT_DECODE);
      const docs = exact.documents;
      if (!Array.isArray(docs)) throw errors.failedToParse("BSON field 'insert.documents' is missing but a required field");
      raws = docs.map((d) => toBson(d as Document));
    }
    const s = scope(ctx);
    let n = 0;
    const writeErrors = await runStatements(ctx, s, raws.length, (i) => {
      const { buf, doc } = withId(raws![i]);
      s.insert(name, buf, doc);
      n++;
    });
    ctx.engine.counters.insert += n;
    return withErrors({ n }, writeErrors);
  },
};

function updateSpecOf(stmt: { doc: Document; raw?: Buffer }): UpdateSpec {
  const { q, u, arrayFilters } = stmt.doc;
  if (!q || typeof q !== 'object') throw errors.failedToParse("BSON field 'update.updates.q' is missing but a required field");
  const replacement = u && typeof u === 'object' && !Array.isArray(u) && !Object.keys(u).some((k) => k.startsWith('$'));
  const exactReplacement = replacement && stmt.raw ? (deserialize(stmt.raw, EXACT_DECODE).u as Document) : undefined;
  return { u: u as Document, filter: q as Document, arrayFilters: arrayFilters as Document[] | undefined, exactReplacement };
}

function rejectStatementOptions(stmt: Document): void {
  if (stmt.c !== undefined) throw errors.notImplemented("update 'c' (constants for pipeline updates) is not supported by the embedded engine");
}

export const update: CommandDef = {
  strict: true,
  fields: ['updates', ...WRITE_FIELDS],
  inTransaction: true,
  async run(ctx) {
    const name = collectionName(ctx);
    const stmts = statements(ctx, 'updates');
    const s = scope(ctx);
    let n = 0, nModified = 0;
    const upserted: Document[] = [];
    const writeErrors = await runStatements(ctx, s, stmts.length, (i) => {
      rejectStatementOptions(stmts[i].doc);
      const spec = updateSpecOf(stmts[i]);
      const multi = stmts[i].doc.multi === true;
      if (multi && spec.u && !Object.keys(spec.u).some((k) => k.startsWith('$')) && !Array.isArray(spec.u)) {
        throw errors.failedToParse('multi update is not supported for replacement-style update');
      }
      const { matches } = s.read(name, spec.filter, { limit: multi ? 0 : 1, hint: stmts[i].doc.hint as string | undefined, collation: collationOf(stmts[i].doc.collation) });
      if (matches.length === 0 && stmts[i].doc.upsert === true) {
        const { doc } = upsertNew(s, name, spec);
        upserted.push({ index: i, _id: doc._id });
        n++;
        return;
      }
      for (const m of matches) {
        n++;
        if (updateMatched(s, name, m, spec).changed) nModified++;
      }
    });
    ctx.engine.counters.update += n;
    return withErrors(upserted.length ? { n, nModified, upserted } : { n, nModified }, writeErrors);
  },
};

export const del: CommandDef = {
  strict: true,
  fields: ['deletes', ...WRITE_FIELDS],
  inTransaction: true,
  async run(ctx) {
    const name = collectionName(ctx);
    const stmts = statements(ctx, 'deletes');
    const s = scope(ctx);
    let n = 0;
    const writeErrors = await runStatements(ctx, s, stmts.length, (i) => {
      const { q, limit, hint } = stmts[i].doc;
      rejectStatementOptions(stmts[i].doc);
      if (!q || typeof q !== 'object') throw errors.failedToParse("BSON field 'delete.deletes.q' is missing but a required field");
      if (limit !== 0 && limit !== 1) throw errors.failedToParse('The limit field in delete objects must be 0 or 1. Got ' + String(limit));
      const { matches } = s.read(name, q as Document, { limit: limit as number, hint: hint as string | undefined, collation: collationOf(stmts[i].doc.collation) });
      for (const m of matches) {
        s.remove(name, m);
        n++;
      }
    });
    ctx.engine.counters.delete += n;
    return withErrors({ n }, writeErrors);
  },
};

export const findAndModify: CommandDef = {
  strict: true,
  fields: ['query', 'sort', 'remove', 'update', 'new', 'fields', 'upsert', 'arrayFilters', 'bypassDocumentValidation', 'hint', 'collation', 'let'],
  unsupported: ['let'],
  inTransaction: true,
  async run(ctx) {
    const collation = collationOf(ctx.cmd.collation);
    const name = collectionName(ctx);
    const query = optionalDoc(ctx, 'query') ?? {};
    const fields = optionalDoc(ctx, 'fields');
    const remove = ctx.cmd.remove === true;
    if (remove && (ctx.cmd.update !== undefined || ctx.cmd.new === true || ctx.cmd.upsert === true)) {
      throw errors.failedToParse('Cannot specify both an update and remove=true');
    }
    if (!remove && ctx.cmd.update === undefined) throw errors.failedToParse('Either an update or remove=true must be specified');
    const s = scope(ctx);
    try {
      const { matches } = s.read(name, query, { sort: optionalDoc(ctx, 'sort'), limit: 1, hint: ctx.cmd.hint as string | undefined, collation });
      const match = matches[0];
      const present = (buf: Buffer, doc: Document) => (fields ? new RawDoc(outputDocs([{ key: '', buf, doc }], fields, query)[0]) : new RawDoc(buf));
      let reply: Document;
      if (remove) {
        if (match) s.remove(name, match);
        reply = { lastErrorObject: { n: match ? 1 : 0 }, value: match ? present(match.buf, match.doc) : null };
      } else {
        const exactUpdate = deserialize(ctx.req.bodyBytes, EXACT_DECODE).update as Document;
        const spec: UpdateSpec = { u: ctx.cmd.update as Document, filter: query, arrayFilters: ctx.cmd.arrayFilters as Document[] | undefined, exactReplacement: exactUpdate };
        if (match) {
          const after = updateMatched(s, name, match, spec);
          const value = ctx.cmd.new === true ? present(after.buf, after.doc) : present(match.buf, match.doc);
          reply = { lastErrorObject: { n: 1, updatedExisting: true }, value };
        } else if (ctx.cmd.upsert === true) {
          const created = upsertNew(s, name, spec);
          reply = { lastErrorObject: { n: 1, updatedExisting: false, upserted: created.doc._id }, value: ctx.cmd.new === true ? present(created.buf, created.doc) : null };
        } else reply = { lastErrorObject: { n: 0, updatedExisting: false }, value: null };
      }
      await s.finish();
      return { ...reply, ok: 1 };
    } catch (e) {
      if (ctx.txn && e instanceof EngineError) ctx.engine.abortTransaction(ctx.txn);
      throw e;
    }
  },
};
