/**
 * The package JSON API (/api/v1/packages). Bearer token or cookie + CSRF (the form field
 * `_csrf` of the multipart body, or X-CSRF-Token). Uploading is `content.create` on the
 * caller's home unit, which owns the package (an admin's packages are province-wide);
 * reading one is `content.author` on its owner. Failures answer `{error: {id, message}}`.
 */
import type { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../http/context';
import { route } from '../http/route';
import { callerScope, skipUnlessObjectId } from '../units/scope';
import { objectId } from '../validation';
import { acceptUpload, authorizedPackage, listPackages } from './access';
import { presentPackage } from './presenters';
import { receivePackage } from './upload';
import { packageListAnswer, packageViewSchema } from './response-schemas';

export function registerPackageApiRoutes(router: Router, services: Services): void {
  const { db, config } = services;

  /** POST /api/v1/packages (multipart `file`) → 201 `{id, kind, title, launch, …}`; the same file again → 200 with the same record. */
  route(router, services, {
    method: 'post',
    path: '/api/v1/packages',
    access: 'signed-in',
    doc: { summary: 'Upload a SCORM or H5P package (field `file`); 200 when the same file is already there', status: [201, 200], response: packageViewSchema, multipart: true },
    before: [receivePackage(config.DATA_DIR, config.PACKAGES_DIR, config.PACKAGE_MAX_MB)],
    handle: async (ctx) => {
      const { record, created } = await acceptUpload(ctx);
      ctx.res.status(created ? 201 : 200).json(presentPackage(record));
    },
  });

  /** GET /api/v1/packages → `{items}`: the packages owned by the caller's subtree (an admin: all), newest first. */
  route(router, services, {
    method: 'get',
    path: '/api/v1/packages',
    access: 'signed-in',
    doc: { summary: "The packages of the caller's subtree, newest first", response: packageListAnswer },
    handle: async (ctx) => {
      const scope = await callerScope(db, ctx.actor);
      ctx.authorize('content.create', scope.ref);
      ctx.res.json({ items: (await listPackages(db, scope)).map(presentPackage) });
    },
  });

  /** GET /api/v1/packages/:id → the package. */
  route(router, services, {
    method: 'get',
    path: '/api/v1/packages/:id',
    access: 'signed-in',
    doc: { summary: 'One package', response: packageViewSchema },
    before: [skipUnlessObjectId],
    input: z.object({ id: objectId }),
    handle: async (ctx) => {
      ctx.res.json(presentPackage(await authorizedPackage(ctx)));
    },
  });
}
