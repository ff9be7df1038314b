/** What of an officer leaves the domain layer (JSON, views): an allowlist, ids as strings. */
import type { MessageId } from '../i18n';
import type { Officer, OfficerCategory, OfficerStatus } from './model';
import type { OfficerPage } from './service';

export interface MembershipView {
  unitId: string;
  from: Date;
  to: Date | null;
}

export interface OfficerView {
  id: string;
  code: string;
  fullName: string;
  email: string | null;
  phone: string | null;
  unitId: string;
  position: string | null;
  rank: string | null;
  category: OfficerCategory;
  isLeader: boolean;
  status: OfficerStatus;
  memberships: MembershipView[];
  createdAt: Date;
  updatedAt: Date;
}

export function presentOfficer(officer: Officer): OfficerView {
  return {
    id: officer._id.toHexString(),
    code: officer.code,
    fullName: officer.fullName,
    email: officer.email ?? null,
    phone: officer.phone ?? null,
    unitId: officer.unitId.toHexString(),
    position: officer.position ?? null,
    rank: officer.rank ?? null,
    category: officer.category,
    isLeader: officer.isLeader,
    status: officer.status,
    memberships: officer.memberships.map((m) => ({ unitId: m.unitId.toHexString(), from: m.from, to: m.to })),
    createdAt: officer.createdAt,
    updatedAt: officer.updatedAt,
  };
}

export function presentOfficerPage(page: OfficerPage): { items: OfficerView[]; total: number; page: number; pageSize: number } {
  return { items: page.items.map(presentOfficer), total: page.total, page: page.page, pageSize: page.pageSize };
}

/** Column labels of an import row's fields, for problem lists ("line 12, Mã đơn vị: …"). */
export const officerFieldLabels: Record<string, MessageId> = {
  code: 'officer_field_code',
  fullName: 'officer_field_full_name',
  email: 'officer_field_email',
  phone: 'officer_field_phone',
  unitId: 'officer_field_unit',
  unitCode: 'officer_field_unit_code',
  position: 'officer_field_position',
  rank: 'officer_field_rank',
  category: 'officer_field_category',
  isLeader: 'officer_field_is_leader',
  status: 'officer_field_status',
};

/** The presented fields that differ between two versions of an officer: what the audit log records (names, never values). */
export function changedFields(before: Officer, after: Officer): string[] {
  const a = presentOfficer(before) as unknown as Record<string, unknown>;
  const b = presentOfficer(after) as unknown as Record<string, unknown>;
  return Object.keys(b).filter((key) => key !== 'updatedAt' && key !== 'createdAt' && JSON.stringify(a[key]) !== JSON.stringify(b[key]));
}
