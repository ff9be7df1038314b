import type { Router } from "express";
import type { Services } from "../http/context";
export function registerExportRoutes(_router: Router, _services: Services): void {}
