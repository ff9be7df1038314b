/** Loading a module for its authoring routes: 404 before any authorization, then 'content.author' on its owner. */
import type { RouteContext } from '../http/route';
import type { LearningModule } from './model';
import { findModuleOr404, ownedRef } from './service';

export async function authorModule(ctx: RouteContext<unknown>, id: LearningModule['_id'] | string): Promise<LearningModule> {
  const module = await findModuleOr404(ctx.services.db, id);
  ctx.authorize('content.author', await ownedRef(ctx.services.db, module));
  return module;
}
