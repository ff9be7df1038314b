/**
 * Assembles a running platform from a configuration: the database (embedded engine or
 * MONGODB_URI), the session secret, the mailer, the logger, the demo data on a fresh
 * embedded database, and the express app. main.ts listens; tests use it the same way.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type express from 'express';
import { createApp } from './app';
import { createContentApp } from './playback/content-app';
import { connectDatabase, type Database } from './db/connect';
import { createDemoAccounts, DEMO_LOGINS } from './demo/accounts';
import { loadDemoProvince } from './demo/province';
import type { Env } from './env';
import type { Services } from './http/context';
import { createLogger } from './http/logging';
import { createMailer, mailerOptionsFromEnv } from './mail';
import { trusted } from 'mongoose';
import { userModel } from './users/model';
import { fillAccountNameKeys } from './users/service';
import { assignStarterModules, loadStarterContent } from './content/starter';
import { trackPackageProgress } from './progress/packages';
import { createJobRuntime, type AnyJobKind } from './jobs';
import { officerImportJob } from './imports/jobs';
import { invitationJob } from './auth/invitation-jobs';
import { startCampaigns } from './campaigns';
import { startDashboards } from './dashboards';
import { seedDemoPlan } from './demo/plan';
import { REMINDER_JOB_KINDS, scheduleReminders } from './reminders/jobs';
import { startCertificates } from './certificates';
import { meteredMailer } from './metrics/mailer';
import { certificateZipJob } from './certificates/jobs';

/** Every kind of background job the platform runs (the jobs' own clean-up is added by the runtime). */
export const JOB_KINDS: readonly AnyJobKind[] = [officerImportJob, invitationJob, ...REMINDER_JOB_KINDS, certificateZipJob];

/** Every kind of background job the platform runs (the jobs' own clean-up is added by the runtime). */

export interface Platform {
  app: express.Express;
  /** the content origin's app (package files, players, commits): served on its own listener, CONTENT_PORT */
  contentApp: express.Express;
  services: Services;
  database: Database;
  /** what start-up did, for the console */
  demo: { loaded: boolean; units: number; officers: number; logins: readonly string[] };
  /** the starter content loaded at this start (null: the database already had modules, or STARTER_CONTENT=off) */
  starter: { modules: number; questions: number; assigned: number } | null;
  close(): Promise<void>;
}

/**
 * The secret that signs sessions: JWT_SECRET, or in development a random one kept in
 * DATA_DIR/secrets so sessions survive a restart (production requires JWT_SECRET).
 */
export function sessionSecret(config: Env): string {
  if (config.JWT_SECRET) return config.JWT_SECRET;
  const file = path.join(config.DATA_DIR, 'secrets', 'jwt-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const secret = randomBytes(48).toString('base64url');
    fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}

export async function startPlatform(config: Env): Promise<Platform> {
  const log = createLogger(config.LOG_LEVEL);
  // owner-only: DATA_DIR holds the database, secrets and uploads; 0700 keeps every other local user out of all of it
  fs.mkdirSync(config.DATA_DIR, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') fs.chmodSync(config.DATA_DIR, 0o700);
  const database = await connectDatabase({
    uri: config.MONGODB_URI,
    dataDir: config.DATA_DIR,
    checkpointSeconds: config.DB_CHECKPOINT_SECONDS,
    checkpointRecords: config.DB_CHECKPOINT_RECORDS,
    noSpaceFaultFile: config.ENGINE_TEST_NO_SPACE_FILE,
    log: (m) => (/\bwarning:/.test(m) ? log.warn({ engine: true }, m) : log.info({ engine: true }, m)),
  });
  // counted for /metrics and /readyz
  const mailer = meteredMailer(createMailer(mailerOptionsFromEnv(config)));
  const jobs = createJobRuntime(database.connection, JOB_KINDS, { lockLifetimeMs: config.JOB_LOCK_SECONDS * 1000, pollMs: config.JOB_POLL_MS, log });
  const services: Services = { db: database.connection, config, secret: sessionSecret(config), mailer, log, jobs };
  // accounts from before the accounts list get their name keys (idempotent)
  await fillAccountNameKeys(database.connection);
  let demo: Platform['demo'] = { loaded: false, units: 0, officers: 0, logins: [] };
  // demo data only ever goes into the embedded engine: a real MongoDB is a real province
  if (database.embedded && config.DEMO_DATA === 'on') {
    const province = await loadDemoProvince(database.connection);
    if (province.loaded) await createDemoAccounts(database.connection, config.DEMO_PASSWORD, config.BCRYPT_COST);
    const existing = await userModel(database.connection).find({ username: trusted({ $in: [...DEMO_LOGINS] }) }, { username: 1 }).lean<{ username: string }[]>();
    demo = { ...province, logins: DEMO_LOGINS.filter((login) => existing.some((a) => a.username === login)) };
  }
  let starter: Platform['starter'] = null;
  if (config.STARTER_CONTENT === 'on') {
    const loaded = await loadStarterContent(database.connection, config.CONTENT_DIR, (message) => log.error(message), config);
    if (loaded && loaded.codes.length > 0) {
      // the demo province learns the starter modules this year (design §5: assignment to a subtree)
      const assigned = database.embedded && config.DEMO_DATA === 'on' ? await assignStarterModules(database.connection, loaded.codes) : 0;
      starter = { modules: loaded.modulesCreated + loaded.modulesUpdated, questions: loaded.questionsCreated, assigned };
    }
  }
  // assignments made before campaigns existed (and the demo's starter ones) become campaigns
  await startCampaigns(database.connection);
  await startDashboards(database.connection);
  if (demo.loaded || (database.embedded && config.DEMO_DATA === 'on')) await seedDemoPlan(database.connection);
  // completions issue certificates from now on; those from before get theirs now (idempotent)
  await startCertificates(database.connection);
  // package results roll into module progress, for this platform's database, until close
  const stopTracking = trackPackageProgress(database.connection);
  // this instance runs background jobs too, its own and those any other instance stored
  await jobs.start(services);
  // the daily reminders and their retries (server/reminders), scheduled once whatever the instances
  await scheduleReminders(jobs);
  return {
    app: createApp(services),
    contentApp: createContentApp(services),
    services,
    database,
    demo,
    starter,
    async close() {
      await jobs.stop();
      stopTracking();
      await mailer.close();
      await database.close();
    },
  };
}
