/** Inputs of the password-recovery and invitation routes. */
import { z } from 'zod';
import { objectId } from '../validation';
import { passwordSchema } from '../users/service';
import { loginSchema } from './schema';
import { PASSWORD_MAX_LENGTH } from './passwords';
import { TOKEN_PATTERN } from './single-use-tokens';

export const forgotPasswordSchema = z.object({ login: loginSchema.shape.login });

/** A malformed token is treated like an expired one (the page says so), not as a form error. */
const token = z.string().regex(TOKEN_PATTERN).optional().catch(undefined);

export const resetLinkSchema = z.object({ token });

export const resetPasswordSchema = z.object({
  token,
  newPassword: passwordSchema,
  confirmPassword: z.string().max(PASSWORD_MAX_LENGTH),
});

export const inviteOfficerSchema = z.object({ id: objectId });

export const inviteUnitSchema = z.object({ id: objectId });
