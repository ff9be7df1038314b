/** Input of the certificate routes. */
import { z } from 'zod';
import { objectId, optionalText, text } from '../validation';

const year = z.coerce.number().int().min(2000).max(2100);

export const certificateIdParam = z.object({ id: objectId }).strict();
export const revokeInput = z.object({ id: objectId, reason: text(500) }).strict();
export const unitListQuery = z.object({ id: objectId, year: year.optional() }).strict();
export const zipInput = z.object({ id: objectId, year }).strict();
/** Any text up to 64 characters: a code of the wrong shape is simply unknown (the page says so), not an error. */
export const verifyParam = z.object({ code: z.string().max(64) }).strict();
export const CODE_SHAPE = /^[a-z2-7]{20}$/;

export const settingsInput = z
  .object({
    parentAgency: optionalText(200),
    issuer: text(200),
    place: optionalText(100),
    signerTitle: text(120),
    signerName: optionalText(120),
    removeSeal: z.literal('on').optional(),
    removeSignature: z.literal('on').optional(),
  })
  .strict();
export type SettingsInput = z.output<typeof settingsInput>;
