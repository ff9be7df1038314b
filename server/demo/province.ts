/**
 * The demo province a fresh embedded installation starts with: ~110 units three levels
 * deep (UBND tỉnh → sở/ban/ngành and UBND xã/phường → phòng/đơn vị) and ~300 officers
 * of all four categories. Deterministic (a seeded generator), so screenshots, tests and
 * documentation stay the same from one install to the next.
 */
import type { Connection } from 'mongoose';
import { foldForSearch } from '../i18n/vietnamese';
import { createUnit } from '../units/service';
import { readyUnitModel, type UnitKind } from '../units/model';
import type { OfficerCategory } from '../officers/model';
import type { OfficerInput } from '../officers/schema';
import { upsertOfficers } from '../officers/upsert';
import { COMMUNES, DEPARTMENTS, FAMILY_NAMES, FEMALE_GIVEN, FEMALE_MIDDLE, MALE_GIVEN, MALE_MIDDLE, PROVINCE, communeSubUnits, type DemoSubUnit } from './province-data';

export interface DemoUnit {
  code: string;
  name: string;
  kind: UnitKind;
  /** null for the province itself */
  parentCode: string | null;
}

export interface DemoProvince {
  /** parents before their children */
  units: DemoUnit[];
  officers: OfficerInput[];
}

/** The day the two-tier local government took effect: every demo membership starts then. */
export const DEMO_EFFECTIVE_DATE = new Date('2025-07-01T00:00:00+07:00');

/** mulberry32: a small seeded generator, so the demo is the same on every machine. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Role = { position: string; rank: string; category: OfficerCategory; isLeader?: boolean };

/** [position, rank] pairs of the staff of a sub-unit, by what kind of unit it is. */
function staffRoles(unit: DemoSubUnit): Array<[string, string]> {
  if (unit.kind === 'division') return [['Chuyên viên', 'Chuyên viên'], ['Chuyên viên', 'Chuyên viên chính'], ['Chuyên viên', 'Cán sự'], ['Kế toán', 'Kế toán viên']];
  if (/Bệnh viện|bệnh tật/.test(unit.name)) return [['Bác sĩ', 'Bác sĩ hạng III'], ['Bác sĩ', 'Bác sĩ chính hạng II'], ['Điều dưỡng', 'Điều dưỡng hạng IV']];
  if (unit.name.startsWith('Trường')) return [['Giáo viên', 'Giáo viên trung học phổ thông hạng III'], ['Giáo viên', 'Giáo viên trung học phổ thông hạng II']];
  if (unit.name.includes('pháp lý')) return [['Trợ giúp viên pháp lý', 'Trợ giúp viên pháp lý hạng III']];
  return [['Viên chức', 'Kỹ sư hạng III'], ['Viên chức', 'Kỹ thuật viên hạng IV'], ['Viên chức', 'Chuyên viên']];
}

function headTitle(unit: DemoSubUnit): string {
  if (unit.name.startsWith('Văn phòng')) return 'Chánh Văn phòng';
  if (unit.name.startsWith('Chi cục')) return 'Chi cục trưởng';
  if (unit.name.startsWith('Trường')) return 'Hiệu trưởng';
  return unit.kind === 'agency' ? 'Giám đốc' : 'Trưởng phòng';
}

const SUPPORT_ROLES: Array<[string, string]> = [['Lái xe', 'Nhân viên'], ['Bảo vệ', 'Nhân viên'], ['Nhân viên phục vụ', 'Nhân viên']];

/** Builds the demo province: the same units and officers on every call. */
export function buildDemoProvince(): DemoProvince {
  const random = seededRandom(20250701);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const units: DemoUnit[] = [];
  const officers: OfficerInput[] = [];

  const addOfficer = (unitCode: string, role: Role): void => {
    const serial = String(officers.length + 1).padStart(5, '0');
    const female = random() < 0.5;
    const family = pick(FAMILY_NAMES);
    const middle = pick(female ? FEMALE_MIDDLE : MALE_MIDDLE);
    const given = pick(female ? FEMALE_GIVEN : MALE_GIVEN);
    const initials = foldForSearch(`${family} ${middle}`).split(' ').map((part) => part[0]).join('');
    const officer: OfficerInput = { code: `CB${serial}`, fullName: `${family} ${middle} ${given}`, unitCode, ...role, isLeader: role.isLeader ?? false };
    if (officers.length % 5 !== 4) officer.email = `${foldForSearch(given)}${initials}.${serial}@${PROVINCE.emailDomain}`;
    if (officers.length % 2 === 0) officer.phone = `09${String(Math.floor(random() * 1e8)).padStart(8, '0')}`;
    if (officers.length % 41 === 40) officer.status = 'on-leave';
    officers.push(officer);
  };
  const addUnit = (unit: DemoUnit): string => (units.push(unit), unit.code);
  const addSubUnits = (parentCode: string, subUnits: DemoSubUnit[], staffBase: number, category: OfficerCategory): void => {
    subUnits.forEach((sub, index) => {
      const code = addUnit({ code: `${parentCode}-${String(index + 1).padStart(2, '0')}`, name: sub.name, kind: sub.kind, parentCode });
      const staffCategory: OfficerCategory = sub.kind === 'agency' ? 'vien-chuc' : category;
      addOfficer(code, { position: headTitle(sub), rank: staffCategory === 'vien-chuc' ? staffRoles(sub)[0]![1] : 'Chuyên viên chính', category: staffCategory, isLeader: true });
      for (let n = 0; n < staffBase + ((index + parentCode.length) % 3); n++) {
        const support = random() < 0.1;
        const [position, rank] = pick(support ? SUPPORT_ROLES : staffRoles(sub));
        addOfficer(code, { position, rank, category: support ? 'nguoi-lao-dong' : staffCategory });
      }
    });
  };

  const root = addUnit({ code: PROVINCE.code, name: PROVINCE.name, kind: 'province', parentCode: null });
  addOfficer(root, { position: 'Chủ tịch UBND tỉnh', rank: 'Chuyên viên cao cấp', category: 'can-bo', isLeader: true });
  for (let n = 0; n < 2; n++) addOfficer(root, { position: 'Phó Chủ tịch UBND tỉnh', rank: 'Chuyên viên cao cấp', category: 'can-bo', isLeader: true });

  for (const department of DEPARTMENTS) {
    const code = addUnit({ code: department.code, name: department.name, kind: department.kind, parentCode: root });
    addOfficer(code, { position: department.headTitle, rank: 'Chuyên viên cao cấp', category: 'cong-chuc', isLeader: true });
    addOfficer(code, { position: department.deputyTitle, rank: 'Chuyên viên chính', category: 'cong-chuc', isLeader: true });
    addSubUnits(code, department.subUnits, 1, 'cong-chuc');
  }

  COMMUNES.forEach(([ward, name], index) => {
    const level = ward ? 'phường' : 'xã';
    const code = addUnit({ code: `${ward ? 'P' : 'X'}-${foldForSearch(name).replace(/ /g, '').toUpperCase()}`, name: `UBND ${level} ${name}`, kind: 'commune', parentCode: root });
    addOfficer(code, { position: `Chủ tịch UBND ${level}`, rank: 'Chuyên viên chính', category: 'can-bo', isLeader: true });
    addOfficer(code, { position: `Phó Chủ tịch UBND ${level}`, rank: 'Chuyên viên', category: 'can-bo', isLeader: true });
    addSubUnits(code, communeSubUnits(ward, index), 1, 'cong-chuc');
  });
  return { units, officers };
}

export interface DemoLoadResult {
  /** false when the database already had units and nothing was added */
  loaded: boolean;
  units: number;
  officers: number;
}

/**
 * Inserts the demo province through the unit and officer services, only into a
 * database without units (so it is safe to call on every start).
 */
export async function loadDemoProvince(db: Connection): Promise<DemoLoadResult> {
  const Unit = await readyUnitModel(db);
  if (await Unit.exists({})) return { loaded: false, units: 0, officers: 0 };
  const demo = buildDemoProvince();
  const idByCode = new Map<string, string>();
  for (const unit of demo.units) {
    const parentId = unit.parentCode === null ? null : idByCode.get(unit.parentCode);
    const created = await createUnit(db, { code: unit.code, name: unit.name, kind: unit.kind, parentId });
    idByCode.set(unit.code, created._id.toHexString());
  }
  const result = await upsertOfficers(db, demo.officers, { dryRun: false, effectiveDate: DEMO_EFFECTIVE_DATE });
  if (result.errors.length > 0) throw new Error(`demo province: invalid officer rows ${JSON.stringify(result.errors.slice(0, 5))}`);
  return { loaded: true, units: demo.units.length, officers: result.created };
}
