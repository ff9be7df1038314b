/**
 * The shapes of the content files (content/README.md is the contract): module.json,
 * questions.json, and the module part of a bundle's bundle.json. Strict on purpose —
 * an unknown key is a typo that would otherwise be silently dropped, and non-NFC text
 * would make "Nguyễn" typed on two keyboards compare unequal.
 */
import { z } from 'zod';
import type { FieldProblem } from '../errors';
import { t, type Locale, type MessageId } from '../i18n';
import { MODULE_ORDERS, PACKAGE_COMPLETION, TOPICS, type ModuleContent, type ModuleItem, type PackageItem, type QuizItem } from '../modules/model';
import { QUESTION_KINDS } from '../questions/model';
import { humanString } from '../validation';

const isNfc = (value: string) => value === value.normalize('NFC');

/** Text that must already be NFC (content files are checked, not silently fixed). */
export const nfcText = (min: number, max: number) => humanString().min(min).max(max).refine(isNfc, { error: 'content_not_nfc' satisfies MessageId });

const itemKey = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/);
export const moduleCode = z.string().regex(/^[A-Z0-9][A-Z0-9._-]{1,39}$/);
export const questionRef = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,79}$/);

export const quizItemSchema = z.strictObject({
  kind: z.literal('quiz'),
  key: itemKey,
  title: nfcText(1, 200),
  // `pool`: a module code; the draw then takes only the topic's questions tagged with it
  draw: z.array(z.strictObject({ topic: z.enum(TOPICS), count: z.number().int().min(1).max(100), pool: moduleCode.optional() })).min(1).max(5),
  passPercent: z.number().int().min(0).max(100),
  attemptLimit: z.number().int().min(0).max(100),
  cooldownMinutes: z.number().int().min(0).max(10_080),
  timeLimitMinutes: z.number().int().min(0).max(600),
  review: z.enum(['after-submit', 'after-pass', 'never']),
  shuffleOptions: z.boolean(),
});

const fileLessonItemSchema = z.strictObject({ kind: z.literal('lesson'), key: itemKey, title: nfcText(1, 200), file: z.string().min(1).max(200) });
/** An H5P/SCORM package item: `folder` holds the unzipped package (under content/packages), zipped and stored on load. */
const filePackageItemSchema = z.strictObject({ kind: z.literal('package'), key: itemKey, title: nfcText(1, 200), folder: z.string().min(1).max(200) });

/** Keys repeated in a list → one problem per repeat, at its index. */
function uniqueBy<T>(list: readonly T[], keyOf: (item: T) => string, ctx: z.RefinementCtx, id: MessageId, field: (index: number) => (string | number)[]) {
  const seen = new Set<string>();
  list.forEach((item, index) => {
    const key = keyOf(item);
    if (seen.has(key)) ctx.addIssue({ code: 'custom', message: id, path: field(index) });
    seen.add(key);
  });
}

const moduleFields = {
  code: moduleCode,
  title: nfcText(1, 200),
  topic: z.enum(TOPICS),
  description: nfcText(0, 2000),
  estimatedMinutes: z.number().int().min(1).max(6000),
  /** absent = lessons first */
  order: z.enum(MODULE_ORDERS).optional(),
};

export const moduleFileSchema = z.strictObject({ ...moduleFields, items: z.array(z.discriminatedUnion('kind', [fileLessonItemSchema, quizItemSchema, filePackageItemSchema])).min(1).max(100) }).superRefine((module, ctx) => {
  uniqueBy(module.items, (item) => item.key, ctx, 'content_item_key_duplicate', (i) => ['items', i, 'key']);
});
export type ModuleFile = z.output<typeof moduleFileSchema>;

const optionSchema = z.strictObject({ key: z.string().regex(/^[a-z]$/), text: nfcText(1, 1000), correct: z.boolean() });

export const questionSchema = z
  .strictObject({
    ref: questionRef,
    topic: z.enum(TOPICS),
    kind: z.enum(QUESTION_KINDS),
    scenario: nfcText(0, 4000).nullable(),
    prompt: nfcText(1, 2000),
    options: z.array(optionSchema).min(2).max(8),
    explanation: nfcText(0, 4000),
    source: nfcText(0, 200).nullable(),
    /** the module pools it belongs to (module codes); absent: a shared question of its topic */
    pools: z.array(moduleCode).max(10).optional(),
  })
  .superRefine((q, ctx) => {
    const correct = q.options.filter((o) => o.correct).length;
    const fail = (id: MessageId, path: string) => ctx.addIssue({ code: 'custom', message: id, path: [path] });
    if ((q.kind === 'single' || q.kind === 'scenario') && correct !== 1) fail('content_single_one_correct', 'options');
    if (q.kind === 'multiple' && correct < 1) fail('content_multiple_some_correct', 'options');
    if (q.kind === 'true-false' && (q.options.length !== 2 || correct !== 1)) fail('content_true_false_shape', 'options');
    if (q.kind === 'scenario' && !q.scenario?.trim()) fail('content_scenario_missing', 'scenario');
    uniqueBy(q.options, (o) => o.key, ctx, 'content_option_key_duplicate', (i) => ['options', i, 'key']);
  });
export type QuestionFile = z.output<typeof questionSchema>;

export const questionsFileSchema = z.array(questionSchema).max(5000).superRefine((list, ctx) => {
  list.forEach((q, index) => {
    if (list.findIndex((other) => other.ref === q.ref) !== index) ctx.addIssue({ code: 'custom', message: 'content_ref_duplicate', path: [index, 'ref'] });
  });
});

const attachmentSchema = z.strictObject({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  name: nfcText(1, 200),
  mime: z.string().regex(/^[a-z]+\/[a-z0-9.+-]+$/).max(100),
  size: z.number().int().min(0),
});
const bundleLessonSchema = z.strictObject({ kind: z.literal('lesson'), key: itemKey, title: nfcText(1, 200), body: z.string().max(1_000_000), attachments: z.array(attachmentSchema).max(50) });

/** An H5P / SCORM item: `package` names the `packages/<sha256>` entry holding the package's zip. */
const bundlePackageSchema = z.strictObject({
  kind: z.literal('package'),
  key: itemKey,
  title: nfcText(1, 200),
  package: z.string().regex(/^[0-9a-f]{64}$/),
  sco: z.string().min(1).max(200).nullable(),
  // the item's completion rule (issue #14); absent = the default, so older bundles and platforms agree
  completion: z.enum(PACKAGE_COMPLETION).optional(),
  minScore: z.number().int().min(1).max(100).optional(),
});

/** A package item's completion rule as stored and exported: nothing for the default. */
export function completionRule(item: Pick<PackageItem, 'completion' | 'minScore'>): Pick<PackageItem, 'completion' | 'minScore'> {
  if (!item.completion || item.completion === 'auto') return {};
  return item.completion === 'score' && item.minScore !== undefined ? { completion: 'score', minScore: item.minScore } : { completion: item.completion };
}

export const BUNDLE_FORMAT = 'vhcv-module-bundle';
/** 1: lessons and quizzes; 2: also H5P / SCORM items. A bundle without packages is still written as 1, so older platforms read it. */
export const BUNDLE_FORMAT_VERSION = 2;

/** bundle.json (text is normalised to NFC before this check: a bundle is foreign input, fixed rather than refused). */
export const bundleSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  formatVersion: z.union([z.literal(1), z.literal(BUNDLE_FORMAT_VERSION)]),
  exportedAt: z.string().max(40),
  module: z.strictObject({ ...moduleFields, items: z.array(z.discriminatedUnion('kind', [bundleLessonSchema, quizItemSchema, bundlePackageSchema])).min(1).max(100) }).superRefine((module, ctx) => {
    uniqueBy(module.items, (item) => item.key, ctx, 'content_item_key_duplicate', (i) => ['items', i, 'key']);
  }),
  questions: questionsFileSchema,
});
export type Bundle = z.output<typeof bundleSchema>;

/** A problem in a content file: which file, where in it ("[3].options"), what. */
export interface ContentProblem {
  file: string;
  path: string;
  id: MessageId;
  params?: Record<string, unknown>;
}

/** "3.options.0.key" → "[3].options[0].key" (how the README and editors show JSON paths). */
export function jsonPath(field: string): string {
  if (!field) return '';
  return field
    .split('.')
    .map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
}

export function problemsOf(file: string, problems: readonly FieldProblem[]): ContentProblem[] {
  return problems.map((p) => ({ file, path: jsonPath(p.field), id: p.id }));
}

/** One problem as a line of text: "giao-tiep/questions.json [3].options: …". */
export function problemText(problem: ContentProblem, locale: Locale = 'vi'): string {
  return t(locale, 'content_problem', { file: problem.file, path: problem.path, message: t(locale, problem.id, problem.params) }).replace(/ :/, ':');
}

/** Every string in a JSON value in NFC (bundles come from elsewhere: normalise, then validate). */
export function normalizeDeep(value: unknown): unknown {
  if (typeof value === 'string') return value.normalize('NFC');
  if (Array.isArray(value)) return value.map(normalizeDeep);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.normalize('NFC'), normalizeDeep(v)]));
  return value;
}

/**
 * A module's content as a canonical plain object (fixed key order, no database extras),
 * so a file's content and a stored version compare with one JSON.stringify.
 */
export function canonicalContent(content: ModuleContent): ModuleContent {
  const item = (i: ModuleItem): ModuleItem => {
    if (i.kind === 'lesson') return { kind: 'lesson', key: i.key, title: i.title, body: i.body ?? '', attachments: (i.attachments ?? []).map((a) => ({ sha256: a.sha256, name: a.name, mime: a.mime, size: a.size })) };
    if (i.kind === 'package') return { kind: 'package', key: i.key, title: i.title, packageId: i.packageId, sco: i.sco ?? null, ...completionRule(i) };
    const q = i as QuizItem;
    return {
      kind: 'quiz',
      key: q.key,
      title: q.title,
      draw: (q.draw ?? []).map((d) => ({ topic: d.topic, count: d.count, ...(d.pool ? { pool: d.pool } : {}) })),
      passPercent: q.passPercent,
      attemptLimit: q.attemptLimit,
      cooldownMinutes: q.cooldownMinutes,
      timeLimitMinutes: q.timeLimitMinutes,
      review: q.review,
      shuffleOptions: q.shuffleOptions,
    };
  };
  return { title: content.title, topic: content.topic, description: content.description ?? '', estimatedMinutes: content.estimatedMinutes, ...(content.order ? { order: content.order } : {}), items: content.items.map(item) };
}

export function sameContent(a: ModuleContent, b: ModuleContent): boolean {
  return JSON.stringify(canonicalContent(a)) === JSON.stringify(canonicalContent(b));
}
