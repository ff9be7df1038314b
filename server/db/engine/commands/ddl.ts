/**
 * Catalog commands: create, drop, dropDatabase, renameCollection, createIndexes,
 * listIndexes, dropIndexes, listCollections, listDatabases. Each change is expressed as
 * durable ops, applied through the same routine recovery uses, then persisted.
 */
import { UUID, type Document } from 'bson';
import { toBson } from '../bson-raw';
import { Query } from 'mingo';
import type { CommandContext, CommandDef } from './types';
import { collectionName, ns } from './types';
import { ChangeSet, type Op } from '../catalog/oplog';
import { validateCollectionName, splitNs } from '../catalog/catalog';
import type { IndexSpec } from '../catalog/btree-index';
import type { Collection } from '../catalog/collection';
import { EngineError, errors } from '../errors';
import { parseCollation } from '../query/collation';
import { validationOptions } from '../catalog/validation';

/**
 * `capped: true` needs `size` (bytes; MongoDB rounds it up to a multiple of 256); `max` (documents) is optional.
 * `capped` is read as MongoDB reads its booleans (any non-zero number is true): `{capped: 1024}`
 * must not quietly create an ordinary collection.
 */
function cappedOptions(cmd: Document): Document {
  const capped = typeof cmd.capped === 'number' || typeof cmd.capped === 'bigint' ? Number(cmd.capped) !== 0 : cmd.capped === true;
  if (!capped) return {};
  const size = Number(cmd.size);
  if (cmd.size === undefined) throw errors.invalidOptions("the 'size' field is required when 'capped' is true");
  if (!Number.isFinite(size) || size <= 0) throw errors.badValue("the 'size' field of a capped collection must be a positive number");
  const max = cmd.max === undefined ? undefined : Number(cmd.max);
  if (max !== undefined && !Number.isFinite(max)) throw errors.badValue("the 'max' field of a capped collection must be a number");
  return { capped: true, size: Math.ceil(size / 256) * 256, ...(max !== undefined && max > 0 ? { max } : {}) };
}

/** As MongoDB lists them: a collection with a validator also shows its level and action. */
function validationDefaults(given: Document): Document {
  return given.validator === undefined ? given : { validationLevel: 'strict', validationAction: 'error', ...given };
}

async function applyAndPersist(ctx: CommandContext, ops: Op[]): Promise<void> {
  ctx.engine.assertWritable();
  for (const op of ops) {
    if (op.o === 'dropCollection' || op.o === 'renameCollection') ctx.engine.abortTransactionsOn(op.ns);
    if (op.o === 'dropDatabase') ctx.engine.abortTransactionsOn(`${op.db}.`);
  }
  const changes = new ChangeSet();
  for (const op of ops) changes.add(op);
  ctx.engine.catalog.applyRecord(changes.encode(), 'live');
  await ctx.engine.persist(changes);
}

function mustExist(ctx: CommandContext, name: string): Collection {
  const coll = ctx.engine.catalog.get(ctx.db, name);
  if (!coll) throw errors.namespaceNotFound(`ns does not exist: ${ns(ctx, name)}`);
  return coll;
}

const CREATE_UNSUPPORTED = ['timeseries', 'expireAfterSeconds', 'clusteredIndex', 'viewOn', 'pipeline', 'changeStreamPreAndPostImages', 'storageEngine', 'indexOptionDefaults', 'encryptedFields'];

export const create: CommandDef = {
  strict: true,
  fields: [...CREATE_UNSUPPORTED, 'autoIndexId', 'idIndex', 'collation', 'validator', 'validationLevel', 'validationAction', 'capped', 'size', 'max'],
  unsupported: CREATE_UNSUPPORTED,
  inTransaction: true,
  async run(ctx) {
    const name = collectionName(ctx);
    validateCollectionName(ctx.db, name);
    if (ctx.engine.catalog.get(ctx.db, name)) throw errors.namespaceExists(`Collection ${ns(ctx, name)} already exists.`);
    const collator = parseCollation(ctx.cmd.collation);
    const options: Document = { ...cappedOptions(ctx.cmd), ...validationDefaults(validationOptions(ctx.cmd)), ...(collator ? { collation: collator.spec } : {}) };
    await applyAndPersist(ctx, [{ o: 'createCollection', ns: ns(ctx, name), options, uuid: new UUID().toBinary() }]);
    return { ok: 1 };
  },
};

export const drop: CommandDef = {
  fields: [],
  async run(ctx) {
    const name = collectionName(ctx);
    const coll = ctx.engine.catalog.get(ctx.db, name);
    // MongoDB 7 answers ok for a collection that does not exist
    if (!coll) return { ok: 1 };
    const nIndexesWas = coll.indexes.size;
    await applyAndPersist(ctx, [{ o: 'dropCollection', ns: coll.ns }]);
    return { ns: coll.ns, nIndexesWas, ok: 1 };
  },
};

export const dropDatabase: CommandDef = {
  fields: [],
  async run(ctx) {
    if (ctx.engine.catalog.dbs.has(ctx.db)) await applyAndPersist(ctx, [{ o: 'dropDatabase', db: ctx.db }]);
    return { dropped: ctx.db, ok: 1 };
  },
};

export const renameCollection: CommandDef = {
  fields: ['to', 'dropTarget', 'stayTemp'],
  async run(ctx) {
    const from = ctx.cmd.renameCollection, to = ctx.cmd.to;
    if (ctx.db !== 'admin') throw errors.unauthorized('renameCollection may only be run against the admin database.');
    if (typeof from !== 'string' || typeof to !== 'string') throw errors.typeMismatch('renameCollection and to must be namespace strings');
    const [fromDb, fromName] = splitNs(from), [toDb, toName] = splitNs(to);
    if (!ctx.engine.catalog.get(fromDb, fromName)) throw errors.namespaceNotFound('Source collection ' + from + ' does not exist');
    validateCollectionName(toDb, toName);
    const ops: Op[] = [];
    if (ctx.engine.catalog.get(toDb, toName)) {
      if (ctx.cmd.dropTarget !== true) throw errors.namespaceExists('target namespace exists');
      ops.push({ o: 'dropCollection', ns: to });
    }
    ops.push({ o: 'renameCollection', ns: from, to });
    await applyAndPersist(ctx, ops);
    return { ok: 1 };
  },
};

const INDEX_OPTIONS = new Set(['key', 'name', 'unique', 'sparse', 'expireAfterSeconds', 'partialFilterExpression', 'background', 'v', 'hidden', 'ns', 'collation']);
const INDEX_UNSUPPORTED = new Set(['weights', 'default_language', 'language_override', 'textIndexVersion', '2dsphereIndexVersion', 'bits', 'min', 'max', 'wildcardProjection', 'storageEngine', 'prepareUnique', 'clustered']);

/** Validates an index definition and returns the normalised spec that is stored. */
export function indexSpecOf(raw: Document, defaultCollation?: unknown): IndexSpec {
  for (const field of Object.keys(raw)) {
    if (INDEX_UNSUPPORTED.has(field)) throw errors.notImplemented(`the index option '${field}' is not supported by the embedded engine`);
    if (!INDEX_OPTIONS.has(field)) throw new EngineError(197, 'InvalidIndexSpecificationOption', `The field '${field}' is not valid for an index specification.`);
  }
  const key = raw.key as Document;
  if (!key || typeof key !== 'object' || Object.keys(key).length === 0) throw errors.cannotCreateIndex('Index keys cannot be empty.');
  const normalized: IndexSpec['key'] = {};
  for (const [field, dir] of Object.entries(key)) {
    if (dir === 'hashed') {
      if (Object.values(normalized).includes('hashed')) throw new EngineError(31303, 'Location31303', 'A maximum of one index field is allowed to be hashed');
      normalized[field] = 'hashed';
      continue;
    }
    if (typeof dir === 'string') throw errors.notImplemented(`'${dir}' indexes (field '${field}') are not supported by the embedded engine; only ascending (1), descending (-1) and 'hashed' keys`);
    if (typeof dir !== 'number' || dir === 0 || !Number.isFinite(dir)) throw errors.cannotCreateIndex(`Values in the index key pattern can only be numbers or strings (field '${field}')`);
    normalized[field] = dir > 0 ? 1 : -1;
  }
  if (typeof raw.name !== 'string' || raw.name.length === 0) throw errors.cannotCreateIndex("The index name must be a non-empty string ('name' field)");
  const spec: IndexSpec = { name: raw.name, key: normalized };
  if (raw.unique === true && Object.values(normalized).includes('hashed')) throw errors.cannotCreateIndex('Currently hashed indexes cannot guarantee uniqueness. Use a regular index.');
  if (raw.unique === true) spec.unique = true;
  if (raw.hidden === true) spec.hidden = true;
  if (raw.sparse === true) spec.sparse = true;
  if (raw.expireAfterSeconds !== undefined) {
    const s = Number(raw.expireAfterSeconds);
    if (!Number.isFinite(s) || s < 0) throw errors.cannotCreateIndex('TTL index \'expireAfterSeconds\' option must be a non-negative number');
    if (Object.keys(normalized).length !== 1) throw errors.cannotCreateIndex('TTL indexes are single-field indexes, compound indexes do not support TTL.');
    spec.expireAfterSeconds = s;
  }
  if (raw.partialFilterExpression !== undefined) {
    if (typeof raw.partialFilterExpression !== 'object') throw errors.cannotCreateIndex('partialFilterExpression must be an object');
    new Query(raw.partialFilterExpression as Document); // validates operators
    spec.partialFilterExpression = raw.partialFilterExpression as Document;
  }
  const collator = parseCollation(raw.collation ?? defaultCollation);
  if (collator) {
    // uniqueness under a collation ("An" = "an") needs collation keys the B+tree does not store
    if (spec.unique) throw errors.notImplemented(`a unique index with a collation (locale '${String(collator.spec.locale)}') is not supported by the embedded engine`);
    spec.collation = collator.spec;
  }
  return spec;
}

const sameKey = (a: IndexSpec, b: IndexSpec) => JSON.stringify(a.key) === JSON.stringify(b.key);
const sameOptions = (a: IndexSpec, b: IndexSpec) =>
  !!a.unique === !!b.unique && !!a.sparse === !!b.sparse && a.expireAfterSeconds === b.expireAfterSeconds &&
  JSON.stringify(a.partialFilterExpression ?? null) === JSON.stringify(b.partialFilterExpression ?? null) &&
  JSON.stringify(a.collation ?? null) === JSON.stringify(b.collation ?? null);

export const createIndexes: CommandDef = {
  strict: true,
  fields: ['indexes', 'commitQuorum'],
  async run(ctx) {
    const name = collectionName(ctx);
    validateCollectionName(ctx.db, name);
    const rawSpecs = ctx.cmd.indexes;
    if (!Array.isArray(rawSpecs) || rawSpecs.length === 0) throw errors.badValue('Must specify at least one index to create');
    const existing = ctx.engine.catalog.get(ctx.db, name);
    const before = existing?.indexes.size ?? 1;
    const ops: Op[] = [];
    if (!existing) ops.push({ o: 'createCollection', ns: ns(ctx, name), options: {}, uuid: new UUID().toBinary() });
    const current = existing ? [...existing.indexes.values()].map((ix) => ix.spec) : [{ name: '_id_', key: { _id: 1 } } as IndexSpec];
    for (const raw of rawSpecs as Document[]) {
      const spec = indexSpecOf(raw, existing?.options.collation);
      const byName = current.find((c) => c.name === spec.name);
      const byKey = current.find((c) => sameKey(c, spec) && sameOptions(c, spec));
      if (byName && sameKey(byName, spec) && sameOptions(byName, spec)) continue;
      if (byName) throw errors.indexKeySpecsConflict(`An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(byName)}`);
      if (byKey) throw errors.indexOptionsConflict(`Index already exists with a different name: ${byKey.name}`);
      current.push(spec);
      ops.push({ o: 'createIndex', ns: ns(ctx, name), spec: spec as unknown as Document });
    }
    const created = ops.flatMap((o) => (o.o === 'createIndex' ? [(o.spec as unknown as IndexSpec).name] : []));
    const after = before + created.length;
    if (ops.length > 0) {
      try {
        await applyAndPersist(ctx, ops);
      } catch (e) {
        // all or nothing, as MongoDB builds one command's indexes together
        const coll = ctx.engine.catalog.get(ctx.db, name);
        for (const n of created) coll?.indexes.delete(n);
        if (!existing) ctx.engine.catalog.dropCollection(ctx.db, name);
        throw e;
      }
    }
    const reply: Document = { numIndexesBefore: before, numIndexesAfter: after, createdCollectionAutomatically: !existing, ok: 1 };
    if (after === before) reply.note = 'all indexes already exist';
    return reply;
  },
};

export function presentIndex(spec: IndexSpec): Document {
  return { v: 2, key: spec.key, name: spec.name, ...(spec.unique ? { unique: true } : {}), ...(spec.sparse ? { sparse: true } : {}),
    ...(spec.expireAfterSeconds !== undefined ? { expireAfterSeconds: spec.expireAfterSeconds } : {}),
    ...(spec.partialFilterExpression ? { partialFilterExpression: spec.partialFilterExpression } : {}),
    ...(spec.collation ? { collation: spec.collation } : {}), ...(spec.hidden ? { hidden: true } : {}) };
}

function cursorOf(ctx: CommandContext, collNs: string, docs: Document[]): Document {
  return { cursor: ctx.engine.cursors.open(collNs, docs.map((d) => toBson(d)), undefined, ctx.session?.id ?? null), ok: 1 };
}

export const listIndexes: CommandDef = {
  fields: ['cursor'],
  inTransaction: true,
  run(ctx) {
    const coll = mustExist(ctx, collectionName(ctx));
    return cursorOf(ctx, coll.ns, [...coll.indexes.values()].map((ix) => presentIndex(ix.spec)));
  },
};

export const dropIndexes: CommandDef = {
  strict: true,
  fields: ['index'],
  async run(ctx) {
    const coll = mustExist(ctx, collectionName(ctx));
    const which = ctx.cmd.index;
    const nIndexesWas = coll.indexes.size;
    let names: string[];
    if (which === '*') names = [...coll.indexes.keys()].filter((n) => n !== '_id_');
    else if (typeof which === 'string') names = [which];
    else if (Array.isArray(which)) names = which as string[];
    else if (which && typeof which === 'object') {
      const found = [...coll.indexes.values()].find((ix) => JSON.stringify(ix.spec.key) === JSON.stringify(normalizeKey(which as Document)));
      if (!found) throw errors.indexNotFound(`can't find index with key: ${JSON.stringify(which)}`);
      names = [found.name];
    } else throw errors.typeMismatch("BSON field 'dropIndexes.index' is missing or the wrong type");
    for (const n of names) {
      if (n === '_id_') throw errors.invalidOptions('cannot drop _id index');
      if (!coll.indexes.has(n)) throw errors.indexNotFound(`index not found with name [${n}]`);
    }
    await applyAndPersist(ctx, names.map((n) => ({ o: 'dropIndex', ns: coll.ns, name: n })));
    return { nIndexesWas, ok: 1 };
  },
};

function normalizeKey(key: Document): IndexSpec['key'] {
  return Object.fromEntries(Object.entries(key).map(([k, v]) => [k, v === 'hashed' ? 'hashed' : Number(v) > 0 ? 1 : -1]));
}

export const listCollections: CommandDef = {
  fields: ['filter', 'nameOnly', 'authorizedCollections', 'cursor'],
  inTransaction: true,
  run(ctx) {
    const infos = ctx.engine.catalog.collections(ctx.db).map((c) =>
      ctx.cmd.nameOnly === true ? { name: c.name, type: 'collection' } : {
        name: c.name, type: 'collection', options: c.options, info: { readOnly: false, uuid: c.uuid }, idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
      });
    const filter = ctx.cmd.filter as Document | undefined;
    const selected = filter ? infos.filter((i) => new Query(filter).test(i)) : infos;
    return cursorOf(ctx, `${ctx.db}.$cmd.listCollections`, selected);
  },
};

export const listDatabases: CommandDef = {
  fields: ['filter', 'nameOnly', 'authorizedDatabases'],
  run(ctx) {
    if (ctx.db !== 'admin') throw errors.unauthorized('listDatabases may only be run against the admin database.');
    const all = [...ctx.engine.catalog.dbs.keys()].map((name) => {
      const sizeOnDisk = ctx.engine.catalog.collections(name).reduce((n, c) => n + [...c.docs.values()].reduce((m, b) => m + b.length, 0), 0);
      return { name, sizeOnDisk, empty: sizeOnDisk === 0 };
    });
    const filter = ctx.cmd.filter as Document | undefined;
    const dbs = filter ? all.filter((d) => new Query(filter).test(d)) : all;
    if (ctx.cmd.nameOnly === true) return { databases: dbs.map((d) => ({ name: d.name })), ok: 1 };
    return { databases: dbs, totalSize: dbs.reduce((n, d) => n + d.sizeOnDisk, 0), totalSizeMb: 0, ok: 1 };
  },
};

/** collMod options this engine does not implement: refused by name. */
const COLLMOD_UNSUPPORTED = ['viewOn', 'pipeline', 'changeStreamPreAndPostImages', 'timeseries', 'cappedSize', 'cappedMax', 'expireAfterSeconds', 'clusteredIndex'];

/**
 * collMod: change an index's `hidden` flag or TTL (`index: {name | keyPattern, hidden,
 * expireAfterSeconds}`; the index is re-created with the new spec in one durable record),
 * or the collection's validator / validationLevel / validationAction.
 */
export const collMod: CommandDef = {
  strict: true,
  fields: ['index', 'dryRun', 'validator', 'validationLevel', 'validationAction', ...COLLMOD_UNSUPPORTED],
  unsupported: COLLMOD_UNSUPPORTED,
  async run(ctx) {
    const name = String(ctx.cmd.collMod);
    const coll = mustExist(ctx, name);
    const validation = validationOptions(ctx.cmd);
    if (Object.keys(validation).length > 0 && ctx.cmd.dryRun !== true) {
      const options = validationDefaults({ ...coll.options, ...validation });
      await applyAndPersist(ctx, [{ o: 'setOptions', ns: coll.ns, options }]);
    }
    const change = ctx.cmd.index as Document | undefined;
    if (!change) return { ok: 1 };
    if (typeof change !== 'object') throw errors.typeMismatch("BSON field 'collMod.index' is the wrong type, expected type 'object'");
    const found = typeof change.name === 'string'
      ? coll.indexes.get(change.name)
      : [...coll.indexes.values()].find((ix) => JSON.stringify(ix.spec.key) === JSON.stringify(normalizeKey((change.keyPattern ?? {}) as Document)));
    if (!found) throw errors.indexNotFound(`cannot find index ${JSON.stringify(change.name ?? change.keyPattern)} for ns ${coll.ns}`);
    const old = found.spec;
    const next: IndexSpec = { ...old };
    const reply: Document = {};
    if (change.hidden !== undefined) {
      if (found.name === '_id_') throw errors.badValue('can\'t hide _id index');
      reply.hidden_old = !!old.hidden;
      reply.hidden_new = change.hidden === true;
      if (change.hidden === true) next.hidden = true;
      else delete next.hidden;
    }
    if (change.expireAfterSeconds !== undefined) {
      if (old.expireAfterSeconds === undefined) throw errors.invalidOptions('no expireAfterSeconds field to update');
      const s = Number(change.expireAfterSeconds);
      if (!Number.isFinite(s) || s < 0) throw errors.badValue('expireAfterSeconds must be a non-negative number');
      reply.expireAfterSeconds_old = old.expireAfterSeconds;
      reply.expireAfterSeconds_new = s;
      next.expireAfterSeconds = s;
    }
    if (ctx.cmd.dryRun !== true && JSON.stringify(next) !== JSON.stringify(old)) {
      await applyAndPersist(ctx, [{ o: 'dropIndex', ns: coll.ns, name: found.name }, { o: 'createIndex', ns: coll.ns, spec: next as unknown as Document }]);
    }
    return { ...reply, ok: 1 };
  },
};
