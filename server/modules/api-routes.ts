/**
 * GET /api/v1/modules → `{ items: [{ id, code, title, topic, version }] }`: the published,
 * non-archived modules the caller may see ('module.view' in the policy module): those
 * that apply to the caller's unit (province-wide, or owned by the unit or an ancestor)
 * and, for coordinators and managers, those owned inside their subtree; admins see all.
 * Title and topic are the published version's, not the draft's.
 */
import type { Router } from 'express';
import { trusted } from 'mongoose';
import type { Services } from '../http/context';
import { route } from '../http/route';
import { can } from '../policies';
import { callerScope } from '../units/scope';
import { moduleModel, moduleVersionModel, type LearningModule, type ModuleVersion } from './model';
import { apiModuleListQuery } from './schema';
import { unitRefCache } from './service';
import { moduleListAnswer } from './response-schemas';

export function registerModuleApiRoutes(router: Router, services: Services): void {
  const { db } = services;

  route(router, services, {
    method: 'get',
    path: '/api/v1/modules',
    access: 'signed-in',
    doc: { summary: 'The published modules the caller may see', response: moduleListAnswer },
    input: apiModuleListQuery,
    handle: async (ctx) => {
      // every signed-in account may ask; which modules it sees is decided per module below
      ctx.authorize('account.self', { id: ctx.actor.id });
      const scope = await callerScope(db, ctx.actor);
      const home = scope.root ? { id: scope.root._id, ancestors: scope.root.ancestors } : null;
      const modules = await moduleModel(db).find({ archived: false, publishedVersion: trusted({ $gt: 0 }) }).sort({ code: 1 }).lean<LearningModule[]>();
      const visible = [];
      const refOf = unitRefCache(db);
      for (const module of modules) if (can(ctx.actor, 'module.view', { owner: await refOf(module.ownerUnitId), home })) visible.push(module);
      const versions = visible.length ? await moduleVersionModel(db).find({ moduleId: trusted({ $in: visible.map((m) => m._id) }) }, { moduleId: 1, version: 1, content: 1 }).lean<ModuleVersion[]>() : [];
      const published = new Map(versions.map((v) => [`${v.moduleId.toHexString()}:${v.version}`, v]));
      const items = visible.flatMap((m) => {
        const version = published.get(`${m._id.toHexString()}:${m.publishedVersion}`);
        return version ? [{ id: m._id.toHexString(), code: m.code, title: version.content.title, topic: version.content.topic, version: m.publishedVersion }] : [];
      });
      ctx.res.json({ items });
    },
  });
}
