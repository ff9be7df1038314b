/**
 * Several instances (issue #16): the standalone engine (`npm run db`), two app instances
 * (dist/server/main.js) on one DATA_DIR / PACKAGES_DIR, and nginx in front (started here
 * with its own configuration in a temp dir: round-robin, no sticky sessions). Through the
 * proxy: an officer signs in, learns and passes a quiz; a coordinator imports officers (a
 * background job, which runs exactly once). A session works on both instances; a package
 * uploaded through one plays through the other; one instance is killed mid-way and the path
 * goes on through the other.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose, { type Connection } from 'mongoose';
import { connectDatabase } from '../../server/db/connect';
import { createAccount } from '../../server/users/service';
import { officerModel } from '../../server/officers/model';
import { killAll, Proc, startEngineProcess, type EngineProc } from '../engine/engine-process';
import { buildOfficer, buildUnit, useFactoryConnection } from '../factories';
import { Client } from '../http';
import { HEADER, csv, officerRow } from '../imports/helpers';
import { assign, buildPublishedModule, buildQuestions, lesson, quiz, learnerAccount } from '../learning/fixtures';
import { scorm12Files, zipOf } from '../packages/fixtures/build';

const MAIN = path.join(__dirname, '..', '..', 'server', 'main.js');
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((file) => fs.existsSync(file));
const PASSWORD = 'mật khẩu nhiều máy';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** nginx in front of both instances' platform and content listeners: round-robin, a dead instance skipped. */
function nginxConfig(dir: string, ports: { web: number; content: number; apps: Array<{ port: number; contentPort: number }> }): string {
  const upstream = (name: string, key: 'port' | 'contentPort') =>
    `upstream ${name} {\n${ports.apps.map((a) => `    server 127.0.0.1:${a[key]} max_fails=1 fail_timeout=30s;`).join('\n')}\n  }`;
  const proxy = `
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_next_upstream error timeout;
      client_max_body_size 50m;`;
  return `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  ${upstream('platform', 'port')}
  ${upstream('content', 'contentPort')}
  server {
    listen 127.0.0.1:${ports.web};
    location / { proxy_pass http://platform;${proxy} add_header X-Upstream $upstream_addr always; }
  }
  server {
    listen 127.0.0.1:${ports.content};
    location / { proxy_pass http://content;${proxy} }
  }
}
`;
}

describe('ops: two app instances behind nginx on the standalone engine', function () {
  this.timeout(600_000);
  let dir: string;
  let engine: EngineProc;
  let db: Connection;
  let nginx: ChildProcess | undefined;
  let proxyBase: string;
  const apps: Array<{ name: string; proc: Proc; base: string; contentBase: string }> = [];
  let moduleId: string;
  let officerLogin: string;

  before(async function () {
    if (!NGINX) throw new Error('nginx is not installed (apt-get install -y nginx; .ci/run installs it)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vhcv-multi-'));
    engine = await startEngineProcess(path.join(dir, 'db'));
    db = await mongoose.createConnection(engine.uri, { sanitizeFilter: true }).asPromise();
    useFactoryConnection(db);
    // the province: a unit, a coordinator, an officer with an assigned module ending in a quiz
    const unit = await buildUnit({ code: 'NHIEU-MAY', name: 'Sở nhiều máy', kind: 'department' });
    await createAccount(db, { username: 'dp.nhieu.may', displayName: 'Điều phối nhiều máy', role: 'coordinator', password: PASSWORD, unitId: unit._id }, 4);
    await createAccount(db, { username: 'qtv.nhieu.may', displayName: 'Quản trị nhiều máy', role: 'admin', password: PASSWORD }, 4);
    const officer = await buildOfficer({ unitId: unit._id });
    officerLogin = (await learnerAccount(db, officer, PASSWORD)).username!;
    await buildQuestions(db, 'thai-do', 4, ['single', 'true-false', 'single', 'single']);
    moduleId = (await buildPublishedModule(db, { title: 'Thái độ phục vụ nhân dân', items: [lesson('bai-1'), quiz('kiem-tra', { timeLimitMinutes: 20 })] })).moduleId.toHexString();
    await assign(db, { moduleId: new mongoose.Types.ObjectId(moduleId), unitId: unit._id });

    const [web, content] = [await freePort(), await freePort()];
    proxyBase = `http://127.0.0.1:${web}`;
    const ports = [];
    for (const name of ['a', 'b']) ports.push({ name, port: await freePort(), contentPort: await freePort() });
    const shared = path.join(dir, 'shared');
    for (const { name, port, contentPort } of ports) {
      const env = {
        ...process.env,
        NODE_ENV: 'development',
        MONGODB_URI: engine.uri,
        // one DATA_DIR and PACKAGES_DIR for both, as on a shared filesystem
        DATA_DIR: shared,
        PACKAGES_DIR: path.join(shared, 'packages'),
        PORT: String(port),
        CONTENT_PORT: String(contentPort),
        PUBLIC_URL: proxyBase,
        CONTENT_ORIGIN: `http://content.localhost:${content}`,
        TRUST_PROXY: '1',
        JWT_SECRET: 'một bí mật chung của hai máy chủ, đủ dài để ký phiên',
        BCRYPT_COST: '4',
        LOG_LEVEL: 'warn',
        STARTER_CONTENT: 'off',
        SIGN_IN_RATE_PER_MINUTE: '100000',
        JOB_LOCK_SECONDS: '10',
        JOB_POLL_MS: '200',
      };
      const proc = new Proc(MAIN, [], `app ${name}`, { env });
      // one after the other: start-up migrations run once, on the first
      await proc.waitForLine(/platform running at/, 120_000);
      apps.push({ name, proc, base: `http://127.0.0.1:${port}`, contentBase: `http://127.0.0.1:${contentPort}` });
    }
    const nginxDir = path.join(dir, 'nginx');
    fs.mkdirSync(nginxDir);
    fs.writeFileSync(path.join(nginxDir, 'nginx.conf'), nginxConfig(nginxDir, { web, content, apps: ports }));
    execFileSync(NGINX, ['-t', '-p', nginxDir, '-c', path.join(nginxDir, 'nginx.conf')], { stdio: 'pipe' });
    nginx = spawn(NGINX, ['-p', nginxDir, '-c', path.join(nginxDir, 'nginx.conf')], { stdio: 'ignore' });
    for (let i = 0; ; i++) {
      const up = await fetch(`${proxyBase}/healthz`).then((r) => r.ok, () => false);
      if (up) break;
      if (i > 100) throw new Error(`nginx did not start: ${fs.readFileSync(path.join(nginxDir, 'error.log'), 'utf8')}`);
      await sleep(100);
    }
  });
  after(async () => {
    if (nginx && nginx.exitCode === null) {
      const gone = new Promise((resolve) => nginx!.once('exit', resolve));
      nginx.kill('SIGTERM');
      await gone;
    }
    await db?.close();
    await killAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A client for instance `i` directly, carrying `from`'s cookies (the same session). */
  const direct = (i: number, from: Client) => {
    const client = new Client(apps[i]!.base);
    for (const [key, value] of from.cookies) client.cookies.set(key, value);
    return client;
  };

  it('round-robin without sticky sessions: one signed-in client reaches both instances through the proxy', async () => {
    const admin = new Client(proxyBase);
    expect((await admin.signIn('qtv.nhieu.may', PASSWORD)).status).to.equal(303);
    const upstreams = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const reply = await admin.get('/api/v1/me');
      expect(reply.status).to.equal(200);
      upstreams.add(reply.headers.get('x-upstream') ?? '');
    }
    expect([...upstreams].sort()).to.deep.equal(apps.map((a) => a.base.replace('http://', '')).sort());
    expect((await fetch(`${proxyBase}/readyz`)).status).to.equal(200);
  });

  it('a package uploaded through one instance plays through the other (shared PACKAGES_DIR)', async () => {
    const admin = new Client(proxyBase);
    await admin.signIn('qtv.nhieu.may', PASSWORD);
    const onA = direct(0, admin);
    const form = new FormData();
    const csrf = await onA.csrf('/authoring/packages');
    form.set('_csrf', csrf);
    form.set('file', new Blob([new Uint8Array(await zipOf(scorm12Files()))]), 'goi-thu.zip');
    const uploaded = await onA.request('POST', '/api/v1/packages', { body: form, headers: { 'x-csrf-token': csrf } });
    expect(uploaded.status, uploaded.text.slice(0, 300)).to.equal(201);
    const id: string = uploaded.json().id ?? uploaded.json().package?.id;

    const onB = direct(1, admin);
    const play = await onB.get(`/packages/${id}/play`);
    expect(play.status, play.text.slice(0, 300)).to.equal(200);
    const player = /id="package-player" src="([^"]+)"/.exec(play.text)![1]!.replace(/&amp;/g, '&');
    const token = /\/play\/([^/?"]+)/.exec(player)![1]!;
    // B's content listener serves the files A extracted
    const file = await fetch(`${apps[1]!.contentBase}/p/${token}/index.html`);
    expect(file.status).to.equal(200);
    expect(await file.text()).to.contain('Xin chào');
  });

  it("a coordinator's import through the proxy runs as one job, exactly once", async () => {
    const coordinator = new Client(proxyBase);
    expect((await coordinator.signIn('dp.nhieu.may', PASSWORD)).status).to.equal(303);
    const rows = 200;
    const form = new FormData();
    form.set('_csrf', await coordinator.csrf('/officers/import'));
    form.set('mode', 'import');
    form.set('file', new Blob([new Uint8Array(csv([HEADER, ...Array.from({ length: rows }, (_, i) => officerRow({ code: `NM-${i}`, unitCode: 'NHIEU-MAY' }))]))]), 'nhieu-may.csv');
    const started = await coordinator.request('POST', '/officers/import', { body: form, headers: { accept: 'application/json' } });
    expect(started.status, started.text.slice(0, 300)).to.equal(202);
    const url: string = started.json().url;
    let job: { status: string; summary?: string; errorMessage?: string };
    for (let i = 0; ; i++) {
      job = (await coordinator.get(`${url}/status`)).json().job;
      if (job.status !== 'running' && job.status !== 'queued') break;
      if (i > 600) throw new Error('the import did not finish');
      await sleep(200);
    }
    expect(job.status, job.errorMessage).to.equal('done');
    expect(await officerModel(db).countDocuments({ code: /^NM-/ })).to.equal(rows);
    const stored = await db.collection('jobs').find({ name: 'officer-import' }).toArray();
    expect(stored).to.have.length(1);
    expect(stored[0]!['run'].starts, 'claimed by one instance, once').to.equal(1);
  });
  it("an officer's path through the proxy, a session valid on both instances, one instance killed mid-way", async () => {
    const officer = new Client(proxyBase);
    expect((await officer.signIn(officerLogin, PASSWORD)).status).to.equal(303);
    // the one session works on each instance directly
    for (const i of [0, 1]) {
      const page = await direct(i, officer).get('/learn');
      expect(page.status, `instance ${apps[i]!.name}`).to.equal(200);
      expect(page.text).to.contain('Thái độ phục vụ nhân dân');
    }
    expect((await officer.submit(`/learn/modules/${moduleId}/start`, {}, '/learn')).status).to.equal(303);
    expect((await officer.submit(`/learn/modules/${moduleId}/items/bai-1/done`, {}, `/learn/modules/${moduleId}/items/bai-1`)).location).to.equal(`/learn/modules/${moduleId}/items/kiem-tra`);

    // instance B dies mid-way; the proxy sends everything to A
    apps[1]!.proc.kill('SIGKILL');
    await apps[1]!.proc.exited;

    const start = await officer.submit(`/learn/modules/${moduleId}/items/kiem-tra/attempts`, {}, `/learn/modules/${moduleId}/items/kiem-tra`);
    expect(start.status).to.equal(303);
    const attemptId = /\/learn\/attempts\/([0-9a-f]{24})$/.exec(start.location ?? '')![1]!;
    const attempt = (await db.collection('quiz_attempts').findOne({ _id: new mongoose.Types.ObjectId(attemptId) }))!;
    const form = Object.fromEntries((attempt['questions'] as Array<{ questionId: mongoose.Types.ObjectId; correct: string[] }>).map((q) => [`q_${q.questionId.toHexString()}`, q.correct[0]!]));
    const submitted = await officer.submit(`/learn/attempts/${attemptId}/submit`, form, `/learn/attempts/${attemptId}`);
    expect(submitted.status).to.equal(303);
    const stored = (await db.collection('quiz_attempts').findOne({ _id: new mongoose.Types.ObjectId(attemptId) }))!;
    expect(stored).to.include({ status: 'submitted', passed: true });
    expect((await officer.get(`/learn/attempts/${attemptId}`)).text).to.contain('Chúc mừng, bạn đã đạt!');
  });


  it('docs/deployment.md section 7 on this topology: npm run backup against the standalone engine at MONGODB_URI, restore, the data is there', async () => {
    const archive = path.join(dir, 'sao-luu-nhieu-may.zip');
    const env = { ...process.env, MONGODB_URI: engine.uri, DATA_DIR: path.join(dir, 'shared'), PACKAGES_DIR: path.join(dir, 'shared', 'packages'), LOG_LEVEL: 'silent' };
    execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'backup.js'), '--out', archive], { env, stdio: 'pipe' });
    const restored = path.join(dir, 'khoi-phuc');
    execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'restore.js'), archive, '--data-dir', restored], { stdio: 'pipe' });
    const copy = await connectDatabase({ dataDir: restored });
    try {
      expect(await officerModel(copy.connection).countDocuments({ code: /^NM-/ })).to.equal(await officerModel(db).countDocuments({ code: /^NM-/ }));
      expect(await copy.connection.collection('quiz_attempts').countDocuments({ status: 'submitted' })).to.equal(1);
    } finally {
      await copy.close();
    }
    // the uploaded package came along (it lies under the shared DATA_DIR)
    expect(fs.readdirSync(path.join(restored, 'packages')).length).to.be.greaterThan(0);
  });
});
