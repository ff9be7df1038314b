/**
 * The platform's configuration: read once from the environment, validated, typed.
 * Nothing else reads process.env. A wrong setting stops start-up with a message that
 * names it.
 */
import path from 'node:path';
import { z } from 'zod';

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** A real MongoDB (production: a replica set). Unset → the embedded engine. */
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional(),
  /** Where the embedded engine (and later uploads, outbox) keep their files. */
  DATA_DIR: z.string().min(1).default('./data'),
});

export type Env = z.infer<typeof schema> & { DATA_DIR: string };

/** Parses an environment; throws an Error listing every invalid setting. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Cấu hình không hợp lệ / invalid configuration:\n${lines.join('\n')}`);
  }
  return { ...result.data, DATA_DIR: path.resolve(result.data.DATA_DIR) };
}

let cached: Env | undefined;

/** The configuration of this process. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
