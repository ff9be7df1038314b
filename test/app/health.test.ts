import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { expect } from 'chai';
import { parseEnv } from '../../server/env';
import { connectDatabase, type Database } from '../../server/db/connect';
import { createJobRuntime } from '../../server/jobs';
import { createApp } from '../../server/app';
import { createLogger } from '../../server/http/logging';
import { createMailer } from '../../server/mail';

describe('app: configuration, database connection, health endpoints', function () {
  this.timeout(30_000);
  let db: Database;
  let server: Server;
  let base: string;
  let dataDir: string;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-health-'));
    // with MONGODB_URI unset the app runs the embedded engine under DATA_DIR
    db = await connectDatabase({ uri: process.env.MONGODB_URI, dataDir });
    const config = parseEnv({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const log = createLogger('silent');
    // a job runtime that is never started: these routes enqueue nothing
    const jobs = createJobRuntime(db.connection, [], { lockLifetimeMs: 60_000, pollMs: 1_000, log });
    const services = { db: db.connection, config, secret: 'x'.repeat(32), mailer: createMailer({ from: config.MAIL_FROM, outboxDir: path.join(dataDir, 'outbox') }), log, jobs };
    server = createApp(services).listen(0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server?.close();
    await db?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('GET /healthz answers 200 while the process is up', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ status: 'ok' });
  });

  it('GET /readyz answers 200 when the database answers, 503 once it is gone', async () => {
    expect((await fetch(`${base}/readyz`)).status).to.equal(200);
    if (!db.embedded) return;
    expect(fs.existsSync(path.join(dataDir, 'db', 'LOCK'))).to.equal(true);
    await db.close();
    const res = await fetch(`${base}/readyz`);
    expect(res.status).to.equal(503);
  });

  it('a wrong setting stops start-up with a message naming it', () => {
    expect(() => parseEnv({ PORT: 'abc' })).to.throw(/PORT/);
    expect(() => parseEnv({ MONGODB_URI: 'postgres://x' })).to.throw(/MONGODB_URI/);
    const ok = parseEnv({});
    expect(ok.PORT).to.equal(3000);
    expect(path.isAbsolute(ok.DATA_DIR)).to.equal(true);
    expect(() => parseEnv({ NODE_ENV: 'production' })).to.throw(/JWT_SECRET/);
    expect(() => parseEnv({ NODE_ENV: 'production', JWT_SECRET: 'short' })).to.throw(/JWT_SECRET.*32/);
    expect(parseEnv({ NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(40), CONTENT_ORIGIN: 'https://noidung.sonha.gov.vn' }).JWT_SECRET).to.have.length(40);
    // packages are served from another host, or package code could read the session cookie
    expect(() => parseEnv({ NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(40) })).to.throw(/CONTENT_ORIGIN.*required/);
    expect(() => parseEnv({ PUBLIC_URL: 'https://daotao.sonha.gov.vn', CONTENT_ORIGIN: 'https://daotao.sonha.gov.vn:8443' })).to.throw(/CONTENT_ORIGIN.*another host/);
    expect(parseEnv({ PORT: '3000' }).CONTENT_ORIGIN).to.equal('http://content.localhost:3001');
    // the fault injection of test/faults can never be switched on outside the tests
    expect(() => parseEnv({ ENGINE_TEST_NO_SPACE_FILE: '/tmp/full' })).to.throw(/ENGINE_TEST_NO_SPACE_FILE.*NODE_ENV=test/);
    expect(parseEnv({ NODE_ENV: 'test', ENGINE_TEST_NO_SPACE_FILE: '/tmp/full' }).ENGINE_TEST_NO_SPACE_FILE).to.equal('/tmp/full');
  });
});
