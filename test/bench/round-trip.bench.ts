/**
 * What one read costs between the app and its embedded engine (not a test; issue #16):
 * a `find` by _id of a 1,000-document collection through the mongodb driver (`db.command`)
 * and through the engine's direct link (server/db/engine-link.ts), the process's CPU
 * (both threads: the app's and the engine worker's) and wall time per read, with 1, 8 and
 * 32 reads in flight. Run: `npm run bench:round-trip`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { defaultListenOptions, startEmbeddedMongo } from '../../server/db/engine';
import { EngineLink } from '../../server/db/engine-link';
import { machineFacts } from './bench-report';

const READS = 20_000;
const WARM_READS = 2_000;

type Read = (id: ObjectId) => Promise<unknown>;

/** µs of CPU (user + system, every thread) and of wall time per read, `inFlight` at a time. */
async function measure(read: Read, ids: ObjectId[], inFlight: number): Promise<{ cpu: number; wall: number }> {
  for (let i = 0; i < WARM_READS; i++) await read(ids[i % ids.length]!);
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < READS) await read(ids[next++ % ids.length]!);
    }),
  );
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / READS, wall: (wall * 1000) / READS };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'round-trip-bench-'));
  const listen = defaultListenOptions(dir);
  const engine = await startEmbeddedMongo({ dataDir: dir, ...listen });
  const client = await MongoClient.connect(engine.uri);
  const link = 'socketPath' in listen ? new EngineLink(listen.socketPath) : null;
  try {
    const db: Db = client.db('bench');
    const docs = Array.from({ length: 1000 }, (_, i) => ({ _id: new ObjectId(), displayName: `Nguyễn Văn ${i}`, role: 'officer', active: true, tokenVersion: 1, unitId: new ObjectId(), locale: 'vi', createdAt: new Date() }));
    await db.collection('users').insertMany(docs);
    const ids = docs.map((d) => d._id);
    const find = (id: ObjectId) => ({ find: 'users', filter: { _id: id }, limit: 1, batchSize: 1, singleBatch: true });
    const paths: Array<[string, Read]> = [['driver (db.command)', (id) => db.command(find(id))]];
    if (link) paths.push(['direct link', (id) => link.command('bench', find(id))]);
    console.log(`# find by _id: CPU (both threads) and wall time per read, ${READS.toLocaleString('en')} reads — ${new Date().toISOString()}`);
    for (const fact of machineFacts()) console.log(`- ${fact}`);
    console.log('\n| Path | In flight | CPU µs / read | Wall µs / read |\n|---|---:|---:|---:|');
    for (const inFlight of [1, 8, 32]) {
      for (const [name, read] of paths) {
        const r = await measure(read, ids, inFlight);
        console.log(`| ${name} | ${inFlight} | ${r.cpu.toFixed(0)} | ${r.wall.toFixed(0)} |`);
      }
    }
  } finally {
    link?.close();
    await client.close();
    await engine.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    console.error(e.stack ?? e.message);
    process.exit(1);
  },
);
