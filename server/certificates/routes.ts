/**
 * Certificate pages: an officer's own list (/certificates), a unit's list for those who
 * report on it, one certificate with its PDF, and revocation / re-issue for coordinators.
 */
import type { Router } from 'express';
import type { Types } from 'mongoose';
import type { Services } from '../http/context';
import { route, type SignedInContext } from '../http/route';
import { can } from '../policies';
import { trainingYear } from '../progress/year';
import { findUnitOr404, unitRef } from '../units/scope';
import { unitModel, type Unit } from '../units/model';
import { loadArt } from './art';
import type { Certificate } from './model';
import { renderCertificatePdf } from './pdf';
import { certificateRef, pdfFilename, presentCertificate } from './presenters';
import { certificateIdParam, revokeInput, unitListQuery } from './schema';
import { certificatesOf, certificatesOfUnit, findCertificate, reissueCertificate, revokeCertificate } from './service';
import { zipCount } from './zip';

/** Rows a unit's page lists; the ZIP has them all. */
const LIST_LIMIT = 500;

/** The units whose lists the caller may open from their own page: their unit, or the roots for an admin. */
async function listableUnits(ctx: SignedInContext<unknown>): Promise<Pick<Unit, '_id' | 'name'>[]> {
  const { actor } = ctx;
  if (actor.role === 'admin') return unitModel(ctx.services.db).find({ depth: 0 }, { name: 1 }).sort({ name: 1 }).lean<Pick<Unit, '_id' | 'name'>[]>();
  if (actor.role === 'officer' || !actor.unitId) return [];
  const unit = await unitModel(ctx.services.db).findById(actor.unitId, { name: 1, ancestors: 1 }).lean<Pick<Unit, '_id' | 'name' | 'ancestors'>>();
  return unit && can(actor, 'certificate.list', unitRef(unit)) ? [unit] : [];
}

/** The certificate of the route, authorized for `action`. */
async function loadAuthorized(ctx: SignedInContext<{ id: Types.ObjectId }>, action: 'certificate.view' | 'certificate.revoke'): Promise<Certificate> {
  const certificate = await findCertificate(ctx.services.db, ctx.input.id.toHexString());
  ctx.authorize(action, certificateRef(certificate));
  return certificate;
}

export function registerCertificateRoutes(router: Router, services: Services): void {
  route(router, services, {
    method: 'get',
    path: '/certificates',
    access: 'signed-in',
    handle: async (ctx) => {
      // one's own list: every signed-in account has one (empty without an officer record)
      ctx.authorize('account.self', { id: ctx.actor.id });
      const own = ctx.actor.officerId ? await certificatesOf(services.db, ctx.actor.officerId) : [];
      const units = (await listableUnits(ctx)).map((u) => ({ id: u._id.toHexString(), name: u.name }));
      ctx.res.render('certificates/index', { title: 'certificates_mine_title', certificates: own.map((c) => presentCertificate(c, ctx.locale)), units, canEditTemplate: can(ctx.actor, 'certificate.settings', null) });
    },
  });

  route(router, services, {
    method: 'get',
    path: '/certificates/units/:id',
    access: 'signed-in',
    input: unitListQuery,
    handle: async (ctx) => {
      const unit = await findUnitOr404(services.db, ctx.input.id);
      ctx.authorize('certificate.list', unitRef(unit));
      const year = ctx.input.year ?? trainingYear(new Date());
      const rows = await certificatesOfUnit(services.db, unit._id, year, { limit: LIST_LIMIT });
      const total = rows.length < LIST_LIMIT ? rows.length : await certificatesOfUnit(services.db, unit._id, year).then((all) => all.length);
      const zippable = await zipCount(services.db, unit._id, year);
      ctx.res.render('certificates/unit', {
        title: 'certificates_unit_title',
        unit: { id: unit._id.toHexString(), name: unit.name },
        year,
        years: [year - 1, year, year + 1].filter((y) => y <= trainingYear(new Date())).reverse(),
        certificates: rows.map((c) => presentCertificate(c, ctx.locale, can(ctx.actor, 'certificate.revoke', certificateRef(c)))),
        total,
        zippable,
      });
    },
  });

  route(router, services, {
    method: 'get',
    path: '/certificates/:id',
    access: 'signed-in',
    input: certificateIdParam,
    handle: async (ctx) => {
      const certificate = await loadAuthorized(ctx, 'certificate.view');
      const replaced = certificate.replaces ? await findCertificate(services.db, certificate.replaces.toHexString()).catch(() => null) : null;
      ctx.res.render('certificates/show', {
        title: 'certificates_title',
        certificate: presentCertificate(certificate, ctx.locale, can(ctx.actor, 'certificate.revoke', certificateRef(certificate))),
        replaces: replaced?.registerNumber ?? null,
        notice: typeof ctx.req.query['done'] === 'string' ? ctx.req.query['done'] : null,
      });
    },
  });

  route(router, services, {
    method: 'get',
    path: '/certificates/:id/pdf',
    access: 'signed-in',
    input: certificateIdParam,
    handle: async (ctx) => {
      const certificate = await loadAuthorized(ctx, 'certificate.view');
      const pdf = await renderCertificatePdf(certificate, await loadArt(services.db, services.config));
      ctx.res.type('application/pdf').attachment(pdfFilename(certificate)).set('Cache-Control', 'private, no-store').send(pdf);
    },
  });

  route(router, services, {
    method: 'post',
    path: '/certificates/:id/revoke',
    access: 'signed-in',
    input: revokeInput,
    handle: async (ctx) => {
      const certificate = await loadAuthorized(ctx, 'certificate.revoke');
      const revoked = await revokeCertificate(services.db, certificate, ctx.input.reason, ctx.account._id, new Date());
      await ctx.audit({ action: 'certificate.revoke', subject: { type: 'certificate', id: revoked._id }, unitId: revoked.unitId, details: { number: revoked.registerNumber, reason: ctx.input.reason, officerId: revoked.officerId.toHexString() } });
      if (ctx.req.accepts(['html', 'json']) === 'json') return ctx.res.json({ certificate: presentCertificate(revoked, ctx.locale, true) });
      ctx.res.redirect(303, `/certificates/${revoked._id.toHexString()}?done=revoked`);
    },
  });

  route(router, services, {
    method: 'post',
    path: '/certificates/:id/reissue',
    access: 'signed-in',
    input: revokeInput,
    handle: async (ctx) => {
      const certificate = await loadAuthorized(ctx, 'certificate.revoke');
      const made = await reissueCertificate(services.db, certificate, ctx.input.reason, ctx.account._id, new Date());
      await ctx.audit({ action: 'certificate.reissue', subject: { type: 'certificate', id: certificate._id }, unitId: certificate.unitId, details: { number: certificate.registerNumber, reason: ctx.input.reason, newId: made._id.toHexString(), newNumber: made.registerNumber } });
      if (ctx.req.accepts(['html', 'json']) === 'json') return ctx.res.json({ certificate: presentCertificate(made, ctx.locale, true) });
      ctx.res.redirect(303, `/certificates/${made._id.toHexString()}?done=reissued`);
    },
  });
}
