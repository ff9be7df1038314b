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
import { expect } from 'chai';
import { describeExit, killAll, parseAcks, startEngineProcess, startWriter, TXN_SIZE } from './engine-process';
import { Ledger } from './crash-ledger';

const CYCLES = Number(process.env.CRASH_CYCLES ?? 25);
const SINGLES = 4;
const TXNS = 2;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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
