/**
 * Officer commands: create, update, transfer between units, and the paged list.
 * The bulk import lives in ./upsert.ts.
 */
import { trusted, type Connection, type Model, type Types } from 'mongoose';
import { conflict, notFound } from '../errors';
import { foldForSearch } from '../i18n/vietnamese';
import { parse } from '../validation';
import { readyUnitModel, type Unit } from '../units/model';
import { newOfficer, officerUpdate, type OfficerUpdate } from './changes';
import { accountsFollowOfficers } from './accounts-follow';
import { officersChanged } from './events';
import { isEmployed } from './memberships';
import { readyOfficerModel, type Officer } from './model';
import { createOfficerSchema, listOfficersSchema, officerIdSchema, transferOfficerSchema, updateOfficerSchema, type CreateOfficerInput, type ListOfficersInput, type UpdateOfficerInput } from './schema';

async function loadActiveUnit(db: Connection, unitId: Types.ObjectId): Promise<Unit> {
  const Unit = await readyUnitModel(db);
  const unit = await Unit.findById(unitId).lean<Unit>();
  if (!unit) throw notFound('unit_not_found');
  if (!unit.active) throw conflict('unit_inactive', { code: unit.code });
  return unit;
}

async function loadOfficer(Officer: Model<Officer>, officerId: Types.ObjectId): Promise<Officer> {
  const officer = await Officer.findById(officerId).lean<Officer>();
  if (!officer) throw notFound('officer_not_found');
  return officer;
}

/** Duplicate-key failures of the officer indexes, as the 409 the caller can show. */
function uniquenessConflict(error: unknown, code: string | undefined): unknown {
  const e = error as { code?: number; keyPattern?: Record<string, unknown> };
  if (e.code !== 11000) return error;
  return e.keyPattern && 'email' in e.keyPattern ? conflict('officer_email_taken') : conflict('officer_code_taken', { code });
}

/**
 * Applies `update` only if the officer is still as it was read (same `updatedAt`): a
 * single-document compare-and-set, so two concurrent edits cannot silently drop each
 * other's membership history, and no transaction is needed.
 */
async function applyUpdate(Officer: Model<Officer>, officer: Officer, update: OfficerUpdate | null, code?: string): Promise<Officer> {
  if (!update) return officer;
  try {
    const updated = await Officer.findOneAndUpdate({ _id: officer._id, updatedAt: officer.updatedAt }, update, { returnDocument: 'after' }).lean<Officer>();
    if (!updated) throw conflict('record_changed');
    return updated;
  } catch (error) {
    throw uniquenessConflict(error, code ?? officer.code);
  }
}

/** Creates an officer in an active unit; the first membership starts on `effectiveDate` (default now). */
export async function createOfficer(db: Connection, input: CreateOfficerInput): Promise<Officer> {
  const fields = parse(createOfficerSchema, input);
  const Officer = await readyOfficerModel(db);
  const unit = await loadActiveUnit(db, fields.unitId);
  try {
    const created = (await Officer.create(newOfficer({ ...fields, unitId: unit._id }, fields.effectiveDate ?? new Date()))).toObject();
    await officersChanged(db, [created._id]);
    return created;
  } catch (error) {
    throw uniquenessConflict(error, fields.code);
  }
}

/**
 * Changes an officer's details. A status change to transferred / retired closes the open
 * membership (back to active / on leave reopens one) on `effectiveDate`, default now.
 * Unit changes go through transferOfficer.
 */
export async function updateOfficer(db: Connection, officerId: string | Types.ObjectId, patch: UpdateOfficerInput): Promise<Officer> {
  const { officerId: id } = parse(officerIdSchema, { officerId });
  const { effectiveDate, ...values } = parse(updateOfficerSchema, patch);
  const Officer = await readyOfficerModel(db);
  const officer = await loadOfficer(Officer, id);
  const updated = await applyUpdate(Officer, officer, officerUpdate(officer, values, effectiveDate ?? new Date()), values.code);
  if (updated !== officer) await officersChanged(db, [updated._id]);
  return updated;
}

/**
 * Moves a serving officer to another active unit on `effectiveDate`: the open membership
 * closes that day and a new one opens. 409 'officer_already_in_unit', 'officer_not_employed'.
 */
export async function transferOfficer(db: Connection, officerId: string | Types.ObjectId, unitId: string | Types.ObjectId, effectiveDate: Date | string): Promise<Officer> {
  const args = parse(transferOfficerSchema, { officerId, unitId, effectiveDate });
  const Officer = await readyOfficerModel(db);
  const officer = await loadOfficer(Officer, args.officerId);
  const unit = await loadActiveUnit(db, args.unitId);
  if (!isEmployed(officer.status)) throw conflict('officer_not_employed');
  if (officer.unitId.equals(unit._id)) throw conflict('officer_already_in_unit');
  const moved = await applyUpdate(Officer, officer, officerUpdate(officer, { unitId: unit._id }, args.effectiveDate));
  await accountsFollowOfficers(db, [{ officerId: moved._id, unitId: moved.unitId }]);
  await officersChanged(db, [moved._id]);
  return moved;
}

export interface OfficerPage {
  items: Officer[];
  total: number;
  page: number;
  pageSize: number;
}

/** Escapes text for use inside a regular expression. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Above this many matches a page is read by walking the name index in order, stopping
 * once the page is full; below it, the unit index finds the few matches faster and they
 * are sorted in memory. (MongoDB's planner makes this choice by racing plans; the
 * embedded engine plans by predicates alone, so the service decides, from the count it
 * needs anyway.)
 */
const NAME_ORDER_WALK_FROM = 1_000;

/**
 * One page of the officers of `unitIds`, filtered, sorted by full name in Vietnamese
 * order. The database cannot collate Vietnamese (the embedded engine has no collation),
 * so it sorts by `sortName`, a stored key whose code-point order is Intl.Collator('vi')
 * order (server/i18n/vietnamese.ts), then by _id for a stable order across pages. `q`
 * matches name, code or e-mail ignoring case and diacritics ("nguyen" finds "Nguyễn").
 */
export async function listOfficers(db: Connection, input: ListOfficersInput): Promise<OfficerPage> {
  const { unitIds, q, category, status, page, pageSize } = parse(listOfficersSchema, input);
  const Officer = await readyOfficerModel(db);
  const filter: Record<string, unknown> = { unitId: trusted({ $in: unitIds }) };
  if (category) filter.category = category;
  if (status) filter.status = status;
  const folded = q ? foldForSearch(q) : '';
  if (folded) filter.searchText = trusted({ $regex: literal(folded) });
  const total = await Officer.countDocuments(filter);
  const query = Officer.find(filter).sort({ sortName: 1, _id: 1 }).skip((page - 1) * pageSize).limit(pageSize);
  if (total >= NAME_ORDER_WALK_FROM) query.hint({ sortName: 1, _id: 1 });
  return { items: total === 0 ? [] : await query.lean<Officer[]>(), total, page, pageSize };
}
