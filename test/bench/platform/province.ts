/**
 * A province-sized data set, deterministic (seeded): a 3-level unit tree of 250 units
 * (the province, 14 sở/ban/ngành + 15 xã/phường, 220 phòng/đơn vị under them) and an
 * officer list as an HR clerk exports it from Excel ("CSV UTF-8": BOM, CRLF, an STT
 * column, the template's headers), with Vietnamese names, codes, e-mails and phones.
 */
import type { Connection } from 'mongoose';
import { FAMILY_NAMES, FEMALE_GIVEN, FEMALE_MIDDLE, MALE_GIVEN, MALE_MIDDLE } from '../../../server/demo/province-data';
import { columnLabel, IMPORT_COLUMNS } from '../../../server/imports/columns';
import { createUnit } from '../../../server/units/service';
import type { UnitKind } from '../../../server/units/model';
import { Rng } from '../bench-data';

export interface UnitPlan {
  code: string;
  name: string;
  kind: UnitKind;
  parentCode: string | null;
}

const DEPARTMENTS: Array<[string, string]> = [
  ['VP-UBND', 'Văn phòng Ủy ban nhân dân tỉnh'], ['SNV', 'Sở Nội vụ'], ['STC', 'Sở Tài chính'], ['STP', 'Sở Tư pháp'],
  ['SXD', 'Sở Xây dựng'], ['SNNMT', 'Sở Nông nghiệp và Môi trường'], ['SYT', 'Sở Y tế'], ['SGDDT', 'Sở Giáo dục và Đào tạo'],
  ['SVHTTDL', 'Sở Văn hóa, Thể thao và Du lịch'], ['SCT', 'Sở Công Thương'], ['SKHCN', 'Sở Khoa học và Công nghệ'],
  ['SDTTG', 'Sở Dân tộc và Tôn giáo'], ['SNGV', 'Sở Ngoại vụ'], ['TT-TINH', 'Thanh tra tỉnh'],
];
const COMMUNES = ['Phường Bình Minh', 'Phường Hòa Lạc', 'Phường Tân An', 'Phường Đông Thành', 'Xã Nam Sơn', 'Xã Phú Lộc', 'Xã Thanh Xuân', 'Xã Yên Hòa', 'Xã Quảng Phú', 'Xã Hương Sơn', 'Xã Tân Lập', 'Xã Đồng Tâm', 'Xã Hải Ninh', 'Xã Vĩnh Lợi', 'Xã Ea Pốk'];
const DEPARTMENT_SUBUNITS: Array<[string, UnitKind]> = [
  ['Văn phòng', 'division'], ['Phòng Tổ chức – Hành chính', 'division'], ['Phòng Kế hoạch – Tài chính', 'division'], ['Phòng Thanh tra, pháp chế', 'division'],
  ['Phòng Quản lý chuyên ngành', 'division'], ['Chi cục Quản lý chất lượng', 'division'], ['Trung tâm Dịch vụ công', 'agency'], ['Trung tâm Chuyển đổi số', 'agency'],
];
const COMMUNE_SUBUNITS: Array<[string, UnitKind]> = [
  ['Văn phòng HĐND và UBND', 'division'], ['Phòng Kinh tế', 'division'], ['Phòng Văn hóa – Xã hội', 'division'], ['Trung tâm Phục vụ hành chính công', 'agency'],
  ['Trạm Y tế', 'agency'], ['Trường Mầm non Hoa Sen', 'agency'], ['Trường Tiểu học số 1', 'agency'], ['Trường Trung học cơ sở', 'agency'],
];
export const UNIT_COUNT = 250;

/** The tree, parents before children. */
export function unitPlan(): UnitPlan[] {
  const root: UnitPlan = { code: 'UBND-SH', name: 'Ủy ban nhân dân tỉnh Sơn Hà', kind: 'province', parentCode: null };
  const level1: UnitPlan[] = [
    ...DEPARTMENTS.map(([code, name]) => ({ code, name, kind: (code.startsWith('S') ? 'department' : 'agency') as UnitKind, parentCode: root.code })),
    ...COMMUNES.map((name, i) => ({ code: `XA-${String(i + 1).padStart(2, '0')}`, name, kind: 'commune' as UnitKind, parentCode: root.code })),
  ];
  const level2: UnitPlan[] = [];
  // 220 sub-units over 29 parents: 7 each, the first 17 get an 8th
  level1.forEach((parent, p) => {
    const pool = parent.kind === 'commune' ? COMMUNE_SUBUNITS : DEPARTMENT_SUBUNITS;
    for (let i = 0; i < (p < UNIT_COUNT - 1 - level1.length - 7 * level1.length ? 8 : 7); i++) {
      const [name, kind] = pool[i]!;
      level2.push({ code: `${parent.code}-${String(i + 1).padStart(2, '0')}`, name: `${name} – ${parent.name}`, kind, parentCode: parent.code });
    }
  });
  return [root, ...level1, ...level2];
}

/** Creates the tree with the platform's own command (createUnit); returns code → unit id. */
export async function createUnits(db: Connection, plan: UnitPlan[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const unit of plan) {
    const created = await createUnit(db, { code: unit.code, name: unit.name, kind: unit.kind, parentId: unit.parentCode ? ids.get(unit.parentCode)! : null });
    ids.set(unit.code, created._id.toHexString());
  }
  return ids;
}

/** ASCII of a Vietnamese word for e-mail addresses: "Đặng" → "dang". */
const ascii = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
const pick = <T>(rng: Rng, pool: readonly T[]): T => pool[rng.int(pool.length)]!;

const CATEGORIES: Array<[string, number]> = [['Công chức', 0.45], ['Viên chức', 0.35], ['Người lao động', 0.12], ['Cán bộ', 0.08]];
const LEADER_POSITIONS = ['Trưởng phòng', 'Phó Trưởng phòng', 'Giám đốc Trung tâm', 'Phó Giám đốc Trung tâm', 'Chánh Văn phòng', 'Hiệu trưởng'];
const POSITIONS = ['Chuyên viên', 'Chuyên viên', 'Chuyên viên chính', 'Cán sự', 'Nhân viên', 'Giáo viên', 'Bác sĩ', 'Kế toán viên', ''];
const RANKS = ['Chuyên viên (01.003)', 'Chuyên viên chính (01.002)', 'Cán sự (01.004)', 'Giáo viên tiểu học hạng III', 'Bác sĩ hạng III (V.08.01.03)', 'Kế toán viên (06.031)', ''];

/** Officer code of row i (0-based): CB000001 … */
export const officerCode = (i: number) => `CB${String(i + 1).padStart(6, '0')}`;

function csvLine(cells: string[]): string {
  return cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
}

/** The officer list of `count` rows spread (unevenly: schools and centres are bigger) over the plan's units. */
export function officerCsv(plan: UnitPlan[], count: number, seed = 20_260_301): Buffer {
  const rng = new Rng(seed);
  const weights = plan.map((u) => (u.kind === 'province' ? 5 : u.parentCode === 'UBND-SH' ? 20 : u.kind === 'agency' ? 60 + rng.int(400) : 40 + rng.int(200)));
  const cumulative: number[] = [];
  weights.reduce((sum, w, i) => (cumulative[i] = sum + w), 0);
  const total = cumulative[cumulative.length - 1]!;
  const unitOf = () => {
    const x = rng.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return plan[lo]!.code;
  };
  const lines = [csvLine(['STT', ...IMPORT_COLUMNS.map((c) => columnLabel(c.field))])];
  for (let i = 0; i < count; i++) {
    const female = rng.next() < 0.5;
    const family = pick(rng, FAMILY_NAMES);
    const middles = [pick(rng, female ? FEMALE_MIDDLE : MALE_MIDDLE), ...(rng.next() < 0.2 ? [pick(rng, female ? FEMALE_MIDDLE : MALE_MIDDLE)] : [])];
    const given = pick(rng, female ? FEMALE_GIVEN : MALE_GIVEN);
    const code = officerCode(i);
    // e-mail like hant.000123@sonha.gov.vn (given name + initials), unique by the code's number
    const email = rng.next() < 0.7 ? `${ascii(given)}${[family, ...middles].map((w) => ascii(w)[0]).join('')}.${code.slice(2)}@sonha.gov.vn` : '';
    const phone = rng.next() < 0.6 ? `09${rng.int(10)}${String(rng.int(10_000_000)).padStart(7, '0')}`.replace(/^(\d{4})(\d{3})(\d{3})$/, '$1 $2 $3') : '';
    const leader = rng.next() < 0.08;
    let r = rng.next();
    const category = CATEGORIES.find(([, w]) => (r -= w) < 0)?.[0] ?? 'Công chức';
    const status = rng.next() < 0.02 ? 'Tạm nghỉ' : '';
    // template order: code, fullName, email, phone, unitCode, position, rank, category, isLeader, status
    lines.push(csvLine([String(i + 1), code, [family, ...middles, given].join(' '), email, phone, unitOf(), leader ? pick(rng, LEADER_POSITIONS) : pick(rng, POSITIONS), pick(rng, RANKS), category, leader ? 'x' : '', status]));
  }
  return Buffer.from('\ufeff' + lines.join('\r\n') + '\r\n', 'utf8');
}
