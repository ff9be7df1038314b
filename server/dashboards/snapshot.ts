/**
 * The counters of a campaign, kept in memory between pages. A province's campaign has
 * about 5,000 counters (250 units × modules × categories × due days); reading and decoding
 * them on every page was most of a dashboard's cost. Each campaign's counters are held with
 * the roll-up generation token they were read under (`dashboard_generations`, a new token
 * after every counter write, rollup.ts) and re-read only when the token in the database
 * moved: one read by id per page keeps several app instances exact, with no staleness.
 *
 * Order matters: the token is read before the counters, and the roll-up writes the token
 * after the counters, so counters held under a token are never older than the writes that
 * token stands for.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import type { OfficerCategory } from '../officers/model';
import { endOfDueDay } from '../progress/year';
import { heldReads } from './held';
import { counterModel, generationModel, type CounterFigures, type DashboardCounter, type DashboardGeneration } from './model';

/** A counter as the pages sum it: ids as hex, the end of its due day precomputed. */
export interface CounterRow extends CounterFigures {
  campaign: string;
  unit: string;
  module: string;
  category: OfficerCategory;
  dueDate: Date;
  /** end of the due day (Vietnam), ms: overdue from then on */
  dueEnd: number;
}

/**
 * Campaigns held per connection; the least recently used goes first past this. Large
 * enough for every campaign of a year (the choices read them all on each page): fewer
 * would make every page re-read some. The memory is that of the counters themselves.
 */
const MAX_CAMPAIGNS = 1_000;
const held = heldReads<string | null, readonly CounterRow[]>(MAX_CAMPAIGNS);

const rowOf = (c: DashboardCounter): CounterRow => ({
  campaign: c.campaignId.toHexString(),
  unit: c.unitId.toHexString(),
  module: c.moduleId.toHexString(),
  category: c.category,
  dueDate: c.dueDate,
  dueEnd: endOfDueDay(c.dueDate).getTime(),
  enrolled: c.enrolled,
  exempt: c.exempt,
  completed: c.completed,
  inProgress: c.inProgress,
  scoreSum: c.scoreSum,
  scoreCount: c.scoreCount,
  weeks: c.weeks ?? {},
});

async function read(db: Connection, campaignId: Types.ObjectId): Promise<readonly CounterRow[]> {
  const counters = await counterModel(db).find({ campaignId }).lean<DashboardCounter[]>();
  return Object.freeze(counters.map(rowOf));
}

/**
 * The counters of these campaigns (hex id → rows), each re-read only when its generation
 * moved. `known`: the tokens as the caller just read them (year-state.ts, hex id → token,
 * absent: none), which saves reading them here; they must have been read before this call.
 */
export async function campaignCounters(db: Connection, campaignIds: readonly Types.ObjectId[], known?: ReadonlyMap<string, string>): Promise<Map<string, readonly CounterRow[]>> {
  const ids = [...new Map(campaignIds.map((id) => [id.toHexString(), id])).values()];
  if (!ids.length) return new Map();
  const tokens = known ?? new Map((await generationModel(db).find({ _id: trusted({ $in: ids }) }).lean<DashboardGeneration[]>()).map((g) => [g._id.toHexString(), g.token]));
  const out = new Map<string, readonly CounterRow[]>();
  await Promise.all(
    ids.map(async (id) => {
      const hex = id.toHexString();
      out.set(hex, await held(db, hex, tokens.get(hex) ?? null, () => read(db, id)));
    }),
  );
  return out;
}
