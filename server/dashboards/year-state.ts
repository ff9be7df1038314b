/**
 * What a dashboard page must read fresh, in one command: the year's campaigns (names,
 * status, modules and due dates change), the roll-up generation of each (snapshot.ts) and
 * the units' generation (unit-tree.ts). With these tokens in hand, the held counters and
 * the held unit tree are used without a read of their own. Each round trip to the database
 * costs the app thread about 0.35 ms (the driver, the socket write, the reply's decoding):
 * three of them per page were a tenth of a province page's CPU.
 *
 * The order rule of snapshot.ts and unit-tree.ts holds: the tokens are read here, before
 * any counter or unit that a moved token makes the page re-read.
 */
import type { Connection } from 'mongoose';
import { campaignModel, type Campaign } from '../campaigns/model';
import { rawCollection } from '../db/raw';
import { UNITS_GENERATION } from '../units/generation';
import { generationModel } from './model';

export interface YearState {
  year: number;
  /** the year's campaigns, by name */
  campaigns: Campaign[];
  /** campaign id (hex) → its roll-up generation token (absent: none written yet) */
  tokens: Map<string, string>;
  /** the units' generation token (null before the first unit write) */
  unitsToken: string | null;
}

type Row = (Campaign & { generation?: { token: string }[] }) | { _id: string; token: string };

/**
 * The year's campaigns with their generation tokens (a `$lookup` by `_id`) and the units'
 * token (a `$unionWith` of its one document, told apart by its string `_id`). Through the
 * driver (server/db/raw.ts): `year` is a number the route validated.
 */
export async function readYearState(db: Connection, year: number): Promise<YearState> {
  const rows = await rawCollection(campaignModel(db)).aggregate<Row>([
    { $match: { year } },
    { $sort: { name: 1 } },
    { $lookup: { from: generationModel(db).collection.collectionName, localField: '_id', foreignField: '_id', as: 'generation' } },
    { $unionWith: { coll: UNITS_GENERATION.collection, pipeline: [{ $match: { _id: UNITS_GENERATION.id } }] } },
  ]).toArray();
  const state: YearState = { year, campaigns: [], tokens: new Map(), unitsToken: null };
  for (const row of rows) {
    if (typeof row._id === 'string') {
      state.unitsToken = (row as { token: string }).token;
      continue;
    }
    const { generation, ...campaign } = row as Campaign & { generation?: { token: string }[] };
    const token = generation?.[0]?.token;
    if (token !== undefined) state.tokens.set(campaign._id.toHexString(), token);
    state.campaigns.push(campaign);
  }
  return state;
}
