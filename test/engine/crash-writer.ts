/**
 * Writer process for the crash and multi-process tests (not a test itself).
 *
 *   node dist/test/engine/crash-writer.js --uri URI --base B --singles S --txns T [--count K]
 *
 * Opens S + T separate MongoClients (maxPoolSize 1 each) numbered B, B+1, …. The first S
 * insert `{_id: "w<conn>-<seq>", conn, seq, payload}` one at a time; the other T run
 * transactions of 5 insertOne calls `{_id: "t<conn>-<seq>-<k>", group: "<conn>-<seq>", k}`.
 * After the driver resolved a write it prints `A <_id>` (single insert) or `T <group>`
 * (committed transaction) on stdout. Prints `READY` once every client is connected.
 *
 * Without --count each loop runs until a write fails (the engine was killed), then the
 * process exits 0. With --count K each connection does K writes and the process exits 0
 * only if none failed (2 otherwise). Errors are reported on stderr as `E <conn> <seq> <msg>`.
 */
import { parseArgs } from 'node:util';
import { MongoClient, type Collection } from 'mongodb';
import { payloadFor, TXN_SIZE } from './engine-process';

interface Doc {
  _id: string;
  [k: string]: unknown;
}

const { values } = parseArgs({
  options: {
    uri: { type: 'string' },
    base: { type: 'string', default: '0' },
    singles: { type: 'string', default: '4' },
    txns: { type: 'string', default: '2' },
    count: { type: 'string' },
  },
});

const uri = values.uri!;
const base = Number(values.base);
const singles = Number(values.singles);
const txns = Number(values.txns);
const count = values.count === undefined ? Infinity : Number(values.count);
let failures = 0;

const out = (line: string) => process.stdout.write(line + '\n'); // synchronous for pipes on Linux

function fail(conn: number, seq: number, e: unknown): void {
  failures++;
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  process.stderr.write(`E ${conn} ${seq} ${msg.replace(/\s+/g, ' ')}\n`);
}

async function singleLoop(client: MongoClient, conn: number): Promise<void> {
  const col: Collection<Doc> = client.db('crash').collection<Doc>('docs');
  for (let seq = 0; seq < count; seq++) {
    const _id = `w${conn}-${seq}`;
    try {
      await col.insertOne({ _id, conn, seq, payload: payloadFor(seq) });
    } catch (e) {
      fail(conn, seq, e);
      return;
    }
    out(`A ${_id}`);
  }
}

async function txnLoop(client: MongoClient, conn: number): Promise<void> {
  const col: Collection<Doc> = client.db('crash').collection<Doc>('docs');
  for (let seq = 0; seq < count; seq++) {
    const group = `${conn}-${seq}`;
    const session = client.startSession();
    try {
      // start/commit by hand: withTransaction would keep retrying for 120 s once the engine is gone.
      session.startTransaction();
      for (let k = 0; k < TXN_SIZE; k++) await col.insertOne({ _id: `t${group}-${k}`, group, k }, { session });
      await session.commitTransaction();
    } catch (e) {
      // No abortTransaction/endSession: with the engine gone each would wait for server selection.
      fail(conn, seq, e);
      return;
    }
    await session.endSession().catch(() => undefined);
    out(`T ${group}`);
  }
}

async function main(): Promise<void> {
  if (!uri) throw new Error('--uri is required');
  const clients: MongoClient[] = [];
  for (let i = 0; i < singles + txns; i++) {
    clients.push(new MongoClient(uri, { maxPoolSize: 1, serverSelectionTimeoutMS: 3000, connectTimeoutMS: 3000, heartbeatFrequencyMS: 60_000 }));
  }
  await Promise.all(clients.map((c) => c.connect()));
  // One round trip each so every client holds its connection before writing begins.
  await Promise.all(clients.map((c) => c.db('admin').command({ ping: 1 })));
  out('READY');
  await Promise.all(clients.map((c, i) => (i < singles ? singleLoop(c, base + i) : txnLoop(c, base + i))));
  if (count !== Infinity) {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    out(failures ? `DONE with ${failures} failures` : 'DONE');
  }
  process.exit(count !== Infinity && failures ? 2 : 0);
}

main().catch((e: Error) => {
  process.stderr.write(`writer failed: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
