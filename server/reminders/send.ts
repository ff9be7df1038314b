/**
 * Reminding a batch of enrolments of one campaign: drop those who no longer need it
 * (module completed this year, officer no longer serving), claim one record each (the
 * exactly-once key), then leave an in-app notice for every claimed one and e-mail those
 * with an address. Shared by the daily schedule and the "Nhắc nhở" button.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { vietnamDate } from '../campaigns/dates';
import type { Campaign, Enrolment } from '../campaigns/model';
import { noticeModel } from '../campaigns/notices';
import type { Services } from '../http/context';
import type { MessageId } from '../i18n';
import { reminderEmail, type ReminderWhen } from '../mail';
import { moduleModel, type LearningModule } from '../modules/model';
import { EMPLOYED_STATUSES, officerModel, type Officer } from '../officers/model';
import { progressModel } from '../progress/model';
import { userModel, type User } from '../users/model';
import { claim, deliver, type NewRecord, type Outgoing } from './delivery';
import type { ReminderKind } from './model';

/** One enrolment to remind, with its record key and how far it is from its due date. */
export interface Candidate {
  enrolment: Pick<Enrolment, 'officerId' | 'moduleId' | 'dueDate'>;
  key: string;
  step: string;
  /** days left until the due date (0: today; negative: days late) */
  daysLeft: number;
}

export interface SendCounts {
  /** still to learn and serving */
  eligible: number;
  /** claimed by this call: reminded now (the others were reminded before) */
  reminded: number;
  mailed: number;
  failed: number;
  /** officers reminded, each once */
  officerIds: Types.ObjectId[];
}

/** Module titles by hex id. */
export async function moduleTitles(db: Connection, ids: readonly Types.ObjectId[]): Promise<Map<string, string>> {
  const found = await moduleModel(db).find({ _id: trusted({ $in: [...ids] }) }, { 'draft.title': 1 }).lean<Pick<LearningModule, '_id' | 'draft'>[]>();
  return new Map(found.map((m) => [m._id.toHexString(), m.draft.title]));
}

const when = (daysLeft: number): ReminderWhen => (daysLeft > 0 ? { kind: 'before', days: daysLeft } : daysLeft === 0 ? { kind: 'due' } : { kind: 'overdue', days: -daysLeft });
const noticeOf: Record<ReminderWhen['kind'], MessageId> = { before: 'notice_reminder_before', due: 'notice_reminder_due', overdue: 'notice_reminder_overdue' };

/** Officers of `ids` who still serve, and the enrolments (officer:module) completed this year. */
async function stillToLearn(services: Services, campaign: Campaign, candidates: readonly Candidate[]) {
  const ids = [...new Map(candidates.map((c) => [c.enrolment.officerId.toHexString(), c.enrolment.officerId])).values()];
  const [officers, completed, accounts] = await Promise.all([
    officerModel(services.db).find({ _id: trusted({ $in: ids }), status: trusted({ $in: EMPLOYED_STATUSES }) }, { fullName: 1, email: 1 }).lean<Pick<Officer, '_id' | 'fullName' | 'email'>[]>(),
    progressModel(services.db).find({ officerId: trusted({ $in: ids }), year: campaign.year, status: 'completed' }, { officerId: 1, moduleId: 1 }).lean<{ officerId: Types.ObjectId; moduleId: Types.ObjectId }[]>(),
    userModel(services.db).find({ officerId: trusted({ $in: ids }), active: true }, { officerId: 1, email: 1, locale: 1 }).lean<Pick<User, 'officerId' | 'email' | 'locale'>[]>(),
  ]);
  return {
    serving: new Map(officers.map((o) => [o._id.toHexString(), o])),
    done: new Set(completed.map((p) => `${p.officerId.toHexString()}:${p.moduleId.toHexString()}`)),
    account: new Map(accounts.map((a) => [a.officerId!.toHexString(), a])),
  };
}

/** A claimed batch: its counts so far and the mails still to deliver (`deliver`). */
export interface ClaimedBatch {
  eligible: number;
  reminded: number;
  officerIds: Types.ObjectId[];
  outgoing: Outgoing[];
}

/**
 * Reminds `candidates` (enrolments of `campaign`, state 'enrolled') of kind `kind`;
 * `titles` names the modules (hex id → title), `accountId` is who asked (manual) or null.
 */
export async function remindBatch(services: Services, campaign: Campaign, titles: ReadonlyMap<string, string>, candidates: readonly Candidate[], kind: ReminderKind, accountId: Types.ObjectId | null, now: Date): Promise<SendCounts> {
  const batch = await claimBatch(services, campaign, titles, candidates, kind, accountId, now);
  const { sent, failed } = await deliver(services, batch.outgoing, now);
  return { eligible: batch.eligible, reminded: batch.reminded, mailed: sent, failed, officerIds: batch.officerIds };
}

/**
 * The first half of `remindBatch`: drops who no longer needs it, claims the records, leaves
 * the notices and writes the mails, without sending them — so the daily run can claim the
 * next batch while this one's mails are on their way.
 */
export async function claimBatch(services: Services, campaign: Campaign, titles: ReadonlyMap<string, string>, candidates: readonly Candidate[], kind: ReminderKind, accountId: Types.ObjectId | null, now: Date): Promise<ClaimedBatch> {
  const { serving, done, account } = await stillToLearn(services, campaign, candidates);
  const eligible = candidates.filter((c) => serving.has(c.enrolment.officerId.toHexString()) && !done.has(`${c.enrolment.officerId.toHexString()}:${c.enrolment.moduleId.toHexString()}`));
  const recipient = (c: Candidate) => {
    const id = c.enrolment.officerId.toHexString();
    return { officer: serving.get(id)!, account: account.get(id) };
  };
  const records = eligible.map((c) => {
    const { officer, account: acc } = recipient(c);
    const to = officer.email || acc?.email || null;
    const record: NewRecord & { candidate: Candidate } = {
      key: c.key, kind, campaignId: campaign._id, moduleId: c.enrolment.moduleId, officerId: c.enrolment.officerId, accountId, step: c.step, to, status: to ? 'sending' : 'notice', createdAt: now, candidate: c,
    };
    return record;
  });
  const claimed = await claim(services.db, records.map(({ candidate: _, ...r }) => r));
  const claimedKeys = new Set(claimed.map((r) => r.key));
  const mine = records.filter((r) => claimedKeys.has(r.key));
  // every reminded officer gets the notice on their home page, with or without e-mail
  const notices = mine.map((r) => {
    const c = r.candidate;
    const w = when(c.daysLeft);
    const params = { module: titles.get(c.enrolment.moduleId.toHexString()) ?? '', campaign: campaign.name, due: vietnamDate(c.enrolment.dueDate), days: String(Math.abs(c.daysLeft)) };
    return { officerId: c.enrolment.officerId, message: noticeOf[w.kind], params, createdAt: now };
  });
  for (let i = 0; i < notices.length; i += 5_000) await noticeModel(services.db).collection.insertMany(notices.slice(i, i + 5_000));
  const outgoing: Outgoing[] = mine.flatMap((r) => {
    if (!r.to) return [];
    const c = r.candidate;
    const { officer, account: acc } = recipient(c);
    const moduleId = c.enrolment.moduleId.toHexString();
    const mail = reminderEmail({
      name: officer.fullName, module: titles.get(moduleId) ?? '', campaign: campaign.name, due: vietnamDate(c.enrolment.dueDate), when: when(c.daysLeft),
      link: `${services.config.PUBLIC_URL}/learn/modules/${moduleId}`, locale: acc?.locale ?? 'vi',
    });
    return [{ key: r.key, to: r.to, mail }];
  });
  const officerIds = [...new Map(mine.map((r) => [r.officerId!.toHexString(), r.officerId!])).values()];
  return { eligible: eligible.length, reminded: mine.length, officerIds, outgoing };
}
