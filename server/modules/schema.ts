/**
 * Input schemas of the authoring routes (params, query and body merged, as route() hands
 * them over). Every text is trimmed and NFC; numbers come from form fields as strings.
 */
import { z } from 'zod';
import type { MessageId } from '../i18n';
import { code, humanString, objectId, optionalText, text } from '../validation';
import { LESSON_FORM_MAX_MB } from './lesson-body';
import { MODULE_ORDERS, PACKAGE_COMPLETION, TOPICS } from './model';

const blankToUndefined = (value: unknown) => (value === '' ? undefined : value);
/** A whole number typed in a form field, within [min, max]. */
const count = (min: number, max: number) => z.preprocess(blankToUndefined, z.coerce.number().int().min(min).max(max));
const checkbox = z.preprocess((value) => value === 'on' || value === 'true' || value === true, z.boolean());

/** An item key as made by itemKey(): lower-case ASCII words joined by "-". */
export const itemKeySchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, { error: 'field_invalid_format' satisfies MessageId });

export const moduleListQuery = z.object({ archived: z.enum(['1']).optional().catch(undefined), done: z.string().max(40).optional().catch(undefined) });

const metadata = {
  title: text(200),
  topic: z.enum(TOPICS),
  description: optionalText(2000),
  estimatedMinutes: count(1, 600),
};

/** Creating a module; an empty owner means province-wide (admins only). */
export const createModuleForm = z.object({ code, ...metadata, ownerUnitId: z.preprocess(blankToUndefined, objectId.optional()) }).strict();
export const moduleMetadataForm = z.object({ id: objectId, ...metadata, order: z.enum(MODULE_ORDERS).default('lessons-first') }).strict();
export const moduleIdParams = z.object({ id: objectId });
export const modulePageQuery = z.object({ id: objectId, done: z.string().max(40).optional().catch(undefined) });
export const archiveForm = z.object({ id: objectId, archived: z.enum(['on', 'off']) }).strict();

/**
 * A lesson's fields (its body is sanitised by the command, not here). The raw body may
 * carry pasted images as data: URLs, hence its size; the stored body's own limit
 * (LESSON_BODY_MAX) is checked after the images have become /media links.
 */
export const lessonFields = z.object({ title: text(200), body: humanString().max(LESSON_FORM_MAX_MB * 1024 * 1024).default('') }).strict();

const drawFields = Object.fromEntries(TOPICS.map((topic) => [`draw_${topic}`, count(0, 200).default(0)])) as Record<`draw_${(typeof TOPICS)[number]}`, z.ZodDefault<ReturnType<typeof count>>>;

/** A quiz's fields: one draw count per topic (0 = none) and the rules of its attempts. */
export const quizFields = z
  .object({
    title: text(200),
    ...drawFields,
    passPercent: count(0, 100),
    attemptLimit: count(0, 100),
    cooldownMinutes: count(0, 10_080),
    timeLimitMinutes: count(0, 600),
    review: z.enum(['after-submit', 'after-pass', 'never']),
    shuffleOptions: checkbox,
    /** draw only the questions of this module's pool (tagged with its code) */
    ownPool: checkbox,
  })
  .strict();
export type QuizFields = z.output<typeof quizFields>;

/** A package item: its title and one of the packages the author may use. */
export const packageFields = z.object({ title: text(200), packageId: objectId }).strict();
/**
 * Editing a package item: its title and what completes it (the package itself is chosen
 * when the item is added); a minimum score only with the 'score' rule, and required there.
 */
export const packageItemFields = z
  .object({
    title: text(200),
    completion: z.enum(PACKAGE_COMPLETION).default('auto'),
    minScore: z.preprocess((value) => (value === '' ? undefined : value), z.coerce.number().int().min(1).max(100).optional()),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.completion === 'score' && value.minScore === undefined) ctx.addIssue({ code: 'custom', path: ['minScore'], message: 'field_required' });
  })
  .transform((value) => ({ title: value.title, completion: value.completion, ...(value.completion === 'score' ? { minScore: value.minScore } : {}) }));

/** Item routes: the module and the item's key; the fields are parsed by kind in the handler. */
export const itemParams = z.object({ id: objectId, key: itemKeySchema }).loose();
export const moveForm = z.object({ id: objectId, key: itemKeySchema, direction: z.enum(['up', 'down']) }).strict();
export const attachmentParams = z.object({ id: objectId, key: itemKeySchema, sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict();
/** The body of a multipart upload holds only the CSRF token (and the file, which multer takes). */
export const uploadParams = z.object({ id: objectId, key: itemKeySchema }).strict();
export const mediaParams = z.object({ sha256: z.string() }).strict();
export const apiModuleListQuery = z.object({}).strict();
