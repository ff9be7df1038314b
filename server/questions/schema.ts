/**
 * A question as it may be stored: zod at the edge (forms, XLSX rows). Text is trimmed and
 * NFC; single-choice, true/false and scenario questions have exactly one correct option,
 * multiple-choice at least one; true/false questions have exactly the options "Đúng" and
 * "Sai"; every question explains its answer.
 */
import { z } from 'zod';
import type { MessageId } from '../i18n';
import { objectId, optionalText, text } from '../validation';
import { TOPICS } from '../modules/model';
import { QUESTION_KINDS } from './model';

export const OPTION_KEYS = ['a', 'b', 'c', 'd', 'e', 'f'] as const;
export const TRUE_FALSE = ['Đúng', 'Sai'] as const;

const optionSchema = z.object({ text: text(500), correct: z.boolean() });

/** A module code as pools name them ("VHCV-THAI-DO"). */
const POOL_CODE = /^[A-Z0-9][A-Z0-9._-]{0,39}$/;

/**
 * The module pools of a question: module codes, typed as a list separated by commas,
 * semicolons or spaces (form, XLSX cell), or given as an array (starter content); upper
 * case, no repeats, at most 10.
 */
export const poolsSchema = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(/[\s,;]+/) : value ?? []),
  z
    .array(z.string().trim().toUpperCase())
    .transform((codes) => [...new Set(codes.filter(Boolean))])
    .pipe(z.array(z.string().regex(POOL_CODE, { error: 'question_pools_invalid' satisfies MessageId })).max(10, { error: 'question_pools_invalid' satisfies MessageId })),
);

export const questionSchema = z
  .object({
    ref: z
      .string()
      .trim()
      .toLowerCase()
      .max(60)
      .regex(/^$|^[a-z0-9][a-z0-9._-]*$/, { error: 'question_ref_invalid' satisfies MessageId })
      .optional(),
    topic: z.enum(TOPICS),
    kind: z.enum(QUESTION_KINDS),
    scenario: optionalText(3000),
    prompt: text(1000),
    options: z.array(optionSchema).min(2, { error: 'question_options_count' satisfies MessageId }).max(6, { error: 'question_options_count' satisfies MessageId }),
    explanation: text(3000),
    source: optionalText(200),
    pools: poolsSchema,
  })
  .superRefine((q, ctx) => {
    const correct = q.options.filter((o) => o.correct).length;
    if (q.kind === 'multiple' ? correct < 1 : correct !== 1) ctx.addIssue({ code: 'custom', path: ['correct'], message: (q.kind === 'multiple' ? 'question_some_correct' : 'question_one_correct') satisfies MessageId });
    if (q.kind === 'true-false' && (q.options.length !== 2 || q.options.some((o, i) => o.text !== TRUE_FALSE[i]))) ctx.addIssue({ code: 'custom', path: ['options'], message: 'question_true_false_options' satisfies MessageId });
    if (q.kind === 'scenario' && !q.scenario) ctx.addIssue({ code: 'custom', path: ['scenario'], message: 'question_scenario_required' satisfies MessageId });
  });
export type QuestionInput = z.output<typeof questionSchema>;

/**
 * The question form's fields as posted (option_a … option_f, correct_a … correct_f as
 * checkboxes) turned into the shape questionSchema checks. Blank options are dropped;
 * a true/false question with no options typed gets "Đúng" / "Sai".
 */
export function questionFromForm(body: Record<string, unknown>): unknown {
  const str = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
  let options = OPTION_KEYS.map((k) => ({ text: str(`option_${k}`), correct: body[`correct_${k}`] === 'on' })).filter((o) => o.text.trim() !== '');
  if (str('kind') === 'true-false' && options.length === 0) options = TRUE_FALSE.map((t, i) => ({ text: t, correct: body[`correct_${OPTION_KEYS[i]}`] === 'on' }));
  return { ref: str('ref'), topic: str('topic'), kind: str('kind'), scenario: str('scenario'), prompt: str('prompt'), options, explanation: str('explanation'), source: str('source'), pools: str('pools') };
}

export const questionListQuery = z.object({ topic: z.enum(TOPICS).optional().catch(undefined), inactive: z.enum(['1']).optional().catch(undefined), done: z.string().max(40).optional().catch(undefined) });
export const questionIdParams = z.object({ id: objectId }).loose();
export const questionPageQuery = z.object({ id: objectId, done: z.string().max(40).optional().catch(undefined) });
export const newQuestionQuery = z.object({ topic: z.enum(TOPICS).optional().catch(undefined) });
export const activeForm = z.object({ id: objectId, active: z.enum(['on', 'off']) }).strict();
