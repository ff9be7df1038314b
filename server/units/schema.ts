/** Input schemas of the unit commands; HTTP routes reuse them so both report the same field ids. */
import { z } from 'zod';
import { code, date, objectId, text } from '../validation';
import { UNIT_KINDS } from './model';

export const unitName = text(200);

export const createUnitSchema = z
  .object({
    code,
    name: unitName,
    kind: z.enum(UNIT_KINDS),
    /** omitted or null: a root unit */
    parentId: objectId.nullable().optional(),
  })
  .strict();
export type CreateUnitInput = z.input<typeof createUnitSchema>;

export const renameUnitSchema = z.object({ unitId: objectId, name: unitName }).strict();
export const moveUnitSchema = z.object({ unitId: objectId, parentId: objectId.nullable() }).strict();
export const unitIdSchema = z.object({ unitId: objectId }).strict();
export const mergeUnitsSchema = z.object({ sourceId: objectId, targetId: objectId, effectiveDate: date }).strict();
