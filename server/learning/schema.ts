/** Input schemas of the learning routes (pages and /api/v1/me). */
import { z } from 'zod';
import { objectId } from '../validation';

const year = z.coerce.number().int().min(2000).max(2100);
/** item keys are short slugs ("bai-1", "kiem-tra") */
const itemKey = z.string().regex(/^[a-z0-9][a-z0-9-]{0,59}$/, { error: 'field_invalid_format' });
const optionKey = z.string().min(1).max(20);

export const yearQuery = z.object({ year: year.optional() });
export const moduleParams = z.object({ moduleId: objectId, year: year.optional() });
export const itemParams = z.object({ moduleId: objectId, itemKey });
/** The item page; a package item may name one of its SCOs. */
export const itemPageQuery = itemParams.extend({ sco: z.string().max(200).optional() });
export const attemptParams = z.object({ attemptId: objectId });

/** The no-JavaScript submit: one field per answered question, `q_<question id>`, one value or several. */
export const submitForm = z
  .object({ attemptId: objectId })
  .catchall(z.union([optionKey, z.array(optionKey).max(20)]))
  .transform(({ attemptId, ...fields }) => {
    const answers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(fields)) {
      const match = /^q_([0-9a-f]{24})$/.exec(name);
      if (match) answers[match[1]!] = Array.isArray(value) ? value : [value];
    }
    return { attemptId, answers };
  });

/** The autosave: `{answers: {<question id>: [option keys]}}` — the changed questions only. */
export const autosaveBody = z.object({
  attemptId: objectId,
  answers: z.record(z.string().regex(/^[0-9a-f]{24}$/, { error: 'field_invalid_id' }), z.array(optionKey).max(20)),
});
