/**
 * Reminders (issue #12): one reminder run over the imported province — a campaign of one
 * module due in three days for all 60,000 officers, so every officer is at the
 * "3 days before" step — to a local SMTP sink (a real SMTP server on the loopback that
 * accepts and discards), in this process, through a mailer with the configured pool size
 * (SMTP_MAX_CONNECTIONS, default 8). The imported officers joined today: late joiners, given
 * `lateJoinerDays: 0` so their due date is the module's. Target: the run ≤ 60 s. Needs the Import section first
 * (BENCH_SECTIONS=Import,Reminders).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { vietnamDate, vietnamDay } from '../../../server/campaigns/dates';
import { materialiseCampaign } from '../../../server/campaigns/materialise';
import { campaignModel, type Campaign } from '../../../server/campaigns/model';
import { createCampaignInput } from '../../../server/campaigns/schema';
import { createCampaign } from '../../../server/campaigns/service';
import { createMailer } from '../../../server/mail';
import { trainingYear } from '../../../server/progress/year';
import { reminderRecordModel } from '../../../server/reminders/model';
import { runReminders } from '../../../server/reminders/run';
import { unitModel, type Unit } from '../../../server/units/model';
import { buildPublishedModule, lesson } from '../../learning/fixtures';
import { int, requireDefined, verdict, type Context, type Section } from './common';

const TARGET_S = 60;

/** An SMTP server that accepts every message and keeps only a count. */
async function smtpSink(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 200,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received += 1;
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, count: () => received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export const remindersSection: Section = {
  title: 'Reminders',
  async prepare(ctx: Context) {
    const platform = requireDefined(ctx.platform, 'platform');
    const db = platform.services.db;
    const year = trainingYear();
    const now = new Date();
    const inThreeDays = new Date(now.getTime() + 3 * 24 * 3600_000);
    const due = vietnamDay(inThreeDays).startsWith(String(year)) ? vietnamDate(inThreeDays) : `31/12/${year}`;
    const root = requireDefined(await unitModel(db).findOne({ depth: 0 }).lean<Unit>(), 'the province root');
    const moduleId = (await buildPublishedModule(db, { items: [lesson('bai-1')], title: 'Học phần nhắc nhở đo' })).moduleId;
    const input = createCampaignInput.parse({ name: `Kế hoạch nhắc nhở đo ${year}`, year, modules: [{ moduleId: String(moduleId), dueDate: due }], audience: { unitIds: [String(root._id)] }, cutoffDate: `31/12/${year}`, lateJoinerDays: 0 });
    const draft = await createCampaign(db, { ...input, ownerUnitId: null }, null, now);
    const campaign = requireDefined(await campaignModel(db).findOneAndUpdate({ _id: draft._id }, { $set: { status: 'open' } }, { returnDocument: 'after' }).lean<Campaign>(), 'the campaign');
    const materialised = await materialiseCampaign(db, campaign, now);
    ctx.log(`reminders: ${int(materialised.inserted)} enrolments due ${due}`);

    const sink = await smtpSink();
    const mailer = createMailer({ smtpUrl: sink.url, maxConnections: platform.services.config.SMTP_MAX_CONNECTIONS, from: platform.services.config.MAIL_FROM, outboxDir: '/nonexistent' });
    try {
      const t = performance.now();
      const counts = await runReminders({ ...platform.services, mailer }, now);
      const seconds = (performance.now() - t) / 1000;
      const records = await reminderRecordModel(db).countDocuments({ campaignId: campaign._id });
      ctx.log(`reminders: ${int(counts.reminded)} reminded, ${int(counts.mailed)} mails (sink: ${int(sink.count())}), ${int(counts.failed)} failed, ${int(counts.digests)} digests in ${seconds.toFixed(2)} s`);
      ctx.report.rows.push(['Reminders', `Reminder run over ${int(materialised.inserted)} officers, s`, `${seconds.toFixed(2)} (${int(counts.mailed)} mails to an SMTP sink, ${int(counts.reminded - counts.mailed)} notices only, ${int(records)} records)`]);
      ctx.report.targets.push([`Reminder run over 60,000 officers ≤ ${TARGET_S} s`, `${seconds.toFixed(2)} s`, verdict(seconds <= TARGET_S && counts.failed === 0)]);
    } finally {
      await mailer.close();
      await sink.close();
    }
  },
};
