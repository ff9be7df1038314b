/**
 * Loading a dashboard for a route: the chosen campaigns (404 for an unknown one), the
 * choices offered in the subtree, and the figures — shared by pages, home and API.
 *
 * What must be read fresh is read in one command (year-state.ts: the year's campaigns and
 * every generation token); the counters, the unit tree, the summed figures and a unit's own
 * entries are then used from memory while those tokens did not move.
 */
import type { Connection, Types } from 'mongoose';
import { notFound } from '../errors';
import type { Campaign } from '../campaigns/model';
import { trainingYear } from '../progress/year';
import { campaignCounters } from './snapshot';
import { buildDashboard, campaignChoices, subtreeUnits, unitOfficers, type Dashboard, type SubtreeUnit, type UnitOfficerRow } from './service';
import { readYearState, type YearState } from './year-state';

export interface Loaded {
  dashboard: Dashboard;
  choices: { id: string; name: string }[];
  chosenCampaignId: string | null;
  officers: UnitOfficerRow[] | null;
}

export interface Choice {
  year?: number | undefined;
  campaignId?: Types.ObjectId | undefined;
}

/** The year a choice stands for (default: this training year). */
export const yearOf = (choice: Choice, now: Date): number => choice.year ?? trainingYear(now);

/**
 * The dashboard of `root`'s subtree for the year / campaign chosen (default: this year's open
 * campaigns). `state`: the year's state as the route already read it (readYearState of the
 * chosen year), else read here.
 */
export async function loadDashboard(db: Connection, root: SubtreeUnit | null, choice: Choice, now: Date, withOfficers: boolean, state?: YearState): Promise<Loaded> {
  const year = yearOf(choice, now);
  const read = state?.year === year ? state : await readYearState(db, year);
  const campaigns = choice.campaignId ? read.campaigns.filter((c) => c._id.equals(choice.campaignId!)) : read.campaigns.filter((c) => c.status === 'open');
  if (choice.campaignId && !campaigns.length) throw notFound('dashboard_campaign_not_found');
  return loadFor(db, root, campaigns, year, now, withOfficers, read);
}

/** The same for given campaigns (the campaign page). */
export async function loadFor(db: Connection, root: SubtreeUnit | null, campaigns: readonly Campaign[], year: number, now: Date, withOfficers: boolean, state?: YearState): Promise<Loaded> {
  const read = state?.year === year ? state : await readYearState(db, year);
  // a campaign given by the caller is read with its own token unless the year's read has it
  const known = campaigns.every((c) => read.campaigns.some((y) => y._id.equals(c._id))) ? read.tokens : undefined;
  const [units, held] = await Promise.all([
    subtreeUnits(db, root, { token: read.unitsToken }),
    campaignCounters(db, [...read.campaigns, ...campaigns].map((c) => c._id), known),
  ]);
  const [dashboard, officers] = await Promise.all([
    buildDashboard(db, root, campaigns, now, units, held),
    withOfficers && root ? unitOfficers(db, root._id, campaigns, now, held) : Promise.resolve(null),
  ]);
  const choices = campaignChoices(read.campaigns, held, units);
  return { dashboard, choices: choices.map((c) => ({ id: c._id.toHexString(), name: c.name })), chosenCampaignId: campaigns.length === 1 ? campaigns[0]!._id.toHexString() : null, officers };
}
