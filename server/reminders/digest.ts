/**
 * The weekly digest: each manager and coordinator (accounts of those roles with a unit
 * and an e-mail) gets, once per week, the laggards of their unit's subtree — enrolments
 * overdue, or not started with the due date within NEAR_DAYS — across every open
 * campaign. The week is the Vietnamese calendar week (Monday first); the record key
 * `digest:<account>:<monday>` makes it once per week per recipient, whichever instance
 * and however many runs. Nobody late: no digest that week (yet).
 */
import { trusted, type Types } from 'mongoose';
import { vietnamDate, vietnamDay } from '../campaigns/dates';
import { enrolmentModel, type Campaign, type Enrolment } from '../campaigns/model';
import type { Services } from '../http/context';
import { t } from '../i18n';
import { digestEmail } from '../mail';
import { EMPLOYED_STATUSES, officerModel, type Officer } from '../officers/model';
import { progressModel, type ModuleProgress } from '../progress/model';
import { unitModel, type Unit } from '../units/model';
import { userModel, type User } from '../users/model';
import { claim, deliver, type NewRecord, type Outgoing } from './delivery';
import { moduleTitles } from './send';
import { daysBetween } from './schedule';

/** A not-started module counts as lagging this many days before its due date. */
export const NEAR_DAYS = 14;
/** Lines listed in one digest; the rest are counted. */
export const DIGEST_LINES = 50;

interface Laggard {
  officerId: Types.ObjectId;
  unitId: Types.ObjectId;
  moduleId: Types.ObjectId;
  campaignYear: number;
  dueDate: Date;
  /** days left (negative: late) */
  daysLeft: number;
}

/** Monday (yyyy-mm-dd) of the Vietnamese week of `day`. */
export function mondayOf(day: string): string {
  const at = new Date(`${day}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() - ((at.getUTCDay() + 6) % 7));
  return at.toISOString().slice(0, 10);
}

/** Overdue or not-started-and-near enrolments of `campaigns`, officers still serving. */
async function laggards(services: Services, campaigns: readonly Campaign[], now: Date): Promise<Laggard[]> {
  const today = vietnamDay(now);
  const horizon = new Date(now.getTime() + NEAR_DAYS * 24 * 3600_000);
  const found: Laggard[] = [];
  for (const campaign of campaigns) {
    const live = campaign.modules.filter((m) => m.stoppedAt === null).map((m) => m.moduleId);
    const enrolments = await enrolmentModel(services.db)
      .find({ campaignId: campaign._id, moduleId: trusted({ $in: live }), state: 'enrolled', dueDate: trusted({ $lt: horizon }) }, { officerId: 1, unitId: 1, moduleId: 1, dueDate: 1 })
      .lean<Pick<Enrolment, 'officerId' | 'unitId' | 'moduleId' | 'dueDate'>[]>();
    for (let i = 0; i < enrolments.length; i += 5_000) {
      const slice = enrolments.slice(i, i + 5_000);
      const ids = [...new Set(slice.map((e) => e.officerId.toHexString()))];
      const [progress, serving] = await Promise.all([
        progressModel(services.db).find({ officerId: trusted({ $in: ids }), year: campaign.year }, { officerId: 1, moduleId: 1, status: 1 }).lean<Pick<ModuleProgress, 'officerId' | 'moduleId' | 'status'>[]>(),
        officerModel(services.db).find({ _id: trusted({ $in: ids }), status: trusted({ $in: EMPLOYED_STATUSES }) }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>(),
      ]);
      const status = new Map(progress.map((p) => [`${p.officerId.toHexString()}:${p.moduleId.toHexString()}`, p.status]));
      const servingIds = new Set(serving.map((o) => o._id.toHexString()));
      for (const e of slice) {
        const s = status.get(`${e.officerId.toHexString()}:${e.moduleId.toHexString()}`) ?? 'not-started';
        const daysLeft = daysBetween(today, vietnamDay(e.dueDate));
        if (s === 'completed' || !servingIds.has(e.officerId.toHexString())) continue;
        if (daysLeft < 0 || s === 'not-started') found.push({ ...e, campaignYear: campaign.year, daysLeft });
      }
    }
  }
  return found;
}

/** Sends this week's digests not sent yet; returns how many were sent (or tried). */
export async function sendDigests(services: Services, campaigns: readonly Campaign[], now: Date): Promise<number> {
  const { db } = services;
  const monday = mondayOf(vietnamDay(now));
  const recipients = await userModel(db)
    .find({ role: trusted({ $in: ['manager', 'coordinator'] }), active: true, unitId: trusted({ $ne: null }), email: trusted({ $type: 'string' }) }, { displayName: 1, email: 1, unitId: 1, locale: 1 })
    .lean<Pick<User, '_id' | 'displayName' | 'email' | 'unitId' | 'locale'>[]>();
  if (recipients.length === 0 || campaigns.length === 0) return 0;
  const late = await laggards(services, campaigns, now);
  if (late.length === 0) return 0;
  const units = await unitModel(db).find({}, { name: 1, ancestors: 1 }).lean<Pick<Unit, '_id' | 'name' | 'ancestors'>[]>();
  const unitById = new Map(units.map((u) => [u._id.toHexString(), u]));
  const officers = await officerModel(db).find({ _id: trusted({ $in: [...new Set(late.map((l) => l.officerId.toHexString()))] }) }, { fullName: 1, code: 1 }).lean<Pick<Officer, '_id' | 'fullName' | 'code'>[]>();
  const officerById = new Map(officers.map((o) => [o._id.toHexString(), o]));
  const titles = await moduleTitles(db, [...new Map(late.map((l) => [l.moduleId.toHexString(), l.moduleId])).values()]);
  // most late first, then the nearest due dates
  late.sort((a, b) => a.daysLeft - b.daysLeft);
  const inSubtree = (unitId: Types.ObjectId, root: Types.ObjectId) => unitId.equals(root) || (unitById.get(unitId.toHexString())?.ancestors.some((a) => a.equals(root)) ?? false);

  const records: (NewRecord & { mail: Outgoing['mail'] })[] = [];
  for (const account of recipients) {
    const mine = late.filter((l) => inSubtree(l.unitId, account.unitId!));
    if (mine.length === 0) continue;
    const locale = account.locale ?? 'vi';
    const lines = mine.slice(0, DIGEST_LINES).map((l) => {
      const officer = officerById.get(l.officerId.toHexString());
      const params = { name: officer?.fullName ?? '', code: officer?.code ?? '', unitName: unitById.get(l.unitId.toHexString())?.name ?? '', module: titles.get(l.moduleId.toHexString()) ?? '', due: vietnamDate(l.dueDate), days: Math.abs(l.daysLeft) };
      return t(locale, l.daysLeft < 0 ? 'mail_digest_line_overdue' : 'mail_digest_line_not_started', params);
    });
    const mail = digestEmail({ name: account.displayName, unit: unitById.get(account.unitId!.toHexString())?.name ?? '', date: vietnamDate(now), count: mine.length, lines, more: mine.length - lines.length, link: `${services.config.PUBLIC_URL}/campaigns`, locale });
    records.push({ key: `digest:${account._id.toHexString()}:${monday}`, kind: 'digest', campaignId: null, moduleId: null, officerId: null, accountId: account._id, step: 'digest', to: account.email, status: 'sending', createdAt: now, mail });
  }
  const claimed = await claim(db, records.map(({ mail: _, ...r }) => r));
  const keys = new Set(claimed.map((r) => r.key));
  const outgoing = records.filter((r) => keys.has(r.key)).map((r) => ({ key: r.key, to: r.to!, mail: r.mail }));
  await deliver(services, outgoing, now);
  return outgoing.length;
}
