/**
 * Reminders across a whole campaign on a fake clock, with two app instances sharing one
 * standalone engine and a real SMTP server on the loopback: every day from 01/03 to 20/04
 * both instances run the daily reminders at the same moment (as if both had claimed the
 * job), and one instance is replaced by a fresh one mid-campaign (a restart). Every
 * officer gets exactly the mails of the schedule — 14 and 3 days before, on the due date,
 * then weekly — and none after completing, leaving or being exempt; officers without
 * e-mail get the notices; each manager and coordinator one digest per week of their
 * subtree's laggards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Types } from 'mongoose';
import { createCampaign, setStatus } from '../../server/campaigns/service';
import { createCampaignInput } from '../../server/campaigns/schema';
import { enrolmentModel, type Campaign } from '../../server/campaigns/model';
import { noticeModel } from '../../server/campaigns/notices';
import { officerModel, type Officer } from '../../server/officers/model';
import { progressModel } from '../../server/progress/model';
import { runReminders } from '../../server/reminders/run';
import { reminderRecordModel } from '../../server/reminders/model';
import { createAccount } from '../../server/users/service';
import type { Unit } from '../../server/units/model';
import { killAll, startEngineProcess, type EngineProc } from '../engine/engine-process';
import { buildOfficer, buildUnit } from '../factories';
import { buildPublishedModule, lesson } from '../learning/fixtures';
import { startTestPlatform, type TestPlatform } from '../http';
import { startTestSmtp, type ReceivedMail, type TestSmtp } from '../support/smtp';

const PUBLIC_URL = 'https://hoc.example.gov.vn';
const at = (day: string) => new Date(`${day}T07:00:00+07:00`);
/** yyyy-mm-dd of the days from `from` to `to`, both included */
function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) out.push(d.toISOString().slice(0, 10));
  return out;
}

describe('reminders: a whole campaign, two instances, a restart, a real SMTP server', function () {
  this.timeout(600_000);
  let dir: string;
  let engine: EngineProc;
  let smtp: TestSmtp;
  let a: TestPlatform;
  let b: TestPlatform;
  const instances: TestPlatform[] = [];
  let units: { P: Unit; A: Unit; A1: Unit; B: Unit };
  let m1: Types.ObjectId;
  let m2: Types.ObjectId;
  let campaign: Campaign;
  const o: Record<string, Officer> = {};
  /** mails received per day of the run, to see when each came */
  const byDay = new Map<string, ReceivedMail[]>();

  const instance = async (name: string) => {
    const tp = await startTestPlatform(name, { MONGODB_URI: engine.uri, SMTP_URL: smtp.url, PUBLIC_URL });
    instances.push(tp);
    return tp;
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vhcv-reminders-'));
    engine = await startEngineProcess(path.join(dir, 'db'));
    smtp = await startTestSmtp();
    a = await instance('rem-a');
    b = await instance('rem-b');
    const db = a.platform.services.db;
    const P = await buildUnit({ name: 'Tỉnh Nhắc Nhở' });
    const A = await buildUnit({ parentId: P._id, name: 'Sở Nội vụ thử', kind: 'department' });
    const A1 = await buildUnit({ parentId: A._id, name: 'Phòng Công chức' });
    const B = await buildUnit({ parentId: P._id, name: 'Sở Tư pháp thử', kind: 'department' });
    units = { P, A, A1, B };
    m1 = (await buildPublishedModule(db, { items: [lesson('bai-1')], title: 'Đạo đức công vụ' })).moduleId;
    m2 = (await buildPublishedModule(db, { items: [lesson('bai-1')], title: 'Văn hóa ứng xử nơi công sở' })).moduleId;
    const joined = new Date('2026-06-01T00:00:00+07:00');
    const officer = (key: string, unit: Unit, email?: string, fullName?: string) =>
      buildOfficer({ unitId: unit._id, effectiveDate: joined, ...(email ? { email } : {}), ...(fullName ? { fullName } : {}) }).then((x) => (o[key] = x));
    await officer('late', A1, 'tran.thi.hoa@example.vn', 'Trần Thị Hoà');
    await officer('noEmail', A);
    await officer('exempt', A, 'mien@example.vn');
    await officer('completes', A, 'hoan.thanh@example.vn');
    await officer('leaves', A, 'nghi.huu@example.vn');
    await officer('outside', B, 'ngoai@example.vn');
    const account = (username: string, role: 'manager' | 'coordinator', unit: Unit, email?: string) =>
      createAccount(db, { username, displayName: `Lãnh đạo ${username}`, role, unitId: unit._id, password: 'mật khẩu nhắc nhở', ...(email ? { email } : {}) }, 4);
    await account('tt.a', 'manager', A, 'thu.truong.a@example.vn');
    await account('pt.a', 'coordinator', A, 'phu.trach.a@example.vn');
    await account('tt.a1', 'manager', A1, 'thu.truong.a1@example.vn');
    await account('tt.a.khong.thu', 'manager', A);
    await account('pt.b', 'coordinator', B, 'phu.trach.b@example.vn');

    const input = createCampaignInput.parse({
      name: 'Kế hoạch bồi dưỡng năm 2027',
      year: 2027,
      ownerUnitId: String(A._id),
      modules: [{ moduleId: String(m1), dueDate: '31/03/2027' }, { moduleId: String(m2), dueDate: '15/04/2027' }],
      audience: { unitIds: [String(A._id)] },
    });
    const draft = await createCampaign(db, input, null, at('2027-02-01'));
    campaign = await setStatus(db, draft, 'open', at('2027-02-01'));
    // exempt from both modules (an approved exemption, as the exemption flow leaves it)
    await enrolmentModel(db).updateMany({ campaignId: campaign._id, officerId: o.exempt!._id }, { $set: { state: 'exempt', exemptReason: 'thai-san' } });
  });

  after(async () => {
    for (const tp of instances) await tp.close().catch(() => undefined);
    await smtp?.close();
    await killAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('schedules the daily run once, whatever the number of instances', async () => {
    const jobs = await a.platform.services.db.db!.collection('jobs').find({ recurring: 'reminders-daily' }).toArray();
    expect(jobs).to.have.length(1);
    expect(jobs[0]!.repeatInterval).to.equal('0 7 * * *');
    expect(jobs[0]!.repeatTimezone).to.equal('Asia/Ho_Chi_Minh');
  });

  it('runs every day of the campaign on both instances at once, with a restart, and sends exactly the schedule', async () => {
    const db = a.platform.services.db;
    let second = b;
    for (const day of days('2027-03-01', '2027-04-20')) {
      const now = at(day);
      if (day === '2027-03-20') {
        // completed module 1 that morning
        await progressModel(db).create({ officerId: o.completes!._id, moduleId: m1, year: 2027, version: 1, unitId: units.A._id, status: 'completed', itemCount: 1, percent: 100, startedAt: at('2027-03-19'), completedAt: at('2027-03-20') });
      }
      if (day === '2027-03-25') await officerModel(db).updateOne({ _id: o.leaves!._id }, { $set: { status: 'retired' } });
      const before = smtp.messages.length;
      await Promise.all([runReminders(a.platform.services, now), runReminders(second.platform.services, now)]);
      if (day === '2027-03-28') {
        // instance B goes away and a fresh instance starts on the same database, and runs the same day again
        await second.close();
        instances.splice(instances.indexOf(second), 1);
        second = await instance('rem-c');
        const after = smtp.messages.length;
        await runReminders(second.platform.services, now);
        expect(smtp.messages.length, 'a restart sends nothing again').to.equal(after);
      }
      byDay.set(day, smtp.messages.slice(before));
    }

    const received = (to: string) => [...byDay].flatMap(([day, mails]) => mails.filter((m) => m.to.includes(to)).map((m) => ({ day, subject: m.subject, text: m.text })));
    const daysOf = (to: string, module: string) => received(to).filter((m) => m.subject.includes(module)).map((m) => m.day);
    const M1 = '«Đạo đức công vụ»';
    const M2 = '«Văn hóa ứng xử nơi công sở»';
    expect(daysOf('tran.thi.hoa@example.vn', M1)).to.deep.equal(['2027-03-17', '2027-03-28', '2027-03-31', '2027-04-07', '2027-04-14']);
    expect(daysOf('tran.thi.hoa@example.vn', M2)).to.deep.equal(['2027-04-01', '2027-04-12', '2027-04-15']);
    expect(received('tran.thi.hoa@example.vn')).to.have.length(8);
    expect(daysOf('hoan.thanh@example.vn', M1), 'nothing after completing').to.deep.equal(['2027-03-17']);
    expect(daysOf('hoan.thanh@example.vn', M2)).to.deep.equal(['2027-04-01', '2027-04-12', '2027-04-15']);
    expect(received('nghi.huu@example.vn').map((m) => m.day), 'nothing after leaving').to.deep.equal(['2027-03-17']);
    expect(received('mien@example.vn'), 'nothing to the exempt').to.deep.equal([]);
    expect(received('ngoai@example.vn'), 'nothing outside the audience').to.deep.equal([]);

    // the words and the link, diacritics exact
    const first = received('tran.thi.hoa@example.vn')[0]!;
    expect(first.subject).to.equal('Nhắc nhở học phần «Đạo đức công vụ»: hạn hoàn thành 31/03/2027');
    expect(first.text).to.contain('Kính gửi').and.contain('Trần Thị Hoà');
    expect(first.text).to.contain('Bạn chưa hoàn thành học phần «Đạo đức công vụ» trong kế hoạch «Kế hoạch bồi dưỡng năm 2027».');
    expect(first.text).to.contain('Hạn hoàn thành: 31/03/2027 (còn 14 ngày).');
    expect(first.text).to.contain(`${PUBLIC_URL}/learn/modules/${m1.toHexString()}`);
    expect(received('tran.thi.hoa@example.vn').find((m) => m.day === '2027-03-31')!.text).to.contain('Hôm nay, 31/03/2027, là hạn hoàn thành.');
    expect(received('tran.thi.hoa@example.vn').find((m) => m.day === '2027-04-14')!.text).to.contain('Hạn hoàn thành là 31/03/2027; học phần đã quá hạn 14 ngày.');

    // the officer without e-mail: the same eight reminders, as notices; the others have them too
    const notices = await noticeModel(db).find({ officerId: o.noEmail!._id }).lean();
    expect(notices).to.have.length(8);
    expect(notices.map((n) => n.message).sort()).to.deep.equal(['notice_reminder_before', 'notice_reminder_before', 'notice_reminder_before', 'notice_reminder_before', 'notice_reminder_due', 'notice_reminder_due', 'notice_reminder_overdue', 'notice_reminder_overdue']);
    expect(await noticeModel(db).countDocuments({ officerId: o.late!._id })).to.equal(8);
    expect(await noticeModel(db).countDocuments({ officerId: o.exempt!._id })).to.equal(0);
    const records = await reminderRecordModel(db).find({ kind: 'schedule' }).lean();
    expect(records.filter((r) => r.status !== 'sent' && r.status !== 'notice'), 'every mail delivered').to.deep.equal([]);
  });

  it('sends each manager and coordinator one digest a week of their subtree’s laggards, and none without laggards', () => {
    const digests = (to: string) => [...byDay].flatMap(([day, mails]) => mails.filter((m) => m.to.includes(to) && m.subject.startsWith('Tổng hợp tuần')).map((m) => ({ day, ...m })));
    // laggards appear once module 1 is within 14 days (18/03): one digest in each week from then on
    const weeks = ['2027-03-18', '2027-03-22', '2027-03-29', '2027-04-05', '2027-04-12', '2027-04-19'];
    expect(digests('thu.truong.a@example.vn').map((d) => d.day)).to.deep.equal(weeks);
    expect(digests('phu.trach.a@example.vn').map((d) => d.day)).to.deep.equal(weeks);
    expect(digests('thu.truong.a1@example.vn').map((d) => d.day)).to.deep.equal(weeks);
    expect(digests('phu.trach.b@example.vn'), 'nobody late in B').to.deep.equal([]);

    const a1 = digests('thu.truong.a1@example.vn')[1]!;
    expect(a1.subject).to.equal('Tổng hợp tuần: 1 trường hợp chưa hoàn thành bồi dưỡng tại Phòng Công chức');
    expect(a1.text).to.contain(`Trần Thị Hoà (${o.late!.code}, Phòng Công chức) — «Đạo đức công vụ»: chưa bắt đầu, hạn 31/03/2027 (còn 9 ngày)`);
    expect(a1.text).not.to.contain(o.noEmail!.code);
    const a = digests('thu.truong.a@example.vn');
    const lastWeek = a[a.length - 1]!;
    // 19/04: module 1 late 19 days for the two who never learnt it; module 2 late 4 days for those and the one who completed module 1
    expect(lastWeek.subject).to.equal('Tổng hợp tuần: 5 trường hợp chưa hoàn thành bồi dưỡng tại Sở Nội vụ thử');
    expect(lastWeek.text).to.contain(`Trần Thị Hoà (${o.late!.code}, Phòng Công chức) — «Đạo đức công vụ»: quá hạn 19 ngày (hạn 31/03/2027)`);
    expect(lastWeek.text).not.to.contain(o.exempt!.code).and.not.to.contain(o.leaves!.code);
  });
});
