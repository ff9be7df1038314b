/**
 * The reports tests' fixture, built over HTTP (campaign, transfers, exemption) with the
 * progress records written as the learning service would have left them. Its figures
 * for Sở A were computed by hand (numbers in figures.test.ts):
 *
 * P → A (A1, A2), B (B1); a campaign of A with M1 and M2, due 31/12, cut-off 02/01 (past).
 * | officer | unit at cut-off | category | M1 (best, attempts, done at) | M2 | notes |
 * | o1 | A1 | công chức | 95, 2, 01/03 | 90, 1, 01/03 | completed early → biểu dương |
 * | o2 | A1 | viên chức | 70, 3, 01/03 | 40, 2, in progress | not completed 1/2 |
 * | o3 | A2 | công chức | 100, 1, 01/03 | 80, 1, today | completed, avg 90 but M2 late for a 30-day rule |
 * | o4 | A2 | cán bộ | — | — | not completed 0/2 |
 * | o5 | A1 | công chức | — | — | exempt: thai-san (approved) |
 * | o6 | A1 → B1 after the cut-off | người lao động | 85, 1, 01/03 | 85, 1, 01/03 | still counted at A1 |
 * | o7 | B1 → A1 after the cut-off | công chức | 99 | 99 | not counted (in B1 at the cut-off) |
 * | o8 | joins A2 after the cut-off | công chức | — | — | exempt: late-joiner |
 * | o9 | A (the department itself) | công chức | 60, 1, 01/03 | — | not completed 1/2 |
 */
import { expect } from 'chai';
import type { Types } from 'mongoose';
import { progressModel } from '../../server/progress/model';
import type { Officer } from '../../server/officers/model';
import type { Client, TestPlatform } from '../http';
import { buildCampaignWorld, YEAR, type CampaignWorld } from '../campaigns/world';

export { YEAR };
export const EARLY = new Date(`${YEAR}-03-01T09:00:00+07:00`);

export interface ReportWorld extends CampaignWorld {
  campaignId: string;
  o: Record<'o1' | 'o2' | 'o3' | 'o4' | 'o5' | 'o6' | 'o7' | 'o8' | 'o9', { _id: Types.ObjectId; code: string }>;
  M1: Types.ObjectId;
  M2: Types.ObjectId;
}

async function ok(reply: Promise<{ status: number; text: string }>, status = 200) {
  const r = await reply;
  expect(r.status, r.text.slice(0, 300)).to.equal(status);
  return r as Awaited<typeof reply> & { json<T>(): T };
}

export async function buildReportWorld(tp: TestPlatform): Promise<ReportWorld> {
  const db = tp.platform.services.db;
  const w = await buildCampaignWorld(tp);
  const { A, A1, A2, B1 } = w.units;
  const [M1, M2] = [w.modules[0]!, w.modules[1]!];
  const post = (c: Client, path: string, json: unknown) => c.request('POST', path, { json });
  const o1 = await w.officer(A1, { fullName: 'Nguyễn Thị Ánh', category: 'cong-chuc' });
  const o2 = await w.officer(A1, { fullName: 'Trần Văn Bình', category: 'vien-chuc' });
  const o3 = await w.officer(A2, { fullName: 'Lê Thị Cúc', category: 'cong-chuc' });
  const o4 = await w.officer(A2, { fullName: 'Phạm Văn Dũng', category: 'can-bo' });
  const o5 = await w.officer(A1, { fullName: 'Hoàng Thị Én', category: 'cong-chuc' });
  const o6 = await w.officer(A1, { fullName: 'Vũ Văn Giang', category: 'nguoi-lao-dong' });
  const o7 = await w.officer(B1, { fullName: 'Đặng Văn Hải', category: 'cong-chuc' });
  const o9 = await w.officer(A, { fullName: 'Bùi Thị Khánh', category: 'cong-chuc' });

  const created = await ok(post(w.clients.coordinator, '/api/v1/campaigns', {
    name: 'Kế hoạch báo cáo', year: YEAR, cutoffDate: `02/01/${YEAR}`,
    modules: [{ moduleId: String(M1), dueDate: `31/12/${YEAR}` }, { moduleId: String(M2), dueDate: `31/12/${YEAR}` }],
    audience: { unitIds: [String(A._id)] },
  }), 201);
  const campaignId = created.json<{ campaign: { id: string } }>().campaign.id;
  await ok(post(w.clients.coordinator, `/api/v1/campaigns/${campaignId}/status`, { status: 'open' }));

  // after the cut-off: o6 leaves A for B1, o7 comes from B1, o8 joins
  await ok(post(w.clients.admin, `/api/v1/officers/${o6._id}/transfer`, { unitId: String(B1._id), effectiveDate: new Date().toISOString() }));
  await ok(post(w.clients.admin, `/api/v1/officers/${o7._id}/transfer`, { unitId: String(A1._id), effectiveDate: new Date().toISOString() }));
  const joined = await ok(post(w.clients.coordinator, '/api/v1/officers', { code: `BC${Date.now()}`, fullName: 'Ngô Thị Lan', category: 'cong-chuc', unitId: String(A2._id), effectiveDate: new Date().toISOString() }), 201);
  const o8 = joined.json<{ officer: { id: string; code: string } }>().officer;

  // o5 exempt (maternity), proposed by the coordinator, approved by the admin
  const proposed = await ok(post(w.clients.coordinator, `/api/v1/officers/${o5._id}/exemptions`, { year: YEAR, kind: 'thai-san', reason: 'Nghỉ thai sản 6 tháng' }), 201);
  const exemptionId = proposed.json<{ exemption: { id: string } }>().exemption.id;
  await ok(post(w.clients.admin, `/api/v1/exemptions/${exemptionId}/decision`, { decision: 'approve' }));

  const now = new Date();
  const progress = (officer: Officer | { _id: Types.ObjectId }, moduleId: Types.ObjectId, bestScore: number, attempts: number, completedAt: Date | null) =>
    progressModel(db).create({ officerId: officer._id, moduleId, year: YEAR, version: 1, unitId: A1._id, itemCount: 2, status: completedAt ? 'completed' : 'in-progress', percent: completedAt ? 100 : 50, doneItems: completedAt ? ['bai-1', 'kiem-tra'] : ['bai-1'], bestScore, lastScore: bestScore, attempts, startedAt: new Date(`${YEAR}-02-01T00:00:00Z`), completedAt });
  await progress(o1, M1, 95, 2, EARLY);
  await progress(o1, M2, 90, 1, EARLY);
  await progress(o2, M1, 70, 3, EARLY);
  await progress(o2, M2, 40, 2, null);
  await progress(o3, M1, 100, 1, EARLY);
  await progress(o3, M2, 80, 1, now);
  await progress(o6, M1, 85, 1, EARLY);
  await progress(o6, M2, 85, 1, EARLY);
  await progress(o7, M1, 99, 1, EARLY);
  await progress(o7, M2, 99, 1, EARLY);
  await progress(o9, M1, 60, 1, EARLY);

  const ref = (o: Officer) => ({ _id: o._id, code: o.code });
  return { ...w, campaignId, M1, M2, o: { o1: ref(o1), o2: ref(o2), o3: ref(o3), o4: ref(o4), o5: ref(o5), o6: ref(o6), o7: ref(o7), o8: { _id: new (o1._id.constructor as typeof Types.ObjectId)(o8.id), code: o8.code }, o9: ref(o9) } };
}
