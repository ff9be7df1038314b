/**
 * `npm start` as an IT officer meets it: on a machine with no MongoDB and no settings it
 * starts the embedded engine, loads the demo province, prints the URL and the demo logins,
 * and each login lands on its role's home page. With MONGODB_URI it loads nothing, and
 * `npm run admin:create` makes the first admin. Runs the real entry points as processes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../server/db/engine';
import { Client } from '../http';

const ROOT = path.resolve(__dirname, '../../..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcess;
  output: () => string;
  base: string;
}

/** `npm start` (scripts/run.js → dist/server/main.js) with `env`; resolves once it serves. */
async function start(env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, ['scripts/run.js', 'dist/server/main.js'], { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', PORT: String(port), CONTENT_PORT: '0', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (output.includes('/login')) {
        clearInterval(check);
        resolve();
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(check);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
  return { child, output: () => output, base: `http://localhost:${port}` };
}

function stop(started: Started): Promise<number | null> {
  return new Promise((resolve) => {
    started.child.once('exit', (code) => resolve(code));
    started.child.kill('SIGTERM');
  });
}

describe('app: npm start on a fresh machine, MONGODB_URI, admin:create', function () {
  // the acceptance bound for a fresh clone: serving within 60 s
  this.timeout(60_000);
  const dirs: string[] = [];
  const tempDir = (name: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `vhcv-start-${name}-`));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('with no settings: demo province, printed logins, each role on its home page; a restart keeps the data', async () => {
    const dataDir = tempDir('demo');
    const first = await start({ DATA_DIR: dataDir });
    try {
      const printed = first.output();
      expect(printed).to.contain('Đã nạp dữ liệu mẫu').and.contain(`${first.base}/login`);
      for (const login of ['demo.admin', 'demo.coordinator', 'demo.manager', 'demo.officer']) expect(printed).to.contain(login);
      expect(printed).to.contain('VanHoaCongVu@2026');
      // the starter content (content/modules/*/module.json) is loaded on the first start
      const starterModules = fs.readdirSync(path.join(ROOT, 'content/modules')).filter((topic) => fs.existsSync(path.join(ROOT, 'content/modules', topic, 'module.json'))).length;
      // (the content check test, test/content/content-checks.test.ts, requires all five topics)
      if (starterModules > 0) expect(printed).to.contain(`Đã nạp học phần mẫu / starter modules loaded: ${starterModules} học phần`);
      else expect(printed).not.to.contain('Đã nạp học phần mẫu');
      const page = await new Client(first.base).get('/login');
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('Đăng nhập');
      expect((await new Client(first.base).get('/healthz')).status).to.equal(200);
      const homes: Record<string, string> = {
        'demo.admin': 'Hoạt động gần đây',
        'demo.coordinator': 'Tổng quan Ủy ban nhân dân tỉnh Sơn Hà',
        'demo.manager': 'Tổng quan Sở Nội vụ',
        'demo.officer': 'Học phần của tôi',
      };
      for (const [login, marker] of Object.entries(homes)) {
        const client = new Client(first.base);
        const signedIn = await client.signIn(login, 'VanHoaCongVu@2026');
        expect(signedIn.location).to.equal('/');
        const home = await client.get('/');
        expect(home.status, login).to.equal(200);
        expect(home.text, login).to.contain(marker);
      }
    } finally {
      expect(await stop(first), 'exit code after SIGTERM').to.equal(0);
    }
    const second = await start({ DATA_DIR: dataDir });
    try {
      expect(second.output()).not.to.contain('Đã nạp dữ liệu mẫu');
      expect(second.output()).not.to.contain('Đã nạp học phần mẫu');
      expect(second.output()).to.contain('demo.officer');
      await new Client(second.base).signIn('demo.officer', 'VanHoaCongVu@2026');
    } finally {
      await stop(second);
    }
  });

  describe('with MONGODB_URI', () => {
    let engine: EmbeddedMongo;
    before(async () => {
      const dir = tempDir('mongo');
      engine = await startEmbeddedMongo({ dataDir: dir, port: await freePort() });
    });
    after(() => engine?.stop());

    it('loads no demo data; admin:create makes the first admin, who can sign in', async () => {
      const dataDir = tempDir('uri');
      const env = { DATA_DIR: dataDir, MONGODB_URI: engine.uri, NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(40), CONTENT_ORIGIN: 'http://content.localhost:9' };
      const platform = await start(env);
      try {
        expect(platform.output()).to.contain('MONGODB_URI').and.not.contain('demo.admin');
        expect((await new Client(platform.base).request('POST', '/api/v1/auth/login', { json: { login: 'demo.admin', password: 'VanHoaCongVu@2026' } })).status).to.equal(401);
        const created = spawnSync(process.execPath, ['scripts/run.js', 'dist/scripts/admin-create.js', '--username', 'qtv.tinh', '--name', 'Quản trị viên Tỉnh', '--email', 'qtv@sonha.gov.vn'], {
          cwd: ROOT,
          env: { PATH: process.env['PATH'] ?? '', ...env, ADMIN_PASSWORD: 'Mật khẩu quản trị 2026' },
          encoding: 'utf8',
        });
        expect(created.status, created.stdout + created.stderr).to.equal(0);
        expect(created.stdout).to.contain('Đã tạo tài khoản quản trị «qtv.tinh»');
        const admin = new Client(platform.base);
        await admin.signIn('qtv@sonha.gov.vn', 'Mật khẩu quản trị 2026');
        expect((await admin.get('/')).text).to.contain('Quản trị viên Tỉnh');
        // a second admin with the same login is refused with a readable message
        const again = spawnSync(process.execPath, ['scripts/run.js', 'dist/scripts/admin-create.js', '--username', 'qtv.tinh'], { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...env, ADMIN_PASSWORD: 'Mật khẩu khác 2026' }, encoding: 'utf8' });
        expect(again.status).to.equal(1);
        expect(again.stderr).to.contain('đã có tài khoản');
      } finally {
        await stop(platform);
      }
    });

    it('a short JWT_SECRET in production stops start-up with a readable message', () => {
      const result = spawnSync(process.execPath, ['dist/server/main.js'], { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', JWT_SECRET: 'ngan', MONGODB_URI: engine.uri, DATA_DIR: tempDir('bad') }, encoding: 'utf8' });
      expect(result.status).to.equal(1);
      expect(result.stderr).to.contain('JWT_SECRET').and.contain('32');
    });
  });
});
