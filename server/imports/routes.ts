/**
 * The officer import pages: template download, upload (multer, in memory, size-capped),
 * a persistent background job per upload (../jobs) with a progress page (polled by public/js/import.js, or
 * refreshed by the browser without JavaScript), and "import for real" after a clean dry run.
 * Coordinators import into their own subtree only (see scope.ts); admins anywhere.
 */
import type { NextFunction, Request, Response, Router } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { AppError } from '../errors';
import { t } from '../i18n';
import type { Services } from '../http/context';
import { route, type SignedInContext } from '../http/route';
import { callerScope } from '../units/scope';
import { jobIdSchema } from '../jobs';
import { canCommit, commitDryRun, getImportJob, officerTemplate, startImportJob, type ImportJob } from '.';
import { presentImportJob } from './presenters';


/** multer's failures as messages a clerk understands (a too-large file above all). */
function uploadOne(maxMb: number) {
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxMb * 1024 * 1024, files: 1, fields: 5, parts: 6 } }).single('file');
  return (req: Request, res: Response, next: NextFunction) =>
    upload(req, res, (error?: unknown) => {
      if (!error) return next();
      const code = (error as { code?: string }).code;
      next(code === 'LIMIT_FILE_SIZE' ? new AppError(413, 'import_file_too_large', { max: maxMb }) : new AppError(400, 'upload_invalid'));
    });
}

/** Authorizes importing for the caller (into their scope) and returns the root of that scope for the job (null: anywhere). */
async function authorizeImport(ctx: SignedInContext<unknown>): Promise<string | null> {
  const scope = await callerScope(ctx.services.db, ctx.actor);
  ctx.authorize('officer.create', scope.ref);
  return scope.root ? scope.root._id.toHexString() : null;
}

/** The caller's own job, or 404 (another user's job id is as good as unknown). */
async function ownJob(ctx: SignedInContext<{ id: string }>): Promise<ImportJob> {
  const job = await getImportJob(ctx.services.jobs, ctx.input.id, ctx.actor.id);
  if (!job) throw new AppError(404, 'import_job_not_found');
  return job;
}

export function registerImportRoutes(router: Router, services: Services): void {
  const maxMb = services.config.UPLOAD_MAX_MB;
  const view = (ctx: SignedInContext<unknown>, job: ImportJob) => presentImportJob(job, ctx.locale, canCommit(job, new Date()));

  route(router, services, {
    method: 'get',
    path: '/officers/import',
    access: 'signed-in',
    handle: async (ctx) => {
      await authorizeImport(ctx);
      ctx.res.render('officers/import', { title: 'import_page_title', maxMb, error: null });
    },
  });

  route(router, services, {
    method: 'get',
    path: '/officers/import/template.:format',
    access: 'signed-in',
    input: z.object({ format: z.enum(['xlsx', 'csv']) }),
    handle: async (ctx) => {
      await authorizeImport(ctx);
      const { format } = ctx.input;
      const file = await officerTemplate(format, ctx.locale);
      ctx.res.type(format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8');
      ctx.res.attachment(`mau-danh-sach-can-bo.${format}`).send(file);
    },
  });

  route(router, services, {
    method: 'post',
    path: '/officers/import',
    access: 'signed-in',
    before: [uploadOne(maxMb)],
    input: z.object({ mode: z.enum(['dry-run', 'import']).default('dry-run') }),
    handle: async (ctx) => {
      const scopeRootId = await authorizeImport(ctx);
      const file = (ctx.req as Request & { file?: Express.Multer.File }).file;
      if (!file || file.size === 0) {
        if (ctx.req.accepts(['html', 'json']) === 'json') throw new AppError(422, 'import_no_file');
        return ctx.res.status(422).render('officers/import', { title: 'import_page_title', maxMb, error: 'import_no_file' });
      }
      // browsers send file names as latin1 bytes of UTF-8 (busboy's default); recover "Danh sách.xlsx"
      const filename = Buffer.from(file.originalname, 'latin1').toString('utf8').normalize('NFC');
      const start = startImportJob(services, { data: file.buffer, filename, dryRun: ctx.input.mode === 'dry-run', ownerId: ctx.actor.id, scopeRootId, now: new Date() });
      // a refusal the clerk can act on (another import is writing, too many at once): the reason, on the form or to the page's script
      const job = await start.catch((error: unknown) => {
        if (error instanceof AppError && error.status < 500) return error;
        throw error;
      });
      if (job instanceof AppError) {
        if (ctx.req.accepts(['html', 'json']) === 'json') return ctx.res.status(job.status).json({ error: { id: job.id, message: t(ctx.locale, job.id, job.params) } });
        return ctx.res.status(job.status).render('officers/import', { title: 'import_page_title', maxMb, error: job.id });
      }
      await ctx.audit({ action: 'import.start', details: { filename, dryRun: job.dryRun, bytes: file.size } });
      const url = `/officers/import/jobs/${job.id}`;
      if (ctx.req.accepts(['html', 'json']) === 'json') return ctx.res.status(202).json({ job: view(ctx, job), url });
      ctx.res.redirect(303, url);
    },
  });

  route(router, services, {
    method: 'get',
    path: '/officers/import/jobs/:id',
    access: 'signed-in',
    input: jobIdSchema,
    handle: async (ctx) => {
      await authorizeImport(ctx);
      const job = view(ctx, await ownJob(ctx));
      ctx.res.set('Cache-Control', 'no-store').render('officers/import-job', { title: 'import_page_title', job });
    },
  });

  route(router, services, {
    method: 'get',
    path: '/officers/import/jobs/:id/status',
    access: 'signed-in',
    input: jobIdSchema,
    handle: async (ctx) => {
      await authorizeImport(ctx);
      ctx.res.set('Cache-Control', 'no-store').json({ job: view(ctx, await ownJob(ctx)) });
    },
  });

  route(router, services, {
    method: 'post',
    path: '/officers/import/jobs/:id/commit',
    access: 'signed-in',
    input: jobIdSchema,
    handle: async (ctx) => {
      await authorizeImport(ctx);
      const dryRun = await ownJob(ctx);
      const job = await commitDryRun(services.jobs, dryRun.id, ctx.actor.id, new Date());
      if (!job) throw new AppError(410, 'import_commit_expired');
      await ctx.audit({ action: 'import.start', details: { filename: job.filename, dryRun: false, fromDryRun: dryRun.id } });
      ctx.res.redirect(303, `/officers/import/jobs/${job.id}`);
    },
  });
}
