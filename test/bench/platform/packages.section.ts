/**
 * Section — content packages (issue #5):
 * - SCORM commits per second against the content origin (POST /commit/<token>), 1,000
 *   open attempts each with its own playback token, every request the next attempt's
 *   next commit (sequence numbers rising per attempt, as the player sends them). Target
 *   ≥ 1,000 commits/s.
 * - Upload + validation + extraction of a 50 MB SCORM package over the JSON API
 *   (POST /api/v1/packages as a coordinator, Bearer token): the wall time of the request,
 *   for two different files (identical bytes would be stored once and not extracted again).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Types } from 'mongoose';
import yazl from 'yazl';
import { ROOT_DIR } from '../../../server/app';
import { zipFolder } from '../../../server/packages/folder-zip';
import { storePackage } from '../../../server/packages/service';
import { openAttempt } from '../../../server/playback/attempts';
import { signPlaybackToken } from '../../../server/playback/tokens';
import { unitModel, type Unit } from '../../../server/units/model';
import { createUnit } from '../../../server/units/service';
import { createAccount } from '../../../server/users/service';
import { int, median, ms, requireDefined, verdict, type Context, type Section } from './common';
import { runLoad, type LoadOptions } from './load';

const ATTEMPTS = 1000;
const CONNECTIONS = 50;
const SECONDS = 15;
const WARMUP_SECONDS = 3;
const MIN_COMMITS_PER_S = 1000;
const BIG_MB = 50;
const COORDINATOR = { login: 'bench.packages', password: 'mật khẩu đo gói nội dung' };

let tokens: string[] = [];
let bigFiles: string[] = [];

/** A SCORM 1.2 package of about `mb` MB: the in-house lesson plus incompressible media files of 1 MB. */
async function bigPackage(file: string, mb: number, salt: string): Promise<void> {
  const zip = new yazl.ZipFile();
  const lesson = path.join(ROOT_DIR, 'content', 'packages', 'scorm12-vhcv');
  for (const name of fs.readdirSync(lesson)) zip.addBuffer(fs.readFileSync(path.join(lesson, name)), name);
  for (let i = 0; i < mb; i++) zip.addBuffer(crypto.randomBytes(1024 * 1024), `media/anh-${String(i).padStart(3, '0')}.jpg`, { compress: false });
  zip.addBuffer(Buffer.from(salt), 'media/salt.txt');
  zip.end();
  await new Promise<void>((resolve, reject) => zip.outputStream.pipe(fs.createWriteStream(file)).on('close', resolve).on('error', reject));
}

function commitOptions(): LoadOptions {
  const seqs = new Array<number>(tokens.length).fill(0);
  let k = 0;
  return {
    method: 'POST',
    path: '/commit/x',
    connections: CONNECTIONS,
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    next: () => {
      const i = k++ % tokens.length;
      const seq = ++seqs[i]!;
      const cmi = { core: { lesson_status: 'incomplete', lesson_location: `trang-${(seq % 3) + 1}`, exit: 'suspend', session_time: `00:00:${String(seq % 60).padStart(2, '0')}`, score: { raw: '', min: '0', max: '100' } }, suspend_data: `{"answers":{"q1":"a"},"n":${seq}}` };
      return { path: `/commit/${tokens[i]}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cmi, commitSequence: seq }) };
    },
  };
}

export const packagesSection: Section = {
  title: 'Content packages',
  async prepare(ctx: Context) {
    const { db, config, secret } = requireDefined(ctx.platform, 'platform').services;
    // a unit of the imported province, or one of its own when the section runs alone (BENCH_SECTIONS)
    const unit = (await unitModel(db).findOne({ depth: 1 }).lean<Unit>()) ?? (await createUnit(db, { code: 'BENCH-GOI', name: 'Đơn vị đo gói nội dung', kind: 'department' }));
    const coordinator = await createAccount(db, { username: COORDINATOR.login, displayName: 'Điều phối đo gói', role: 'coordinator', unitId: unit._id, password: COORDINATOR.password }, config.BCRYPT_COST);
    const lessonZip = path.join(ctx.dataDir, 'bench-lesson.zip');
    fs.writeFileSync(lessonZip, await zipFolder(path.join(ROOT_DIR, 'content', 'packages', 'scorm12-vhcv')));
    const { record } = await storePackage(db, config, { file: lessonZip, size: fs.statSync(lessonZip).size, originalName: 'bai-hoc.zip', ownerUnitId: unit._id, uploadedBy: coordinator._id });
    const sco = record.scos[0]!;
    tokens = [];
    for (let i = 0; i < ATTEMPTS; i++) {
      const { attempt } = await openAttempt(db, { officerId: new Types.ObjectId(), accountId: new Types.ObjectId(), packageId: record._id, kind: 'scorm12', scoIdentifier: sco.identifier, context: null, preview: false });
      tokens.push(signPlaybackToken({ att: attempt._id.toHexString(), ses: attempt.session, pkg: record.sha256, kind: 'scorm12', launch: sco.launch }, secret, 24 * 60));
    }
    ctx.log(`opened ${ATTEMPTS} package attempts with a playback token each`);
    bigFiles = [];
    for (const salt of ['a', 'b']) {
      const file = path.join(ctx.dataDir, `bench-big-${salt}.zip`);
      await bigPackage(file, BIG_MB, salt);
      bigFiles.push(file);
    }
    ctx.log(`built two ${BIG_MB} MB packages (${(fs.statSync(bigFiles[0]!).size / 1024 ** 2).toFixed(1)} MB each)`);
  },
  async measure(ctx: Context) {
    if (!tokens.length) throw new Error('no attempts (their preparation failed)');
    const server = await ctx.server();
    const contentBase = requireDefined(server.contentBase, 'the content origin listener');
    const probe = await fetch(`${contentBase}/commit/${tokens[0]}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cmi: { core: { lesson_status: 'incomplete' } }, commitSequence: 1_000_000 }) });
    const probeBody = await probe.text();
    if (probe.status !== 200 || !probeBody.includes('"result":true')) throw new Error(`commit probe answered ${probe.status} ${probeBody}`);
    // the probe used a huge sequence number on attempt 0: start the run past it there
    tokens.push(tokens.shift()!);

    const r = await runLoad({ ...server, base: contentBase }, commitOptions());
    ctx.log(`SCORM commits: ${int(r.rps)}/s, p50 ${ms(r.p50)} ms, p95 ${ms(r.p95)} ms, p99 ${ms(r.p99)} ms, CPU ${ms(r.cpuMsPerRequest)} ms/commit, status ${JSON.stringify(r.statusCodes)}`);
    const rows = ctx.report.rows;
    rows.push(['Packages', `SCORM commits (POST /commit/<token>, ${ATTEMPTS} attempts), ${CONNECTIONS} connections, ${SECONDS} s: commits/s`, `${int(r.rps)} (${int(r.requests)} commits)`]);
    rows.push(['Packages', 'Commit latency p50 / p95 / p99, ms', `${ms(r.p50)} / ${ms(r.p95)} / ${ms(r.p99)}`]);
    rows.push(['Packages', 'Server CPU per commit incl. the engine worker, ms (cores busy: server / load generator)', `${ms(r.cpuMsPerRequest)} (${r.serverCores.toFixed(2)} / ${r.clientCores.toFixed(2)})`]);
    const targets = ctx.report.targets;
    targets.push([`SCORM commits ≥ ${int(MIN_COMMITS_PER_S)}/s, errors + non-2xx = 0`, `${int(r.rps)}/s, ${r.errors} + ${r.non2xx}`, verdict(r.rps >= MIN_COMMITS_PER_S && r.errors + r.non2xx === 0)]);

    // upload + validation + extraction over the API, as a coordinator
    const login = await fetch(`${server.base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(COORDINATOR) });
    if (login.status !== 200) throw new Error(`coordinator sign-in answered ${login.status}`);
    const { token } = (await login.json()) as { token: string };
    const seconds: number[] = [];
    for (const file of bigFiles) {
      const form = new FormData();
      form.set('file', new Blob([fs.readFileSync(file)]), path.basename(file));
      const t = performance.now();
      const reply = await fetch(`${server.base}/api/v1/packages`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
      const s = (performance.now() - t) / 1000;
      const text = await reply.text();
      if (reply.status !== 201) throw new Error(`upload of ${path.basename(file)} answered ${reply.status}: ${text.slice(0, 300)}`);
      seconds.push(s);
      ctx.log(`upload + validation + extraction of ${path.basename(file)}: ${s.toFixed(2)} s`);
    }
    const size = fs.statSync(bigFiles[0]!).size / 1024 ** 2;
    rows.push(['Packages', `Upload + validation + extraction of a ${size.toFixed(0)} MB SCORM package (POST /api/v1/packages, ${BIG_MB + 4} files), s`, `${seconds.map((s) => s.toFixed(2)).join(' / ')} (median ${median(seconds).toFixed(2)}; ${(size / median(seconds)).toFixed(0)} MB/s)`]);
    targets.push([`Upload + validation + extraction of a ${BIG_MB} MB package (context, no target set)`, `${median(seconds).toFixed(2)} s`, '—']);
  },
};
