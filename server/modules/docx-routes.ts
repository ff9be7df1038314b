/**
 * POST /authoring/modules/:id/items/:key/docx: a .docx converted into the lesson editor
 * for review (server/modules/docx-import). Nothing is saved here: the item page comes
 * back with the converted HTML in the editor and the lesson's saved state unchanged; the
 * author's Save stores it (and its images as media) through the ordinary lesson form.
 */
import type { NextFunction, Request, Response, Router } from 'express';
import multer from 'multer';
import path from 'node:path';
import { AppError } from '../errors';
import type { Services } from '../http/context';
import { route } from '../http/route';
import { skipUnlessObjectId } from '../units/scope';
import { authorModule } from './access';
import { convertDocx } from './docx-import';
import { emptyState, renderItem, stateOf } from './pages';
import { uploadParams } from './schema';
import { findItem } from './service';

/** multer, one file in memory, capped at MEDIA_DOC_MAX_MB; its failures as messages a coordinator understands. */
function uploadDocx(maxMb: number) {
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxMb * 1024 * 1024, files: 1, fields: 5, parts: 6 } }).single('file');
  return (req: Request, res: Response, next: NextFunction) =>
    upload(req, res, (error?: unknown) => {
      if (!error) return next();
      const code = (error as { code?: string }).code;
      next(code === 'LIMIT_FILE_SIZE' ? new AppError(413, 'docx_import_too_large', { max: maxMb }) : new AppError(400, 'upload_invalid'));
    });
}

export function registerDocxRoutes(router: Router, services: Services): void {
  route(router, services, {
    method: 'post',
    path: '/authoring/modules/:id/items/:key/docx',
    access: 'signed-in',
    before: [skipUnlessObjectId, uploadDocx(services.config.MEDIA_DOC_MAX_MB)],
    input: uploadParams,
    handle: async (ctx) => {
      const module = await authorModule(ctx, ctx.input.id);
      const item = findItem(module.draft, ctx.input.key);
      if (item.kind !== 'lesson') throw new AppError(400, 'media_lesson_only');
      const file = (ctx.req as Request & { file?: Express.Multer.File }).file;
      try {
        if (!file || file.size === 0) throw new AppError(422, 'media_no_file');
        const { html } = await convertDocx(services.config, file.buffer);
        const name = path.basename(Buffer.from(file.originalname, 'latin1').toString('utf8').normalize('NFC')).slice(0, 200);
        const state = { ...emptyState(), form: 'item', values: { title: item.title, body: html }, alert: { id: 'docx_import_done' as const, params: { name }, tone: 'success' as const } };
        await renderItem(ctx, module, item, state);
      } catch (error) {
        const state = stateOf(error, 'docx', {});
        if (!state) throw error;
        await renderItem(ctx, module, item, state, (error as { status: number }).status);
      }
    },
  });
}
