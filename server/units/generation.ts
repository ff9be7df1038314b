/**
 * The units' generation: a new random token after every write to the units collection
 * (create, rename, move, deactivate, merge — all in service.ts). Readers that keep the
 * unit tree in memory (server/dashboards/unit-tree.ts) re-read it only when the token in
 * the database moved: one read by id, exact across several app instances. Any new write
 * path to `units` must call `bumpUnitsGeneration` after (or, in a transaction, with) it.
 */
import { Types, type ClientSession, type Connection } from 'mongoose';

const COLLECTION = 'unit_generations';
const ID = 'units';

/** Where the token lives, for a reader that fetches it together with other data in one command (dashboards). */
export const UNITS_GENERATION = Object.freeze({ collection: COLLECTION, id: ID });

interface GenerationDoc {
  _id: string;
  token: string;
}

const collection = (db: Connection) => db.collection<GenerationDoc>(COLLECTION);

/** A new token, written after the units were (in the same transaction when there is one). */
export async function bumpUnitsGeneration(db: Connection, session: ClientSession | null = null): Promise<void> {
  await collection(db).updateOne({ _id: ID }, { $set: { token: new Types.ObjectId().toHexString() } }, { upsert: true, ...(session ? { session } : {}) });
}

/** The current token (null before the first unit write under this code). */
export async function unitsGeneration(db: Connection): Promise<string | null> {
  return (await collection(db).findOne({ _id: ID }))?.token ?? null;
}
