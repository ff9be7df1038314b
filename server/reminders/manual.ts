/**
 * "Nhắc nhở" now: a coordinator or manager reminds chosen officers of a campaign (or all
 * of their subtree's officers not yet done). One reminder per officer × module per
 * campaign per Vietnamese day — the record key `manual:<campaign>:<module>:<officer>:<day>`
 * is the rate limit, so two clicks or two coordinators at once still send one mail.
 * Authorization (each officer's unit) is the route's, before anything is sent.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { vietnamDay } from '../campaigns/dates';
import { enrolmentModel, type Campaign, type Enrolment } from '../campaigns/model';
import { AppError, conflict } from '../errors';
import type { Services } from '../http/context';
import { progressModel } from '../progress/model';
import { daysBetween } from './schedule';
import { moduleTitles, remindBatch, type Candidate } from './send';

type Pending = Pick<Enrolment, 'officerId' | 'moduleId' | 'dueDate' | 'unitId'>;

/** Enrolments of `campaign` still to learn (modules not stopped), optionally of `officerIds` or counted at `unitIds`. */
export async function pendingEnrolments(db: Connection, campaign: Campaign, filter: { officerIds?: readonly Types.ObjectId[]; unitIds?: readonly Types.ObjectId[] | null }): Promise<Pending[]> {
  const live = campaign.modules.filter((m) => m.stoppedAt === null).map((m) => m.moduleId);
  const query: Record<string, unknown> = { campaignId: campaign._id, moduleId: trusted({ $in: live }), state: 'enrolled' };
  if (filter.officerIds) query.officerId = trusted({ $in: [...filter.officerIds] });
  if (filter.unitIds) query.unitId = trusted({ $in: [...filter.unitIds] });
  const enrolments = await enrolmentModel(db).find(query, { officerId: 1, moduleId: 1, dueDate: 1, unitId: 1 }).lean<Pending[]>();
  const done = new Set<string>();
  const ids = [...new Set(enrolments.map((e) => e.officerId.toHexString()))];
  for (let i = 0; i < ids.length; i += 5_000) {
    const completed = await progressModel(db).find({ officerId: trusted({ $in: ids.slice(i, i + 5_000) }), year: campaign.year, status: 'completed' }, { officerId: 1, moduleId: 1 }).lean<{ officerId: Types.ObjectId; moduleId: Types.ObjectId }[]>();
    for (const p of completed) done.add(`${p.officerId.toHexString()}:${p.moduleId.toHexString()}`);
  }
  return enrolments.filter((e) => !done.has(`${e.officerId.toHexString()}:${e.moduleId.toHexString()}`));
}

export interface RemindResult {
  /** officers reminded now */
  reminded: number;
  /** officers left out: already reminded today */
  skipped: number;
}

/**
 * Reminds the officers of `pending` now. 409 'reminder_campaign_not_open' unless the
 * campaign is open; 429 'reminder_too_soon' when every one of them was reminded today.
 */
export async function remindNow(services: Services, campaign: Campaign, pending: readonly Pending[], by: Types.ObjectId, now: Date): Promise<RemindResult> {
  if (campaign.status !== 'open') throw conflict('reminder_campaign_not_open');
  const today = vietnamDay(now);
  const candidates: Candidate[] = pending.map((e) => ({
    enrolment: e,
    key: `manual:${campaign._id.toHexString()}:${e.moduleId.toHexString()}:${e.officerId.toHexString()}:${today}`,
    step: 'manual',
    daysLeft: daysBetween(today, vietnamDay(e.dueDate)),
  }));
  const titles = await moduleTitles(services.db, campaign.modules.map((m) => m.moduleId));
  const sent = await remindBatch(services, campaign, titles, candidates, 'manual', by, now);
  const eligible = new Set(pending.map((e) => e.officerId.toHexString()));
  if (sent.reminded === 0 && sent.eligible > 0) throw new AppError(429, 'reminder_too_soon');
  return { reminded: sent.officerIds.length, skipped: eligible.size - sent.officerIds.length };
}
