/**
 * The platform benchmark's report (stdout and, with BENCH_WRITE_DOCS=1, the section
 * "## Platform benchmark (npm run bench)" of docs/benchmarks.md; other sections are kept).
 */
import fs from 'node:fs';
import path from 'node:path';
import { machineFacts } from '../bench-report';
import type { Report } from './common';

export const SECTION = '## Platform benchmark (npm run bench)';

const table = (header: string[], rows: string[][]) =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

const METHOD =
  'How it is measured: one run on a fresh temporary DATA_DIR with the embedded engine, NODE_ENV=production (JWT_SECRET of 40 characters, ' +
  'view cache on), LOG_LEVEL=silent, DEMO_DATA=off, BCRYPT_COST at its default. The import and the account set-up run with the platform ' +
  'started in the benchmark process (`startPlatform`, direct calls: `createUnit`, `importOfficers`, `createAccount`). The import is timed ' +
  'around `importOfficers(db, buffer, "….csv", {dryRun})` on a generated 60,000-row CSV as Excel saves it (BOM, CRLF, an STT column, ' +
  'Vietnamese names with diacritics, ~70% with e-mail, ~60% with phone) over a 3-level tree of 250 units (province → 14 sở/ban + 15 xã/phường → ' +
  '220 phòng/đơn vị) made with `createUnit`; order: dry run, import, re-import. ' +
  'The HTTP figures come from the platform served by a child process (the same `startPlatform`, engine worker thread inside it) loaded by ' +
  'autocannon 9 from the benchmark process, so the load generator\'s CPU is not the server\'s; both share the machine\'s cores. ' +
  'Server CPU per request = the child\'s `process.cpuUsage()` (user + system, all its threads, the engine worker included) over the ' +
  'measured run divided by the responses; latency percentiles are computed from every response. Each load has an uncounted warm-up ' +
  '(2 s for sign-in, 3 s for pages). Sign-in: 200 officer accounts (`createAccount`; the first with the password at the real cost, the ' +
  'others given that same bcrypt hash by one `updateMany`, so every check is a real cost-11 bcrypt), POST /api/v1/auth/login cycling through ' +
  'them with the right password (no failure, so no lockout), each account from its own X-Forwarded-For address with TRUST_PROXY=1 — the ' +
  'per-address limit (SIGN_IN_RATE_PER_MINUTE, 120 a minute by default) would otherwise refuse most of them. Home page: 500 officer accounts linked to imported officers, one ' +
  'session each minted with `signSession` and the server\'s secret (as the sign-in route does); every request carries the next officer\'s ' +
  'cookie. The bare Express "hello" route runs in the same kind of child process with the same autocannon settings (50 connections, 15 s, ' +
  'the same cookie headers), just before the home page, with the platform child stopped.';

export function renderReport(report: Report, meta: { date: Date; seconds: number; loadAvg: [number, number] }): string {
  return [
    `Run ${meta.date.toISOString()}: 60,000 officers, 250 units, fresh embedded engine (${meta.seconds.toFixed(0)} s in total).`,
    '',
    [...machineFacts(), `Load average (1 min) at start / end: ${meta.loadAvg.map((l) => l.toFixed(2)).join(' / ')} — a shared VM: other work skews every figure`]
      .map((f) => `- ${f}`)
      .join('\n'),
    '',
    table(['Section', 'Measure', 'Value'], report.rows),
    '',
    table(['Target (issue #3, design §8)', 'Measured', 'Result'], report.targets),
    ...(report.notes.length ? ['', ...report.notes] : []),
    ...(report.errors.length ? ['', '**Failures:**', ...report.errors.map((e) => `- ${e}`)] : []),
    '',
    METHOD,
  ].join('\n');
}

/** Replaces (or appends) this benchmark's section of docs/benchmarks.md, keeping every other section. */
export function writeDocs(text: string, file = path.join(__dirname, '..', '..', '..', '..', 'docs', 'benchmarks.md')): string {
  const section = `${SECTION}\n\n${text}\n`;
  let doc = fs.readFileSync(file, 'utf8');
  const start = doc.indexOf(SECTION);
  if (start >= 0) {
    const next = doc.slice(start + SECTION.length).search(/^## /m);
    const end = next < 0 ? doc.length : start + SECTION.length + next;
    doc = doc.slice(0, start) + section + (end < doc.length ? '\n' + doc.slice(end) : '');
  } else {
    doc = doc.replace(/\s*$/, '\n\n') + section;
  }
  fs.writeFileSync(file, doc);
  return file;
}
