/**
 * Background jobs across app instances: two worker processes (./job-worker.ts, each an
 * instance's job runtime) share one standalone engine (`npm run db`, dist/scripts/db.js).
 * A job runs exactly once; a recurring job runs once per period; a job whose instance is
 * SIGKILLed mid-run is taken over and finished by another.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose, { type Connection } from 'mongoose';
import pino from 'pino';
import { createJobRuntime, type Jobs } from '../../server/jobs';
import { killAll, Proc, startEngineProcess, type EngineProc } from '../engine/engine-process';
import { testKinds } from './job-worker';

const WORKER = path.join(__dirname, 'job-worker.js');
/**
 * The lock lifetime of the workers, in ms: short, so that a killed worker's job is taken
 * over quickly, but above the event-loop stalls of a loaded test machine (heartbeats come
 * every quarter of it).
 */
const LOCK_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface RunRecord {
  jobId: string;
  instance: string;
  event: 'start' | 'end' | 'tick';
  at: Date;
}

describe('jobs: several app instances on one database', function () {
  this.timeout(400_000);
  let dir: string;
  let engine: EngineProc;
  let db: Connection;
  /** the test's own runtime: enqueues and reads, never runs anything (not started) */
  let jobs: Jobs;
  const kinds = testKinds('test');
  let workers: Proc[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vhcv-jobs-'));
    engine = await startEngineProcess(path.join(dir, 'db'));
    db = await mongoose.createConnection(engine.uri, { sanitizeFilter: true }).asPromise();
    jobs = createJobRuntime(db, [kinds.slow, kinds.tick], { lockLifetimeMs: LOCK_MS, pollMs: 50, log: pino({ level: 'silent' }) });
  });
  after(async () => {
    await db?.close();
    await killAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(function () {
    // a failed test says what the workers said
    if (this.currentTest?.state === 'failed') for (const proc of workers) console.error(`${proc.name}: ${proc.stderr.slice(-3000)}`);
    workers = [];
  });
  beforeEach(async () => {
    await db.db!.collection('jobs').deleteMany({});
    await db.db!.collection('job_test_runs').deleteMany({});
  });

  async function worker(name: string, extra: string[] = []): Promise<Proc> {
    const proc = new Proc(WORKER, ['--uri', engine.uri, '--name', name, '--lock-ms', String(LOCK_MS), ...extra], `worker ${name}`);
    workers.push(proc);
    await proc.waitForLine(new RegExp(`^ready ${name}$`), 120_000);
    return proc;
  }
  const runs = () => db.db!.collection<RunRecord>('job_test_runs').find({}).sort({ at: 1 }).toArray();
  async function stop(...procs: Proc[]): Promise<void> {
    for (const proc of procs) proc.kill('SIGTERM');
    await Promise.all(procs.map((proc) => proc.waitExit(20_000)));
  }
  async function until(what: string, check: () => Promise<boolean>, timeoutMs = 150_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await sleep(50);
    }
  }

  it('runs a recurring job once per period across two instances that both schedule it', async () => {
    const periodMs = 2_000;
    const [a, b] = await Promise.all([worker('A', ['--every-ms', String(periodMs)]), worker('B', ['--every-ms', String(periodMs)])]);
    expect(await db.db!.collection('jobs').countDocuments({ name: 'test-tick' }), 'one schedule, however many instances').to.equal(1);
    const from = Date.now();
    await sleep(periodMs * 10);
    await stop(a, b);
    const ticks = (await runs()).filter((r) => r.event === 'tick');
    const elapsed = Date.now() - from;
    // never more than one run per period (the first comes at once); and it keeps running —
    // at least half the periods, as a loaded test machine delays runs
    expect(ticks.length).to.be.within(Math.floor(elapsed / periodMs / 2), Math.ceil(elapsed / periodMs) + 1);
    // never two runs in one period: consecutive runs are at least most of a period apart
    for (let i = 1; i < ticks.length; i++) {
      const gap = ticks[i]!.at.getTime() - ticks[i - 1]!.at.getTime();
      expect(gap, `runs ${i - 1} and ${i} (${ticks[i - 1]!.instance}, ${ticks[i]!.instance})`).to.be.at.least(periodMs * 0.8);
    }
  });

  it('runs each job exactly once when two instances compete for them', async () => {
    const [a, b] = await Promise.all([worker('A'), worker('B')]);
    const ids: string[] = [];
    for (let i = 0; i < 16; i++) ids.push((await jobs.enqueue(kinds.slow, { steps: 3, stepMs: 60 }, { ownerId: 'tester' })).id);
    await until('every job is done', async () => (await db.db!.collection('jobs').countDocuments({ name: 'test-slow', 'run.status': 'done' })) === ids.length);
    const recorded = await runs();
    const starts = recorded.filter((r) => r.event === 'start');
    expect(starts.map((r) => r.jobId).sort(), 'one start per job').to.deep.equal([...ids].sort());
    expect(recorded.filter((r) => r.event === 'end')).to.have.length(ids.length);
    // both instances took part: the jobs were shared, not run by one of them alone
    expect(new Set(starts.map((r) => r.instance))).to.deep.equal(new Set(['A', 'B']));
    for (const id of ids) {
      const job = await jobs.get(kinds.slow, id, 'tester');
      expect(job).to.include({ status: 'done' });
      expect(job?.progress).to.deep.equal({ step: 3 });
      expect(job?.result?.instance).to.equal(starts.find((r) => r.jobId === id)?.instance);
    }
    await stop(a, b);
  });

  it('resumes a job on another instance after the instance running it is SIGKILLed', async () => {
    const a = await worker('A');
    const { id } = await jobs.enqueue(kinds.slow, { steps: 40, stepMs: 50 }, { ownerId: 'tester' });
    // A has claimed it and is part-way through
    await until('A reports progress', async () => ((await jobs.get(kinds.slow, id, 'tester'))?.progress?.step ?? 0) >= 5);
    a.kill('SIGKILL');
    expect((await a.exited).signal).to.equal('SIGKILL');
    const stalled = await jobs.get(kinds.slow, id, 'tester');
    expect(stalled?.status, 'the killed run left the job unfinished').to.equal('running');

    const b = await worker('B');
    await until('the job is done', async () => (await jobs.get(kinds.slow, id, 'tester'))?.status === 'done');
    const recorded = await runs();
    expect(recorded.filter((r) => r.event === 'start').map((r) => r.instance)).to.deep.equal(['A', 'B']);
    expect(recorded.filter((r) => r.event === 'end').map((r) => r.instance), 'only B finished it').to.deep.equal(['B']);
    const done = await jobs.get(kinds.slow, id, 'tester');
    expect(done?.result).to.deep.equal({ instance: 'B' });
    expect(done?.progress).to.deep.equal({ step: 40 });
    const doc = await db.db!.collection('jobs').findOne({ name: 'test-slow' });
    expect(doc?.run.starts).to.equal(2);
    await stop(b);
  });

});
