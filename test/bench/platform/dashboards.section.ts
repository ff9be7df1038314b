/**
 * Dashboards (issue #12): the province dashboard (60,000 officers, 250 units, 300,000
 * enrolments of the Campaigns section) as a coordinator of the root at 20 concurrent
 * users (targets p95 ≤ 300 ms, server CPU ≤ 20 ms per page) and the officer export of the whole province (target ≤ 10 s,
 * ≤ 200 MB extra RSS), and how soon a completion shows on the dashboard (target ≤ 1 s): an
 * officer finishes the one lesson of a campaign module through the real form, then the
 * coordinator's dashboard API is read until its unit's completed count moved. Needs Import and
 * Campaigns first (BENCH_SECTIONS=Import,Campaigns,Dashboards).
 */
import { randomBytes } from 'node:crypto';
import { SESSION_COOKIE } from '../../../server/auth/session';
import { campaignModel, enrolmentModel, type Campaign } from '../../../server/campaigns/model';
import { CSRF_COOKIE, tokenFor } from '../../../server/http/csrf';
import { officerModel } from '../../../server/officers/model';
import { signSession } from '../../../server/auth/tokens';
import { unitModel, type Unit } from '../../../server/units/model';
import { createAccount } from '../../../server/users/service';
import { int, median, ms, requireDefined, verdict, type Context, type Section } from './common';
import { createOfficerAccounts } from './accounts';
import { runLoad } from './load';

const CONNECTIONS = 20;
const SECONDS = 15;
const WARMUP_SECONDS = 3;
const TARGET_P95_MS = 300;
const TARGET_CPU_MS = 20;
const TARGET_EXPORT_S = 10;
const TARGET_EXPORT_RSS_MB = 200;
const COMPLETIONS = 10;
const TARGET_REFLECTED_MS = 1_000;
/** CSV rows of the completing officers: after the other sections' accounts (0–1,299) */
const FIRST_LEARNER_ROW = 5_000;

let cookie = '';
let rootId = '';
interface Learner { cookie: string; csrf: string; unitId: string }
const learners: Learner[] = [];
let completion: { campaignId: string; moduleId: string } | null = null;

/** Officers enrolled in the Campaigns section's first module, each with a session and a CSRF token. */
async function prepareLearners(ctx: Context): Promise<void> {
  const { db, secret, config } = requireDefined(ctx.platform, 'platform').services;
  const campaign = requireDefined(await campaignModel(db).findOne({ status: 'open', name: /^Kế hoạch đo/ }).lean<Campaign>(), 'the Campaigns section\'s campaign');
  const moduleId = campaign.modules[0]!.moduleId;
  for (const account of await createOfficerAccounts(ctx, FIRST_LEARNER_ROW, COMPLETIONS)) {
    const officer = requireDefined(await officerModel(db).findOne({ code: account.officerCode }, { unitId: 1 }).lean(), 'officer');
    if (!(await enrolmentModel(db).exists({ campaignId: campaign._id, moduleId, officerId: officer._id, state: 'enrolled' }))) throw new Error(`${account.officerCode} is not enrolled`);
    const seed = randomBytes(32).toString('base64url');
    const session = signSession({ id: account.id, tokenVersion: account.tokenVersion }, secret, config.SESSION_MINUTES);
    learners.push({ cookie: `${SESSION_COOKIE}=${session.token}; ${CSRF_COOKIE}=${seed}`, csrf: tokenFor(secret, seed, session.claims.jti), unitId: officer.unitId.toHexString() });
  }
  completion = { campaignId: campaign._id.toHexString(), moduleId: moduleId.toHexString() };
}

/**
 * Per officer: starts the module and opens its lesson, then times from posting "Đã học xong bài này" (its only
 * lesson, so the module completes) until the coordinator's API shows one more completion in
 * the officer's unit. Returns the times, ms.
 */
async function measureReflection(base: string): Promise<number[]> {
  const { campaignId, moduleId } = requireDefined(completion, 'the completing officers');
  const completed = async (unitId: string): Promise<number> => {
    const res = await fetch(`${base}/api/v1/dashboards/units/${unitId}?campaignId=${campaignId}`, { headers: { cookie } });
    if (res.status !== 200) throw new Error(`dashboard API answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    return ((await res.json()) as { dashboard: { totals: { completed: number } } }).dashboard.totals.completed;
  };
  const post = async (learner: Learner, path: string) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', redirect: 'manual', headers: { cookie: learner.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: learner.csrf }).toString() });
    await res.arrayBuffer();
    if (res.status !== 303) throw new Error(`POST ${path} answered ${res.status}`);
  };
  const times: number[] = [];
  for (const learner of learners) {
    const before = await completed(learner.unitId);
    await post(learner, `/learn/modules/${moduleId}/start`);
    // the lesson is read before it can be marked done
    const page = await fetch(`${base}/learn/modules/${moduleId}/items/bai-1`, { headers: { cookie: learner.cookie } });
    await page.arrayBuffer();
    if (page.status !== 200) throw new Error(`the lesson page answered ${page.status}`);
    const t = performance.now();
    await post(learner, `/learn/modules/${moduleId}/items/bai-1/done`);
    while ((await completed(learner.unitId)) <= before) {
      if (performance.now() - t > 30_000) throw new Error('a completion did not reach the dashboard within 30 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    times.push(performance.now() - t);
  }
  return times;
}

export const dashboardsSection: Section = {
  title: 'Dashboards',
  async prepare(ctx: Context) {
    const { db, secret, config } = requireDefined(ctx.platform, 'platform').services;
    const root = requireDefined(await unitModel(db).findOne({ depth: 0 }).lean<Unit>(), 'the province root');
    const account = await createAccount(db, { username: 'bench.dashboard', displayName: 'Điều phối đo', role: 'coordinator', password: 'Bảng số liệu đo 2026!', unitId: root._id }, config.BCRYPT_COST);
    cookie = `${SESSION_COOKIE}=${signSession({ id: account._id.toHexString(), tokenVersion: account.tokenVersion ?? 0 }, secret, config.SESSION_MINUTES).token}`;
    rootId = root._id.toHexString();
    await prepareLearners(ctx);
    ctx.log(`coordinator of ${root.name} and ${learners.length} enrolled officers ready`);
  },
  async measure(ctx: Context) {
    if (!cookie) throw new Error('no coordinator session (its preparation failed)');
    const server = await ctx.server();
    const path = `/dashboards/units/${rootId}`;
    const probe = await fetch(`${server.base}${path}`, { headers: { cookie }, redirect: 'manual' });
    const html = await probe.text();
    if (probe.status !== 200 || !html.includes('data-figure="enrolled"')) throw new Error(`dashboard probe answered ${probe.status} without figures`);

    // first, on an idle server: the time a completion takes to show, not the load's queueing
    const reflected = await measureReflection(server.base);
    const worst = Math.max(...reflected);
    ctx.log(`completion reflected on the dashboard: median ${ms(median(reflected))} ms, worst ${ms(worst)} ms of ${reflected.length}`);

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

    const rows = ctx.report.rows;
    rows.push(['Dashboards', `Province dashboard, ${CONNECTIONS} connections, ${SECONDS} s: requests/s`, int(r.rps)]);
    rows.push(['Dashboards', 'Province dashboard latency p50 / p95 / p99, ms', `${ms(r.p50)} / ${ms(r.p95)} / ${ms(r.p99)}`]);
    rows.push(['Dashboards', 'Server CPU per dashboard page, ms', ms(r.cpuMsPerRequest)]);
    rows.push(['Dashboards', 'Officer export of the province (CSV): s, MB, extra server RSS MB', `${exportS.toFixed(2)}, ${(bytes / 1024 ** 2).toFixed(1)}, ${extraMb.toFixed(0)}`]);
    rows.push(['Dashboards', `Completion → dashboard API shows it, ms (median / worst of ${reflected.length})`, `${ms(median(reflected))} / ${ms(worst)}`]);
    const targets = ctx.report.targets;
    targets.push([`Province dashboard p95 ≤ ${TARGET_P95_MS} ms at ${CONNECTIONS} users`, `${ms(r.p95)} ms`, verdict(r.p95 <= TARGET_P95_MS && r.errors + r.non2xx === 0)]);
    targets.push([`Server CPU per dashboard page ≤ ${TARGET_CPU_MS} ms`, `${ms(r.cpuMsPerRequest)} ms`, verdict(r.cpuMsPerRequest <= TARGET_CPU_MS)]);
    targets.push([`A completion reflected on the dashboard ≤ ${TARGET_REFLECTED_MS} ms (every one of ${reflected.length})`, `${ms(worst)} ms worst`, verdict(worst <= TARGET_REFLECTED_MS)]);
    targets.push([`Export of the province's officer rows ≤ ${TARGET_EXPORT_S} s, ≤ ${TARGET_EXPORT_RSS_MB} MB extra RSS`, `${exportS.toFixed(2)} s, +${extraMb.toFixed(0)} MB`, verdict(exportS <= TARGET_EXPORT_S && extraMb <= TARGET_EXPORT_RSS_MB)]);
  },
};
