/**
 * "Tải tất cả (ZIP)" of a unit's certificates: start the job, follow its progress (a page
 * polled by public/js/job.js, refreshed without JavaScript), download the file. A job is
 * its starter's: another account's job id is as good as unknown.
 */
import type { Router } from 'express';
import { AppError } from '../errors';
import type { Services } from '../http/context';
import { route, type SignedInContext } from '../http/route';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { jobIdSchema } from '../jobs';
import { t } from '../i18n';
import { findUnitOr404, unitRef } from '../units/scope';
import { getZipJob, startZipJob, zipPath, type ZipJob } from './jobs';
import { zipInput } from './schema';
import { zipCount } from './zip';

/** The job as its page shows it. */
function presentZipJob(job: ZipJob, locale: SignedInContext<unknown>['locale']) {
  const done = job.progress?.done ?? 0;
  const total = job.progress?.total ?? 0;
  const running = job.status === 'queued' || job.status === 'running';
  return {
    id: job.id,
    // queued shows as running: the page keeps polling until the job has ended
    status: running ? 'running' : job.status,
    unit: { id: job.data.unitId, name: job.data.unitName },
    year: job.data.year,
    percent: job.status === 'done' ? 100 : total ? Math.floor((done * 100) / total) : 0,
    handledLabel: t(locale, 'certificate_zip_progress', { done, total }),
    count: job.result?.count ?? 0,
    errorId: job.errorId,
  };
}

/** The caller's own job of a unit they may still list, or 404. */
async function ownJob(ctx: SignedInContext<{ id: string }>): Promise<ZipJob> {
  const job = await getZipJob(ctx.services.jobs, ctx.input.id, ctx.actor.id);
  if (!job) throw new AppError(404, 'certificate_zip_job_not_found');
  ctx.authorize('certificate.list', unitRef(await findUnitOr404(ctx.services.db, job.data.unitId)));
  return job;
}

export function registerCertificateZipRoutes(router: Router, services: Services): void {
  route(router, services, {
    method: 'post',
    path: '/certificates/units/:id/zip',
    access: 'signed-in',
    input: zipInput,
    handle: async (ctx) => {
      const unit = await findUnitOr404(services.db, ctx.input.id);
      ctx.authorize('certificate.list', unitRef(unit));
      if ((await zipCount(services.db, unit._id, ctx.input.year)) === 0) throw new AppError(409, 'certificate_zip_empty', { year: ctx.input.year });
      const job = await startZipJob(services.jobs, { unitId: unit._id.toHexString(), unitCode: unit.code, unitName: unit.name, year: ctx.input.year }, ctx.actor.id);
      await ctx.audit({ action: 'certificate.zip', subject: { type: 'unit', id: unit._id }, unitId: unit._id, details: { year: ctx.input.year, job: job.id } });
      const url = `/certificates/jobs/${job.id}`;
      if (ctx.req.accepts(['html', 'json']) === 'json') return ctx.res.status(202).json({ job: presentZipJob(job, ctx.locale), url });
      ctx.res.redirect(303, url);
    },
  });

  route(router, services, {
    method: 'get',
    path: '/certificates/jobs/:id',
    access: 'signed-in',
    input: jobIdSchema,
    handle: async (ctx) => {
      const job = presentZipJob(await ownJob(ctx), ctx.locale);
      ctx.res.set('Cache-Control', 'no-store').render('certificates/zip-job', { title: 'certificate_zip_title', job });
    },
  });

  route(router, services, {
    method: 'get',
    path: '/certificates/jobs/:id/status',
    access: 'signed-in',
    input: jobIdSchema,
    handle: async (ctx) => {
      ctx.res.set('Cache-Control', 'no-store').json({ job: presentZipJob(await ownJob(ctx), ctx.locale) });
    },
  });

  route(router, services, {
    method: 'get',
    path: '/certificates/jobs/:id/download',
    access: 'signed-in',
    input: jobIdSchema,
    handle: async (ctx) => {
      const job = await ownJob(ctx);
      if (job.status !== 'done' || !job.result) throw new AppError(409, 'certificate_zip_job_not_found');
      const file = zipPath(services.config.DATA_DIR, job.id);
      const stat = await fs.promises.stat(file).catch(() => null);
      if (!stat) throw new AppError(410, 'certificate_zip_expired');
      ctx.res.type('application/zip').attachment(job.result.filename).set('Cache-Control', 'private, no-store').set('Content-Length', String(stat.size));
      // streamed: a unit's ZIP can be hundreds of MB
      await pipeline(fs.createReadStream(file), ctx.res);
    },
  });
}
