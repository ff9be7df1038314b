/**
 * Turning validated officer values into documents and minimal updates. Shared by the
 * single-record commands and the bulk import, so both treat text, derived fields and
 * membership history the same way.
 */
import type { Types } from 'mongoose';
import { foldForSearch, personSortKey } from '../i18n/vietnamese';
import { nextMemberships } from './memberships';
import type { Officer, OfficerCategory, OfficerStatus } from './model';

/** Validated values; `undefined` keeps the stored value, `''` clears optional text. */
export interface OfficerValues {
  code?: string;
  fullName?: string;
  email?: string;
  phone?: string;
  position?: string;
  rank?: string;
  category?: OfficerCategory;
  isLeader?: boolean;
  status?: OfficerStatus;
  unitId?: Types.ObjectId;
}

export type NewOfficer = Omit<Officer, '_id' | 'createdAt' | 'updatedAt'>;

const OPTIONAL_TEXT = ['email', 'phone', 'position', 'rank'] as const;
const REQUIRED_SCALARS = ['code', 'fullName', 'category', 'isLeader', 'status'] as const;

function derived(fullName: string, code: string, email: string | undefined): Pick<Officer, 'sortName' | 'searchText'> {
  return { sortName: personSortKey(fullName), searchText: foldForSearch([fullName, code, email ?? ''].join(' ')) };
}

/** The document for a new officer whose first membership starts on `effectiveDate`. */
export function newOfficer(values: Required<Pick<OfficerValues, 'code' | 'fullName' | 'category' | 'unitId'>> & OfficerValues, effectiveDate: Date): NewOfficer {
  const status = values.status ?? 'active';
  const document: NewOfficer = {
    code: values.code,
    fullName: values.fullName,
    ...derived(values.fullName, values.code, values.email || undefined),
    unitId: values.unitId,
    category: values.category,
    isLeader: values.isLeader ?? false,
    status,
    memberships: [...nextMemberships([], values.unitId, status, effectiveDate)],
  };
  for (const field of OPTIONAL_TEXT) if (values[field]) document[field] = values[field];
  return document;
}

export interface OfficerUpdate {
  $set: Partial<NewOfficer>;
  $unset: Partial<Record<(typeof OPTIONAL_TEXT)[number], 1>>;
}

/**
 * The smallest update that brings `existing` to `values` (membership history included,
 * dated `effectiveDate`), or null when nothing would change.
 */
export function officerUpdate(existing: Officer, values: OfficerValues, effectiveDate: Date): OfficerUpdate | null {
  const update: OfficerUpdate = { $set: {}, $unset: {} };
  const set = update.$set as Record<string, unknown>;
  for (const field of REQUIRED_SCALARS) if (values[field] !== undefined && values[field] !== existing[field]) set[field] = values[field];
  for (const field of OPTIONAL_TEXT) {
    const value = values[field];
    if (value === '' && existing[field] !== undefined) update.$unset[field] = 1;
    else if (value && value !== existing[field]) set[field] = value;
  }
  const unitId = values.unitId ?? existing.unitId;
  if (!unitId.equals(existing.unitId)) set.unitId = unitId;
  const memberships = nextMemberships(existing.memberships, unitId, values.status ?? existing.status, effectiveDate);
  if (memberships !== existing.memberships) set.memberships = memberships;
  if ('fullName' in set || 'code' in set || 'email' in set || 'email' in update.$unset) {
    const email = 'email' in update.$unset ? undefined : (values.email ?? existing.email);
    Object.assign(set, derived(values.fullName ?? existing.fullName, values.code ?? existing.code, email));
  }
  return Object.keys(set).length + Object.keys(update.$unset).length === 0 ? null : update;
}
