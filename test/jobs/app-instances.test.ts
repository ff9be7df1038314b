/**
 * The real platform (`dist/server/main.js`) as two instances on one standalone engine
 * (`npm run db`): an officer import started on instance A, which is SIGKILLed while the
 * import runs, is finished by instance B; the coordinator follows it on B's progress page
 * with the same session (no sticky sessions), and every officer is there exactly once.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose, { type Connection } from 'mongoose';
import { createAccount } from '../../server/users/service';
import { officerModel } from '../../server/officers/model';
import { killAll, Proc, startEngineProcess, type EngineProc } from '../engine/engine-process';
import { buildUnit, useFactoryConnection } from '../factories';
import { Client } from '../http';
import { HEADER, csv, officerRow } from '../imports/helpers';

const MAIN = path.join(__dirname, '..', '..', 'server', 'main.js');
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

describe('jobs: an import survives the SIGKILL of the app instance running it', function () {
  this.timeout(600_000);
  let dir: string;
  let engine: EngineProc;
  let db: Connection;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vhcv-app-jobs-'));
    engine = await startEngineProcess(path.join(dir, 'db'));
    db = await mongoose.createConnection(engine.uri, { sanitizeFilter: true }).asPromise();
    useFactoryConnection(db);
    await buildUnit({ code: 'HAI-MAY', name: 'Sở thử hai máy', kind: 'department' });
    await createAccount(db, { username: 'qtv.thu', displayName: 'Quản trị thử', role: 'admin', password: 'mật khẩu thử' }, 4);
  });
  after(async () => {
    await db?.close();
    await killAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** One app instance on its own ports, sharing the engine and the session secret. */
  async function instance(name: string): Promise<{ proc: Proc; base: string }> {
    const [port, contentPort] = [await freePort(), await freePort()];
    const env = {
      ...process.env,
      NODE_ENV: 'development',
      MONGODB_URI: engine.uri,
      DATA_DIR: path.join(dir, name),
      PORT: String(port),
      CONTENT_PORT: String(contentPort),
      JWT_SECRET: 'un secret partagé par les deux instances, assez long',
      BCRYPT_COST: '4',
      LOG_LEVEL: 'warn',
      SIGN_IN_RATE_PER_MINUTE: '100000',
      JOB_LOCK_SECONDS: '20',
      JOB_POLL_MS: '200',
    };
    const proc = new Proc(MAIN, [], `app ${name}`, { env });
    await proc.waitForLine(/platform running at/, 120_000);
    return { proc, base: `http://127.0.0.1:${port}` };
  }

  it('instance B finishes the import that instance A started and was killed in', async () => {
    const rows = 30_000;
    const a = await instance('a');
    const client = new Client(a.base);
    await client.signIn('qtv.thu', 'mật khẩu thử');
    const form = new FormData();
    form.set('_csrf', await client.csrf('/officers/import'));
    form.set('mode', 'import');
    form.set('file', new Blob([new Uint8Array(csv([HEADER, ...Array.from({ length: rows }, (_, i) => officerRow({ code: `HM-${i}`, unitCode: 'HAI-MAY' }))]))]), 'hai-may.csv');
    const started = await client.request('POST', '/officers/import', { body: form, headers: { accept: 'application/json' } });
    expect(started.status, started.text.slice(0, 300)).to.equal(202);
    const url: string = started.json().url;

    // A is part-way through: past reading the file
    for (;;) {
      const { job } = (await client.get(`${url}/status`)).json();
      expect(job.status, 'the import ended before A could be killed').to.equal('running');
      if (job.percent >= 20) break;
      await sleep(100);
    }
    a.proc.kill('SIGKILL');
    expect((await a.proc.exited).signal).to.equal('SIGKILL');

    const b = await instance('b');
    const onB = new Client(b.base);
    for (const [key, value] of client.cookies) onB.cookies.set(key, value);
    let job: any;
    for (let i = 0; ; i++) {
      // a connection reset by a loaded machine is tried again while B runs; B dying is a failure
      const reply = await onB.get(`${url}/status`).catch(async (error: Error) => {
        if (b.proc.exit || i > 1_900) throw new Error(`B did not answer (${error.message}); B exit: ${JSON.stringify(b.proc.exit)}; stderr: ${b.proc.stderr.slice(-3000)}`);
        await sleep(500);
        return null;
      });
      if (!reply) continue;
      expect(reply.status, 'B serves the job A started, to the same session').to.equal(200);
      job = reply.json().job;
      if (job.status !== 'running') break;
      if (i > 2_000) throw new Error('the import was not resumed');
      await sleep(200);
    }
    expect(job.status, job.errorMessage).to.equal('done');
    expect(job.summary).to.contain(`Đã nhập ${rows} dòng`);
    expect(await officerModel(db).countDocuments({ code: /^HM-/ })).to.equal(rows);
    const stored = await db.db!.collection('jobs').findOne({ name: 'officer-import' });
    expect(stored?.run.starts, 'started on A, resumed on B').to.equal(2);
    b.proc.kill('SIGTERM');
    await b.proc.waitExit(30_000);
  });
});
