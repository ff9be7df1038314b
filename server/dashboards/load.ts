/**
 * Loading a dashboard for a route: the chosen campaigns (404 for an unknown one), the
 * choices offered in the subtree, and the figures — shared by pages, home and API.
 */
import type { Connection, Types } from 'mongoose';
import { notFound } from '../errors';
import type { Campaign } from '../campaigns/model';
import { trainingYear } from '../progress/year';
import { buildDashboard, campaignChoices, chosenCampaigns, subtreeUnits, unitOfficers, type Dashboard, type SubtreeUnit, type UnitOfficerRow } from './service';

export interface Loaded {
  dashboard: Dashboard;
  choices: { id: string; name: string }[];
  chosenCampaignId: string | null;
  officers: UnitOfficerRow[] | null;
}

/** The dashboard of `root`'s subtree for the year / campaign chosen (default: this year's open campaigns). */
export async function loadDashboard(db: Connection, root: SubtreeUnit | null, choice: { year?: number | undefined; campaignId?: Types.ObjectId | undefined }, now: Date, withOfficers: boolean): Promise<Loaded> {
  const year = choice.year ?? trainingYear(now);
  const campaigns = await chosenCampaigns(db, year, choice.campaignId);
  if (choice.campaignId && !campaigns.length) throw notFound('dashboard_campaign_not_found');
  return loadFor(db, root, campaigns, year, now, withOfficers);
}

/** The same for given campaigns (the campaign page). */
export async function loadFor(db: Connection, root: SubtreeUnit | null, campaigns: readonly Campaign[], year: number, now: Date, withOfficers: boolean): Promise<Loaded> {
  const units = await subtreeUnits(db, root?._id ?? null);
  const [dashboard, choices, officers] = await Promise.all([
    buildDashboard(db, root, campaigns, now, units),
    campaignChoices(db, year, units.map((u) => u._id)),
    withOfficers && root ? unitOfficers(db, root._id, campaigns, now) : Promise.resolve(null),
  ]);
  return { dashboard, choices: choices.map((c) => ({ id: c._id.toHexString(), name: c.name })), chosenCampaignId: campaigns.length === 1 ? campaigns[0]!._id.toHexString() : null, officers };
}
