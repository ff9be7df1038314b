/**
 * The question bank pages (/authoring/questions): the list by topic with counts, the
 * question form (create, edit), deactivating, and the XLSX import with its template.
 * Adding needs 'content.create' on the caller's unit (admins add province-wide
 * questions); editing needs 'content.author' on the question's owner.
 */
import type { NextFunction, Request, Response, Router } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { AppError } from '../errors';
import type { Services } from '../http/context';
import { route, type RouteContext, type SignedInContext } from '../http/route';
import { actorOfContext } from '../units/forms';
import { callerScope, skipUnlessObjectId } from '../units/scope';
import { check } from '../validation';
import { TOPICS, topicLabels } from '../modules/model';
import { ownedRef } from '../modules/service';
import { emptyState, stringValues, type EditorState } from '../modules/pages';
import { QUESTION_KINDS, questionModel, type Question } from './model';
import { activeForm, newQuestionQuery, OPTION_KEYS, questionFromForm, questionIdParams, questionListQuery, questionPageQuery, questionSchema } from './schema';
import { authorableQuestions, createQuestion, findQuestionOr404, topicCounts, updateQuestion } from './service';
import { importQuestions, kindLabels, questionTemplate } from './import';

const kinds = QUESTION_KINDS.map((kind) => ({ value: kind, label: kindLabels[kind] }));
const topics = TOPICS.map((topic) => ({ value: topic, label: topicLabels[topic] }));

/** The form's values for an existing question. */
function questionValues(q: Question): Record<string, string> {
  const values: Record<string, string> = { ref: q.ref, topic: q.topic, kind: q.kind, scenario: q.scenario ?? '', prompt: q.prompt, explanation: q.explanation, source: q.source ?? '', pools: (q.pools ?? []).join(', ') };
  q.options.forEach((o, i) => {
    values[`option_${OPTION_KEYS[i]}`] = o.text;
    if (o.correct) values[`correct_${OPTION_KEYS[i]}`] = 'on';
  });
  return values;
}

/** Authorizes adding questions for the caller; returns the owner new questions get (admins: province-wide). */
async function authorizeCreate(ctx: RouteContext<unknown>) {
  const scope = await callerScope(ctx.services.db, actorOfContext(ctx));
  ctx.authorize('content.create', scope.ref);
  return scope.root?._id ?? null;
}

function uploadSheet(maxMb: number) {
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxMb * 1024 * 1024, files: 1, fields: 5, parts: 6 } }).single('file');
  return (req: Request, res: Response, next: NextFunction) =>
    upload(req, res, (error?: unknown) => {
      if (!error) return next();
      next((error as { code?: string }).code === 'LIMIT_FILE_SIZE' ? new AppError(413, 'import_file_too_large', { max: maxMb }) : new AppError(400, 'upload_invalid'));
    });
}

export function registerQuestionRoutes(router: Router, services: Services): void {
  const { db } = services;

  const renderForm = (ctx: RouteContext<unknown>, question: Question | null, state: EditorState, status = 200, done?: string) =>
    ctx.res.status(status).render('authoring/question', { title: question ? 'question_edit_title' : 'question_new_title', question: question ? { id: question._id.toHexString(), ref: question.ref, active: question.active } : null, values: state.form ? state.values : question ? questionValues(question) : state.values, kinds, topics, optionKeys: OPTION_KEYS, state, done: done === 'saved' || done === 'created' ? 'question_done_saved' : null });

  const renderImport = (ctx: RouteContext<unknown>, status = 200, result: { problems?: { line: number; column: string; message: string }[]; error?: string; created?: number; updated?: number } = {}) =>
    ctx.res.status(status).render('authoring/questions-import', { title: 'question_import_title', maxMb: services.config.UPLOAD_MAX_MB, ...result });

  route(router, services, {
    method: 'get',
    path: '/authoring/questions',
    access: 'signed-in',
    input: questionListQuery,
    handle: async (ctx) => {
      await authorizeCreate(ctx);
      const inactive = ctx.input.inactive === '1';
      const questions = await authorableQuestions(db, ctx.actor, { topic: ctx.input.topic, active: !inactive });
      const counts = await topicCounts(db, ctx.actor);
      ctx.res.render('authoring/questions', {
        title: 'question_bank_title',
        topic: ctx.input.topic ?? null,
        inactive,
        topics: topics.map((t) => ({ ...t, count: counts[t.value] })),
        questions: questions.map((q) => ({ id: q._id.toHexString(), ref: q.ref, topicLabel: topicLabels[q.topic], kindLabel: kindLabels[q.kind], prompt: q.prompt, options: q.options.length, active: q.active })),
        done: ctx.input.done === 'deactivated' || ctx.input.done === 'activated' ? `question_done_${ctx.input.done}` : null,
      });
    },
  });

  route(router, services, {
    method: 'get',
    path: '/authoring/questions/new',
    access: 'signed-in',
    input: newQuestionQuery,
    handle: async (ctx) => {
      await authorizeCreate(ctx);
      await renderForm(ctx, null, { ...emptyState(), values: { topic: ctx.input.topic ?? '', kind: 'single' } });
    },
  });

  route(router, services, {
    method: 'post',
    path: '/authoring/questions',
    access: 'signed-in',
    handle: async (ctx) => {
      const owner = await authorizeCreate(ctx);
      const result = check(questionSchema, questionFromForm(ctx.req.body as Record<string, unknown>));
      const values = stringValues(ctx.req.body);
      if (!result.ok) return renderForm(ctx, null, { ...emptyState(), form: 'question', values, problems: Object.fromEntries(result.problems.map((p) => [p.field.split('.')[0]!, p.id])), alert: { id: 'form_has_errors' } }, 422);
      try {
        const question = await createQuestion(db, result.value, owner);
        ctx.res.redirect(303, `/authoring/questions/${question._id.toHexString()}?done=created`);
      } catch (error) {
        if (!(error instanceof AppError) || error.status !== 409) throw error;
        await renderForm(ctx, null, { ...emptyState(), form: 'question', values, problems: { ref: 'question_ref_taken' }, alert: { id: 'form_has_errors' } }, 409);
      }
    },
  });

  const loadForEdit = async (ctx: SignedInContext<{ id: Question['_id'] }>) => {
    const question = await findQuestionOr404(db, ctx.input.id);
    ctx.authorize('content.author', await ownedRef(db, question));
    return question;
  };

  route(router, services, {
    method: 'get',
    path: '/authoring/questions/:id',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: questionPageQuery,
    handle: async (ctx) => {
      const question = await loadForEdit(ctx);
      await renderForm(ctx, question, emptyState(), 200, ctx.input.done);
    },
  });

  route(router, services, {
    method: 'post',
    path: '/authoring/questions/:id',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: questionIdParams,
    handle: async (ctx) => {
      const question = await loadForEdit(ctx);
      const result = check(questionSchema, questionFromForm(ctx.req.body as Record<string, unknown>));
      const values = stringValues(ctx.req.body);
      if (!result.ok) return renderForm(ctx, question, { ...emptyState(), form: 'question', values, problems: Object.fromEntries(result.problems.map((p) => [p.field.split('.')[0]!, p.id])), alert: { id: 'form_has_errors' } }, 422);
      try {
        await updateQuestion(db, question, result.value);
      } catch (error) {
        if (!(error instanceof AppError) || error.status !== 409) throw error;
        return renderForm(ctx, question, { ...emptyState(), form: 'question', values, problems: { ref: 'question_ref_taken' }, alert: { id: 'form_has_errors' } }, 409);
      }
      ctx.res.redirect(303, `/authoring/questions/${question._id.toHexString()}?done=saved`);
    },
  });

  route(router, services, {
    method: 'post',
    path: '/authoring/questions/:id/active',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: activeForm,
    handle: async (ctx) => {
      const question = await loadForEdit(ctx);
      const active = ctx.input.active === 'on';
      // retired, never deleted: attempts keep their own copies, and a retired question can come back
      await questionModel(db).updateOne({ _id: question._id }, { $set: { active } });
      ctx.res.redirect(303, `/authoring/questions?topic=${question.topic}&done=${active ? 'activated' : 'deactivated'}`);
    },
  });

  route(router, services, {
    method: 'get',
    path: '/authoring/questions/import',
    access: 'signed-in',
    handle: async (ctx) => {
      await authorizeCreate(ctx);
      await renderImport(ctx);
    },
  });

  route(router, services, {
    method: 'get',
    path: '/authoring/questions/import/template.xlsx',
    access: 'signed-in',
    handle: async (ctx) => {
      await authorizeCreate(ctx);
      ctx.res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      ctx.res.attachment('mau-ngan-hang-cau-hoi.xlsx').send(await questionTemplate(ctx.locale));
    },
  });

  route(router, services, {
    method: 'post',
    path: '/authoring/questions/import',
    access: 'signed-in',
    before: [uploadSheet(services.config.UPLOAD_MAX_MB)],
    input: z.object({}).strict(),
    handle: async (ctx) => {
      const owner = await authorizeCreate(ctx);
      const file = (ctx.req as Request & { file?: Express.Multer.File }).file;
      if (!file || file.size === 0) return renderImport(ctx, 422, { error: 'import_no_file' });
      const outcome = await importQuestions(db, ctx.actor, owner, file.buffer, ctx.locale);
      if (!outcome.ok) return renderImport(ctx, 422, { problems: outcome.problems.map((p) => ({ line: p.line, column: p.column, message: ctx.t(p.id, p.params) })) });
      await ctx.audit({ action: 'question.import', details: { created: outcome.created, updated: outcome.updated, bytes: file.size } });
      await renderImport(ctx, 200, { created: outcome.created, updated: outcome.updated });
    },
  });
}
