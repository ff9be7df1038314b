/** The authoring area (issue #4): modules, lesson media, the question bank, assignments and GET /api/v1/modules. */
import type { Router } from 'express';
import type { Services } from '../http/context';
import { registerAssignmentRoutes } from '../assignments/routes';
import { registerQuestionRoutes } from '../questions/routes';
import { registerModuleRoutes } from './routes';

export function registerAuthoringRoutes(router: Router, services: Services): void {
  registerModuleRoutes(router, services);
  registerQuestionRoutes(router, services);
  registerAssignmentRoutes(router, services);
}
