/**
 * The public verification page a certificate's QR code opens (/verify/<code>), and its
 * JSON twin: valid / revoked / unknown, with the least personal data that proves the
 * paper (./presenters.ts). No sign-in; rate-limited per client address so that codes
 * cannot be walked (100 random bits make guessing hopeless anyway).
 */
import type { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { AppError } from '../errors';
import type { Services } from '../http/context';
import { route } from '../http/route';
import { presentVerification } from './presenters';
import { CODE_SHAPE, verifyParam } from './schema';
import { findByCode } from './service';
import { readSettings } from './settings';
import { unknownCertificateAnswer, verificationAnswer } from './response-schemas';

export function registerVerifyRoutes(router: Router, services: Services): void {
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: services.config.VERIFY_RATE_PER_MINUTE,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new AppError(429, 'too_many_requests')),
  });
  const lookUp = async (code: string) => (CODE_SHAPE.test(code) ? findByCode(services.db, code) : null);

  route(router, services, {
    method: 'get',
    path: '/verify/:code',
    access: 'public',
    before: [limiter],
    input: verifyParam,
    handle: async (ctx) => {
      const certificate = await lookUp(ctx.input.code);
      const issuer = certificate ? (await readSettings(services.db)).issuer : null;
      // an unknown code is a real answer, not an error page; 404 tells machines the same
      ctx.res
        .status(certificate ? 200 : 404)
        .set('Cache-Control', 'no-store')
        .set('X-Robots-Tag', 'noindex')
        .render('certificates/verify', { title: 'verify_title', verification: certificate ? presentVerification(certificate, ctx.locale) : null, issuer });
    },
  });

  route(router, services, {
    method: 'get',
    path: '/api/v1/verify/:code',
    access: 'public',
    doc: { summary: 'Verify a certificate by its code', response: verificationAnswer, answers: { 404: { description: 'No certificate has this code', schema: unknownCertificateAnswer } } },
    before: [limiter],
    input: verifyParam,
    handle: async (ctx) => {
      const certificate = await lookUp(ctx.input.code);
      ctx.res.set('Cache-Control', 'no-store');
      if (!certificate) return ctx.res.status(404).json({ status: 'unknown' });
      ctx.res.json(presentVerification(certificate, ctx.locale));
    },
  });
}
