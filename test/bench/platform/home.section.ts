/**
 * Sections 3 and 4 — the officer home page (GET / signed in as an officer) under 50
 * concurrent connections, against the ceiling of a bare Express "hello" route served the
 * same way and loaded with the same settings (design §8: page throughput ≥ 1/5 of the
 * bare route, ≤ 2 ms of server CPU per page).
 *
 * 500 officer accounts each get one session, minted with signSession and the server's
 * secret exactly as the sign-in route does (a real sign-in per account would only add
 * 500 bcrypt checks to the setup). Every request carries the next officer's cookie, so the
 * 50 connections always act for different officers and all 500 are served in turn.
 */
import { SESSION_COOKIE } from '../../../server/auth/session';
import { signSession } from '../../../server/auth/tokens';
import { createOfficerAccounts, type BenchAccount } from './accounts';
import { int, ms, requireDefined, verdict, type Context, type Section } from './common';
import { runLoad, type LoadOptions, type LoadResult } from './load';
import { startServerChild } from './server-child-control';

const ACCOUNTS = 500;
const CONNECTIONS = 50;
const SECONDS = 15;
const WARMUP_SECONDS = 3;
const MAX_CPU_MS = 2;
const MIN_RATIO = 1 / 5;

let officers: Array<BenchAccount & { cookie: string }> = [];

/** The same settings for the page and the ceiling; the next officer's cookie on every request. */
function loadOptions(): LoadOptions {
  let k = 0;
  const next = (): { headers: Record<string, string> } => ({ headers: officers.length ? { cookie: officers[k++ % officers.length]!.cookie } : {} });
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
    officers = accounts.map((a) => ({ ...a, cookie: `${SESSION_COOKIE}=${signSession({ id: a.id, tokenVersion: a.tokenVersion }, secret, config.SESSION_MINUTES).token}` }));
    ctx.log(`created ${officers.length} officer accounts with a session each`);
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
  },
};
