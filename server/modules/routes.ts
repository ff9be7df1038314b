/**
 * The authoring pages of modules (/authoring): the list, creating a module, the editor
 * (metadata, lessons, quizzes, order), publishing, archiving and the officer's-eye
 * preview. Every route loads the module (404), authorizes 'content.author' on its owner
 * (403) and only then changes anything; a refused form re-renders the page with the
 * problems, nothing half-written.
 */
import type { Router } from 'express';
import type { z } from 'zod';
import type { Services } from '../http/context';
import { route, type RouteContext, type SignedInContext } from '../http/route';
import { can } from '../policies';
import { callerScope, skipUnlessObjectId, unitOptions } from '../units/scope';
import { parse } from '../validation';
import type { LearningModule, LessonItem, ModuleContent } from './model';
import { prepareLessonBody, withAttachments } from './lesson-body';
import { publishModule } from './versions';
import { archiveForm, createModuleForm, itemParams, lessonFields, moduleIdParams, moduleListQuery, moduleMetadataForm, modulePageQuery, moveForm, packageFields, packageItemFields, quizFields } from './schema';
import { assignableModules, authorableModules, createModule, editDraft, findItem, findModuleOr404, itemKey, moveItem, ownedRef, publishProblems, quizSettings, setArchived, unitRefOf } from './service';
import { emptyState, presentModule, renderEditor, renderItem, stateOf, stringValues, topicOptions, type EditorState } from './pages';
import { renderPreview } from './preview';
import { registerMediaRoutes } from './media-routes';
import { registerDocxRoutes } from './docx-routes';
import { registerModuleApiRoutes } from './api-routes';
import { actorOfContext } from '../units/forms';
import { authorModule } from './access';
import { invalid } from '../errors';
import { usablePackage } from '../packages/access';

/** What the editor confirms after a form succeeded (`?done=`, shown as authoring_done_<name>). */
const DONE = { saved: 'saved', item_added: 'item_added', item_removed: 'item_removed' } as const;

export function registerModuleRoutes(router: Router, services: Services): void {
  const { db } = services;

  async function renderList(ctx: RouteContext<unknown>, archived: boolean, state: EditorState = emptyState(), status = 200, done?: string) {
    const actor = actorOfContext(ctx);
    const scope = await callerScope(db, actor);
    const modules = await Promise.all((await authorableModules(db, actor, archived)).map((m) => presentModule(db, m)));
    const home = scope.root ? { id: scope.root._id, ancestors: scope.root.ancestors } : null;
    const shared = archived ? [] : await Promise.all((await assignableModules(db, actor, home)).map((m) => presentModule(db, m)));
    const owners = await unitOptions(db, actor, 'content.create');
    ctx.res.status(status).render('authoring/index', {
      title: 'authoring_title',
      modules,
      shared,
      archived,
      owners,
      province: actor.role === 'admin',
      defaultOwner: scope.root?._id.toHexString() ?? '',
      topics: topicOptions,
      state,
      done: done === 'created' ? 'authoring_done_created' : null,
    });
  }

  route(router, services, {
    method: 'get',
    path: '/authoring',
    access: 'signed-in',
    input: moduleListQuery,
    handle: async (ctx) => {
      ctx.authorize('content.create', (await callerScope(db, ctx.actor)).ref);
      await renderList(ctx, ctx.input.archived === '1');
    },
  });

  route(router, services, {
    method: 'post',
    path: '/authoring/modules',
    access: 'signed-in',
    input: createModuleForm,
    invalid: async (ctx, problems) => {
      ctx.authorize('content.create', (await callerScope(db, actorOfContext(ctx))).ref);
      const state = { ...emptyState(), form: 'create', values: stringValues(ctx.req.body), problems: Object.fromEntries(problems.map((p) => [p.field, p.id])), alert: { id: 'form_has_errors' as const } };
      await renderList(ctx, false, state, 422);
    },
    handle: async (ctx) => {
      const { ownerUnitId, ...fields } = ctx.input;
      const owner = await unitRefOf(db, ownerUnitId ?? null);
      // a province-wide module (no owner) is authored by admins only, as the policy says
      if (owner) ctx.authorize('content.create', owner);
      else ctx.authorize('content.author', { owner: null });
      try {
        const module = await createModule(db, { ...fields, ownerUnitId: owner?.id ?? null }, ctx.account._id);
        await ctx.audit({ action: 'module.create', subject: { type: 'module', id: module._id }, unitId: owner?.id ?? null, details: { code: module.code } });
        ctx.res.redirect(303, `/authoring/modules/${module._id.toHexString()}?done=created`);
      } catch (error) {
        const state = stateOf(error, 'create', ctx.req.body);
        if (!state) throw error;
        await renderList(ctx, false, state, (error as { status: number }).status);
      }
    },
  });

  /**
   * The module page: its editor for those who may author it; a coordinator who may only
   * assign it (a province-wide module) sees it read-only with the assignment forms.
   */
  route(router, services, {
    method: 'get',
    path: '/authoring/modules/:id',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: modulePageQuery,
    handle: async (ctx) => {
      const module = await findModuleOr404(db, ctx.input.id);
      const owned = await ownedRef(db, module);
      if (!can(ctx.actor, 'content.author', owned)) {
        const scope = await callerScope(db, ctx.actor);
        ctx.authorize('content.create', scope.ref);
        ctx.authorize('module.view', { owner: owned.owner, home: scope.root ? { id: scope.root._id, ancestors: scope.root.ancestors } : null });
      } else ctx.authorize('content.author', owned);
      await renderEditor(ctx, module, emptyState(), 200, ctx.input.done);
    },
  });

  /** One editor form: authorize, apply `command`, redirect with `done`; a refusal re-renders the editor. */
  function editorForm<S extends z.ZodType<{ id: LearningModule['_id'] }>>(spec: { path: string; form: string; input: S; command: (ctx: SignedInContext<z.output<S>>, module: LearningModule) => Promise<string> }) {
    route(router, services, {
      method: 'post',
      path: spec.path,
      access: 'signed-in',
      before: [skipUnlessObjectId],
      input: spec.input,
      invalid: async (ctx, problems) => {
        const module = await authorModule(ctx, String(ctx.req.params['id']));
        await renderEditor(ctx, module, { ...emptyState(), form: spec.form, values: stringValues(ctx.req.body), problems: Object.fromEntries(problems.map((p) => [p.field, p.id])), alert: { id: 'form_has_errors' } }, 422);
      },
      handle: async (ctx) => {
        const module = await authorModule(ctx, ctx.input.id);
        try {
          const done = await spec.command(ctx as never, module);
          ctx.res.redirect(303, `/authoring/modules/${module._id.toHexString()}?done=${done}`);
        } catch (error) {
          const state = stateOf(error, spec.form, ctx.req.body);
          if (!state) throw error;
          await renderEditor(ctx, await findModuleOr404(db, module._id), state, (error as { status: number }).status);
        }
      },
    });
  }

  editorForm({
    path: '/authoring/modules/:id',
    form: 'metadata',
    input: moduleMetadataForm,
    command: async (ctx, module) => {
      const { title, topic, description, estimatedMinutes, order } = ctx.input;
      await editDraft(db, module, (draft) => Object.assign(draft, { title, topic, description: description ?? '', estimatedMinutes, order }));
      return DONE.saved;
    },
  });

  editorForm({
    path: '/authoring/modules/:id/lessons',
    form: 'lesson',
    input: moduleIdParams.extend(lessonFields.shape).strict(),
    command: async (ctx, module) => {
      const { title, body: raw } = ctx.input as unknown as z.output<typeof lessonFields>;
      const { body, images } = await prepareLessonBody(services.config, raw);
      await editDraft(db, module, (draft) => draft.items.push({ kind: 'lesson', key: itemKey(draft.items, title), title, body, attachments: images }));
      return DONE.item_added;
    },
  });

  editorForm({
    path: '/authoring/modules/:id/quizzes',
    form: 'quiz',
    input: moduleIdParams.extend(quizFields.shape).strict(),
    command: async (ctx, module) => {
      const settings = quizSettings(ctx.input as unknown as z.output<typeof quizFields>, module.code);
      await editDraft(db, module, (draft) => draft.items.push({ kind: 'quiz', key: itemKey(draft.items, settings.title), ...settings }));
      return DONE.item_added;
    },
  });

  editorForm({
    path: '/authoring/modules/:id/packages',
    form: 'package',
    input: moduleIdParams.extend(packageFields.shape).strict(),
    command: async (ctx, module) => {
      const { title, packageId } = ctx.input as unknown as z.output<typeof packageFields>;
      // only a package of the caller's subtree or a province-wide one (the form lists those)
      const record = await usablePackage(db, await callerScope(db, ctx.actor), packageId);
      if (!record) throw invalid([{ field: 'packageId', id: 'package_not_found' }]);
      await editDraft(db, module, (draft) => draft.items.push({ kind: 'package', key: itemKey(draft.items, title), title, packageId: record._id, sco: null }));
      return DONE.item_added;
    },
  });

  editorForm({
    path: '/authoring/modules/:id/items/:key/move',
    form: 'move',
    input: moveForm,
    command: async (ctx, module) => {
      await editDraft(db, module, (draft) => moveItem(draft, ctx.input.key, ctx.input.direction));
      return DONE.saved;
    },
  });

  editorForm({
    path: '/authoring/modules/:id/items/:key/remove',
    form: 'remove',
    input: itemParams,
    command: async (ctx, module) => {
      const key = String(ctx.input['key']);
      findItem(module.draft, key);
      await editDraft(db, module, (draft) => draft.items.splice(draft.items.findIndex((i) => i.key === key), 1));
      return DONE.item_removed;
    },
  });

  editorForm({
    path: '/authoring/modules/:id/archive',
    form: 'archive',
    input: archiveForm,
    command: async (ctx, module) => {
      const archived = ctx.input.archived === 'on';
      await setArchived(db, module._id, archived);
      await ctx.audit({ action: archived ? 'module.archive' : 'module.unarchive', subject: { type: 'module', id: module._id }, unitId: module.ownerUnitId, details: { code: module.code } });
      return archived ? 'archived' : 'unarchived';
    },
  });

  route(router, services, {
    method: 'post',
    path: '/authoring/modules/:id/publish',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: moduleIdParams,
    handle: async (ctx) => {
      const module = await authorModule(ctx, ctx.input.id);
      const problems = await publishProblems(db, module.draft);
      if (problems.length) return renderEditor(ctx, module, { ...emptyState(), form: 'publish', alert: { id: 'module_publish_refused' }, publishProblems: problems }, 409);
      const version = await publishModule(db, module._id, ctx.account._id);
      await ctx.audit({ action: 'module.publish', subject: { type: 'module', id: module._id }, unitId: module.ownerUnitId, details: { code: module.code, version: version.version } });
      ctx.res.redirect(303, `/authoring/modules/${module._id.toHexString()}?done=published`);
    },
  });

  route(router, services, {
    method: 'get',
    path: '/authoring/modules/:id/items/:key',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: itemParams,
    handle: async (ctx) => {
      const module = await authorModule(ctx, ctx.input.id);
      const done = typeof ctx.input['done'] === 'string' ? ctx.input['done'] : undefined;
      await renderItem(ctx, module, findItem(module.draft, String(ctx.input['key'])), emptyState(), 200, done);
    },
  });

  /** Saving an item: the fields are those of its kind (a lesson's body is sanitised here). */
  route(router, services, {
    method: 'post',
    path: '/authoring/modules/:id/items/:key',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: itemParams,
    handle: async (ctx) => {
      const module = await authorModule(ctx, ctx.input.id);
      const key = String(ctx.input['key']);
      const item = findItem(module.draft, key);
      const { id: _id, key: _key, ...fields } = ctx.input;
      try {
        // a lesson's inline images are stored before the draft changes (an unused stored file is harmless)
        const lesson = item.kind === 'lesson' ? parse(lessonFields, fields) : null;
        const prepared = lesson ? await prepareLessonBody(services.config, lesson.body) : null;
        const change = (draft: ModuleContent) => {
          const index = draft.items.findIndex((i) => i.key === key);
          if (item.kind === 'lesson') {
            const current = draft.items[index] as LessonItem;
            draft.items[index] = { ...current, title: lesson!.title, body: prepared!.body, attachments: withAttachments(current.attachments, prepared!.images) };
          } else if (item.kind === 'package') {
            const { minScore: _old, ...rest } = item;
            draft.items[index] = { ...rest, ...parse(packageItemFields, fields) };
          } else {
            draft.items[index] = { kind: 'quiz', key, ...quizSettings(parse(quizFields, fields), module.code) };
          }
        };
        await editDraft(db, module, change);
        ctx.res.redirect(303, `/authoring/modules/${module._id.toHexString()}/items/${key}?done=saved`);
      } catch (error) {
        const state = stateOf(error, 'item', ctx.req.body);
        if (!state) throw error;
        await renderItem(ctx, module, item, state, (error as { status: number }).status);
      }
    },
  });

  route(router, services, {
    method: 'get',
    path: '/authoring/modules/:id/preview',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: moduleIdParams,
    handle: async (ctx) => {
      const module = await authorModule(ctx, ctx.input.id);
      await renderPreview(ctx, module);
    },
  });

  registerMediaRoutes(router, services);
  registerDocxRoutes(router, services);
  registerModuleApiRoutes(router, services);
}
