/**
 * Loading a dashboard for a route: the chosen campaigns (404 for an unknown one), the
 * choices offered in the subtree, and the figures — shared by pages, home and API.
 */
import type { Connection, Types } from 'mongoose';
import { notFound } from '../errors';
import type { Campaign } from '../campaigns/model';
import { trainingYear } from '../progress/year';
import { campaignCounters } from './snapshot';
import { buildDashboard, campaignChoices, subtreeUnits, unitOfficers, yearCampaigns, type Dashboard, type SubtreeUnit, type UnitOfficerRow } from './service';

export interface Loaded {
  dashboard: Dashboard;
  choices: { id: string; name: string }[];
  chosenCampaignId: string | null;
  officers: UnitOfficerRow[] | null;
}

/** The dashboard of `root`'s subtree for the year / campaign chosen (default: this year's open campaigns). */
export async function loadDashboard(db: Connection, root: SubtreeUnit | null, choice: { year?: number | undefined; campaignId?: Types.ObjectId | undefined }, now: Date, withOfficers: boolean): Promise<Loaded> {
  const year = choice.year ?? trainingYear(now);
  // the year's campaigns once: the choices, and the chosen ones among them
  const ofYear = await yearCampaigns(db, year);
  const campaigns = choice.campaignId ? ofYear.filter((c) => c._id.equals(choice.campaignId!)) : ofYear.filter((c) => c.status === 'open');
  if (choice.campaignId && !campaigns.length) throw notFound('dashboard_campaign_not_found');
  return loadFor(db, root, campaigns, year, now, withOfficers, ofYear);
}

/** The same for given campaigns (the campaign page). */
export async function loadFor(db: Connection, root: SubtreeUnit | null, campaigns: readonly Campaign[], year: number, now: Date, withOfficers: boolean, ofYear?: readonly Campaign[]): Promise<Loaded> {
  const [units, choosable] = await Promise.all([subtreeUnits(db, root), ofYear ?? yearCampaigns(db, year)]);
  // one read of the roll-up generations for the choices and the figures
  const held = await campaignCounters(db, [...choosable, ...campaigns].map((c) => c._id));
  const [dashboard, officers] = await Promise.all([
    buildDashboard(db, root, campaigns, now, units, held),
    withOfficers && root ? unitOfficers(db, root._id, campaigns, now) : Promise.resolve(null),
  ]);
  const choices = campaignChoices(choosable, held, units);
  return { dashboard, choices: choices.map((c) => ({ id: c._id.toHexString(), name: c.name })), chosenCampaignId: campaigns.length === 1 ? campaigns[0]!._id.toHexString() : null, officers };
}
