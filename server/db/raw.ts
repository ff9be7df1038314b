/**
 * The driver's own collection behind a mongoose model, for the reads every page makes
 * (issue #16). A lean mongoose query costs about a third more CPU than the same driver
 * call — query building, casting, sanitizeFilter and the connection's buffering wrapper —
 * and a page makes several. The documents are the same as lean() returns (no schema in
 * this codebase hides a field with `select: false`).
 *
 * Only for filters the server builds from values it has already typed (ObjectIds from
 * validated params or the session, numbers, fixed strings): nothing here casts or
 * sanitises a filter, so a request body must never reach one.
 */
import { Long, type Collection, type Document, type ObjectId } from 'mongodb';
import type { Model } from 'mongoose';
import { engineLinkOf } from './engine-link';

export function rawCollection<T>(model: Model<T>): Collection<Document> {
  const db = model.db.db;
  if (!db) throw new Error(`the database is not connected (${model.modelName})`);
  return db.collection(model.collection.collectionName);
}

/**
 * The busiest reads as one `find` command each (db.command), without the driver's cursor
 * machinery (cursor objects, their tracking and closing): about a fifth less CPU per
 * round trip on the app's thread, measured against the embedded engine (issue #16). Meant
 * for short lists of small documents, which come back in one batch: an answer that does not
 * fit in one (ONE_BATCH documents, or 16 MiB) is read again through an ordinary cursor, so a
 * long list is never cut short. Same trust rule as rawCollection.
 */
const ONE_BATCH = 1000;

export interface FindOptions {
  projection?: Document;
  sort?: Document;
  limit?: number;
}

/** The embedded engine's direct link of the collection's client, if it has one (server/db/engine-link.ts). */
const linkOf = (collection: Collection<Document>) => engineLinkOf(collection.db.client);

/** A read command: over the direct link when there is one, else through the driver. */
function read(collection: Collection<Document>, command: Document): Promise<Document> {
  const link = linkOf(collection);
  return link ? link.command(collection.db.databaseName, command) : collection.db.command(command);
}

export async function findMany<T extends Document>(collection: Collection<Document>, filter: Document, options: FindOptions = {}): Promise<T[]> {
  const batch = options.limit !== undefined && options.limit > 0 && options.limit < ONE_BATCH ? options.limit : ONE_BATCH;
  // not singleBatch: a batch also ends at 16 MiB, and only an open cursor (id not 0) says that more documents remain
  const reply = await read(collection, { find: collection.collectionName, filter, ...options, batchSize: batch });
  const cursor = reply['cursor'] as { id: unknown; firstBatch: T[] };
  if (String(cursor.id) === '0') return cursor.firstBatch;
  // best effort: a real MongoDB may refuse it from another implicit session, and then times the cursor out
  await read(collection, { killCursors: collection.collectionName, cursors: [Long.fromValue(cursor.id as number | Long)] }).catch(() => undefined);
  return collection.find<T>(filter, options).toArray();
}

/** The first document matching `filter` (in `sort` order, when given), or null: one `find` command, as findMany. */
export async function findFirst<T extends Document>(collection: Collection<Document>, filter: Document, options: Omit<FindOptions, 'limit'> = {}): Promise<T | null> {
  const reply = await read(collection, { find: collection.collectionName, filter, ...options, limit: 1, batchSize: 1, singleBatch: true });
  return (reply['cursor'] as { firstBatch: T[] }).firstBatch[0] ?? null;
}

/** Update operators only ($set, $inc …): a plain document would replace the stored one, which the driver refuses and so does this. */
export type UpdateOperators = { [operator: `$${string}`]: Document };

function operatorsOnly(update: UpdateOperators): Document {
  if (Object.keys(update).some((key) => !key.startsWith('$'))) throw new Error('an update takes operators ($set, $inc …), not a replacement document');
  return update;
}

/*
 * The busiest writes (a quiz attempt, its progress roll-up, the learning events), over the
 * embedded engine's link when there is one, else the driver's own method (its retries and
 * write concern for a real MongoDB). Same trust rule: documents and filters built here with
 * their stored types; a duplicate key rejects with code 11000 either way.
 */

/** `doc` carries its own _id (the driver would add one; the link sends the document as it is). */
export async function insertOne(collection: Collection<Document>, doc: Document & { _id: ObjectId }): Promise<void> {
  const link = linkOf(collection);
  if (!link) {
    await collection.insertOne(doc);
    return;
  }
  await link.command(collection.db.databaseName, { insert: collection.collectionName, documents: [doc] }, 'write');
}

export async function updateOne(collection: Collection<Document>, filter: Document, operators: UpdateOperators): Promise<{ matchedCount: number; modifiedCount: number }> {
  const update = operatorsOnly(operators);
  const link = linkOf(collection);
  if (!link) {
    const { matchedCount, modifiedCount } = await collection.updateOne(filter, update);
    return { matchedCount, modifiedCount };
  }
  const reply = await link.command(collection.db.databaseName, { update: collection.collectionName, updates: [{ q: filter, u: update }] }, 'write');
  return { matchedCount: Number(reply['n'] ?? 0), modifiedCount: Number(reply['nModified'] ?? 0) };
}

/** The document after the update (null: none matched). */
export async function findOneAndUpdate<T extends Document>(collection: Collection<Document>, filter: Document, operators: UpdateOperators): Promise<T | null> {
  const update = operatorsOnly(operators);
  const link = linkOf(collection);
  if (!link) return (await collection.findOneAndUpdate(filter, update, { returnDocument: 'after' })) as T | null;
  const reply = await link.command(collection.db.databaseName, { findAndModify: collection.collectionName, query: filter, update, new: true }, 'write');
  return (reply['value'] as T | null) ?? null;
}
