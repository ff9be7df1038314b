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
import type { Collection, Document } from 'mongodb';
import type { Model } from 'mongoose';

export function rawCollection<T>(model: Model<T>): Collection<Document> {
  const db = model.db.db;
  if (!db) throw new Error(`the database is not connected (${model.modelName})`);
  return db.collection(model.collection.collectionName);
}
