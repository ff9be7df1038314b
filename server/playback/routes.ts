/**
 * GET /packages/:id/play — the platform page that plays a package outside a module: an
 * account without an officer record (an admin, a coordinator not on the officer list)
 * previews packages it may author (`content.author`): a preview attempt that never
 * counts as progress (server/playback/open.ts frames `${CONTENT_ORIGIN}/play/<token>`).
 * An officer (`learning.take` on their own record) learns packages as module items: the
 * page sends them to the item of a module they started this year that holds the package
 * (where the attempt carries the module context and counts), and refuses (403) a package
 * that is in none.
 */
import type { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../errors';
import type { Services } from '../http/context';
import { route } from '../http/route';
import { findOfficerOr404 } from '../officers/access';
import { authorizedPackage } from '../packages/access';
import { packageModel, type ContentPackage } from '../packages/model';
import { skipUnlessObjectId } from '../units/scope';
import { objectId } from '../validation';
import { renderPlayer } from './open';
import { startedPackageItem } from '../progress/packages';
import { trainingYear } from '../progress/year';

export function registerPlaybackRoutes(router: Router, services: Services): void {
  const { db } = services;

  route(router, services, {
    method: 'get',
    path: '/packages/:id/play',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: z.object({ id: objectId, sco: z.string().max(200).optional() }),
    handle: async (ctx) => {
      if (ctx.actor.officerId) {
        const loaded = await findOfficerOr404(db, ctx.actor.officerId);
        ctx.authorize('learning.take', loaded.ref);
        const found = await packageModel(db).findById(ctx.input.id).lean<ContentPackage>();
        if (!found) throw new AppError(404, 'package_not_found');
        // an officer learns packages as items of their modules: there the attempt counts
        const item = await startedPackageItem(db, loaded.officer._id, found._id, trainingYear());
        if (!item) throw new AppError(403, 'playback_not_in_module');
        return ctx.res.redirect(303, `/learn/modules/${item.moduleId.toHexString()}/items/${item.itemKey}${ctx.input.sco ? `?sco=${encodeURIComponent(ctx.input.sco)}` : ''}`);
      }
      const record = await authorizedPackage(ctx);
      await renderPlayer(ctx, { record, sco: ctx.input.sco ?? null, officerId: null, context: null, pageHref: `/packages/${record._id.toHexString()}/play` });
    },
  });
}
