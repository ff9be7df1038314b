/**
 * The platform's configuration: read once from the environment, validated, typed.
 * Nothing else reads process.env. A wrong setting stops start-up with a message that
 * names it.
 */
import path from 'node:path';
import { getDomain } from 'tldts';
import { z } from 'zod';

/** An origin for a CSP source list: scheme, host (optionally "*." first), optional port; nothing else (no path, quote or semicolon). */
const TRUSTED_HOST = /^https?:\/\/(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/i;

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /**
   * The address both HTTP listeners (platform and content origin) bind to. Loopback by
   * default: the platform is reached through a reverse proxy (TLS, compression) on the same
   * machine; a container or a proxy on another machine needs 0.0.0.0 or the interface's address.
   */
  HOST: z.string().regex(/^[0-9A-Za-z.:-]+$/, 'must be an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0').default('127.0.0.1'),
  /** A real MongoDB (production: a replica set). Unset → the embedded engine. */
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional(),
  /** Where the embedded engine (and later uploads, outbox) keep their files. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** Embedded engine: a checkpoint (snapshot + fresh journal) at least this often while data changes, in seconds; 0 = only by size/records. */
  DB_CHECKPOINT_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  /** Embedded engine: a checkpoint after this many journal records (bounds start-up replay). */
  DB_CHECKPOINT_RECORDS: z.coerce.number().int().min(100).max(10_000_000).default(50_000),
  /** The address users reach the platform at; links in e-mails are built from it. */
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  /** Signs session tokens (HS256). Required in production, ≥ 32 characters; development generates one under DATA_DIR. */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** How long a sign-in lasts, in minutes. */
  SESSION_MINUTES: z.coerce.number().int().min(5).max(7 * 24 * 60).default(8 * 60),
  /** bcrypt work factor; 11 ≈ 110 ms per hash on a 2-core VM. */
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(11),
  /** Password of the demo accounts (embedded database only). */
  DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').default('VanHoaCongVu@2026'),
  /** Load the demo province into an empty embedded database. */
  DEMO_DATA: z.enum(['on', 'off']).default('on'),
  /** Load the starter modules (content/) into a database that has no module yet. */
  STARTER_CONTENT: z.enum(['on', 'off']).default('on'),
  /** Where the starter content lives; default: the repository's content/ folder. */
  CONTENT_DIR: z.string().min(1).optional(),
  /** smtp://user:pass@host:port or smtps://…; unset → e-mails go to DATA_DIR/outbox. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  /** Parallel connections to the SMTP server (the reminder run sends over all of them at once). */
  SMTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(50).default(8),
  MAIL_FROM: z.string().min(3).default('Văn hóa công vụ <no-reply@localhost>'),
  /** Behind a reverse proxy: the number of proxies to trust for the client address (express "trust proxy"). */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /**
   * Sign-in attempts per minute from one client address, on top of the per-login lockout.
   * A whole office often shares one address (NAT), so this only slows password spraying.
   */
  SIGN_IN_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
  /** Look-ups of the public certificate verification page (/verify/<code>) per client address and minute. */
  VERIFY_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  /** Largest accepted upload (officer lists), in MB. */
  UPLOAD_MAX_MB: z.coerce.number().int().min(1).max(500).default(20),
  /**
   * Extracted H5P / SCORM packages (content-addressed: <sha256>/…). Unset → DATA_DIR/packages.
   * Several app instances share it on a shared filesystem (NFS, a mounted volume): see server/packages/storage.ts.
   */
  PACKAGES_DIR: z.string().min(1).optional(),
  /** Largest accepted package upload (H5P / SCORM zip), in MB. */
  PACKAGE_MAX_MB: z.coerce.number().int().min(1).max(4096).default(200),
  /** Most files (zip entries) a package may hold. */
  PACKAGE_MAX_ENTRIES: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  /** Largest size of a package once unpacked, in MB (counted while inflating, never taken from zip headers). */
  PACKAGE_MAX_UNPACKED_MB: z.coerce.number().int().min(1).max(100_000).default(500),
  /** Largest single file inside a package once unpacked, in MB. */
  PACKAGE_MAX_ENTRY_MB: z.coerce.number().int().min(1).max(100_000).default(200),
  /** Seconds after a quiz's time limit during which answers are still accepted (network delay, a slow phone). */
  QUIZ_GRACE_SECONDS: z.coerce.number().int().min(0).max(600).default(30),
  /**
   * For demos and tests only: when set, replaces every quiz's cooldown after a failed
   * attempt (in seconds), so a demonstration or a browser test need not wait minutes.
   */
  QUIZ_COOLDOWN_SECONDS: z.coerce.number().int().min(0).max(86_400).optional(),
  /** Largest lesson video (MP4, WebM), in MB. */
  MEDIA_MAX_MB: z.coerce.number().int().min(1).max(4096).default(200),
  /** Largest lesson PDF or image, in MB. */
  MEDIA_DOC_MAX_MB: z.coerce.number().int().min(1).max(1024).default(20),
  /**
   * Where package files and their players are served from (issue #5): a different HOST than
   * PUBLIC_URL (cookies are per host, not per port), so the session cookie never reaches
   * package code. Required in production; development defaults to PUBLIC_URL's scheme,
   * host content.localhost (browsers resolve *.localhost to this machine) and port PORT+1.
   */
  CONTENT_ORIGIN: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  /** The port the content origin's listener binds to (behind a proxy it differs from CONTENT_ORIGIN's). Unset → PORT+1 (0 when PORT is 0). */
  CONTENT_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /**
   * Hosts a province trusts for package media (issue #14): its own video server, YouTube…
   * Comma- or space-separated origins (https://video.tinh.gov.vn, https://*.youtube.com);
   * added to the content origin's CSP for media, images, fonts, styles, scripts and frames
   * (never for connections: results still go only to the content origin). Empty by default.
   */
  CONTENT_TRUSTED_MEDIA_HOSTS: z
    .string()
    .default('')
    .transform((value) => value.split(/[\s,]+/).filter(Boolean))
    .refine((hosts) => hosts.every((host) => TRUSTED_HOST.test(host)), { error: 'must be origins such as https://video.example.gov.vn or https://*.youtube.com, separated by commas' }),
  /** How long a package playback token lasts, in minutes: one sitting with a package (its files and commits). */
  PLAYBACK_TOKEN_MINUTES: z.coerce.number().int().min(5).max(24 * 60).default(240),
  /** How long a code on a printed activation sheet (officers without e-mail) stays valid, in days. */
  ACTIVATION_CODE_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /**
   * Background jobs (server/jobs): how long an instance's claim on a running job lasts
   * without a heartbeat, in seconds. A job whose instance crashed is taken over by another
   * (or by the same one restarted) after this long.
   */
  JOB_LOCK_SECONDS: z.coerce.number().min(1).max(3600).default(60),
  /** How often each instance looks for jobs due (queued by another instance, scheduled), in ms. */
  JOB_POLL_MS: z.coerce.number().int().min(20).max(60_000).default(1000),
  /** A Bearer token that lets a scraper on another machine read /metrics (loopback needs none); ≥ 32 characters. */
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
  /** Tests only (NODE_ENV=test): while this file exists the embedded engine's journal writes fail as on a full disk (test/faults). */
  ENGINE_TEST_NO_SPACE_FILE: z.string().min(1).optional(),
}).superRefine((value, ctx) => {
  if (value.ENGINE_TEST_NO_SPACE_FILE && value.NODE_ENV !== 'test') ctx.addIssue({ code: 'custom', path: ['ENGINE_TEST_NO_SPACE_FILE'], message: 'is a fault injection for tests and is refused unless NODE_ENV=test' });
  if (value.NODE_ENV === 'production' && !value.JWT_SECRET) ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required in production (at least 32 random characters)' });
  if (value.NODE_ENV === 'production' && !value.CONTENT_ORIGIN) ctx.addIssue({ code: 'custom', path: ['CONTENT_ORIGIN'], message: 'is required in production: the address packages are served from, on another host than PUBLIC_URL (e.g. https://noidung.example.gov.vn)' });
  const platformHost = new URL(value.PUBLIC_URL ?? 'http://localhost').hostname;
  if (value.CONTENT_ORIGIN && new URL(value.CONTENT_ORIGIN).hostname === platformHost) {
    ctx.addIssue({ code: 'custom', path: ['CONTENT_ORIGIN'], message: `must be on another host than PUBLIC_URL (${platformHost}): cookies are shared between ports of one host, so package code could read the session` });
  }
  if (value.NODE_ENV === 'production' && value.CONTENT_ORIGIN && sameSite(value.CONTENT_ORIGIN, value.PUBLIC_URL ?? 'http://localhost')) {
    ctx.addIssue({ code: 'custom', path: ['CONTENT_ORIGIN'], message: `must be on another registrable domain than PUBLIC_URL (both are under ${siteOf(new URL(value.CONTENT_ORIGIN).hostname)}): a package could set cookies for the shared domain and the browser would send the platform's session with requests from it (docs/security.md, "Two origins")` });
  }
});

/** The registrable domain ("site") of a host name, public suffixes (gov.vn, github.io…) taken into account; an IP address or a bare name is its own site. */
export function siteOf(hostname: string): string {
  return getDomain(hostname, { allowPrivateDomains: true }) ?? hostname;
}

/** True when two URLs are same-site: browsers share cookies set for the parent domain between them and treat their requests as same-site (SameSite=Lax). */
export function sameSite(a: string, b: string): boolean {
  return siteOf(new URL(a).hostname) === siteOf(new URL(b).hostname);
}

export type Env = z.infer<typeof schema> & { DATA_DIR: string; PUBLIC_URL: string; PACKAGES_DIR: string; CONTENT_ORIGIN: string; CONTENT_PORT: number };

/** Parses an environment; throws an Error listing every invalid setting. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Cấu hình không hợp lệ / invalid configuration:\n${lines.join('\n')}`);
  }
  const data = result.data;
  const dataDir = path.resolve(data.DATA_DIR);
  const publicUrl = (data.PUBLIC_URL ?? `http://localhost:${data.PORT}`).replace(/\/+$/, '');
  const contentPort = data.CONTENT_PORT ?? (data.PORT === 0 ? 0 : data.PORT + 1);
  const contentOrigin = data.CONTENT_ORIGIN ? new URL(data.CONTENT_ORIGIN).origin : `${new URL(publicUrl).protocol}//content.localhost:${contentPort}`;
  return { ...data, DATA_DIR: dataDir, PACKAGES_DIR: path.resolve(data.PACKAGES_DIR ?? path.join(dataDir, 'packages')), PUBLIC_URL: publicUrl, CONTENT_ORIGIN: contentOrigin, CONTENT_PORT: contentPort };
}

let cached: Env | undefined;

/** The configuration of this process. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
