/**
 * Sections 3 and 4 — the officer home page (GET / signed in as an officer) under 50
 * concurrent connections, against the ceiling of a bare Express "hello" route served the
 * same way and loaded with the same settings (design §8: page throughput ≥ 1/5 of the
 * bare route; issue #16: ≤ 1.5 ms of server CPU per page), then the officer's other pages
 * the same way: /learn, a module page, an open quiz attempt's answering page (≤ 1 ms).
 *
 * 500 officer accounts each get one session, minted with signSession and the server's
 * secret exactly as the sign-in route does (a real sign-in per account would only add
 * 500 bcrypt checks to the setup). Every request carries the next officer's cookie, so the
 * 50 connections always act for different officers and all 500 are served in turn.
 */
import http from 'node:http';
import { SESSION_COOKIE } from '../../../server/auth/session';
import { signSession } from '../../../server/auth/tokens';
import { createOfficerAccounts, type BenchAccount } from './accounts';
import { int, ms, requireDefined, verdict, type Context, type Section } from './common';
import { runLoad, type LoadOptions, type LoadResult } from './load';
import { startServerChild, type ServerChild } from './server-child-control';
import { giveOfficersAPlan } from './officer-plan';

const ACCOUNTS = 500;
const CONNECTIONS = 50;
const SECONDS = 15;
const WARMUP_SECONDS = 3;
/** issue #16: the officer's home page and /learn, server CPU per page */
const MAX_CPU_MS = 1.5;
/** issue #16: an open quiz attempt's answering page */
const MAX_ATTEMPT_PAGE_CPU_MS = 1;
const MIN_RATIO = 1 / 5;

let officers: Array<BenchAccount & { cookie: string; attemptPath: string }> = [];
let startedModulePath = '';

/** The bytes of a GET as they travel (fetch would decompress them) and their Content-Encoding. */
function wireSize(url: string, headers: Record<string, string>): Promise<{ bytes: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ bytes, encoding: String(res.headers['content-encoding'] ?? 'identity') }));
      })
      .on('error', reject);
  });
}

/** What a phone's browser sends: the page comes back compressed (brotli) — the variant that costs the server compression work. */
const BROWSER_ENCODINGS = { 'accept-encoding': 'gzip, deflate, br' };
/** A compressed page may cost at most this much more server CPU than the same page sent plain (issue #15). */
const MAX_COMPRESSION_CPU_RATIO = 1.25;

/**
 * The same settings for the page and the ceiling; the next officer's cookie on every
 * request, plus `extra` headers (autocannon itself sends no Accept-Encoding: by default
 * the page is measured uncompressed).
 */
function loadOptions(extra: Record<string, string> = {}, pathOf: (officer: (typeof officers)[number]) => string = () => '/'): LoadOptions {
  let k = 0;
  const next = (): { headers: Record<string, string>; path?: string } => {
    const officer = officers[k++ % officers.length];
    return officer ? { headers: { ...extra, cookie: officer.cookie }, path: pathOf(officer) } : { headers: { ...extra } };
  };
  return { method: 'GET', path: '/', connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, next };
}

const describe = (r: LoadResult) =>
  `${int(r.rps)} req/s, p50 ${ms(r.p50)} ms, p95 ${ms(r.p95)} ms, p99 ${ms(r.p99)} ms, CPU ${ms(r.cpuMsPerRequest)} ms/req, errors ${r.errors}, non-2xx ${r.non2xx}`;

/** The bare Express ceiling: measured with nothing else running (the platform child is stopped). */
export const ceilingSection: Section = {
  title: 'Bare Express ceiling',
  async measure(ctx: Context) {
    await ctx.stopServer();
    const bare = await startServerChild('bare', ctx.env);
    try {
      const r = await runLoad(bare, loadOptions());
      ctx.log(`bare Express: ${describe(r)}`);
      ctx.shared['ceiling'] = r;
      ctx.report.rows.push(['Ceiling', `Bare Express "hello", ${CONNECTIONS} connections, ${SECONDS} s: requests/s`, int(r.rps)]);
      ctx.report.rows.push(['Ceiling', 'Bare Express latency p50 / p95 / p99, ms', `${ms(r.p50)} / ${ms(r.p95)} / ${ms(r.p99)}`]);
      ctx.report.rows.push(['Ceiling', 'Bare Express server CPU per request, ms (cores busy: server / load generator)', `${ms(r.cpuMsPerRequest)} (${r.serverCores.toFixed(2)} / ${r.clientCores.toFixed(2)})`]);
    } finally {
      await bare.stop();
    }
  },
};

export const homeSection: Section = {
  title: 'Officer home page',
  async prepare(ctx: Context) {
    const { secret, config } = requireDefined(ctx.platform, 'platform').services;
    // rows 200… of the CSV: not the sign-in section's accounts
    const accounts = await createOfficerAccounts(ctx, 200, ACCOUNTS);
    // a realistic officer (issue #16): this year's campaign, two modules started, an open quiz attempt
    const plan = await giveOfficersAPlan(ctx, accounts.map((a) => a.officerCode));
    startedModulePath = `/learn/modules/${plan.startedModuleId}`;
    officers = accounts.map((a) => ({
      ...a,
      cookie: `${SESSION_COOKIE}=${signSession({ id: a.id, tokenVersion: a.tokenVersion }, secret, config.SESSION_MINUTES).token}`,
      attemptPath: requireDefined(plan.openAttempts.get(a.officerCode), `open attempt of ${a.officerCode}`),
    }));
    ctx.log(`created ${officers.length} officer accounts with a session each, enrolled in 5 modules, 2 started, 1 quiz attempt open`);
  },
  async measure(ctx: Context) {
    if (!officers.length) throw new Error('no officer sessions (their preparation failed)');
    const server = await ctx.server();
    // the page must really be the officer's own home page, not a redirect to /login
    const probe = officers[0]!;
    const reply = await fetch(`${server.base}/`, { headers: { cookie: probe.cookie }, redirect: 'manual' });
    const html = await reply.text();
    if (reply.status !== 200 || !html.includes(probe.officerCode)) throw new Error(`home page probe answered ${reply.status} without the officer's code ${probe.officerCode}`);

    const r = await runLoad(server, loadOptions());
    ctx.log(`home page: ${describe(r)}, status ${JSON.stringify(r.statusCodes)}`);
    const ceiling = ctx.shared['ceiling'] as LoadResult | undefined;
    const rows = ctx.report.rows;
    rows.push(['Home page', `GET / as an officer (${ACCOUNTS} sessions), ${CONNECTIONS} connections, ${SECONDS} s: requests/s`, `${int(r.rps)} (${int(r.requests)} pages, ${Math.round(html.length / 1024)} KB each)`]);
    rows.push(['Home page', 'Home page latency p50 / p95 / p99, ms', `${ms(r.p50)} / ${ms(r.p95)} / ${ms(r.p99)}`]);
    rows.push(['Home page', 'Errors / non-2xx', `${r.errors} / ${r.non2xx}`]);
    rows.push(['Home page', 'Server CPU per page incl. the engine worker, ms (cores busy: server / load generator)', `${ms(r.cpuMsPerRequest)} (${r.serverCores.toFixed(2)} / ${r.clientCores.toFixed(2)})`]);
    rows.push(['Home page', 'Server process RSS after the run, MB', (r.serverRss / 1024 ** 2).toFixed(0)]);
    const targets = ctx.report.targets;
    targets.push(['Home page under load: errors + non-2xx = 0', `${r.errors} + ${r.non2xx}`, verdict(r.errors + r.non2xx === 0 && r.requests > 0)]);
    targets.push([`Server CPU per officer home page ≤ ${MAX_CPU_MS} ms`, `${ms(r.cpuMsPerRequest)} ms`, verdict(r.cpuMsPerRequest <= MAX_CPU_MS)]);
    targets.push([
      'Home page throughput ≥ 1/5 of bare Express (same run, same settings)',
      ceiling ? `${int(r.rps)} / ${int(ceiling.rps)} = ${(r.rps / ceiling.rps).toFixed(3)} (1/${(ceiling.rps / r.rps).toFixed(1)})` : 'no ceiling (its run failed)',
      ceiling ? verdict(r.rps / ceiling.rps >= MIN_RATIO) : '—',
    ]);
    targets.push(['↳ context: Moodle 4.5 student dashboard (design §8)', '217 ms CPU per request', '—']);

    // the same page as a phone asks for it: compressed on the fly by the compression middleware
    const { bytes: wire, encoding } = await wireSize(`${server.base}/`, { cookie: probe.cookie, ...BROWSER_ENCODINGS });
    const c = await runLoad(server, loadOptions(BROWSER_ENCODINGS));
    ctx.log(`home page, Accept-Encoding br: ${describe(c)}, ${encoding} ${wire} B`);
    rows.push(['Home page', `Same, with Accept-Encoding: gzip, deflate, br (${encoding}, ${(wire / 1024).toFixed(1)} KB on the wire): requests/s`, int(c.rps)]);
    rows.push(['Home page', 'Compressed: server CPU per page, ms (cores busy: server / load generator)', `${ms(c.cpuMsPerRequest)} (${c.serverCores.toFixed(2)} / ${c.clientCores.toFixed(2)})`]);
    const ratio = c.cpuMsPerRequest / r.cpuMsPerRequest;
    targets.push([`Server CPU per page with compression ≤ ${MAX_COMPRESSION_CPU_RATIO}× without (same run)`, `${ms(c.cpuMsPerRequest)} / ${ms(r.cpuMsPerRequest)} ms = ${ratio.toFixed(2)}×`, verdict(ratio <= MAX_COMPRESSION_CPU_RATIO && c.errors + c.non2xx === 0)]);

    // the officer's other pages (issue #16), plain like the home page's first run
    const learn = await learnerPage(ctx, server, 'Learn page', 'GET /learn ("Học phần của tôi")', () => '/learn');
    targets.push([`Server CPU per /learn ≤ ${MAX_CPU_MS} ms`, `${ms(learn.cpuMsPerRequest)} ms`, verdict(learn.cpuMsPerRequest <= MAX_CPU_MS && learn.errors + learn.non2xx === 0)]);
    targets.push([
      '/learn throughput ≥ 1/5 of bare Express (same run, same settings)',
      ceiling ? `${int(learn.rps)} / ${int(ceiling.rps)} = ${(learn.rps / ceiling.rps).toFixed(3)} (1/${(ceiling.rps / learn.rps).toFixed(1)})` : 'no ceiling (its run failed)',
      ceiling ? verdict(learn.rps / ceiling.rps >= MIN_RATIO) : '—',
    ]);
    const module = await learnerPage(ctx, server, 'Module page', 'GET /learn/modules/:id (a started module)', () => startedModulePath);
    targets.push(['↳ a module page (context, no target set)', `${ms(module.cpuMsPerRequest)} ms CPU, ${int(module.rps)} req/s`, '—']);
    const attempt = await learnerPage(ctx, server, 'Attempt page', 'GET /learn/attempts/:id (the officer\'s open quiz attempt, 10 questions)', (o) => o.attemptPath);
    targets.push([`Server CPU per open quiz attempt page ≤ ${MAX_ATTEMPT_PAGE_CPU_MS} ms`, `${ms(attempt.cpuMsPerRequest)} ms`, verdict(attempt.cpuMsPerRequest <= MAX_ATTEMPT_PAGE_CPU_MS && attempt.errors + attempt.non2xx === 0)]);
  },
};

/** Loads one of the officer's pages (each request another officer's) and reports it as the home page is reported. */
async function learnerPage(ctx: Context, server: ServerChild, label: string, what: string, pathOf: (officer: (typeof officers)[number]) => string): Promise<LoadResult> {
  const probe = officers[0]!;
  const reply = await fetch(server.base + pathOf(probe), { headers: { cookie: probe.cookie }, redirect: 'manual' });
  const html = await reply.text();
  if (reply.status !== 200) throw new Error(`${label} probe answered ${reply.status}`);
  const r = await runLoad(server, loadOptions({}, pathOf));
  ctx.log(`${label}: ${describe(r)}, status ${JSON.stringify(r.statusCodes)}`);
  const rows = ctx.report.rows;
  rows.push([label, `${what} as an officer (${ACCOUNTS} sessions), ${CONNECTIONS} connections, ${SECONDS} s: requests/s`, `${int(r.rps)} (${int(r.requests)} pages, ${Math.round(html.length / 1024)} KB each)`]);
  rows.push([label, 'Latency p50 / p95 / p99, ms; errors / non-2xx', `${ms(r.p50)} / ${ms(r.p95)} / ${ms(r.p99)}; ${r.errors} / ${r.non2xx}`]);
  rows.push([label, 'Server CPU per page incl. the engine worker, ms (cores busy: server / load generator)', `${ms(r.cpuMsPerRequest)} (${r.serverCores.toFixed(2)} / ${r.clientCores.toFixed(2)})`]);
  return r;
}
