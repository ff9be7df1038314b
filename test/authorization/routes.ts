/**
 * Collects every route of an express app by walking its router, with the access level
 * that route() attached to the handler (undefined = registered without route()).
 */
import type express from 'express';
import { ROUTE_ACCESS } from '../../server/http/route';

export interface FoundRoute {
  /** "GET /units/:id" */
  key: string;
  access: 'public' | 'signed-in' | undefined;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: Array<{ handle: unknown }> };
  handle?: { stack?: Layer[] };
}

export function collectRoutes(app: express.Express): FoundRoute[] {
  const found: FoundRoute[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const handlers = layer.route.stack.map((l) => l.handle as Record<symbol, unknown>);
        const access = handlers[handlers.length - 1]?.[ROUTE_ACCESS] as FoundRoute['access'];
        for (const method of Object.keys(layer.route.methods)) found.push({ key: `${method.toUpperCase()} ${layer.route.path}`, access });
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found;
}
