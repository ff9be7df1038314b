/**
 * Test data factories: each builds what it needs through the real services, with
 * unique codes, so a test only states what matters to it
 * (`buildOfficer({ unitId })`, `buildUnit({ parentId, name })`).
 */
import type { Connection } from 'mongoose';
import { createUnit } from '../server/units/service';
import { createOfficer } from '../server/officers/service';
import type { CreateUnitInput } from '../server/units/schema';
import type { CreateOfficerInput } from '../server/officers/schema';
import type { Unit } from '../server/units/model';
import type { Officer } from '../server/officers/model';

let connection: Connection | null = null;
let sequence = 0;

/** Set by openTestDatabase(): the database the factories write to. */
export function useFactoryConnection(target: Connection): void {
  connection = target;
}

function db(): Connection {
  if (!connection) throw new Error('factories: open a test database first (openTestDatabase)');
  return connection;
}

/** A unit; a root ('province') unless `parentId` is given, then a 'division'. */
export async function buildUnit(overrides: Partial<CreateUnitInput> = {}): Promise<Unit> {
  const n = ++sequence;
  return createUnit(db(), { code: `U${n}`, name: `Đơn vị thử ${n}`, kind: overrides.parentId ? 'division' : 'province', ...overrides });
}

/** A serving công chức; in a new unit of its own unless `unitId` is given. */
export async function buildOfficer(overrides: Partial<CreateOfficerInput> = {}): Promise<Officer> {
  const unitId = overrides.unitId ?? (await buildUnit())._id;
  const n = ++sequence;
  return createOfficer(db(), { code: `CB${n}`, fullName: `Nguyễn Văn Thử ${n}`, category: 'cong-chuc', ...overrides, unitId });
}
