/**
 * The dashboards' hand-computed fixture (docs/dashboards.md has the expected figures):
 * P → A → A1 → A11 → A111 (three levels below A), A → A2, P → B. One campaign of A's
 * subtree, opened 01/01, cut-off 02/01, late joiners due 10 days after joining; module
 * M1 due 31/12 (not late yet), M2 due 01/01 (late since 02/01).
 *
 * - o1 A111 công chức: M1 two attempts (60 failed, 90 passed) → completed, best 90; M2 nothing → overdue
 * - o2 A11 viên chức: M1 one failed attempt (50) → in progress; M2 passed with 80 → completed
 * - o3 A1 công chức: exemption approved → exempt in both
 * - o4 A2 cán bộ, moved to A111 on 01/01 12:00 (after the opening, before the cut-off and before the campaign
 *   was materialised) → counts at A111, and joined their unit late: M2 due 11/01 12:00, overdue; nothing done
 * - o5 A2 công chức, moved to A1 today (after the cut-off) → still counts at A2; M1 passed with 100
 * - o6 A11 người lao động, joined 01/01 12:00 (a late joiner) → M2 due 11/01 12:00, overdue; M1 due 31/12
 * - o7 A2 công chức, joined after the cut-off → exempt (late-joiner) in both
 * - o8 B: outside the audience
 *
 * The campaign's dates lie in January of this year, so the fixture needs today ≥ 03/01.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { createCampaign, setStatus } from '../../server/campaigns/service';
import { decideExemption, proposeExemption } from '../../server/campaigns/exemptions';
import type { Campaign } from '../../server/campaigns/model';
import type { Officer, OfficerCategory } from '../../server/officers/model';
import { recordAttempt, startModule } from '../../server/progress/service';
import type { Attempt } from '../../server/quizzes/model';
import type { Unit } from '../../server/units/model';
import { createAccount } from '../../server/users/service';
import type { Role } from '../../server/users/model';
import { buildOfficer, buildUnit } from '../factories';
import type { Client, TestPlatform } from '../http';
import { buildPublishedModule, buildQuestions, quiz } from '../learning/fixtures';
import { LAST_YEAR, YEAR } from '../campaigns/world';

export { YEAR };
export const PASSWORD = 'mật khẩu bảng số liệu';
export const OPENS = new Date(`${YEAR}-01-01T00:00:00+07:00`);
export const JAN1_NOON = new Date(`${YEAR}-01-01T12:00:00+07:00`);

export interface DashboardWorld {
  units: Record<'P' | 'A' | 'A1' | 'A11' | 'A111' | 'A2' | 'B', Unit>;
  officers: Record<'o1' | 'o2' | 'o3' | 'o4' | 'o5' | 'o6' | 'o7' | 'o8', Officer>;
  modules: { M1: Types.ObjectId; M2: Types.ObjectId };
  campaign: Campaign;
  clients: { admin: Client; coordinator: Client; manager: Client; outsider: Client };
  client(role: Role, unitId: Types.ObjectId | null): Promise<Client>;
}

let serial = 0;

export async function buildDashboardWorld(tp: TestPlatform): Promise<DashboardWorld> {
  const db = tp.platform.services.db;
  const P = await buildUnit({ name: 'Tỉnh Số Liệu' });
  const A = await buildUnit({ parentId: P._id, name: 'Sở Nội vụ', kind: 'department' });
  const A1 = await buildUnit({ parentId: A._id, name: 'Phòng Công chức' });
  const A11 = await buildUnit({ parentId: A1._id, name: 'Tổ Đào tạo' });
  const A111 = await buildUnit({ parentId: A11._id, name: 'Nhóm Bồi dưỡng' });
  const A2 = await buildUnit({ parentId: A._id, name: 'Phòng Tổ chức' });
  const B = await buildUnit({ parentId: P._id, name: 'Sở Tài chính', kind: 'department' });

  async function client(role: Role, unitId: Types.ObjectId | null): Promise<Client> {
    const login = `bsl.${role}.${++serial}`;
    await createAccount(db, { username: login, displayName: `Bảng số liệu ${login}`, role, password: PASSWORD, ...(unitId ? { unitId } : {}) }, 4);
    const c = tp.client();
    const reply = await c.request('POST', '/api/v1/auth/login', { json: { login, password: PASSWORD } });
    expect(reply.status, reply.text).to.equal(200);
    c.bearer = reply.json<{ token: string }>().token;
    return c;
  }
  const clients = { admin: await client('admin', null), coordinator: await client('coordinator', A._id), manager: await client('manager', A11._id), outsider: await client('coordinator', B._id) };

  await buildQuestions(db, 'thai-do', 8);
  const M1 = (await buildPublishedModule(db, { items: [quiz('q1')], title: 'Thái độ làm việc', code: `TD-${YEAR}-${serial}` })).moduleId;
  const M2 = (await buildPublishedModule(db, { items: [quiz('q1')], title: 'Giao tiếp ứng xử', code: `GT-${YEAR}-${serial}` })).moduleId;

  const officer = (unit: Unit, fullName: string, category: OfficerCategory, effectiveDate: Date = LAST_YEAR) => buildOfficer({ unitId: unit._id, fullName, category, effectiveDate });
  const now = new Date();
  const officers = {
    o1: await officer(A111, 'Nguyễn Văn An', 'cong-chuc'),
    o2: await officer(A11, 'Trần Thị Bình', 'vien-chuc'),
    o3: await officer(A1, 'Lê Văn Cường', 'cong-chuc'),
    o4: await officer(A2, 'Phạm Thị Dung', 'can-bo'),
    o5: await officer(A2, 'Hoàng Văn Em', 'cong-chuc'),
    o6: await officer(A11, 'Vũ Thị Giang', 'nguoi-lao-dong', JAN1_NOON),
    o7: await officer(A2, 'Đỗ Văn Hùng', 'cong-chuc', new Date(now.getTime() - 3600_000)),
    o8: await officer(B, 'Ngô Thị Khánh', 'cong-chuc'),
  };

  const draft = await createCampaign(
    db,
    { name: `Kế hoạch số liệu ${YEAR}`, year: YEAR, ownerUnitId: A._id, modules: [{ moduleId: M1, dueDate: `31/12/${YEAR}` }, { moduleId: M2, dueDate: `01/01/${YEAR}` }], audience: { unitIds: [A._id], categories: [], leadersOnly: false, positions: [], officerIds: [], excludedUnitIds: [], excludedOfficerIds: [] }, opensOn: `01/01/${YEAR}`, cutoffDate: `02/01/${YEAR}`, lateJoinerDays: 10, certificatePerModule: false },
    null,
    OPENS,
  );
  // o4 moved before the cut-off (backdated): the picture taken at the cut-off has them in A111
  await transfer(clients.admin, officers.o4._id, A111._id, JAN1_NOON);
  const campaign = await setStatus(db, draft, 'open', now);
  // o5 moves after the cut-off: still counted at A2
  await transfer(clients.admin, officers.o5._id, A1._id, now);

  const exemption = await proposeExemption(db, { officerId: officers.o3._id, unitId: A1._id, year: YEAR, kind: 'thai-san', reason: 'Nghỉ thai sản', evidence: null }, new Types.ObjectId(), now);
  await decideExemption(db, exemption, 'approve', null, new Types.ObjectId(), now);

  const learn = async (o: Officer, moduleId: Types.ObjectId, scores: number[]) => {
    await startModule(db, { officerId: o._id, unitId: o.unitId, ancestors: [], fullName: o.fullName } as never, moduleId, YEAR, now);
    for (const [i, score] of scores.entries()) {
      const attempt = { _id: new Types.ObjectId(), officerId: o._id, moduleId, year: YEAR, version: 1, itemKey: 'q1', number: i + 1, score, passed: score >= 75 } as unknown as Attempt;
      await recordAttempt(db, attempt, now);
    }
  };
  await learn(officers.o1, M1, [60, 90]);
  await learn(officers.o2, M1, [50]);
  await learn(officers.o2, M2, [80]);
  await learn(officers.o5, M1, [100]);
  return { units: { P, A, A1, A11, A111, A2, B }, officers, modules: { M1, M2 }, campaign, clients, client };
}

async function transfer(admin: Client, officerId: Types.ObjectId, unitId: Types.ObjectId, effectiveDate: Date): Promise<void> {
  const reply = await admin.request('POST', `/api/v1/officers/${officerId}/transfer`, { json: { unitId: String(unitId), effectiveDate: effectiveDate.toISOString() } });
  expect(reply.status, reply.text).to.equal(200);
}
