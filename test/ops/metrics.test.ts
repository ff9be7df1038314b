/**
 * /metrics and /readyz over HTTP (issue #16): Prometheus text with request durations by
 * route pattern, engine figures, the job queue, mails and sign-in failures; readable from
 * loopback or with METRICS_TOKEN, never through a proxy without the token; /readyz names
 * the failing check (database, disk, mail).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../http';
import { buildUnit } from '../factories';
import { createAccount } from '../../server/users/service';

const TOKEN = 'metrics-token-'.padEnd(40, 'x');
const PASSWORD = 'mật khẩu số liệu';

/** The value of the first sample line of `name` whose labels include every `labels` pair (NaN when none). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return NaN;
}

describe('ops: /metrics and /readyz', function () {
  this.timeout(60_000);
  let tp: TestPlatform;

  before(async () => {
    tp = await startTestPlatform('metrics', { METRICS_TOKEN: TOKEN, DB_CHECKPOINT_RECORDS: '100' });
    const unit = await buildUnit({ name: 'Sở Số Liệu' });
    await createAccount(tp.platform.services.db, { username: 'so.lieu', displayName: 'Người Số Liệu', email: 'so.lieu@example.gov.vn', role: 'coordinator', password: PASSWORD, unitId: unit._id }, 4);
  });
  after(async () => tp?.close());

  const metrics = (headers: Record<string, string> = {}) => tp.client().request('GET', '/metrics', { headers });

  it('reports request durations by route pattern and status, engine figures, jobs, mails, sign-in failures and process metrics', async () => {
    const before = await metrics();
    expect(before.status).to.equal(200);
    expect(before.headers.get('content-type')).to.match(/^text\/plain/);
    const failuresBefore = sample(before.text, 'vhcv_sign_in_failures_total', { reason: 'invalid' }) || 0;
    const mailsBefore = sample(before.text, 'vhcv_mails_total', { result: 'sent', via: 'outbox' }) || 0;
    // the registry is the process's: other platforms of the same test run count there too
    const unitReadsBefore = sample(before.text, 'vhcv_http_request_duration_seconds_count', { route: '/api/v1/units/:id', method: 'GET', status: '200' }) || 0;

    const client = tp.client();
    const login = await client.request('POST', '/api/v1/auth/login', { json: { login: 'so.lieu', password: PASSWORD } });
    client.bearer = login.json<{ token: string }>().token;
    const unitId = (await client.request('GET', '/api/v1/units')).json<{ items: Array<{ id: string }> }>().items[0]!.id;
    expect((await client.request('GET', `/api/v1/units/${unitId}`)).status).to.equal(200);
    expect((await tp.client().request('POST', '/api/v1/auth/login', { json: { login: 'so.lieu', password: 'sai' } })).status).to.equal(401);
    expect((await tp.client().submit('/password/forgot', { login: 'so.lieu' }, '/password/forgot')).status).to.equal(200);
    // the reset mail leaves after the answer (so its timing says nothing)
    const deadline = Date.now() + 10_000;
    let text: string;
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      text = (await metrics()).text;
    } while (!(sample(text, 'vhcv_mails_total', { result: 'sent', via: 'outbox' }) > mailsBefore) && Date.now() < deadline);

    // the route pattern, never the raw id
    expect(sample(text, 'vhcv_http_request_duration_seconds_count', { route: '/api/v1/units/:id', method: 'GET', status: '200' })).to.equal(unitReadsBefore + 1);
    expect(text).to.not.contain(`/api/v1/units/${unitId}`);
    expect(sample(text, 'vhcv_http_request_duration_seconds_count', { route: '/api/v1/auth/login', status: '401' })).to.be.at.least(1);
    expect(sample(text, 'vhcv_sign_in_failures_total', { reason: 'invalid' })).to.equal(failuresBefore + 1);
    expect(sample(text, 'vhcv_mails_total', { result: 'sent', via: 'outbox' })).to.equal(mailsBefore + 1);
    // the embedded engine's journal: the writes above were synced
    expect(sample(text, 'vhcv_engine_journal_fsyncs_total')).to.be.greaterThan(0);
    expect(sample(text, 'vhcv_engine_journal_fsync_seconds_total')).to.be.greaterThan(0);
    expect(sample(text, 'vhcv_engine_journal_bytes')).to.be.greaterThan(0);
    expect(sample(text, 'vhcv_engine_open_cursors')).to.be.at.least(0);
    expect(sample(text, 'vhcv_engine_checkpoints_total')).to.be.at.least(0);
    expect(sample(text, 'vhcv_jobs', { status: 'queued' })).to.be.at.least(0);
    expect(sample(text, 'vhcv_jobs', { status: 'failed' })).to.be.at.least(0);
    expect(sample(text, 'vhcv_process_resident_memory_bytes')).to.be.greaterThan(0);
  });

  it('a checkpoint shows in the engine figures (count, duration)', async () => {
    const before = sample((await metrics()).text, 'vhcv_engine_checkpoints_total');
    // DB_CHECKPOINT_RECORDS=100: this many journal records start a checkpoint
    for (let i = 0; i < 120; i++) await tp.platform.services.db.collection('metrics_probe').insertOne({ i });
    const deadline = Date.now() + 10_000;
    let text: string;
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      text = (await metrics()).text;
    } while (!(sample(text, 'vhcv_engine_checkpoints_total') > before) && Date.now() < deadline);
    expect(sample(text, 'vhcv_engine_checkpoints_total')).to.be.greaterThan(before);
    expect(sample(text, 'vhcv_engine_last_checkpoint_seconds')).to.be.greaterThan(0);
    expect(sample(text, 'vhcv_engine_checkpoint_seconds_total')).to.be.at.least(sample(text, 'vhcv_engine_last_checkpoint_seconds'));
  });

  it('is refused through a proxy and from elsewhere without the token; the Bearer token opens it', async () => {
    const proxied = await metrics({ 'x-forwarded-for': '203.0.113.9' });
    expect(proxied.status).to.equal(403);
    expect(proxied.text).to.contain('Số liệu giám sát');
    expect((await metrics({ 'x-real-ip': '203.0.113.9' })).status).to.equal(403);
    expect((await metrics({ 'x-forwarded-for': '203.0.113.9', authorization: `Bearer ${TOKEN.slice(0, -1)}y` })).status).to.equal(403);
    const withToken = await metrics({ 'x-forwarded-for': '203.0.113.9', authorization: `Bearer ${TOKEN}` });
    expect(withToken.status).to.equal(200);
    expect(withToken.text).to.contain('vhcv_http_request_duration_seconds_bucket');
  });

  it('/readyz answers each check and 503 naming the one that fails (packages disk, outbox)', async () => {
    const ok = await tp.client().request('GET', '/readyz');
    expect(ok.status).to.equal(200);
    expect(ok.json()).to.deep.equal({ status: 'ready', checks: { database: 'ok', disk: 'ok', mail: 'ok' } });

    // a directory that cannot be written (replaced by a file: the tests may run as root, which ignores modes)
    const packages = tp.platform.services.config.PACKAGES_DIR;
    fs.rmSync(packages, { recursive: true, force: true });
    fs.writeFileSync(packages, 'not a directory');
    const disk = await tp.client().request('GET', '/readyz');
    expect(disk.status).to.equal(503);
    expect(disk.json()).to.deep.equal({ status: 'disk not writable', checks: { database: 'ok', disk: 'disk not writable', mail: 'ok' } });
    fs.rmSync(packages);

    const outbox = path.join(tp.dataDir, 'outbox');
    fs.rmSync(outbox, { recursive: true, force: true });
    fs.writeFileSync(outbox, 'not a directory');
    const mail = await tp.client().request('GET', '/readyz');
    expect(mail.status).to.equal(503);
    expect(mail.json<{ checks: { mail: string } }>().checks.mail).to.equal('outbox not writable');
    fs.rmSync(outbox);
    expect((await tp.client().request('GET', '/readyz')).status).to.equal(200);
  });
});
