/**
 * SIGKILL of the whole app under writes: `dist/server/main.js` runs as a child process
 * with its embedded engine (a worker thread in the same process); crash-writer.js writes
 * through the engine's socket (4 connections of single inserts, 2 of 5-document
 * transactions); the app is SIGKILLed at a random moment and restarted straight away on
 * the same DATA_DIR, again
 * and again (APP_CRASH_CYCLES, default 10). After each restart every acknowledged write
 * is there, no transaction is partial, and nothing seen earlier is gone.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { defaultListenOptions } from '../../server/db/engine';
import { Ledger } from '../engine/crash-ledger';
import { describeExit, killAll, parseAcks, Proc, startWriter } from '../engine/engine-process';

const CYCLES = Number(process.env.APP_CRASH_CYCLES ?? 10);
const MAIN = path.resolve(__dirname, '../../server/main.js');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Starts the app on DATA_DIR `dir` and waits until it serves. */
async function startApp(dir: string): Promise<Proc> {
  const env = { PATH: process.env.PATH, NODE_ENV: 'development', DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'silent', DEMO_DATA: 'off', STARTER_CONTENT: 'off', BCRYPT_COST: '4' };
  const app = new Proc(MAIN, [], 'app', { env });
  await app.waitForLine(/platform running at/, 90_000);
  return app;
}

describe('faults: SIGKILL of the app under writes', function () {
  this.timeout(Math.max(120_000, CYCLES * 12_000));
  let dir: string;
  before(async () => {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'vhcv-app-kill-'));
  });
  after(async () => {
    await killAll();
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged write across ${CYCLES} kill -9 cycles of the app`, async () => {
    const listen = defaultListenOptions(path.join(dir, 'db'));
    const uri = `mongodb://${encodeURIComponent((listen as { socketPath: string }).socketPath)}/?directConnection=true`;
    const ledger = new Ledger();
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const app = await startApp(dir).catch((e: Error) => {
        throw new Error(`cycle ${cycle}: the app did not restart after kill -9: ${e.message}`);
      });
      await ledger.verify(uri, `after kill -9 #${cycle}`);
      const writer = startWriter({ uri, base: (cycle + 1) * 100, singles: 4, txns: 2 });
      await writer.waitForLine(/^READY$/, 30_000);
      await sleep(150 + Math.floor(Math.random() * 500));
      app.kill('SIGKILL');
      const exit = await app.exited;
      expect(exit.signal, `app exit in cycle ${cycle}: ${describeExit(exit)}`).to.equal('SIGKILL');
      const w = await writer.waitExit(30_000);
      if (w.forced || w.code !== 0) throw new Error(`cycle ${cycle}: writer ${describeExit(w)}: ${writer.stderr}`);
      const acks = parseAcks(writer.lines);
      for (const id of acks.singles) ledger.ackedSingles.add(id);
      for (const g of acks.groups) ledger.ackedGroups.add(g);
    }
    const app = await startApp(dir);
    await ledger.verify(uri, 'after the last kill -9');
    app.kill('SIGTERM');
    expect((await app.waitExit(60_000)).code).to.equal(0);
    expect(ledger.ackedSingles.size, 'no insert was acknowledged at all').to.be.greaterThan(CYCLES);
    expect(ledger.ackedGroups.size, 'no transaction was acknowledged at all').to.be.greaterThan(0);
  });
});
