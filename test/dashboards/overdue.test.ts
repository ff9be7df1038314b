/**
 * The overdue list past its 200 rows: it is read bucket by bucket from what the counters
 * say is late (server/dashboards/service.ts), so it must still list the earliest due first,
 * every late officer of the earlier due days, the rest from the next one, none completed.
 * 150 officers, module M1 due 01/01 (10 of them completed it) and M2 due 02/01: the list
 * holds M1's 140 late officers, then 60 of M2's 150; the total says 290.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { createCampaign, setStatus } from '../../server/campaigns/service';
import type { Officer } from '../../server/officers/model';
import { recordAttempt, startModule } from '../../server/progress/service';
import type { Attempt } from '../../server/quizzes/model';
import { buildOfficer, buildUnit } from '../factories';
import { startTestPlatform, type TestPlatform } from '../http';
import { buildPublishedModule, buildQuestions, quiz } from '../learning/fixtures';
import { createAccount } from '../../server/users/service';
import { LAST_YEAR } from '../campaigns/world';
import { OPENS, PASSWORD, YEAR } from './world';

const OFFICERS = 150;
const COMPLETED_M1 = 10;

describe('dashboards: the overdue list past 200 late officers', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  let rootId: Types.ObjectId;
  let unitId: Types.ObjectId;
  let M1: Types.ObjectId;
  let bearer: string;

  before(async () => {
    tp = await startTestPlatform('dashboards-overdue');
    const db = tp.platform.services.db;
    const P = await buildUnit({ name: 'Tỉnh Quá Hạn' });
    const A = await buildUnit({ parentId: P._id, name: 'Sở Quá Hạn', kind: 'department' });
    rootId = P._id;
    unitId = A._id;
    await buildQuestions(db, 'thai-do', 8);
    M1 = (await buildPublishedModule(db, { items: [quiz('q1')], title: 'Hạn sớm', code: `QH1-${YEAR}` })).moduleId;
    const M2 = (await buildPublishedModule(db, { items: [quiz('q1')], title: 'Hạn sau', code: `QH2-${YEAR}` })).moduleId;
    const officers: Officer[] = [];
    for (let i = 0; i < OFFICERS; i++) officers.push(await buildOfficer({ unitId: i % 2 ? A._id : P._id, fullName: `Cán Bộ Số ${i}`, category: 'cong-chuc', effectiveDate: LAST_YEAR }));
    const draft = await createCampaign(
      db,
      { name: `Kế hoạch quá hạn ${YEAR}`, year: YEAR, ownerUnitId: P._id, modules: [{ moduleId: M1, dueDate: `01/01/${YEAR}` }, { moduleId: M2, dueDate: `02/01/${YEAR}` }], audience: { unitIds: [P._id], categories: [], leadersOnly: false, positions: [], officerIds: [], excludedUnitIds: [], excludedOfficerIds: [] }, opensOn: `01/01/${YEAR}`, cutoffDate: `01/01/${YEAR}`, lateJoinerDays: 10, certificatePerModule: false },
      null,
      OPENS,
    );
    await setStatus(db, draft, 'open', new Date());
    for (const o of officers.slice(0, COMPLETED_M1)) {
      await startModule(db, { officerId: o._id, unitId: o.unitId, ancestors: [], fullName: o.fullName } as never, M1, YEAR, new Date());
      await recordAttempt(db, { _id: new Types.ObjectId(), officerId: o._id, moduleId: M1, year: YEAR, version: 1, itemKey: 'q1', number: 1, score: 90, passed: true } as unknown as Attempt, new Date());
    }
    await createAccount(db, { username: 'qh.coordinator', displayName: 'Điều phối quá hạn', role: 'coordinator', password: PASSWORD, unitId: P._id }, 4);
    const login = await tp.client().request('POST', '/api/v1/auth/login', { json: { login: 'qh.coordinator', password: PASSWORD } });
    expect(login.status, login.text).to.equal(200);
    bearer = login.json<{ token: string }>().token;
  });
  after(async () => tp?.close());

  it('lists the earliest due first: every late officer of M1, then M2 up to 200', async () => {
    const c = tp.client();
    c.bearer = bearer;
    const reply = await c.get(`/api/v1/dashboards/units/${rootId}`);
    expect(reply.status, reply.text).to.equal(200);
    const d = reply.json<{ dashboard: { overdue: { officerId: string; module: string; dueDate: string }[]; overdueTotal: number } }>().dashboard;
    expect(d.overdueTotal).to.equal(2 * OFFICERS - COMPLETED_M1);
    expect(d.overdue).to.have.length(200);
    const m1 = d.overdue.filter((o) => o.module.startsWith('QH1'));
    expect(m1).to.have.length(OFFICERS - COMPLETED_M1);
    expect(d.overdue.slice(0, m1.length).every((o) => o.module.startsWith('QH1')), 'M1 (due first) comes first').to.equal(true);
    expect(new Set(m1.map((o) => o.officerId)).size).to.equal(OFFICERS - COMPLETED_M1);
    // the A sub-unit's page: only its own late officers
    const sub = (await c.get(`/api/v1/dashboards/units/${unitId}`)).json<{ dashboard: { overdue: unknown[]; overdueTotal: number } }>().dashboard;
    // half the officers are at A, and half of the first ten (who completed M1)
    const lateInA = 2 * (OFFICERS / 2) - COMPLETED_M1 / 2;
    expect(sub.overdueTotal).to.equal(lateInA);
    expect(sub.overdue).to.have.length(lateInA);
  });
});
