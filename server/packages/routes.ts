/**
 * The coordinator's package page (/authoring/packages): an upload form (no JavaScript
 * needed) and the unit's packages. The JSON API (api-routes.ts) does the same work for
 * scripts; both go through acceptUpload, so both are checked and cleaned up alike.
 */
import type { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../errors';
import type { Services } from '../http/context';
import { route, type SignedInContext } from '../http/route';
import { callerScope } from '../units/scope';
import { objectId } from '../validation';
import { acceptUpload, listPackages } from './access';
import { presentPackage } from './presenters';
import { receivePackage } from './upload';

export function registerPackageRoutes(router: Router, services: Services): void {
  const { db, config } = services;
  const maxMb = config.PACKAGE_MAX_MB;

  async function render(ctx: SignedInContext<unknown>, options: { error: AppError | null; uploadedId: string | null }) {
    const scope = await callerScope(db, ctx.actor);
    ctx.authorize('content.create', scope.ref);
    const packages = (await listPackages(db, scope)).map(presentPackage);
    const uploaded = packages.find((p) => p.id === options.uploadedId) ?? null;
    const error = options.error ? ctx.t(options.error.id, options.error.params) : null;
    ctx.res.status(options.error?.status ?? 200).render('packages/index', { title: 'packages_page_title', maxMb, packages, uploaded, error });
  }

  route(router, services, {
    method: 'get',
    path: '/authoring/packages',
    access: 'signed-in',
    input: z.object({ uploaded: objectId.optional() }),
    handle: (ctx) => render(ctx, { error: null, uploadedId: ctx.input.uploaded?.toHexString() ?? null }),
  });

  route(router, services, {
    method: 'post',
    path: '/authoring/packages',
    access: 'signed-in',
    before: [receivePackage(config.DATA_DIR, config.PACKAGES_DIR, maxMb)],
    handle: async (ctx) => {
      try {
        const { record } = await acceptUpload(ctx);
        ctx.res.redirect(303, `/authoring/packages?uploaded=${record._id.toHexString()}`);
      } catch (error) {
        // a refused package: the form again, with what to fix
        if (!(error instanceof AppError) || error.status !== 422) throw error;
        await render(ctx, { error, uploadedId: null });
      }
    },
  });
}
