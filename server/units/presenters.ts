/** What of a unit leaves the domain layer (JSON, views): an allowlist, ids as strings. */
import type { MessageId } from '../i18n';
import type { Unit, UnitKind } from './model';

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
