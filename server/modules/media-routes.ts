/**
 * Lesson attachments: upload (multer to a temporary folder under DATA_DIR, so a big video
 * never sits in memory), type decided by the file's first bytes — never by its name or
 * the browser's MIME — and a size limit per kind; a refused file is deleted at once and
 * nothing is stored. Accepted files go to the content-addressed store (server/media).
 * GET /media/:sha256 serves them to any signed-in user.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, Response, Router } from 'express';
import multer from 'multer';
import { AppError, notFound } from '../errors';
import type { Services } from '../http/context';
import { route } from '../http/route';
import { adoptMediaFile, hashFile, isSha256, mediaPath } from '../media/store';
import { sniffMedia } from '../media/sniff';
import { skipUnlessObjectId } from '../units/scope';
import { moduleModel, moduleVersionModel, type Attachment, type LearningModule, type LessonItem, type ModuleItem } from './model';
import { renderItem, stateOf } from './pages';
import { authorModule } from './access';
import { attachmentParams, mediaParams, uploadParams } from './schema';
import { editDraft, findItem } from './service';

// moved to server/media/sniff (pasted images need it too); re-exported for existing callers
export { sniffMedia, type MediaKind } from '../media/sniff';

async function readHead(file: string): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(16);
    const { bytesRead } = await handle.read(head, 0, 16, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** multer to DATA_DIR/tmp/uploads with the largest limit; the kind's own limit is checked after sniffing. */
function uploadToDisk(services: Services) {
  const dir = path.join(services.config.DATA_DIR, 'tmp', 'uploads');
  const maxMb = Math.max(services.config.MEDIA_MAX_MB, services.config.MEDIA_DOC_MAX_MB);
  const upload = multer({ storage: multer.diskStorage({ destination: (_req, _file, done) => fs.promises.mkdir(dir, { recursive: true }).then(() => done(null, dir), (error: Error) => done(error, dir)) }), limits: { fileSize: maxMb * 1024 * 1024, files: 1, fields: 5, parts: 6 } }).single('file');
  return (req: Request, res: Response, next: NextFunction) =>
    upload(req, res, (error?: unknown) => {
      if (!error) return next();
      // multer deletes the partial file itself when it aborts
      const code = (error as { code?: string }).code;
      next(code === 'LIMIT_FILE_SIZE' ? new AppError(413, 'media_too_large', { max: maxMb }) : new AppError(400, 'upload_invalid'));
    });
}

/** The display name of an attachment, from the multipart header (latin1 bytes of UTF-8). */
const uploadName = (file: Express.Multer.File) => path.basename(Buffer.from(file.originalname, 'latin1').toString('utf8').normalize('NFC')).slice(0, 200) || 'tep';

/** Checks the temporary upload; stores it and returns its record, or throws (the caller removes the file). */
async function acceptUpload(services: Services, file: Express.Multer.File): Promise<Attachment> {
  const kind = sniffMedia(await readHead(file.path));
  if (!kind) throw new AppError(415, 'media_type_refused');
  const maxMb = kind.size === 'video' ? services.config.MEDIA_MAX_MB : services.config.MEDIA_DOC_MAX_MB;
  if (file.size > maxMb * 1024 * 1024) throw new AppError(413, 'media_too_large', { max: maxMb });
  const sha256 = await hashFile(file.path);
  await adoptMediaFile(services.config.DATA_DIR, file.path, sha256);
  return { sha256, name: uploadName(file), mime: kind.mime, size: file.size };
}

export function registerMediaRoutes(router: Router, services: Services): void {
  const { db } = services;

  route(router, services, {
    method: 'post',
    path: '/authoring/modules/:id/items/:key/attachments',
    access: 'signed-in',
    before: [skipUnlessObjectId, uploadToDisk(services)],
    input: uploadParams,
    handle: async (ctx) => {
      const file = (ctx.req as Request & { file?: Express.Multer.File }).file;
      // a refused (or already adopted) upload leaves nothing behind, and is gone before the answer
      const discard = () => (file ? fs.promises.rm(file.path, { force: true }) : Promise.resolve());
      let module: LearningModule | undefined;
      let item: ModuleItem | undefined;
      try {
        const found = await authorModule(ctx, ctx.input.id);
        module = found;
        const target = findItem(found.draft, ctx.input.key);
        item = target;
        if (target.kind !== 'lesson') throw new AppError(400, 'media_lesson_only');
        if (!file || file.size === 0) throw new AppError(422, 'media_no_file');
        const attachment = await acceptUpload(services, file);
        await editDraft(db, found, (draft) => {
          const lesson = findItem(draft, target.key) as LessonItem;
          if (!lesson.attachments.some((a) => a.sha256 === attachment.sha256)) lesson.attachments.push(attachment);
        });
        await ctx.audit({ action: 'module.attach', subject: { type: 'module', id: found._id }, unitId: found.ownerUnitId, details: { item: target.key, sha256: attachment.sha256, mime: attachment.mime, size: attachment.size } });
        ctx.res.redirect(303, `/authoring/modules/${found._id.toHexString()}/items/${target.key}?done=attached`);
      } catch (error) {
        await discard();
        const state = stateOf(error, 'upload', {});
        // before the module and item were loaded (404, 403) the error page answers
        if (!state || !module || !item) throw error;
        await renderItem(ctx, module, item, state, (error as { status: number }).status);
      }
      await discard();
    },
  });

  route(router, services, {
    method: 'post',
    path: '/authoring/modules/:id/items/:key/attachments/:sha256/remove',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: attachmentParams,
    handle: async (ctx) => {
      const module = await authorModule(ctx, ctx.input.id);
      const item = findItem(module.draft, ctx.input.key);
      // the stored file stays: published versions and other lessons may still use it
      await editDraft(db, module, (draft) => {
        const lesson = findItem(draft, item.key);
        if (lesson.kind === 'lesson') lesson.attachments = lesson.attachments.filter((a) => a.sha256 !== ctx.input.sha256);
      });
      ctx.res.redirect(303, `/authoring/modules/${module._id.toHexString()}/items/${item.key}?done=saved`);
    },
  });

  /**
   * A stored attachment. Authorized as 'account.self': lesson media are course material
   * every signed-in person may read (any of them may be assigned the module, and a
   * digest is unguessable), while strangers are turned away. Served with the MIME found
   * by sniffing (never from the name), nosniff, inline with its name, and a CSP that lets
   * the file run nothing even if opened on its own.
   */
  route(router, services, {
    method: 'get',
    path: '/media/:sha256',
    access: 'signed-in',
    input: mediaParams,
    handle: async (ctx) => {
      ctx.authorize('account.self', { id: ctx.actor.id });
      const { sha256 } = ctx.input;
      if (!isSha256(sha256)) throw notFound('media_not_found');
      const file = mediaPath(services.config.DATA_DIR, sha256);
      if (!fs.existsSync(file)) throw notFound('media_not_found');
      const kind = sniffMedia(await readHead(file));
      if (!kind) throw notFound('media_not_found');
      const record = await attachmentRecord(services, sha256);
      const name = record?.name ?? sha256;
      ctx.res.set({
        'Content-Type': kind.mime,
        'X-Content-Type-Options': 'nosniff',
        'Content-Disposition': `inline; filename*=UTF-8''${encodeURIComponent(name)}`,
        // no 'sandbox': Chromium's PDF viewer refuses to show a sandboxed document
        'Content-Security-Policy': "default-src 'none'",
        'Cache-Control': 'private, max-age=86400, immutable',
      });
      await new Promise<void>((resolve, reject) => ctx.res.sendFile(file, { dotfiles: 'deny' }, (error) => (error && !ctx.res.headersSent ? reject(error) : resolve())));
    },
  });

  async function attachmentRecord(s: Services, sha256: string): Promise<Attachment | null> {
    const inDraft = await moduleModel(s.db).findOne({ 'draft.items.attachments.sha256': sha256 }, { draft: 1 }).lean();
    const inVersion = inDraft ? null : await moduleVersionModel(s.db).findOne({ 'content.items.attachments.sha256': sha256 }, { content: 1 }).lean();
    const items = inDraft?.draft.items ?? inVersion?.content.items ?? [];
    for (const item of items) if (item.kind === 'lesson') for (const a of item.attachments ?? []) if (a.sha256 === sha256) return a;
    return null;
  }

}
