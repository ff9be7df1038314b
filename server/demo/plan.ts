/**
 * The demo's yearly plan, beyond the campaign the starter modules' assignment becomes at
 * start: two exemptions in phường Bình Minh — one approved (nghỉ thai sản), one waiting
 * for the coordinator's decision (ốm dài ngày) — so the exemption lists have something
 * to show. Runs once: nothing is added when any exemption exists.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { decideExemption, exemptionModel, proposeExemption } from '../campaigns/exemptions';
import { enrolmentModel } from '../campaigns/model';
import { officerModel, type Officer } from '../officers/model';
import { trainingYear } from '../progress/year';
import { unitModel, type Unit } from '../units/model';
import { userModel, type User } from '../users/model';
import { DEMO_WARD_CODE } from './accounts';

export async function seedDemoPlan(db: Connection, now = new Date()): Promise<number> {
  if (await exemptionModel(db).exists({})) return 0;
  const ward = await unitModel(db).findOne({ code: DEMO_WARD_CODE }).lean<Unit>();
  const accounts = await userModel(db).find({ username: trusted({ $in: ['demo.ward.manager', 'demo.coordinator'] }) }).lean<User[]>();
  const manager = accounts.find((a) => a.username === 'demo.ward.manager');
  const coordinator = accounts.find((a) => a.username === 'demo.coordinator');
  if (!ward || !manager || !coordinator) return 0;
  const year = trainingYear(now);
  const units = [ward._id, ...(await unitModel(db).find({ ancestors: ward._id }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>()).map((u) => u._id)];
  const enrolled = await enrolmentModel(db).distinct('officerId', { year, state: 'enrolled', unitId: trusted({ $in: units }) });
  const officers = await officerModel(db).find({ _id: trusted({ $in: enrolled }), isLeader: false }).sort({ sortName: 1 }).limit(2).lean<Officer[]>();
  if (officers.length < 2) return 0;
  const [first, second] = officers as [Officer, Officer];
  const approved = await proposeExemption(db, { officerId: first._id, unitId: first.unitId, year, kind: 'thai-san', reason: 'Nghỉ thai sản 6 tháng theo quyết định của Chủ tịch UBND phường', evidence: null }, manager._id, now);
  await decideExemption(db, approved, 'approve', 'Đủ căn cứ theo quyết định nghỉ thai sản.', coordinator._id, now);
  await proposeExemption(db, { officerId: second._id, unitId: second.unitId, year, kind: 'om-dai-ngay', reason: 'Điều trị bệnh dài ngày tại bệnh viện tỉnh', evidence: null }, manager._id, now);
  return 2;
}
