/**
 * DataDir locking: same process, worker threads, stale locks (dead pid, reused pid,
 * garbled file) and a live child process holding the directory.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DataDir } from '../../../server/db/engine/storage';

/** Compiled storage module, for child processes and workers (this file runs from dist/). */
const MODULE = resolve(__dirname, '../../../server/db/engine/storage/index.js');
const LOCKED = /Thư mục dữ liệu .* đang được tiến trình PID (\d+|unknown) sử dụng \/ data directory .* is locked by process PID (\d+|unknown)/;

async function refused(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(() => null, (err: Error) => err);
  expect(e, 'expected a lock error').to.be.instanceOf(Error);
  expect(e!.message).to.match(LOCKED);
  return e!;
}

/** Runs `node -e code`, resolving its pid once it printed `ready` (or null if none). */
function child(code: string, args: string[] = []) {
  const proc = spawn(process.execPath, ['-e', code, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((res) => proc.once('exit', () => res()));
  const ready = new Promise<void>((res, rej) => {
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) res();
    });
    proc.once('exit', (c) => rej(new Error(`child exited early (${c}): ${out}`)));
  });
  return { proc, exited, ready };
}

describe('storage: data directory lock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(join(tmpdir(), 'vhcv-storage-lock-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('refuses a second DataDir on the same directory in this process, also via a symlink', async () => {
    const d = await DataDir.open(dir);
    const e = await refused(DataDir.open(dir));
    expect(e.message).to.include(`PID ${process.pid}`);
    const link = `${dir}-link`;
    await fsp.symlink(dir, link);
    try {
      await refused(DataDir.open(link)); // keyed by realpath
    } finally {
      await fsp.unlink(link);
    }
    await d.close();
    expect(existsSync(join(dir, 'LOCK'))).to.equal(false);
    const again = await DataDir.open(dir);
    await again.close();
  });

  it('lets only one of two simultaneous opens win', async () => {
    const r = await Promise.allSettled([DataDir.open(dir), DataDir.open(dir), DataDir.open(dir)]);
    const won = r.filter((x): x is PromiseFulfilledResult<DataDir> => x.status === 'fulfilled');
    expect(won.length).to.equal(1);
    await won[0]!.value.close();
  });

  it('takes over a LOCK left by a dead process', async () => {
    const dead = child('');
    await dead.exited;
    await fsp.writeFile(join(dir, 'LOCK'), `${dead.proc.pid}\n123\n`);
    const logs: string[] = [];
    const d = await DataDir.open(dir, { log: (m) => logs.push(m) });
    expect(logs.join('\n')).to.include(`stale lock of process ${dead.proc.pid}`);
    expect((await fsp.readFile(join(dir, 'LOCK'), 'utf8')).split('\n')[0]).to.equal(String(process.pid));
    await d.close();
  });

  it('takes over a LOCK naming our pid with another start time (pid reused after a restart)', async function () {
    if (!existsSync('/proc/self/stat')) this.skip();
    await fsp.writeFile(join(dir, 'LOCK'), `${process.pid}\n1\n`);
    const d = await DataDir.open(dir);
    await d.close();
  });

  it('treats a garbled LOCK as held while fresh, stale once old', async () => {
    const lock = join(dir, 'LOCK');
    await fsp.writeFile(lock, '');
    await refused(DataDir.open(dir));
    const old = new Date(Date.now() - 60_000);
    await fsp.utimes(lock, old, old);
    const d = await DataDir.open(dir);
    await d.close();
  });

  it('refuses a directory held by a live child process, and takes it over once it is killed', async () => {
    const code = `
      const { DataDir } = require(process.argv[1]);
      DataDir.open(process.argv[2]).then(async (d) => {
        await d.recover(() => {}, () => {});
        await d.append(Buffer.from('from child'));
        console.log('ready');
        setInterval(() => {}, 1000);
      }, (e) => { console.error(e); process.exit(3); });`;
    const c = child(code, [MODULE, dir]);
    try {
      await c.ready;
      const e = await refused(DataDir.open(dir));
      expect(e.message.match(LOCKED)![2]).to.equal(String(c.proc.pid));
    } finally {
      c.proc.kill('SIGKILL');
      await c.exited;
    }
    const d = await DataDir.open(dir);
    const got: string[] = [];
    await d.recover(() => undefined, (p) => got.push(p.toString()));
    expect(got).to.deep.equal(['from child']);
    await d.close();
  });

  it('takes over a LOCK whose holder was SIGKILLed and is a zombie not yet reaped by its parent', async function () {
    if (!existsSync('/proc/self/stat')) this.skip();
    // `sleep` becomes the holder's parent through exec and never waits for its children, so the
    // killed holder stays a zombie: the state of an app just SIGKILLed whose supervisor has not reaped it yet.
    const holder = `
      const { DataDir } = require(process.argv[1]);
      DataDir.open(process.argv[2]).then(async (d) => {
        await d.recover(() => {}, () => {});
        await d.append(Buffer.from('from the holder'));
        console.log('ready ' + process.pid);
        setInterval(() => {}, 1000);
      }, (e) => { console.error(e); process.exit(3); });`;
    const parent = spawn('sh', ['-c', `"${process.execPath}" -e "$0" "$1" "$2" & exec sleep 60`, holder, MODULE, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = await new Promise<number>((res, rej) => {
        let out = '';
        parent.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /ready (\d+)/.exec(out);
          if (m) res(Number(m[1]));
        });
        parent.once('exit', (c) => rej(new Error(`holder exited early (${c}): ${out}`)));
      });
      await refused(DataDir.open(dir));
      process.kill(pid, 'SIGKILL');
      let state = '';
      for (let i = 0; i < 200 && state !== 'Z'; i++) {
        await new Promise((r) => setTimeout(r, 10));
        const stat = await fsp.readFile(`/proc/${pid}/stat`, 'latin1');
        state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!;
      }
      expect(state, 'the killed holder should be a zombie').to.equal('Z');
      const d = await DataDir.open(dir);
      const got: string[] = [];
      await d.recover(() => undefined, (p) => got.push(p.toString()));
      expect(got).to.deep.equal(['from the holder']);
      await d.close();
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('refuses a directory held by another worker thread of this process (same pid)', async () => {
    const d = await DataDir.open(dir);
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { DataDir } = require(workerData.module);
      DataDir.open(workerData.dir).then(
        (d) => d.close().then(() => parentPort.postMessage('opened')),
        (e) => parentPort.postMessage(e.message));`;
    const run = (): Promise<string> =>
      new Promise((res, rej) => {
        const w = new Worker(code, { eval: true, workerData: { module: MODULE, dir } });
        w.once('message', res);
        w.once('error', rej);
      });
    const msg = await run();
    expect(msg).to.match(LOCKED).and.include('another thread');
    await d.close();
    expect(await run()).to.equal('opened');
  });
});
