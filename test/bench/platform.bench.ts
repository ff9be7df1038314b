/**
 * The platform benchmark (issue #3; design §8). Run:  npm run bench
 * Env: BENCH_DIR (where the temporary DATA_DIR goes, default the OS temp dir),
 * BENCH_KEEP=1 (keep it), BENCH_WRITE_DOCS=1 (write the results into docs/benchmarks.md
 * under "## Platform benchmark (npm run bench)"), BENCH_CHILD_ARGS (node flags for the
 * server child processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), BENCH_SECTIONS (a comma list of
 * section title prefixes to run, e.g. "Import,Quiz").
 *
 * A list of sections (test/bench/platform/*.section.ts). All `prepare` phases run first
 * with the platform started in this process on a fresh DATA_DIR; then that platform is
 * closed and all `measure` phases run over HTTP against the platform served by a child
 * process on the same DATA_DIR. A failing section is reported and the others still run.
 * Later issues add sections to SECTIONS.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEnv } from '../../server/env';
import { startPlatform } from '../../server/platform';
import { machineFacts } from './bench-report';
import { gcNow } from './bench-data';
import { scriptNodeFlags, type Context, type Report, type Section } from './platform/common';
import { ceilingSection, homeSection } from './platform/home.section';
import { importSection } from './platform/import.section';
import { renderReport, writeDocs } from './platform/report';
import { startServerChild, type ServerChild } from './platform/server-child-control';
import { signInSection } from './platform/sign-in.section';
import { quizSection } from './platform/quiz.section';
import { packagesSection } from './platform/packages.section';
import { campaignsSection } from './platform/campaigns.section';
import { dashboardsSection } from './platform/dashboards.section';
import { reportsSection } from './platform/reports.section';
import { certificatesSection } from './platform/certificates.section';
import { remindersSection } from './platform/reminders.section';

/** Measure order: the ceiling right before the home page, so the two see the same machine. */
const ALL_SECTIONS: Section[] = [importSection, campaignsSection, dashboardsSection, reportsSection, remindersSection, signInSection, ceilingSection, homeSection, quizSection, packagesSection, certificatesSection];

/** BENCH_SECTIONS=Import,Quiz runs only the sections whose titles start so (the later ones need the import). */
const only = process.env.BENCH_SECTIONS?.split(',').map((s) => s.trim().toLowerCase());
const SECTIONS = only ? ALL_SECTIONS.filter((s) => only.some((prefix) => s.title.toLowerCase().startsWith(prefix))) : ALL_SECTIONS;

const t0 = performance.now();
const log = (msg: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${msg}`);

async function step(report: Report, name: string, fn: () => Promise<void>): Promise<void> {
  log(`${name} …`);
  try {
    await fn();
  } catch (e) {
    const err = e as Error;
    report.errors.push(`${name}: ${err.message}`);
    log(`✗ ${name} FAILED: ${err.stack ?? err.message}`);
  }
}

async function main(): Promise<number> {
  const dataDir = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'platform-bench-'));
  // production settings; BCRYPT_COST is left at its default on purpose
  const env: Record<string, string> = { NODE_ENV: 'production', JWT_SECRET: randomBytes(30).toString('base64url'), DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEMO_DATA: 'off', TRUST_PROXY: '1', PORT: '0', CONTENT_ORIGIN: 'http://content.localhost:9', CONTENT_PORT: '0' };
  const report: Report = { rows: [], targets: [], notes: [], errors: [] };
  const started = new Date();
  const loadStart = os.loadavg()[0]!;
  log(`platform benchmark; data in ${dataDir}`);
  for (const f of machineFacts()) log(f);
  // this process builds the reports as the app does (the Reports section): with `npm start`'s node flags
  const missing = scriptNodeFlags('start').filter((flag) => !process.execArgv.includes(flag));
  log(`node flags: ${process.execArgv.join(' ') || '(none)'}${missing.length ? ` — WITHOUT ${missing.join(' ')} of npm start: run it as \`npm run bench\`` : ''}`);
  if (missing.length) report.notes.push(`This process ran without ${missing.join(' ')} (npm start's node flags): the Reports figures are not those of the app.`);
  let child: ServerChild | null = null;
  const ctx: Context = {
    dataDir,
    env,
    platform: null,
    shared: {},
    report,
    log: (m) => log(`  ${m}`),
    server: async () => (child ??= await startServerChild('platform', env)),
    stopServer: async () => {
      await child?.stop();
      child = null;
    },
  };
  try {
    ctx.platform = await startPlatform(parseEnv(env));
    log(`bcrypt cost ${ctx.platform.services.config.BCRYPT_COST}, NODE_ENV ${ctx.platform.services.config.NODE_ENV}`);
    for (const s of SECTIONS) if (s.prepare) await step(report, `${s.title}: prepare`, () => s.prepare!(ctx));
    await ctx.platform.close();
    ctx.platform = null;
    gcNow();
    for (const s of SECTIONS) if (s.measure) await step(report, `${s.title}: measure`, () => s.measure!(ctx));
  } finally {
    await ctx.stopServer();
    await ctx.platform?.close();
    if (process.env.BENCH_KEEP === '1') log(`data kept in ${dataDir}`);
    else fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const text = renderReport(report, { date: started, seconds: (performance.now() - t0) / 1000, loadAvg: [loadStart, os.loadavg()[0]!] });
  console.log(`\n${text}\n`);
  if (process.env.BENCH_WRITE_DOCS === '1') log(`wrote ${writeDocs(text)}`);
  if (report.errors.length) log(`${report.errors.length} step(s) failed — see above`);
  return report.errors.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`platform benchmark failed: ${e.stack ?? e.message}`);
    process.exit(1);
  },
);
