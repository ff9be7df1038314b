/**
 * Dashboards (issue #12): the province dashboard (60,000 officers, 250 units, 300,000
 * enrolments of the Campaigns section) as a coordinator of the root at 20 concurrent
 * users (targets p95 ≤ 300 ms, server CPU ≤ 20 ms per page) and the officer export of the whole province (target ≤ 10 s,
 * ≤ 200 MB extra RSS). Needs Import and Campaigns first
 * (BENCH_SECTIONS=Import,Campaigns,Dashboards).
 */
import { SESSION_COOKIE } from '../../../server/auth/session';
import { signSession } from '../../../server/auth/tokens';
import { unitModel, type Unit } from '../../../server/units/model';
import { createAccount } from '../../../server/users/service';
import { int, ms, requireDefined, verdict, type Context, type Section } from './common';
import { runLoad } from './load';

const CONNECTIONS = 20;
const SECONDS = 15;
const WARMUP_SECONDS = 3;
const TARGET_P95_MS = 300;
const TARGET_CPU_MS = 20;
const TARGET_EXPORT_S = 10;
const TARGET_EXPORT_RSS_MB = 200;

let cookie = '';
let rootId = '';

export const dashboardsSection: Section = {
  title: 'Dashboards',
  async prepare(ctx: Context) {
    const { db, secret, config } = requireDefined(ctx.platform, 'platform').services;
    const root = requireDefined(await unitModel(db).findOne({ depth: 0 }).lean<Unit>(), 'the province root');
    const account = await createAccount(db, { username: 'bench.dashboard', displayName: 'Điều phối đo', role: 'coordinator', password: 'Bảng số liệu đo 2026!', unitId: root._id }, config.BCRYPT_COST);
    cookie = `${SESSION_COOKIE}=${signSession({ id: account._id.toHexString(), tokenVersion: account.tokenVersion ?? 0 }, secret, config.SESSION_MINUTES).token}`;
    rootId = root._id.toHexString();
    ctx.log(`coordinator of ${root.name} ready`);
  },
  async measure(ctx: Context) {
    if (!cookie) throw new Error('no coordinator session (its preparation failed)');
    const server = await ctx.server();
    const path = `/dashboards/units/${rootId}`;
    const probe = await fetch(`${server.base}${path}`, { headers: { cookie }, redirect: 'manual' });
    const html = await probe.text();
    if (probe.status !== 200 || !html.includes('data-figure="enrolled"')) throw new Error(`dashboard probe answered ${probe.status} without figures`);

    const r = await runLoad(server, { method: 'GET', path, connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, next: () => ({ headers: { cookie } }) });
    ctx.log(`province dashboard: ${int(r.rps)} req/s, p95 ${ms(r.p95)} ms, CPU ${ms(r.cpuMsPerRequest)} ms/req, errors ${r.errors}, non-2xx ${r.non2xx}`);

    // the whole province's officer rows, read as a browser would download them
    const before = await server.usage();
    const t = performance.now();
    const res = await fetch(`${server.base}/dashboards/units/${rootId}/export?format=csv&level=officer`, { headers: { cookie } });
    let bytes = 0;
    let peak = before.rss;
    const reader = requireDefined(res.body, 'export body').getReader();
    for (let chunk = await reader.read(), n = 0; !chunk.done; chunk = await reader.read(), n++) {
      bytes += chunk.value.length;
      if (n % 200 === 0) peak = Math.max(peak, (await server.usage()).rss);
    }
    const exportS = (performance.now() - t) / 1000;
    const extraMb = (Math.max(peak, (await server.usage()).rss) - before.rss) / 1024 ** 2;
    ctx.log(`officer export: ${(bytes / 1024 ** 2).toFixed(1)} MB CSV in ${exportS.toFixed(2)} s, +${extraMb.toFixed(0)} MB RSS`);

    // not measured yet: "a completion reflected within 1 s" (needs a learner session completing a
    // module against the child; the hook runs before the learning request returns) — docs/dashboards.md
    const rows = ctx.report.rows;
    rows.push(['Dashboards', `Province dashboard, ${CONNECTIONS} connections, ${SECONDS} s: requests/s`, int(r.rps)]);
    rows.push(['Dashboards', 'Province dashboard latency p50 / p95 / p99, ms', `${ms(r.p50)} / ${ms(r.p95)} / ${ms(r.p99)}`]);
    rows.push(['Dashboards', 'Server CPU per dashboard page, ms', ms(r.cpuMsPerRequest)]);
    rows.push(['Dashboards', 'Officer export of the province (CSV): s, MB, extra server RSS MB', `${exportS.toFixed(2)}, ${(bytes / 1024 ** 2).toFixed(1)}, ${extraMb.toFixed(0)}`]);
    const targets = ctx.report.targets;
    targets.push([`Province dashboard p95 ≤ ${TARGET_P95_MS} ms at ${CONNECTIONS} users`, `${ms(r.p95)} ms`, verdict(r.p95 <= TARGET_P95_MS && r.errors + r.non2xx === 0)]);
    targets.push([`Server CPU per dashboard page ≤ ${TARGET_CPU_MS} ms`, `${ms(r.cpuMsPerRequest)} ms`, verdict(r.cpuMsPerRequest <= TARGET_CPU_MS)]);
    targets.push([`Export of the province's officer rows ≤ ${TARGET_EXPORT_S} s, ≤ ${TARGET_EXPORT_RSS_MB} MB extra RSS`, `${exportS.toFixed(2)} s, +${extraMb.toFixed(0)} MB`, verdict(exportS <= TARGET_EXPORT_S && extraMb <= TARGET_EXPORT_RSS_MB)]);
  },
};
