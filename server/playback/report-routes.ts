/**
 * The coordinator's views of a package's use: GET /authoring/packages/:id/results (a
 * page: attempts, completion, average score, per-interaction results) and
 * GET /api/v1/packages/:id/statements[?officerId=] (the xAPI statements as JSON, for
 * export). Both need `content.author` on the package's owner and show only officers of
 * the caller's subtree (an admin: all).
 */
import type { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../http/context';
import { route } from '../http/route';
import { authorizedPackage } from '../packages/access';
import { callerScope, skipUnlessObjectId } from '../units/scope';
import { objectId } from '../validation';
import { packageReport, packageStatements } from './reports';
import { statementsAnswer } from '../packages/response-schemas';

export function registerPlaybackReportRoutes(router: Router, services: Services): void {
  const { db } = services;

  route(router, services, {
    method: 'get',
    path: '/authoring/packages/:id/results',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: z.object({ id: objectId }),
    handle: async (ctx) => {
      const record = await authorizedPackage(ctx);
      const report = await packageReport(db, record._id, await callerScope(db, ctx.actor));
      ctx.res.render('playback/results', { title: 'playback_results_title', packageTitle: record.title, packageId: record._id.toHexString(), report });
    },
  });

  route(router, services, {
    method: 'get',
    path: '/api/v1/packages/:id/statements',
    access: 'signed-in',
    doc: { summary: "The xAPI statements stored for a package, of the officers in the caller's scope", response: statementsAnswer },
    before: [skipUnlessObjectId],
    input: z.object({ id: objectId, officerId: objectId.optional() }),
    handle: async (ctx) => {
      const record = await authorizedPackage(ctx);
      const items = await packageStatements(db, record._id, await callerScope(db, ctx.actor), ctx.input.officerId ?? null);
      ctx.res.setHeader('Content-Disposition', `attachment; filename="xapi-${record._id.toHexString()}.json"`);
      ctx.res.json({ package: { id: record._id.toHexString(), title: record.title }, items });
    },
  });
}
