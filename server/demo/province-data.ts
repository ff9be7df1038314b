/**
 * The demo province's raw material: a fictional "tỉnh Sơn Hà" organised as after the
 * 2025 reorganisation (two-tier local government: the province and its xã/phường),
 * and the pools its officers' names are drawn from. Names of units and people are
 * typical, not real records.
 */
import type { UnitKind } from '../units/model';

export interface DemoSubUnit {
  name: string;
  kind: UnitKind;
}

export interface DemoDepartment {
  code: string;
  name: string;
  kind: UnitKind;
  /** chức vụ of its head and deputies */
  headTitle: string;
  deputyTitle: string;
  subUnits: DemoSubUnit[];
}

const division = (name: string): DemoSubUnit => ({ name, kind: 'division' });
const agency = (name: string): DemoSubUnit => ({ name, kind: 'agency' });
const department = (code: string, name: string, subUnits: DemoSubUnit[]): DemoDepartment => ({
  code,
  name,
  kind: 'department',
  headTitle: 'Giám đốc Sở',
  deputyTitle: 'Phó Giám đốc Sở',
  subUnits: [division('Văn phòng Sở'), ...subUnits],
});

export const PROVINCE = { code: 'UBND-SH', name: 'Ủy ban nhân dân tỉnh Sơn Hà', emailDomain: 'sonha.example' };

export const DEPARTMENTS: DemoDepartment[] = [
  { code: 'VP-UBND', name: 'Văn phòng Ủy ban nhân dân tỉnh', kind: 'agency', headTitle: 'Chánh Văn phòng', deputyTitle: 'Phó Chánh Văn phòng', subUnits: [division('Phòng Tổng hợp'), division('Phòng Hành chính – Tổ chức'), agency('Trung tâm Phục vụ hành chính công tỉnh')] },
  department('SNV', 'Sở Nội vụ', [division('Phòng Tổ chức, biên chế'), division('Phòng Công chức, viên chức'), division('Phòng Lao động – Việc làm')]),
  department('STC', 'Sở Tài chính', [division('Phòng Quản lý ngân sách'), division('Phòng Quản lý đầu tư')]),
  department('STP', 'Sở Tư pháp', [division('Phòng Xây dựng và kiểm tra văn bản'), agency('Trung tâm Trợ giúp pháp lý nhà nước')]),
  department('SXD', 'Sở Xây dựng', [division('Phòng Quản lý giao thông'), division('Phòng Quy hoạch – Kiến trúc')]),
  department('SNNMT', 'Sở Nông nghiệp và Môi trường', [division('Chi cục Thủy lợi'), division('Phòng Tài nguyên nước')]),
  department('SYT', 'Sở Y tế', [agency('Bệnh viện Đa khoa tỉnh'), agency('Trung tâm Kiểm soát bệnh tật')]),
  department('SGDDT', 'Sở Giáo dục và Đào tạo', [division('Phòng Giáo dục phổ thông'), agency('Trường Trung học phổ thông chuyên Sơn Hà')]),
  department('SVHTTDL', 'Sở Văn hóa, Thể thao và Du lịch', [division('Phòng Quản lý văn hóa'), agency('Bảo tàng tỉnh')]),
  department('SCT', 'Sở Công Thương', [division('Phòng Quản lý thương mại')]),
  department('SKHCN', 'Sở Khoa học và Công nghệ', [division('Phòng Chuyển đổi số'), agency('Trung tâm Công nghệ thông tin và Truyền thông')]),
  department('SDTTG', 'Sở Dân tộc và Tôn giáo', [division('Phòng Chính sách dân tộc')]),
  { code: 'TT-TINH', name: 'Thanh tra tỉnh', kind: 'agency', headTitle: 'Chánh Thanh tra tỉnh', deputyTitle: 'Phó Chánh Thanh tra tỉnh', subUnits: [division('Văn phòng Thanh tra'), division('Phòng Giải quyết khiếu nại, tố cáo'), division('Phòng Phòng, chống tham nhũng')] },
];

/** [ward?, name] of the xã/phường */
export const COMMUNES: Array<[boolean, string]> = [
  [true, 'Bình Minh'], [true, 'Hòa Lạc'], [true, 'Tân An'], [true, 'Đông Thành'], [true, 'Nam Sơn'],
  [false, 'Phú Lộc'], [false, 'Thanh Xuân'], [false, 'Yên Hòa'], [false, 'Quảng Phú'], [false, 'Hương Sơn'],
  [false, 'Tân Lập'], [false, 'Đồng Tâm'], [false, 'Hải Ninh'], [false, 'Vĩnh Lợi'], [false, 'Ea Pốk'],
];

/** The specialised offices of a xã / phường after 1 July 2025 (larger ones have more). */
export function communeSubUnits(ward: boolean, index: number): DemoSubUnit[] {
  const offices = [division('Văn phòng HĐND và UBND'), division(ward ? 'Phòng Kinh tế, Hạ tầng và Đô thị' : 'Phòng Kinh tế'), division('Phòng Văn hóa – Xã hội')];
  const serviceCentre = agency('Trung tâm Phục vụ hành chính công');
  return index % 3 === 0 ? [...offices, serviceCentre] : offices.slice(0, 2);
}

export const FAMILY_NAMES = ['Nguyễn', 'Nguyễn', 'Nguyễn', 'Trần', 'Trần', 'Lê', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý', 'Đinh', 'Trịnh', 'Lương', 'Mai', 'Tạ', 'Ưng'];
export const MALE_MIDDLE = ['Văn', 'Hữu', 'Đức', 'Minh', 'Quang', 'Thanh', 'Công', 'Xuân', 'Anh', 'Quốc', 'Trọng', 'Ngọc'];
export const FEMALE_MIDDLE = ['Thị', 'Thị', 'Thu', 'Ngọc', 'Thanh', 'Kim', 'Minh', 'Hoài', 'Bảo', 'Diệu', 'Phương'];
export const MALE_GIVEN = ['An', 'Bình', 'Cường', 'Dũng', 'Đạt', 'Hải', 'Hiếu', 'Hùng', 'Khánh', 'Long', 'Nam', 'Phúc', 'Quân', 'Sơn', 'Thắng', 'Trung', 'Tuấn', 'Việt', 'Vinh', 'Hoàng', 'Lộc', 'Tâm', 'Ánh', 'Ổn'];
export const FEMALE_GIVEN = ['Anh', 'Chi', 'Giang', 'Hà', 'Hạnh', 'Hoa', 'Hương', 'Lan', 'Linh', 'Mai', 'Ngân', 'Nhung', 'Phương', 'Quỳnh', 'Thảo', 'Trang', 'Vy', 'Yến', 'Ánh', 'Hằng', 'Thủy', 'Loan', 'Oanh', 'Uyên'];
