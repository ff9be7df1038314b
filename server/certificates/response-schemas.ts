/** GET /api/v1/verify/:code's answers as schemas (presentVerification's allowlist), for the API description (server/apidocs). */
import { z } from 'zod';
import { CERTIFICATE_STATUSES } from './model';

export const verificationAnswer = z.strictObject({
  status: z.enum(CERTIFICATE_STATUSES),
  officerName: z.string(),
  unitName: z.string(),
  year: z.number().int(),
  completed: z.array(z.string()),
  registerNumber: z.string(),
  issuedOn: z.string().regex(/^\d{2}\/\d{2}\/\d{4}$/),
  revokedOn: z.string().regex(/^\d{2}\/\d{2}\/\d{4}$/).nullable(),
});

/** an unknown code: not an error envelope, so a verifier can read it the same way */
export const unknownCertificateAnswer = z.strictObject({ status: z.literal('unknown') });
