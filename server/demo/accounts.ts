/**
 * The demo accounts, all with DEMO_PASSWORD, placed in the demo province so that each
 * role sees something real: the coordinator acts on the whole province, the manager on
 * Sở Nội vụ, the officer works in one of its divisions; and one level down, phường Bình
 * Minh has its own coordinator (a công chức of its Phòng Văn hóa – Xã hội) and its head
 * (Chủ tịch UBND phường) as manager, so the accounts pages show appointments at two levels.
 */
import type { Connection } from 'mongoose';
import { officerModel, type Officer } from '../officers/model';
import { unitModel, type Unit } from '../units/model';
import { createAccount } from '../users/service';
import { userModel } from '../users/model';
import { PROVINCE } from './province-data';

export const DEMO_LOGINS = ['demo.admin', 'demo.coordinator', 'demo.manager', 'demo.officer', 'demo.ward.coordinator', 'demo.ward.manager'] as const;

/** The xã / phường level of the demo: phường Bình Minh. */
export const DEMO_WARD_CODE = 'P-BINHMINH';

async function unitByCode(db: Connection, code: string): Promise<Unit> {
  const unit = await unitModel(db).findOne({ code }).lean<Unit>();
  if (!unit) throw new Error(`demo accounts: unit ${code} is missing`);
  return unit;
}

/** Creates the demo accounts that do not exist yet; returns the logins created. */
export async function createDemoAccounts(db: Connection, password: string, bcryptCost: number): Promise<string[]> {
  const province = await unitByCode(db, PROVINCE.code);
  const homeAffairs = await unitByCode(db, 'SNV');
  const officers = officerModel(db);
  const head = await officers.findOne({ unitId: homeAffairs._id, isLeader: true }).sort({ code: 1 }).lean<Officer>();
  const division = await unitModel(db).findOne({ parentId: homeAffairs._id }).sort({ code: 1 }).lean<Unit>();
  const clerk = division ? await officers.findOne({ unitId: division._id, isLeader: false }).sort({ code: 1 }).lean<Officer>() : null;
  const coordinatorOfficer = division ? await officers.findOne({ unitId: division._id, isLeader: true }).sort({ code: 1 }).lean<Officer>() : null;
  if (!head || !clerk || !coordinatorOfficer) throw new Error('demo accounts: the demo province has no officers in Sở Nội vụ');
  const ward = await unitByCode(db, DEMO_WARD_CODE);
  const wardHead = await officers.findOne({ unitId: ward._id, isLeader: true }).sort({ code: 1 }).lean<Officer>();
  const wardSocial = await unitModel(db).findOne({ parentId: ward._id, name: 'Phòng Văn hóa – Xã hội' }).lean<Unit>();
  const wardClerk = wardSocial ? await officers.findOne({ unitId: wardSocial._id, isLeader: false }).sort({ code: 1 }).lean<Officer>() : null;
  if (!wardHead || !wardClerk) throw new Error(`demo accounts: the demo province has no officers in ${DEMO_WARD_CODE}`);

  const plans = [
    { username: 'demo.admin', displayName: 'Quản trị hệ thống (demo)', role: 'admin' as const },
    { username: 'demo.coordinator', displayName: coordinatorOfficer.fullName, role: 'coordinator' as const, unitId: province._id, officer: coordinatorOfficer },
    { username: 'demo.manager', displayName: head.fullName, role: 'manager' as const, unitId: homeAffairs._id, officer: head },
    { username: 'demo.officer', displayName: clerk.fullName, role: 'officer' as const, unitId: clerk.unitId, officer: clerk },
    { username: 'demo.ward.coordinator', displayName: wardClerk.fullName, role: 'coordinator' as const, unitId: ward._id, officer: wardClerk },
    { username: 'demo.ward.manager', displayName: wardHead.fullName, role: 'manager' as const, unitId: ward._id, officer: wardHead },
  ];
  const created: string[] = [];
  for (const plan of plans) {
    if (await userModel(db).exists({ username: plan.username })) continue;
    await createAccount(
      db,
      {
        username: plan.username,
        displayName: plan.displayName,
        role: plan.role,
        password,
        ...(plan.unitId ? { unitId: plan.unitId } : {}),
        ...(plan.officer ? { officerId: plan.officer._id, officerCode: plan.officer.code } : {}),
      },
      bcryptCost,
    );
    created.push(plan.username);
  }
  return created;
}
