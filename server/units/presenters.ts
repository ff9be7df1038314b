/** What of a unit leaves the domain layer (JSON, views): an allowlist, ids as strings. */
import type { MessageId } from '../i18n';
import { z } from 'zod';
import { UNIT_KINDS, type Unit, type UnitKind } from './model';

/** UnitView as a schema (dates as JSON sends them), for the API description (server/apidocs). */
export const unitViewSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  kind: z.enum(UNIT_KINDS),
  parentId: z.string().nullable(),
  ancestorIds: z.array(z.string()),
  depth: z.number().int(),
  active: z.boolean(),
  mergedInto: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).strict();

export interface UnitView {
  id: string;
  code: string;
  name: string;
  kind: UnitKind;
  parentId: string | null;
  ancestorIds: string[];
  depth: number;
  active: boolean;
  mergedInto: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface UnitTreeNode extends UnitView {
  children: UnitTreeNode[];
}

export function presentUnit(unit: Unit): UnitView {
  return {
    id: unit._id.toHexString(),
    code: unit.code,
    name: unit.name,
    kind: unit.kind,
    parentId: unit.parentId ? unit.parentId.toHexString() : null,
    ancestorIds: unit.ancestors.map((id) => id.toHexString()),
    depth: unit.depth,
    active: unit.active,
    mergedInto: unit.mergedInto ? unit.mergedInto.toHexString() : null,
    createdAt: unit.createdAt,
    updatedAt: unit.updatedAt,
  };
}

/** Labels of the unit input fields, for problem lists and forms. */
export const unitFieldLabels: Record<string, MessageId> = {
  code: 'unit_field_code',
  name: 'unit_field_name',
  kind: 'unit_field_kind',
  parentId: 'unit_field_parent',
};
