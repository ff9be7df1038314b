/**
 * Input schemas of the unit routes, one per route (params, query and body merged, as
 * route() hands them over). Forms and the API share the command schemas' field rules, so
 * a page and a client see the same field ids. Also the form field shapes both page
 * modules use: an HTML form sends '' for an untouched field and "on" for a ticked box.
 */
import { z } from 'zod';
import type { MessageId } from '../i18n';
import { code, date, objectId } from '../validation';
import { UNIT_KINDS } from './model';
import { createUnitSchema, unitName } from './schema';

// ---- form fields ----

const blankToUndefined = (value: unknown) => (value === '' ? undefined : value);

/** A required choice from a <select>: the empty "choose…" option reads as missing, not as a bad id. */
export const formId = z.preprocess(blankToUndefined, objectId);
/** A required choice among `values` from a <select> whose first option is an empty "choose…". */
// (through z.string(): zod reports a missing enum value as a bad choice, a missing string as missing)
export const formChoice = <T extends readonly [string, ...string[]]>(values: T) => z.preprocess(blankToUndefined, z.string().pipe(z.enum(values)));
/** A required <input type="date">. */
export const formDate = z.preprocess(blankToUndefined, date);
/** An optional <input type="date">: left empty means "today" to the command. */
export const optionalFormDate = z.preprocess(blankToUndefined, date.optional());
/** A checkbox: present ("on") when ticked, absent otherwise. */
export const checkbox = z.preprocess((value) => value === 'on' || value === 'true' || value === true, z.boolean());
/** A query-string choice that a page ignores when it is not one of `values`. */
export const lenientChoice = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values).optional().catch(undefined);

// ---- pages ----

export const unitTreeQuery = z.object({ inactive: lenientChoice(['1']) });

/** What the page confirms after a form succeeded (a redirect's `?done=`). */
export const UNIT_DONE = ['created', 'renamed', 'moved', 'deactivated', 'merged'] as const;
export type UnitDone = (typeof UNIT_DONE)[number];

export const unitPageQuery = z.object({ id: objectId, done: lenientChoice(UNIT_DONE) });

export const createChildForm = z.object({ id: objectId, code, name: unitName, kind: z.enum(UNIT_KINDS) }).strict();
export const renameForm = z.object({ id: objectId, name: unitName }).strict();
export const moveForm = z.object({ id: objectId, parentId: formId }).strict();
export const deactivateForm = z.object({ id: objectId }).strict();
export const mergeForm = z.object({ id: objectId, targetId: formId, effectiveDate: formDate }).strict();

// ---- JSON API ----

export const apiUnitListQuery = z.object({ includeInactive: z.enum(['true', 'false']).optional() }).strict();
export const apiUnitId = z.object({ id: objectId }).strict();
export const apiCreateUnit = createUnitSchema;
export const apiPatchUnit = z
  .object({ id: objectId, name: unitName.optional(), parentId: objectId.optional() })
  .strict()
  .refine((patch) => patch.name !== undefined || patch.parentId !== undefined, { error: 'patch_empty' satisfies MessageId });
