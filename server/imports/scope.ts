/**
 * Unit scoping of an import: a coordinator may only write officers into units of their
 * own subtree, and may not pull in (by mã cán bộ) an officer who currently serves
 * elsewhere. Each such row is reported like any other problem, so nothing is written.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { officerModel } from '../officers/model';
import { unitModel } from '../units/model';
import { columnLabel } from './columns';
import type { FileProblem } from './grid';
import type { ParsedFile } from './officer-file';

export interface ImportScope {
  /** hex ids of the units the importer may write to (their whole subtree) */
  unitIds: ReadonlySet<string>;
}

const LOOKUP_BATCH = 500;
const normalCode = (value: unknown) => (typeof value === 'string' ? value.trim().toUpperCase() : '');

/** The rows of `parsed` that reach outside `scope`, as problems on their cells. */
export async function scopeProblems(db: Connection, parsed: ParsedFile, scope: ImportScope): Promise<FileProblem[]> {
  const problems: FileProblem[] = [];
  const column = (field: 'unitCode' | 'code') => parsed.columns[field] ?? columnLabel(field);

  const unitCodes = [...new Set(parsed.rows.map((row) => normalCode(row.unitCode)).filter(Boolean))];
  const unitIdByCode = new Map<string, string>();
  for (let i = 0; i < unitCodes.length; i += LOOKUP_BATCH) {
    const units = await unitModel(db).find({ code: trusted({ $in: unitCodes.slice(i, i + LOOKUP_BATCH) }) }, { code: 1 }).lean<{ _id: Types.ObjectId; code: string }[]>();
    for (const unit of units) unitIdByCode.set(unit.code, unit._id.toHexString());
  }
  const officerCodes = [...new Set(parsed.rows.map((row) => normalCode(row.code)).filter(Boolean))];
  const officerUnitByCode = new Map<string, string>();
  for (let i = 0; i < officerCodes.length; i += LOOKUP_BATCH) {
    const officers = await officerModel(db).find({ code: trusted({ $in: officerCodes.slice(i, i + LOOKUP_BATCH) }) }, { code: 1, unitId: 1 }).lean<{ code: string; unitId: Types.ObjectId }[]>();
    for (const officer of officers) officerUnitByCode.set(officer.code, officer.unitId.toHexString());
  }

  parsed.rows.forEach((row, index) => {
    const line = parsed.lines[index] ?? 0;
    const unitCode = normalCode(row.unitCode);
    const unitId = unitIdByCode.get(unitCode);
    // unknown unit codes are the upsert's to report
    if (unitId && !scope.unitIds.has(unitId)) problems.push({ line, column: column('unitCode'), id: 'import_unit_out_of_scope', params: { code: unitCode } });
    const code = normalCode(row.code);
    const currentUnit = officerUnitByCode.get(code);
    if (currentUnit && !scope.unitIds.has(currentUnit)) problems.push({ line, column: column('code'), id: 'import_officer_out_of_scope', params: { code } });
  });
  return problems;
}
