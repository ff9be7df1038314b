/** Inputs of the sign-in and account routes. */
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH } from './passwords';
import { passwordSchema } from '../users/service';

/** A local path to return to after signing in ("/officers?page=2"), never another site. */
const nextPath = z
  .string()
  .max(300)
  .refine((value) => /^\/(?![/\\])/.test(value), { error: 'field_invalid_format' })
  .optional()
  .catch(undefined);

export const loginSchema = z.object({
  login: z.string().trim().normalize('NFC').min(1).max(254),
  // passwords are never trimmed: spaces can be part of them
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  next: nextPath,
});

export const apiLoginSchema = z.object({ login: loginSchema.shape.login, password: loginSchema.shape.password }).strict();

export const changePasswordSchema = z.object({
  currentPassword: z.string().max(PASSWORD_MAX_LENGTH).optional(),
  newPassword: passwordSchema,
  confirmPassword: z.string().max(PASSWORD_MAX_LENGTH),
});

export const languageSchema = z.object({ locale: z.enum(['vi', 'en']), next: nextPath });
