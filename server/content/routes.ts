/**
 * Module bundles over HTTP: download a module as a bundle (its latest published version,
 * or the draft with ?draft=1), and import a bundle as a new draft module owned by the
 * importer's unit — as a page with a form, and as `POST /api/v1/bundles`.
 */
import type { NextFunction, Request, Response, Router } from 'express';
import multer from 'multer';
import type { Types } from 'mongoose';
import { z } from 'zod';
import { AppError, isAppError, notFound } from '../errors';
import type { Services } from '../http/context';
import { route, type SignedInContext } from '../http/route';
import type { UnitRef } from '../policies';
import { unitModel, type Unit } from '../units/model';
import { callerScope, INSTALLATION, unitRef } from '../units/scope';
import { exportBundle, findModule } from './bundle-export';
import { importBundle, type ImportResult } from './bundle-import';
import { bundleImportAnswer } from './response-schemas';

/** multer, one file in memory, size-capped; its failures as messages a coordinator understands. */
function uploadBundle(maxMb: number) {
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxMb * 1024 * 1024, files: 1, fields: 5, parts: 6 } }).single('file');
  return (req: Request, res: Response, next: NextFunction) =>
    upload(req, res, (error?: unknown) => {
      if (!error) return next();
      const code = (error as { code?: string }).code;
      next(code === 'LIMIT_FILE_SIZE' ? new AppError(413, 'bundle_file_too_large', { max: maxMb }) : new AppError(400, 'upload_invalid'));
    });
}

/** The policy's view of a module's owner: its unit, or null for a province-wide module. */
async function ownerRef(ctx: SignedInContext<unknown>, ownerUnitId: Types.ObjectId | null): Promise<UnitRef | null> {
  if (!ownerUnitId) return null;
  const unit = await unitModel(ctx.services.db).findById(ownerUnitId, { ancestors: 1 }).lean<Pick<Unit, '_id' | 'ancestors'>>();
  // an owner unit that no longer exists: only an admin may act on what it left
  return unit ? unitRef(unit) : INSTALLATION;
}

const importInput = z.object({ code: z.string().trim().max(200).optional() });

/** Authorizes importing (creating content in the caller's unit) and imports the uploaded bundle. */
async function importUploaded(ctx: SignedInContext<z.output<typeof importInput>>): Promise<ImportResult> {
  const scope = await callerScope(ctx.services.db, ctx.actor);
  ctx.authorize('content.create', scope.ref);
  const file = (ctx.req as Request & { file?: Express.Multer.File }).file;
  if (!file || file.size === 0) throw new AppError(422, 'bundle_no_file');
  const result = await importBundle(ctx.services.db, file.buffer, { ownerUnitId: scope.root?._id ?? null, by: ctx.account._id, code: ctx.input.code, config: ctx.services.config });
  await ctx.audit({ action: 'bundle.import', subject: { type: 'module', id: result.id }, unitId: scope.root?._id ?? null, details: { code: result.code, bytes: file.size, questionsCreated: result.questionsCreated, questionsUpdated: result.questionsUpdated, questionsRenamed: result.questionsRenamed } });
  return result;
}

export function registerContentRoutes(router: Router, services: Services): void {
  const maxMb = services.config.UPLOAD_MAX_MB;
  const form = (ctx: SignedInContext<unknown>, status: number, error: { id: string; params?: Record<string, unknown> } | null, code = '') =>
    ctx.res.status(status).render('content/import', { title: 'bundle_import_title', maxMb, error, code });

  route(router, services, {
    method: 'get',
    path: '/authoring/modules/:id/bundle',
    access: 'signed-in',
    input: z.object({ id: z.string().max(64), draft: z.enum(['0', '1']).optional() }),
    handle: async (ctx) => {
      const module = await findModule(services.db, ctx.input.id);
      if (!module) throw notFound('bundle_module_not_found');
      ctx.authorize('content.author', { owner: await ownerRef(ctx, module.ownerUnitId) });
      const { filename, zip } = await exportBundle(services.db, services.config, module, { draft: ctx.input.draft === '1' });
      await ctx.audit({ action: 'bundle.export', subject: { type: 'module', id: module._id }, details: { code: module.code, draft: ctx.input.draft === '1' } });
      ctx.res.type('application/zip').attachment(filename).set('Cache-Control', 'no-store');
      zip.outputStream.pipe(ctx.res);
      await new Promise<void>((resolve, reject) => {
        ctx.res.once('finish', resolve);
        ctx.res.once('close', resolve);
        zip.outputStream.once('error', (error) => {
          // half a zip has been sent: cut the connection so the client sees a failed download
          ctx.res.destroy();
          reject(error);
        });
      });
    },
  });

  route(router, services, {
    method: 'get',
    path: '/authoring/bundles/import',
    access: 'signed-in',
    handle: async (ctx) => {
      ctx.authorize('content.create', (await callerScope(services.db, ctx.actor)).ref);
      form(ctx, 200, null);
    },
  });

  route(router, services, {
    method: 'post',
    path: '/authoring/bundles/import',
    access: 'signed-in',
    before: [uploadBundle(maxMb)],
    input: importInput,
    handle: async (ctx) => {
      try {
        const result = await importUploaded(ctx);
        ctx.res.redirect(303, `/authoring/modules/${result.id.toHexString()}?done=imported`);
      } catch (error) {
        // a refused bundle: the form again, saying why (authorization failures stay errors)
        if (!isAppError(error) || error.status === 403 || error.status >= 500) throw error;
        const problem = error.details?.[0]?.field === 'code' ? { id: 'code_invalid' } : { id: error.id, params: { max: maxMb, ...error.params } };
        form(ctx, error.status, problem, ctx.input.code ?? '');
      }
    },
  });

  route(router, services, {
    method: 'post',
    path: '/api/v1/bundles',
    access: 'signed-in',
    doc: { summary: 'Import a module bundle (ZIP, field `file`)', status: 201, response: bundleImportAnswer, multipart: true },
    before: [uploadBundle(maxMb)],
    input: importInput,
    handle: async (ctx) => {
      const result = await importUploaded(ctx);
      ctx.res.status(201).json({ id: result.id.toHexString(), code: result.code, questions: { created: result.questionsCreated, updated: result.questionsUpdated, renamed: result.questionsRenamed } });
    },
  });
}
