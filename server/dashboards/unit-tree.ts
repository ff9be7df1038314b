/**
 * The unit tree, kept in memory between pages. Reading a province subtree's 250 units was
 * about half of a dashboard page's data cost (≈ 40 µs per document through the engine,
 * the wire and the driver). The whole tree is held with the units' generation token it
 * was read under (server/units/generation.ts, a new token after every unit write) and
 * re-read only when the token in the database moved: one read by id per page keeps
 * several app instances exact, with no staleness.
 *
 * Order matters as in snapshot.ts: the token is read before the units, and every write
 * path writes the token after (or with) the units, so a tree held under a token is never
 * older than the writes that token stands for.
 */
import type { Connection } from 'mongoose';
import { unitsGeneration } from '../units/generation';
import { unitModel } from '../units/model';
import { heldReads } from './held';
import type { SubtreeUnit } from './service';

/** One tree per connection, under the units' token it was read under. */
const held = heldReads<string | null, readonly SubtreeUnit[]>(1);

async function read(db: Connection): Promise<readonly SubtreeUnit[]> {
  const units = await unitModel(db).find({}, { name: 1, code: 1, parentId: 1, ancestors: 1, depth: 1 }).lean<SubtreeUnit[]>();
  return Object.freeze(units.map((u) => Object.freeze(u)));
}

/**
 * Every unit (the fields a dashboard needs), re-read only when the units' generation moved.
 * `known`: the token as the caller just read it (year-state.ts), which saves reading it here.
 */
export async function allUnits(db: Connection, known?: { token: string | null }): Promise<readonly SubtreeUnit[]> {
  const token = known ? known.token : await unitsGeneration(db);
  return held(db, 'units', token, () => read(db));
}
