/**
 * Command dispatch: look the command up, refuse unknown or unsupported fields, attach the
 * session and transaction, run it, and shape errors the way MongoDB does.
 */
import type { Document } from 'bson';
import type { CommandContext, CommandDef } from './types';
import * as read from './read';
import * as write from './write';
import * as ddl from './ddl';
import * as admin from './admin';
import { aggregate } from './aggregate';
import { errors, isEngineError } from '../errors';
import type { Engine } from '../engine';
import { MAX_BSON_OBJECT_BYTES, type IncomingCommand } from '../wire';

const COMMANDS: Record<string, CommandDef> = {
  find: read.find, getMore: read.getMore, killCursors: read.killCursors, count: read.count, distinct: read.distinct, explain: read.explain,
  insert: write.insert, update: write.update, delete: write.del, findAndModify: write.findAndModify,
  aggregate,
  create: ddl.create, drop: ddl.drop, dropDatabase: ddl.dropDatabase, renameCollection: ddl.renameCollection,
  createIndexes: ddl.createIndexes, collMod: ddl.collMod, listIndexes: ddl.listIndexes, dropIndexes: ddl.dropIndexes,
  listCollections: ddl.listCollections, listDatabases: ddl.listDatabases,
  hello: admin.hello, isMaster: admin.isMaster, ping: admin.ping, buildInfo: admin.buildInfo, serverStatus: admin.serverStatus, vhcvBackup: admin.vhcvBackup,
  endSessions: admin.endSessions, commitTransaction: admin.commitTransaction, abortTransaction: admin.abortTransaction,
  setParameter: admin.setParameter, fsync: admin.fsync, getParameter: admin.getParameter, dbStats: admin.dbStats, connectionStatus: admin.connectionStatus,
};
/** Case aliases MongoDB accepts. */
const ALIASES: Record<string, string> = { ismaster: 'isMaster', buildinfo: 'buildInfo', findandmodify: 'findAndModify' };

/** Fields any command may carry (session, concerns, API version, tracing). */
const GENERIC_FIELDS = new Set([
  '$db', 'lsid', 'txnNumber', 'autocommit', 'startTransaction', '$clusterTime', '$readPreference', 'readConcern', 'writeConcern',
  'apiVersion', 'apiStrict', 'apiDeprecationErrors', 'comment', 'maxTimeMS', '$audit', 'mayBypassWriteBlocking', '$client',
]);

export interface ConnectionInfo {
  id: number;
  connections: { current: number; total: number };
}

function errorReply(e: unknown): Document {
  if (isEngineError(e)) {
    const reply: Document = { ok: 0, errmsg: e.message, code: e.code, codeName: e.codeName, ...e.extra };
    if (e.errorLabels.length) reply.errorLabels = e.errorLabels;
    return reply;
  }
  const err = e as Error;
  return { ok: 0, errmsg: `internal error: ${err?.message ?? String(e)}`, code: 1, codeName: 'InternalError' };
}

function checkFields(name: string, def: CommandDef, cmd: Document): void {
  const own = new Set(def.fields);
  for (const field of Object.keys(cmd).slice(1)) {
    if (def.unsupported?.includes(field)) throw errors.notImplemented(`the option '${field}' of '${name}' is not supported by the embedded engine`);
    if (def.strict && !own.has(field) && !GENERIC_FIELDS.has(field)) throw errors.unknownField(name, field);
  }
  const rc = cmd.readConcern as Document | undefined;
  if (rc && rc.level && !['local', 'majority', 'snapshot', 'available'].includes(String(rc.level))) {
    throw errors.notImplemented(`readConcern level '${String(rc.level)}' is not supported by the embedded engine`);
  }
}

/** Resolves the session and transaction a command runs in (MongoDB's txnNumber / autocommit protocol). */
function attachTransaction(engine: Engine, name: string, def: CommandDef, cmd: Document, ctx: CommandContext): void {
  ctx.session = engine.session(cmd.lsid);
  if (cmd.autocommit !== false) {
    if (cmd.startTransaction === true) throw errors.invalidOptions('startTransaction requires autocommit: false');
    return;
  }
  const session = ctx.session;
  if (!session || cmd.txnNumber === undefined) throw errors.invalidOptions('autocommit: false requires a session (lsid) and txnNumber');
  const txnNumber = Number(cmd.txnNumber);
  if (!def.inTransaction) throw errors.operationNotSupportedInTransaction(`Cannot run '${name}' in a multi-document transaction.`);
  if (cmd.startTransaction === true) {
    if (txnNumber <= session.txnNumber) throw errors.transactionTooOld(`Cannot start transaction ${txnNumber} on session because a newer transaction ${session.txnNumber} has already started`);
    ctx.txn = engine.beginTransaction(session, txnNumber);
    return;
  }
  const txn = session.txn;
  if (!txn || txn.txnNumber !== txnNumber) throw errors.noSuchTransaction(`Transaction with { txnNumber: ${txnNumber} } has been aborted.`);
  if (txn.state === 'aborted' && name !== 'abortTransaction' && name !== 'commitTransaction') {
    throw errors.noSuchTransaction(`Transaction with { txnNumber: ${txnNumber} } has been aborted.`);
  }
  ctx.txn = txn;
}

/** Runs one command and returns the reply document (errors become ok:0 replies). */
export async function runCommand(engine: Engine, req: IncomingCommand, conn: ConnectionInfo): Promise<Document> {
  const cmd = req.command;
  const given = Object.keys(cmd)[0] ?? '';
  const name = ALIASES[given] ?? given;
  const def = COMMANDS[name];
  engine.counters.command++;
  try {
    if (!def) throw errors.commandNotFound(given);
    // a command body may exceed a document's 16 MiB by MongoDB's 16 KiB of overhead, no more
    if (req.bodyBytes.length > MAX_BSON_OBJECT_BYTES + 16 * 1024) {
      throw errors.objectTooLarge(`BSONObj size: ${req.bodyBytes.length} (0x${req.bodyBytes.length.toString(16)}) is invalid. Size must be between 0 and 16793600(16MB)`);
    }
    checkFields(name, def, cmd);
    const ctx: CommandContext = { engine, db: req.db, cmd, req, session: null, txn: null, connectionId: conn.id, connections: conn.connections };
    attachTransaction(engine, name, def, cmd, ctx);
    const reply = await def.run(ctx);
    return engine.replicaSet ? engine.replicaSet.stamp(reply) : reply;
  } catch (e) {
    return engine.replicaSet ? engine.replicaSet.stamp(errorReply(e)) : errorReply(e);
  }
}
