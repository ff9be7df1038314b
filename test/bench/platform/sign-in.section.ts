/**
 * Section 2 — sign-ins per second at the configured bcrypt cost (BCRYPT_COST, default 11).
 * First the cost of one hash and one check on this machine (target ≥ 50 ms of CPU per hash:
 * slow enough against offline guessing), then POST /api/v1/auth/login with 200 distinct
 * officer accounts, all with the right password (so the lockout never triggers), cycling
 * through the accounts under 8 connections. Each simulated officer comes from its own
 * address (X-Forwarded-For, TRUST_PROXY=1 as behind the reverse proxy), as the per-address
 * limit of 30 sign-ins a minute would otherwise turn the run into a rate-limit test.
 */
import os from 'node:os';
import { hashPassword, verifyPassword } from '../../../server/auth/passwords';
import { createOfficerAccounts, PASSWORD, type BenchAccount } from './accounts';
import { int, median, ms, requireDefined, verdict, type Context, type Section } from './common';
import { runLoad } from './load';

const ACCOUNTS = 200;
const CONNECTIONS = 8;
const SECONDS = 10;
const HASH_RUNS = 5;
const MIN_HASH_MS = 50;

let accounts: BenchAccount[] = [];
let cost = 0;

/**
 * Median wall time of `runs` sequential calls and their mean CPU time (this process, all
 * threads: bcrypt runs on the libuv pool), ms, after one call not counted. On a busy
 * machine the wall time grows while the CPU time stays: the two side by side show it.
 */
async function timeEach(runs: number, fn: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  await fn();
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  const used = process.cpuUsage(cpu);
  return { wall: median(times), cpu: (used.user + used.system) / 1000 / runs };
}

export const signInSection: Section = {
  title: 'Sign-in',
  async prepare(ctx: Context) {
    cost = requireDefined(ctx.platform, 'platform').services.config.BCRYPT_COST;
    const hashMs = await timeEach(HASH_RUNS, () => hashPassword(PASSWORD, cost));
    const hash = await hashPassword(PASSWORD, cost);
    const verifyMs = await timeEach(HASH_RUNS, () => verifyPassword(PASSWORD, hash));
    ctx.log(`bcrypt cost ${cost}: hash ${ms(hashMs.wall)} ms (CPU ${ms(hashMs.cpu)} ms), verify ${ms(verifyMs.wall)} ms (CPU ${ms(verifyMs.cpu)} ms)`);
    ctx.shared['verifyCpuMs'] = verifyMs.cpu;
    ctx.report.rows.push(['Sign-in', `bcrypt cost ${cost}: one hash / one check (pre-hash + bcrypt), ms: wall median of ${HASH_RUNS} (CPU mean)`, `${ms(hashMs.wall)} (${ms(hashMs.cpu)}) / ${ms(verifyMs.wall)} (${ms(verifyMs.cpu)})`]);
    // judged on CPU time: what a guess costs; the wall time of a busy machine would flatter a too-low cost
    ctx.report.targets.push([`A password hash costs ≥ ${MIN_HASH_MS} ms (bcrypt cost ${cost}; CPU time, wall in brackets)`, `${ms(hashMs.cpu)} ms (${ms(hashMs.wall)} ms)`, verdict(hashMs.cpu >= MIN_HASH_MS)]);
    accounts = await createOfficerAccounts(ctx, 0, ACCOUNTS);
    ctx.log(`created ${accounts.length} officer accounts for sign-in`);
  },
  async measure(ctx: Context) {
    if (!accounts.length) throw new Error('no accounts (their preparation failed)');
    const server = await ctx.server();
    let k = 0;
    const next = () => {
      const i = k++ % accounts.length;
      return {
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.20.${i >> 8}.${i & 255}` },
        body: JSON.stringify({ login: accounts[i]!.officerCode, password: PASSWORD }),
      };
    };
    // one sign-in by hand: the load below must be measuring successes, not refusals
    const probe = next();
    const reply = await fetch(`${server.base}/api/v1/auth/login`, { method: 'POST', headers: probe.headers, body: probe.body! });
    const json = (await reply.json()) as { token?: string };
    if (reply.status !== 200 || !json.token) throw new Error(`sign-in probe answered ${reply.status} ${JSON.stringify(json)}`);

    const r = await runLoad(server, { method: 'POST', path: '/api/v1/auth/login', connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: 2, next });
    ctx.log(`sign-in: ${r.rps.toFixed(1)}/s, p50 ${ms(r.p50)} ms, p95 ${ms(r.p95)} ms, p99 ${ms(r.p99)} ms, CPU ${ms(r.cpuMsPerRequest)} ms each, status ${JSON.stringify(r.statusCodes)}`);
    // what the machine could do if bcrypt had every core to itself
    const verifyCpuMs = ctx.shared['verifyCpuMs'] as number;
    const bound = (os.cpus().length * 1000) / verifyCpuMs;
    const rows = ctx.report.rows;
    rows.push(['Sign-in', `POST /api/v1/auth/login, ${ACCOUNTS} accounts, ${CONNECTIONS} connections, ${SECONDS} s: sign-ins/s`, `${r.rps.toFixed(1)} (${int(r.requests)} sign-ins)`]);
    rows.push(['Sign-in', 'Sign-in latency p50 / p95 / p99, ms', `${ms(r.p50)} / ${ms(r.p95)} / ${ms(r.p99)}`]);
    rows.push(['Sign-in', 'Server CPU per sign-in, ms (cores busy: server / load generator)', `${ms(r.cpuMsPerRequest)} (${r.serverCores.toFixed(2)} / ${r.clientCores.toFixed(2)})`]);
    ctx.report.targets.push(['Every sign-in succeeds (distinct accounts, right password): errors + non-2xx = 0', `${r.errors} + ${r.non2xx}`, verdict(r.errors + r.non2xx === 0 && r.requests > 0)]);
    ctx.report.targets.push([`↳ context: bcrypt bound, ${os.cpus().length} cores × 1 check per ${ms(verifyCpuMs)} ms of CPU`, `${bound.toFixed(1)} sign-ins/s`, '—']);
  },
};
