/**
 * Crash test: the standalone engine (`dist/scripts/db.js`) runs as a child process and a
 * writer process (`crash-writer.js`: 4 clients doing single inserts, 2 doing 5-document
 * transactions) writes to it; the engine is SIGKILLed at a random moment, restarted on the
 * same data directory, and the state is checked, again and again (CRASH_CYCLES, default 25):
 *  - the engine starts;
 *  - every acknowledged insert is there, every acknowledged transaction complete;
 *  - no transaction is partial, no document has an unexpected shape;
 *  - per connection, what survived is a prefix of what was sent (no holes);
 *  - nothing seen after one restart is gone after a later one (the count only grows).
 * At the end: clean SIGTERM shutdown (exit 0), restart, everything still there.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { describeExit, killAll, parseAcks, payloadFor, startEngineProcess, startWriter, TXN_SIZE } from './engine-process';

type Loose = { _id?: any; [key: string]: any };

const CYCLES = Number(process.env.CRASH_CYCLES ?? 25);
const SINGLES = 4;
const TXNS = 2;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** What the test knows must (or may) be on disk. */
export class Ledger {
  readonly ackedSingles = new Set<string>();
  readonly ackedGroups = new Set<string>();
  /** Every _id seen by the previous verification: durable, so it must never disappear. */
  seen = new Set<string>();
  lastCount = 0;
  verifications = 0;

  /** Reads everything back through the driver and throws a detailed error on any violation. */
  async verify(uri: string, label: string): Promise<number> {
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
    try {
      await client.connect();
      const col = client.db('crash').collection<Loose>('docs');
      const docs = await col.find({}).toArray();
      const problems: string[] = [];
      const ids = new Set<string>();
      const singleSeqs = new Map<number, number[]>();
      const groupKs = new Map<string, Set<number>>();
      const short = (d: unknown) => inspect(d, { breakLength: Infinity, maxStringLength: 30 });
      for (const d of docs) {
        const id = d._id;
        if (typeof id !== 'string') {
          problems.push(`document with unexpected _id: ${short(d)}`);
          continue;
        }
        if (ids.has(id)) problems.push(`_id ${id} returned twice`);
        ids.add(id);
        const keys = Object.keys(d).sort().join(',');
        if (id.startsWith('w')) {
          const ok = keys === '_id,conn,payload,seq' && Number.isInteger(d.seq) && id === `w${d.conn}-${d.seq}` && d.payload === payloadFor(d.seq);
          if (!ok) problems.push(`malformed single-insert document: ${short(d)}`);
          else (singleSeqs.get(d.conn) ?? singleSeqs.set(d.conn, []).get(d.conn)!).push(d.seq);
        } else if (id.startsWith('t')) {
          const ok = keys === '_id,group,k' && Number.isInteger(d.k) && d.k >= 0 && d.k < TXN_SIZE && id === `t${d.group}-${d.k}`;
          if (!ok) problems.push(`malformed transaction document: ${short(d)}`);
          else (groupKs.get(d.group) ?? groupKs.set(d.group, new Set()).get(d.group)!).add(d.k);
        } else problems.push(`unexpected document: ${short(d)}`);
      }
      for (const [group, ks] of groupKs) {
        if (ks.size !== TXN_SIZE) problems.push(`transaction ${group} is partial: only k = ${[...ks].sort().join(',')} of ${TXN_SIZE}`);
      }
      const missing = [...this.ackedSingles].filter((id) => !ids.has(id));
      if (missing.length) problems.push(`${missing.length} acknowledged inserts are missing, e.g. ${missing.slice(0, 8).join(', ')}`);
      const missingGroups = [...this.ackedGroups].filter((g) => !groupKs.has(g));
      if (missingGroups.length) problems.push(`${missingGroups.length} acknowledged transactions are missing, e.g. ${missingGroups.slice(0, 8).join(', ')}`);
      const lost = [...this.seen].filter((id) => !ids.has(id));
      if (lost.length) problems.push(`${lost.length} documents seen after an earlier restart are gone, e.g. ${lost.slice(0, 8).join(', ')}`);
      // Each connection awaits one write before the next, so survivors must be a prefix.
      for (const [conn, seqs] of singleSeqs) {
        seqs.sort((a, b) => a - b);
        const hole = seqs.findIndex((s, i) => s !== i);
        if (hole >= 0) problems.push(`connection ${conn}: insert seq ${seqs[hole]} survived but seq ${hole} did not`);
      }
      const txnSeqs = new Map<string, number[]>();
      for (const g of groupKs.keys()) {
        const [conn, seq] = g.split('-');
        (txnSeqs.get(conn) ?? txnSeqs.set(conn, []).get(conn)!).push(Number(seq));
      }
      for (const [conn, seqs] of txnSeqs) {
        seqs.sort((a, b) => a - b);
        const hole = seqs.findIndex((s, i) => s !== i);
        if (hole >= 0) problems.push(`connection ${conn}: transaction ${seqs[hole]} survived but transaction ${hole} did not`);
      }
      const counted = await col.countDocuments({});
      if (counted !== docs.length) problems.push(`countDocuments says ${counted} but find returned ${docs.length}`);
      if (docs.length < this.lastCount) problems.push(`document count went down from ${this.lastCount} to ${docs.length}`);
      if (problems.length) throw new Error(`${label}:\n  ${problems.slice(0, 25).join('\n  ')}`);
      this.seen = ids;
      this.lastCount = docs.length;
      this.verifications++;
      return docs.length;
    } finally {
      await client.close().catch(() => undefined);
    }
  }
}

describe('engine crash recovery (SIGKILL during concurrent writes)', function () {
  this.timeout(Math.max(240_000, CYCLES * 8_000));
  let dir: string;

  before(async () => {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'engine-crash-'));
  });

  after(async () => {
    await killAll();
    if (dir) await fs.promises.rm(dir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged write and never a partial transaction across ${CYCLES} kill -9 cycles`, async () => {
    const ledger = new Ledger();
    const t0 = Date.now();
    const serverErrors: string[] = [];
    let killedDuringWrites = 0;
    let startMsMax = 0;

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const engine = await startEngineProcess(dir, 60_000).catch((e: Error) => {
        throw new Error(`cycle ${cycle}: engine did not restart after kill -9: ${e.message}`);
      });
      startMsMax = Math.max(startMsMax, engine.startMs);
      await ledger.verify(engine.uri, `after kill -9 #${cycle} (restart ${cycle})`);

      const writer = startWriter({ uri: engine.uri, base: (cycle + 1) * 100, singles: SINGLES, txns: TXNS });
      await writer.waitForLine(/^READY$/, 30_000);
      await sleep(150 + Math.floor(Math.random() * 750));
      const ackedBeforeKill = writer.lines.length;
      engine.proc.kill('SIGKILL');
      const engineExit = await engine.proc.exited;
      expect(engineExit.signal, `engine exit in cycle ${cycle}: ${describeExit(engineExit)}`).to.equal('SIGKILL');
      if (ackedBeforeKill > 1) killedDuringWrites++;

      // Every loop stops at its first failed write; lines already printed are complete.
      const w = await writer.waitExit(30_000);
      if (w.forced) throw new Error(`cycle ${cycle}: writer did not stop within 30 s after the engine was killed; stderr: ${writer.stderr}`);
      if (w.code !== 0) throw new Error(`cycle ${cycle}: writer failed (${describeExit(w)}): ${writer.stderr}`);
      // A server-side error means the engine refused a valid write before it was killed.
      for (const l of writer.stderr.split('\n')) if (/MongoServerError|MongoWriteConcernError|MongoBulkWriteError/.test(l)) serverErrors.push(`cycle ${cycle}: ${l}`);
      const acks = parseAcks(writer.lines);
      for (const id of acks.singles) ledger.ackedSingles.add(id);
      for (const g of acks.groups) ledger.ackedGroups.add(g);
    }
    expect(serverErrors, `the engine answered valid writes with errors:\n${serverErrors.slice(0, 10).join('\n')}`).to.deep.equal([]);

    // Last crash, then a clean stop, then a restart: everything is still there.
    const engine = await startEngineProcess(dir, 60_000);
    const afterCrashes = await ledger.verify(engine.uri, `after the last kill -9`);
    engine.proc.kill('SIGTERM');
    const stop = await engine.proc.waitExit(60_000);
    expect(stop.forced, 'engine did not stop within 60 s of SIGTERM').to.equal(false);
    expect(stop.code, `engine exit after SIGTERM (${describeExit(stop)}); stderr: ${engine.proc.stderr}`).to.equal(0);
    const again = await startEngineProcess(dir, 60_000);
    const afterClean = await ledger.verify(again.uri, 'after SIGTERM and restart');
    expect(afterClean).to.equal(afterCrashes);
    again.proc.kill('SIGTERM');
    const stop2 = await again.proc.waitExit(60_000);
    expect(stop2.code, `second clean stop (${describeExit(stop2)})`).to.equal(0);

    const ackedDocs = ledger.ackedSingles.size + ledger.ackedGroups.size * TXN_SIZE;
    expect(ledger.ackedSingles.size, 'the writers got no single insert acknowledged at all').to.be.greaterThan(CYCLES);
    expect(ledger.ackedGroups.size, 'the writers got no transaction acknowledged at all').to.be.greaterThan(0);
    console.log(
      `      crash test: ${CYCLES} kill -9 cycles (${killedDuringWrites} with writes in flight), ` +
        `${ledger.ackedSingles.size} acknowledged inserts + ${ledger.ackedGroups.size} acknowledged ${TXN_SIZE}-document transactions ` +
        `(${ackedDocs} docs) verified ${ledger.verifications} times; ${afterClean} docs on disk ` +
        `(${afterClean - ackedDocs} unacknowledged in-flight writes were durable); slowest restart ${startMsMax} ms; ` +
        `${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
  });
});
