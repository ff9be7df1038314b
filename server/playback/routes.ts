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
import { openAttempt } from './attempts';
import { signPlaybackToken } from './tokens';

export function registerPlaybackRoutes(router: Router, services: Services): void {
  const { db, config, secret } = services;

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
      // an H5P package is one activity: its "SCO" is the whole content
      const scos = record.kind === 'h5p' ? [{ identifier: 'h5p', title: record.title, launch: 'h5p.json' }] : record.scos;
      const sco = ctx.input.sco ? scos.find((s) => s.identifier === ctx.input.sco) : scos[0];
      if (!sco) throw new AppError(404, 'playback_sco_not_found');
      const attempt = await openAttempt(db, { officerId, accountId: ctx.account._id, packageId: record._id, kind: record.kind, scoIdentifier: sco.identifier, context: null, preview: officerId === null });
      const token = signPlaybackToken({ att: attempt._id.toHexString(), ses: attempt.session, pkg: record.sha256, kind: record.kind, launch: sco.launch }, secret, config.PLAYBACK_TOKEN_MINUTES);
      // this page alone may frame the content origin; every other platform page keeps frame-src 'self'
      const policy = String(ctx.res.getHeader('Content-Security-Policy') ?? '');
      ctx.res.setHeader('Content-Security-Policy', `${policy};frame-src ${config.CONTENT_ORIGIN}`);
      ctx.res.setHeader('Cache-Control', 'no-store');
      ctx.res.render('playback/play', {
        title: 'playback_page_title',
        packageTitle: record.title,
        scos: scos.length > 1 ? scos.map((s) => ({ identifier: s.identifier, title: s.title, current: s.identifier === sco.identifier })) : [],
        packageId: record._id.toHexString(),
        preview: officerId === null,
        playerUrl: `${config.CONTENT_ORIGIN}/play/${token}`,
      });
    },
  });
}
