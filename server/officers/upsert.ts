/**
 * Bulk import of officers (upsert by mã cán bộ), built for a province's 60,000 rows:
 * every row is validated first, lookups are batched (one query per few thousand codes),
 * writes go out as bulk writes, and any problem means nothing is written. Running the
 * same rows twice changes nothing.
 */
import { trusted, Types, type Connection, type Model } from 'mongoose';
import { isAppError } from '../errors';
import type { MessageId } from '../i18n';
import { check } from '../validation';
import { readyUnitModel, type Unit } from '../units/model';
import { accountsFollowOfficers } from './accounts-follow';
import { officersChanged } from './events';
import { newOfficer, officerUpdate, type OfficerUpdate } from './changes';
import { readyOfficerModel, type Officer } from './model';
import { officerRowSchema, type OfficerInput, type OfficerRow } from './schema';

/** A problem on one input row: `row` is 1-based in `rows` (the importer adds its header offset). */
export interface RowError {
  row: number;
  field: string;
  id: MessageId;
}

export interface UpsertResult {
  /** what was (or, in a dry run, would be) done; all 0 when there are errors */
  created: number;
  updated: number;
  unchanged: number;
  errors: RowError[];
}

/**
 * Values per `$in` lookup. Measured on the embedded engine: 500 keys per query is the
 * sweet spot (60,000 codes in ~1.5 s); around 1,000 a lookup turns an order of magnitude
 * slower per key.
 */
const LOOKUP_BATCH = 500;
const WRITE_BATCH = 2_000;
/** Rows validated between yields to the event loop (zod takes ~10 ms per 1,000 rows). */
const VALIDATE_SLICE = 1_000;

/** Progress of an upsert: rows validated, then documents written. */
export type UpsertProgress = (done: number, total: number, phase: 'validating' | 'writing') => void;

interface ValidRow {
  row: number;
  value: OfficerRow;
}

/**
 * Field rules per row, then codes and e-mails repeated in the input (reported on the
 * later rows). Yields between slices: 60,000 rows take over half a second of CPU, which
 * would stall every other request (and the progress they poll for).
 */
async function validateRows(rows: readonly OfficerInput[], errors: RowError[], onProgress?: UpsertProgress): Promise<ValidRow[]> {
  const valid: ValidRow[] = [];
  const seenCodes = new Set<string>();
  const seenEmails = new Set<string>();
  for (const [index, input] of rows.entries()) {
    const row = index + 1;
    if (index > 0 && index % VALIDATE_SLICE === 0) {
      onProgress?.(index, rows.length, 'validating');
      await new Promise((resolve) => setImmediate(resolve));
    }
    const result = check(officerRowSchema, input);
    if (!result.ok) {
      for (const problem of result.problems) errors.push({ row, ...problem });
      continue;
    }
    const { code, email } = result.value;
    if (seenCodes.has(code)) errors.push({ row, field: 'code', id: 'officer_code_duplicate_in_file' });
    else if (email && seenEmails.has(email)) errors.push({ row, field: 'email', id: 'officer_email_duplicate_in_file' });
    else valid.push({ row, value: result.value });
    seenCodes.add(code);
    if (email) seenEmails.add(email);
  }
  onProgress?.(rows.length, rows.length, 'validating');
  return valid;
}

/**
 * Documents whose `field` is one of `values`, a batch of keys per query. `index` names
 * an index to use by hint: the engine plans partial indexes (e-mail) only when hinted.
 */
async function findIn<T>(model: Model<T>, field: string, values: string[], options: { projection?: Record<string, 1>; index?: Record<string, 1> } = {}): Promise<T[]> {
  const found: T[] = [];
  for (let i = 0; i < values.length; i += LOOKUP_BATCH) {
    const query = model.find({ [field]: trusted({ $in: values.slice(i, i + LOOKUP_BATCH) }) }, options.projection);
    if (options.index) query.hint(options.index);
    found.push(...(await query.lean<T[]>()));
  }
  return found;
}

/** Rows whose unit code is unknown, or names an inactive unit the officer is not already in. */
function checkUnits(rows: ValidRow[], unitsByCode: Map<string, Unit>, existingByCode: Map<string, Officer>, errors: RowError[]): void {
  for (const { row, value } of rows) {
    const unit = unitsByCode.get(value.unitCode);
    if (!unit) errors.push({ row, field: 'unitCode', id: 'unit_code_unknown' });
    else if (!unit.active && !existingByCode.get(value.code)?.unitId.equals(unit._id)) errors.push({ row, field: 'unitCode', id: 'unit_inactive' });
  }
}

/** Rows claiming an e-mail that another officer keeps after this import. */
function checkEmails(rows: ValidRow[], owners: Pick<Officer, 'code' | 'email'>[], rowByCode: Map<string, OfficerRow>, errors: RowError[]): void {
  const ownerCode = new Map(owners.map((owner) => [owner.email as string, owner.code]));
  for (const { row, value } of rows) {
    const owner = value.email ? ownerCode.get(value.email) : undefined;
    if (!owner || owner === value.code) continue;
    const ownersRow = rowByCode.get(owner);
    const ownerKeepsIt = !ownersRow || ownersRow.email === undefined || ownersRow.email === value.email;
    if (ownerKeepsIt) errors.push({ row, field: 'email', id: 'officer_email_taken' });
  }
}

interface Plan {
  inserts: Officer[];
  updates: Array<{ before: Officer; update: OfficerUpdate }>;
  unchanged: number;
}

function plan(rows: ValidRow[], unitsByCode: Map<string, Unit>, existingByCode: Map<string, Officer>, effectiveDate: Date, errors: RowError[]): Plan {
  const result: Plan = { inserts: [], updates: [], unchanged: 0 };
  const now = new Date();
  for (const { row, value } of rows) {
    const { unitCode, ...fields } = value;
    const values = { ...fields, unitId: (unitsByCode.get(unitCode) as Unit)._id };
    const existing = existingByCode.get(value.code);
    try {
      // ids and timestamps are set here: the bulk insert skips mongoose's per-document work
      if (!existing) result.inserts.push({ _id: new Types.ObjectId(), ...newOfficer(values, effectiveDate), createdAt: now, updatedAt: now });
      else {
        const update = officerUpdate(existing, values, effectiveDate);
        if (update) result.updates.push({ before: existing, update });
        else result.unchanged++;
      }
    } catch (error) {
      if (!isAppError(error)) throw error;
      errors.push({ row, field: 'unitCode', id: error.id });
    }
  }
  return result;
}

async function inBatches<T>(items: T[], write: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += WRITE_BATCH) await write(items.slice(i, i + WRITE_BATCH));
}

/**
 * Writes the plan in batches. Not as one transaction: 60,000 writes in one transaction
 * are far beyond what MongoDB advises (and the embedded engine's transactions slow down
 * with their size). Instead every foreseeable problem is found before the first write,
 * and if a write still fails (say a concurrent import took a code) what was written is
 * undone from the pre-images the plan was made from. Should the process die mid-way,
 * running the same rows again completes the import: the upsert is idempotent.
 */
async function write(Officer: Model<Officer>, work: Plan, onProgress?: UpsertProgress): Promise<void> {
  const updates = work.updates.map((u) => ({ updateOne: { filter: { _id: u.before._id }, update: u.update } }));
  const total = updates.length + work.inserts.length;
  let done = 0;
  const written = (count: number) => onProgress?.((done += count), total, 'writing');
  try {
    onProgress?.(0, total, 'writing');
    await releaseEmails(Officer, work.updates.filter(changesEmail).map((u) => u.before._id));
    await inBatches(updates, async (batch) => {
      await Officer.bulkWrite(batch as never[], { ordered: true });
      written(batch.length);
    });
    await inBatches(work.inserts, async (batch) => {
      await Officer.insertMany(batch, { lean: true });
      written(batch.length);
    });
  } catch (error) {
    await undo(Officer, work).catch((undoError: unknown) => {
      throw new AggregateError([error, undoError], 'officer import failed midway and could not be undone; importing the same rows again completes it');
    });
    throw error;
  }
}

function changesEmail({ before, update }: Plan['updates'][number]): boolean {
  return before.email !== undefined && ('email' in update.$set || 'email' in update.$unset);
}

/** E-mails moving between officers are released first, so the unique index never sees two owners. */
async function releaseEmails(Officer: Model<Officer>, ids: Types.ObjectId[]): Promise<void> {
  await inBatches(ids, (batch) => Officer.updateMany({ _id: trusted({ $in: batch }) }, { $unset: { email: 1 } }, { timestamps: false }));
}

async function undo(Officer: Model<Officer>, work: Plan): Promise<void> {
  await inBatches(work.inserts.map((officer) => officer._id), (ids) => Officer.deleteMany({ _id: trusted({ $in: ids }) }));
  await releaseEmails(Officer, work.updates.filter(changesEmail).map((u) => u.before._id));
  const restores = work.updates.map(({ before }) => ({ replaceOne: { filter: { _id: before._id }, replacement: before } }));
  await inBatches(restores, (batch) => Officer.bulkWrite(batch, { ordered: false, timestamps: false }));
}

/**
 * Creates or updates officers by code. Text is trimmed and NFC-normalised; a row's
 * omitted optional fields keep their stored values, empty ones clear them. Problems are
 * reported per row (invalid fields, codes or e-mails repeated in the input, unknown or
 * inactive unit codes, e-mails of other officers); with any problem, or with `dryRun`,
 * nothing is written. Unit changes are recorded in the membership history on
 * `effectiveDate` (default now). `onProgress` hears rows validated, then (unless
 * nothing is written) documents written.
 */
export async function upsertOfficers(db: Connection, rows: readonly OfficerInput[], options: { dryRun: boolean; effectiveDate?: Date; onProgress?: UpsertProgress }): Promise<UpsertResult> {
  const [Unit, Officer] = await Promise.all([readyUnitModel(db), readyOfficerModel(db)]);
  const errors: RowError[] = [];
  const valid = await validateRows(rows, errors, options.onProgress);
  const rowByCode = new Map(valid.map(({ value }) => [value.code, value]));
  const units = await findIn(Unit, 'code', [...new Set(valid.map(({ value }) => value.unitCode))]);
  const existing = await findIn(Officer, 'code', [...rowByCode.keys()]);
  const emails = valid.flatMap(({ value }) => (value.email ? [value.email] : []));
  const emailOwners = await findIn(Officer, 'email', emails, { projection: { code: 1, email: 1 }, index: { email: 1 } });
  const unitsByCode = new Map(units.map((unit) => [unit.code, unit]));
  const existingByCode = new Map(existing.map((officer) => [officer.code, officer]));
  checkUnits(valid, unitsByCode, existingByCode, errors);
  checkEmails(valid, emailOwners, rowByCode, errors);
  const work = errors.length === 0 ? plan(valid, unitsByCode, existingByCode, options.effectiveDate ?? new Date(), errors) : null;
  if (!work || errors.length > 0) return { created: 0, updated: 0, unchanged: 0, errors: errors.sort((a, b) => a.row - b.row) };
  if (!options.dryRun) {
    await write(Officer, work, options.onProgress);
    const moves = work.updates.filter((u) => u.update.$set.unitId && !u.before.unitId.equals(u.update.$set.unitId));
    await accountsFollowOfficers(db, moves.map((u) => ({ officerId: u.before._id, unitId: u.update.$set.unitId! })));
    await officersChanged(db, [...work.inserts.map((o) => o._id), ...work.updates.map((u) => u.before._id)]);
  }
  return { created: work.inserts.length, updated: work.updates.length, unchanged: work.unchanged, errors };
}
