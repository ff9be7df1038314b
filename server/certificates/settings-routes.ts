/**
 * The certificate template page (admins): issuer, place, signer, and the optional seal and
 * signature images (multipart, size-capped by multer before anything is read, then checked
 * as hostile input by ./settings.ts), with a sample PDF to see the result.
 */
import type { NextFunction, Request, Response, Router } from 'express';
import multer from 'multer';
import { AppError, type FieldProblem } from '../errors';
import type { Services } from '../http/context';
import { route, type RouteContext } from '../http/route';
import { loadArt } from './art';
import { checkEmbeddable, renderCertificatePdf } from './pdf';
import { settingsInput } from './schema';
import { IMAGE_MAX_BYTES, readSettings, saveSettings, storeTemplateImage, type CertificateSettings } from './settings';

type Uploads = Partial<Record<'seal' | 'signature', Express.Multer.File[]>>;

/** Two optional images, each at most IMAGE_MAX_BYTES; multer's refusals as messages an admin understands. */
function uploadImages() {
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: IMAGE_MAX_BYTES, files: 2, fields: 12, parts: 14 } }).fields([
    { name: 'seal', maxCount: 1 },
    { name: 'signature', maxCount: 1 },
  ]);
  return (req: Request, res: Response, next: NextFunction) =>
    upload(req, res, (error?: unknown) => {
      if (!error) return next();
      const code = (error as { code?: string }).code;
      next(code === 'LIMIT_FILE_SIZE' ? new AppError(413, 'certificate_image_too_large', { max: IMAGE_MAX_BYTES / 1024 }) : new AppError(400, 'upload_invalid'));
    });
}

const formOf = (settings: CertificateSettings) => ({
  parentAgency: settings.parentAgency,
  issuer: settings.issuer,
  place: settings.place,
  signerTitle: settings.signerTitle,
  signerName: settings.signerName,
  hasSeal: settings.sealSha256 !== null,
  hasSignature: settings.signatureSha256 !== null,
});

async function renderPage(ctx: RouteContext<unknown>, status: number, extra: { saved?: boolean; problems?: Record<string, string>; values?: Record<string, unknown> } = {}) {
  const settings = await readSettings(ctx.services.db);
  ctx.res.status(status).render('certificates/settings', { title: 'certificate_settings_title', form: { ...formOf(settings), ...(extra.values ?? {}) }, saved: extra.saved ?? false, problems: extra.problems ?? {} });
}

const problemsOf = (problems: FieldProblem[]) => Object.fromEntries(problems.map((p) => [p.field, p.id]));

export function registerCertificateSettingsRoutes(router: Router, services: Services): void {
  route(router, services, {
    method: 'get',
    path: '/admin/certificates',
    access: 'signed-in',
    handle: async (ctx) => {
      ctx.authorize('certificate.settings', null);
      await renderPage(ctx, 200, { saved: ctx.req.query['saved'] === '1' });
    },
  });

  route(router, services, {
    method: 'post',
    path: '/admin/certificates',
    access: 'signed-in',
    before: [uploadImages()],
    input: settingsInput,
    invalid: async (ctx, problems) => {
      ctx.authorize('certificate.settings', null);
      await renderPage(ctx, 422, { problems: problemsOf(problems), values: ctx.req.body as Record<string, unknown> });
    },
    handle: async (ctx) => {
      ctx.authorize('certificate.settings', null);
      const files = (ctx.req as Request & { files?: Uploads }).files ?? {};
      const { removeSeal, removeSignature, ...text } = ctx.input;
      const set: Partial<CertificateSettings> = { parentAgency: text.parentAgency ?? '', issuer: text.issuer, place: text.place ?? '', signerTitle: text.signerTitle, signerName: text.signerName ?? '' };
      // both images are checked before anything is saved: a bad second image leaves the template as it was
      for (const field of ['seal', 'signature'] as const) {
        const file = files[field]?.[0];
        if (!file || file.size === 0) continue;
        try {
          set[field === 'seal' ? 'sealSha256' : 'signatureSha256'] = await storeTemplateImage(services.config.DATA_DIR, file.buffer, checkEmbeddable);
        } catch (error) {
          if (!(error instanceof AppError) || ctx.req.accepts(['html', 'json']) === 'json') throw error;
          return renderPage(ctx, error.status, { problems: { [field]: error.id }, values: text });
        }
      }
      if (removeSeal && !files.seal?.[0]?.size) set.sealSha256 = null;
      if (removeSignature && !files.signature?.[0]?.size) set.signatureSha256 = null;
      await saveSettings(services.db, { ...set, updatedAt: new Date(), updatedBy: ctx.account._id });
      await ctx.audit({ action: 'certificate.settings', details: { ...text, seal: set.sealSha256 ?? (removeSeal ? null : 'unchanged'), signature: set.signatureSha256 ?? (removeSignature ? null : 'unchanged') } });
      ctx.res.redirect(303, '/admin/certificates?saved=1');
    },
  });

  route(router, services, {
    method: 'get',
    path: '/admin/certificates/sample',
    access: 'signed-in',
    handle: async (ctx) => {
      ctx.authorize('certificate.settings', null);
      const art = await loadArt(services.db, services.config);
      const year = new Date().getFullYear();
      const pdf = await renderCertificatePdf(
        {
          kind: 'plan',
          year,
          officerName: ctx.t('certificate_sample_name'),
          unitName: ctx.t('certificate_sample_unit'),
          registerNumber: `1/${year}/CN-MAU`,
          modules: [{ title: ctx.t('certificate_sample_module') }],
          issuedAt: new Date(),
          code: 'mauthumaukhonghople0',
        },
        art,
      );
      ctx.res.type('application/pdf').set('Content-Disposition', 'inline; filename="giay-chung-nhan-mau.pdf"').set('Cache-Control', 'no-store').send(pdf);
    },
  });
}
