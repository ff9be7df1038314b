/**
 * GET /packages/:id/play — the platform page that plays a package: it opens (creates or
 * resumes) the learner's attempt, signs a playback token for this opening and frames
 * `${CONTENT_ORIGIN}/play/<token>`. The learner acts on their own officer record
 * (`learning.take`); an account without one (an admin, a coordinator not on the
 * officer list) may preview packages it may author (`content.author`), which records a
 * preview attempt that never counts as progress.
 * Until packages are module items (after the issue #4 merge) the attempt has no context.
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

export function registerPlaybackRoutes(router: Router, services: Services): void {
  const { db } = services;

  route(router, services, {
    method: 'get',
    path: '/packages/:id/play',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: z.object({ id: objectId, sco: z.string().max(200).optional() }),
    handle: async (ctx) => {
      let record: ContentPackage;
      let officerId = null;
      if (ctx.actor.officerId) {
        const loaded = await findOfficerOr404(db, ctx.actor.officerId);
        ctx.authorize('learning.take', loaded.ref);
        const found = await packageModel(db).findById(ctx.input.id).lean<ContentPackage>();
        if (!found) throw new AppError(404, 'package_not_found');
        record = found;
        officerId = loaded.officer._id;
      } else {
        record = await authorizedPackage(ctx);
      }
      await renderPlayer(ctx, { record, sco: ctx.input.sco ?? null, officerId, context: null, pageHref: `/packages/${record._id.toHexString()}/play` });
    },
  });
}
