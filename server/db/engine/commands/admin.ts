/** Handshake, diagnostics, sessions, transactions and server parameters. */
import os from 'node:os';
import type { Document } from 'bson';
import type { CommandContext, CommandDef } from './types';
import { MAX_BSON_OBJECT_BYTES, MAX_MESSAGE_BYTES } from '../wire';
import { errors } from '../errors';
import type { Parameters } from '../engine';

/** Wire version 21 = MongoDB 7.0, which the driver and mongoose 9 fully support. */
export const MAX_WIRE_VERSION = 21;
export const SERVER_VERSION = '7.0.0';

function helloReply(ctx: CommandContext, legacy: boolean): Document {
  return {
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    helloOk: true,
    maxBsonObjectSize: MAX_BSON_OBJECT_BYTES,
    maxMessageSizeBytes: MAX_MESSAGE_BYTES,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    // without this the driver sends no lsid and sessions / transactions cannot work
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ...ctx.engine.replicaSet?.helloFields(),
    ok: 1,
  };
}

const HELLO_FIELDS = ['helloOk', 'client', 'compression', 'saslSupportedMechs', 'speculativeAuthenticate', 'loadBalanced', 'topologyVersion', 'maxAwaitTimeMS', 'hostInfo'];

export const hello: CommandDef = { fields: HELLO_FIELDS, run: (ctx) => helloReply(ctx, false) };
export const isMaster: CommandDef = { fields: HELLO_FIELDS, run: (ctx) => helloReply(ctx, true) };
export const ping: CommandDef = { fields: [], inTransaction: true, run: () => ({ ok: 1 }) };

export const buildInfo: CommandDef = {
  fields: [],
  run: () => ({
    version: SERVER_VERSION, gitVersion: 'vhcv-embedded-engine', versionArray: [7, 0, 0, 0], bits: 64, debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_BYTES, storageEngines: ['vhcv-journal'], javascriptEngine: 'none', modules: [], ok: 1,
  }),
};

export const serverStatus: CommandDef = {
  fields: ['repl', 'metrics', 'locks', 'mirroredReads', 'latchAnalysis', 'tcmalloc', 'wiredTiger'],
  run(ctx) {
    const e = ctx.engine;
    const mem = process.memoryUsage();
    return {
      host: os.hostname(), version: SERVER_VERSION, process: 'vhcv-engine', pid: process.pid,
      uptime: Math.floor((Date.now() - e.startedAt) / 1000), uptimeMillis: Date.now() - e.startedAt, localTime: new Date(),
      connections: { current: ctx.connections.current, totalCreated: ctx.connections.total, available: 10_000 },
      mem: { bits: 64, resident: Math.round(mem.rss / 1048576), virtual: Math.round(mem.rss / 1048576) },
      opcounters: { insert: e.counters.insert, query: e.counters.query, update: e.counters.update, delete: e.counters.delete, getmore: e.counters.getmore, command: e.counters.command },
      metrics: {
        cursor: { open: { total: e.cursors.openCount, noTimeout: 0, pinned: 0 }, timedOut: e.cursors.timedOut },
        ttl: { deletedDocuments: e.counters.ttlDeleted },
      },
      storageEngine: { name: 'vhcv-journal', supportsCommittedReads: true, persistent: true, writeFailure: e.writeFailure?.message ?? null, stats: e.storageStats },
      ok: 1,
    };
  },
};

/**
 * `{vhcvBackup: 1}` (this engine only; MongoDB answers CommandNotFound): writes the state as
 * of now into a new directory under the engine's own data directory — never a path the
 * client names — and answers it, for `npm run backup` on the same machine to pack.
 */
export const vhcvBackup: CommandDef = {
  fields: [],
  async run(ctx) {
    const { dir, records, bytes } = await ctx.engine.backup();
    return { dir, records, bytes, ok: 1 };
  },
};

export const endSessions: CommandDef = {
  fields: [],
  run(ctx) {
    const ids = ctx.cmd.endSessions;
    if (!Array.isArray(ids)) throw errors.typeMismatch("BSON field 'endSessions.endSessions' is the wrong type, expected type 'array'");
    for (const lsid of ids) {
      const s = ctx.engine.session(lsid);
      if (s) ctx.engine.endSession(s);
    }
    return { ok: 1 };
  },
};

export const commitTransaction: CommandDef = {
  fields: ['recoveryToken'],
  inTransaction: true,
  async run(ctx) {
    const txn = ctx.txn!;
    if (txn.state === 'aborted') throw errors.noSuchTransaction(`Transaction with { txnNumber: ${txn.txnNumber} } has been aborted.`);
    // a retried commit succeeds again once the first one is durable, as in MongoDB
    if (txn.state === 'active' || txn.committed) await ctx.engine.commitTransaction(txn);
    return { ok: 1 };
  },
};

export const abortTransaction: CommandDef = {
  fields: ['recoveryToken'],
  inTransaction: true,
  run(ctx) {
    const txn = ctx.txn!;
    if (txn.state === 'committed') throw errors.transactionCommitted(`Transaction with { txnNumber: ${txn.txnNumber} } has been committed.`);
    if (txn.state === 'aborted') throw errors.noSuchTransaction(`Transaction with { txnNumber: ${txn.txnNumber} } has been aborted.`);
    ctx.engine.abortTransaction(txn);
    return { ok: 1 };
  },
};

const PARAMETERS: Array<keyof Parameters> = ['cursorTimeoutMillis', 'ttlMonitorSleepSecs', 'transactionLifetimeLimitSeconds'];

export const setParameter: CommandDef = {
  fields: [...PARAMETERS, 'comment'],
  run(ctx) {
    if (ctx.db !== 'admin') throw errors.unauthorized('setParameter may only be run against the admin database.');
    const given = PARAMETERS.filter((p) => ctx.cmd[p] !== undefined);
    if (given.length !== 1) throw errors.invalidOptions(`set exactly one of: ${PARAMETERS.join(', ')}`);
    const name = given[0];
    const value = Number(ctx.cmd[name]);
    if (!Number.isFinite(value) || value < (name === 'cursorTimeoutMillis' ? 0 : 1)) throw errors.badValue(`invalid value for ${name}`);
    const was = ctx.engine.params[name];
    ctx.engine.params[name] = value;
    if (name === 'ttlMonitorSleepSecs') ctx.engine.scheduleTtl();
    return { was, ok: 1 };
  },
};

export const getParameter: CommandDef = {
  fields: [...PARAMETERS],
  run(ctx) {
    const all = ctx.cmd.getParameter === '*';
    const out: Document = {};
    for (const p of PARAMETERS) if (all || ctx.cmd[p] !== undefined) out[p] = ctx.engine.params[p];
    return { ...out, ok: 1 };
  },
};

/**
 * `fsync`: MongoDB flushes everything to its data files (a WiredTiger checkpoint). Here every
 * acknowledged write is already in the journal, so this writes a checkpoint: a fresh snapshot
 * and an empty journal, after which a restart replays nothing. Useful before copying the data
 * directory, and to a benchmark that must not time its reads against a checkpoint still
 * running from the load before. `lock: true` (fsyncLock) is not supported.
 */
export const fsync: CommandDef = {
  fields: ['lock', 'async'],
  async run(ctx) {
    if (ctx.db !== 'admin') throw errors.unauthorized('fsync may only be run against the admin database.');
    if (ctx.cmd.lock === true || ctx.cmd.lock === 1) throw errors.notImplemented("the option 'lock' of 'fsync' is not supported by the embedded engine");
    ctx.engine.assertWritable();
    await ctx.engine.checkpointNow();
    return { numFiles: 1, ok: 1 };
  },
};

export const dbStats: CommandDef = {
  fields: ['scale', 'freeStorage'],
  run(ctx) {
    const colls = ctx.engine.catalog.collections(ctx.db);
    let objects = 0, dataSize = 0, indexes = 0;
    for (const c of colls) {
      objects += c.docs.size;
      indexes += c.indexes.size;
      for (const b of c.docs.values()) dataSize += b.length;
    }
    return { db: ctx.db, collections: colls.length, views: 0, objects, avgObjSize: objects ? dataSize / objects : 0, dataSize, storageSize: dataSize, indexes, ok: 1 };
  },
};

export const connectionStatus: CommandDef = {
  fields: ['showPrivileges'],
  run: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
};
