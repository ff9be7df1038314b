/**
 * The officer JSON API (/api/v1/officers). Bearer token or cookie + X-CSRF-Token;
 * failures answer `{error: {id, message, details?}}` through the shared error handler;
 * output goes only through presentOfficer (an allowlist).
 */
import type { Router } from 'express';
import type { Services } from '../http/context';
import { route } from '../http/route';
import { callerScope, findUnitOr404, skipUnlessObjectId, unitRef } from '../units/scope';
import { chosenUnit, findOfficerOr404, listedUnitIds } from './access';
import { changedFields, presentOfficer, presentOfficerPage } from './presenters';
import { createOfficer, listOfficers, transferOfficer, updateOfficer } from './service';
import { apiCreateOfficer, apiOfficerId, apiOfficerListQuery, apiPatchOfficer, apiTransferOfficer } from './route-schemas';
import { officerAnswer, officerPageAnswer } from './response-schemas';

export function registerOfficerApiRoutes(router: Router, services: Services): void {
  const { db } = services;

  /**
   * GET /api/v1/officers?page&pageSize&q&unitId&category&status → `{items, total, page, pageSize}`:
   * the officers of the caller's scope, or of `unitId`'s subtree, by name in Vietnamese order.
   * `page` from 1, `pageSize` 1–100 (default 20); `q` matches name, code or e-mail ignoring
   * case and diacritics. Unknown query keys are a 422.
   */
  route(router, services, {
    method: 'get',
    path: '/api/v1/officers',
    access: 'signed-in',
    doc: { summary: "A page of the officers of the caller's scope", response: officerPageAnswer },
    input: apiOfficerListQuery,
    handle: async (ctx) => {
      const { unitId, ...filters } = ctx.input;
      const [scope, chosen] = await Promise.all([callerScope(db, ctx.actor), chosenUnit(db, unitId)]);
      ctx.authorize('report.view', chosen ? unitRef(chosen) : scope.ref);
      const page = await listOfficers(db, { ...filters, unitIds: await listedUnitIds(db, scope, chosen) });
      ctx.res.json(presentOfficerPage(page));
    },
  });

  /** GET /api/v1/officers/:id → `{ officer }`. */
  route(router, services, {
    method: 'get',
    path: '/api/v1/officers/:id',
    access: 'signed-in',
    doc: { summary: 'One officer', response: officerAnswer },
    before: [skipUnlessObjectId],
    input: apiOfficerId,
    handle: async (ctx) => {
      const { officer, ref } = await findOfficerOr404(db, ctx.input.id);
      ctx.authorize('officer.view', ref);
      ctx.res.json({ officer: presentOfficer(officer) });
    },
  });

  /** POST /api/v1/officers (the fields of createOfficerSchema) → 201 `{ officer }`. */
  route(router, services, {
    method: 'post',
    path: '/api/v1/officers',
    access: 'signed-in',
    doc: { summary: 'Create an officer', status: 201, response: officerAnswer },
    input: apiCreateOfficer,
    handle: async (ctx) => {
      const unit = await findUnitOr404(db, ctx.input.unitId);
      ctx.authorize('officer.create', unitRef(unit));
      const officer = await createOfficer(db, ctx.input);
      await ctx.audit({ action: 'officer.create', subject: { type: 'officer', id: officer._id }, unitId: unit._id, details: { code: officer.code } });
      ctx.res.status(201).json({ officer: presentOfficer(officer) });
    },
  });

  /**
   * PATCH /api/v1/officers/:id (the fields of updateOfficerSchema) → `{ officer }`.
   * A change of unit is a transfer, with its own route and authorization.
   */
  route(router, services, {
    method: 'patch',
    path: '/api/v1/officers/:id',
    access: 'signed-in',
    doc: { summary: 'Change an officer', response: officerAnswer },
    before: [skipUnlessObjectId],
    input: apiPatchOfficer,
    handle: async (ctx) => {
      const { officer, ref } = await findOfficerOr404(db, ctx.input.id);
      ctx.authorize('officer.manage', ref);
      const { id: _id, ...patch } = ctx.input;
      const updated = await updateOfficer(db, officer._id, patch);
      await ctx.audit({ action: 'officer.update', subject: { type: 'officer', id: officer._id }, unitId: updated.unitId, details: { fields: changedFields(officer, updated) } });
      ctx.res.json({ officer: presentOfficer(updated) });
    },
  });

  /** POST /api/v1/officers/:id/transfer `{unitId, effectiveDate}` → `{ officer }`. */
  route(router, services, {
    method: 'post',
    path: '/api/v1/officers/:id/transfer',
    access: 'signed-in',
    doc: { summary: 'Transfer an officer to another unit', response: officerAnswer },
    before: [skipUnlessObjectId],
    input: apiTransferOfficer,
    handle: async (ctx) => {
      const { officer, ref } = await findOfficerOr404(db, ctx.input.id);
      ctx.authorize('officer.manage', ref);
      const target = await findUnitOr404(db, ctx.input.unitId);
      ctx.authorize('officer.create', unitRef(target));
      const moved = await transferOfficer(db, officer._id, target._id, ctx.input.effectiveDate);
      const details = { fromUnitId: officer.unitId.toHexString(), toUnitId: target._id.toHexString(), effectiveDate: ctx.input.effectiveDate.toISOString() };
      await ctx.audit({ action: 'officer.transfer', subject: { type: 'officer', id: officer._id }, unitId: target._id, details });
      ctx.res.json({ officer: presentOfficer(moved) });
    },
  });
}
