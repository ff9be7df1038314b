/**
 * One app instance's job runtime in a process of its own, for the multi-instance tests:
 * `node job-worker.js --uri mongodb://… --name A [--every-ms 500]`. It runs the test
 * kinds below against the shared database and prints "ready A" once it claims jobs.
 * Every run of a job is recorded in `job_test_runs`, so a test can count who ran what.
 */
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import pino from 'pino';
import { createJobRuntime, defineJobKind } from '../../server/jobs';
import type { Services } from '../../server/http/context';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The kinds a worker runs, named so the test process can enqueue them too. */
export function testKinds(instance: string) {
  const slow = defineJobKind<{ steps: number; stepMs: number }, { step: number }, { instance: string }>({
    name: 'test-slow',
    failureId: 'job_failed',
    concurrency: 2,
    async handle(run, services) {
      const runs = services.db.db!.collection('job_test_runs');
      await runs.insertOne({ jobId: run.id, instance, event: 'start', at: new Date() });
      for (let step = 1; step <= run.data.steps; step++) {
        await sleep(run.data.stepMs);
        run.progress({ step });
      }
      await runs.insertOne({ jobId: run.id, instance, event: 'end', at: new Date() });
      return { instance };
    },
  });
  const tick = defineJobKind<Record<string, never>>({
    name: 'test-tick',
    failureId: 'job_failed',
    concurrency: 1,
    async handle(run, services) {
      await services.db.db!.collection('job_test_runs').insertOne({ jobId: run.id, instance, event: 'tick', at: run.now });
      return null;
    },
  });
  return { slow, tick };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { uri: { type: 'string' }, name: { type: 'string' }, 'lock-ms': { type: 'string', default: '1500' }, 'poll-ms': { type: 'string', default: '50' }, 'every-ms': { type: 'string' } } });
  const name = values.name ?? 'worker';
  const db = await mongoose.createConnection(values.uri!, { sanitizeFilter: true }).asPromise();
  const log = pino({ level: 'warn' }, process.stderr);
  const kinds = testKinds(name);
  const jobs = createJobRuntime(db, [kinds.slow, kinds.tick], { lockLifetimeMs: Number(values['lock-ms']), pollMs: Number(values['poll-ms']), progressWriteMs: 20, log });
  // the handlers use the database only
  await jobs.start({ db, log, jobs } as unknown as Services);
  if (values['every-ms']) await jobs.every(kinds.tick, Number(values['every-ms']), {});
  process.stdout.write(`ready ${name}\n`);
  process.once('SIGTERM', () => {
    jobs.stop().then(() => db.close()).then(() => process.exit(0), () => process.exit(1));
  });
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`worker failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}
