/**
 * Journal faults, each on a real data directory written by the standalone engine and
 * read back through the driver: a flipped byte mid-file (refuses clearly), a torn tail
 * (recovers, every acknowledged write kept), the salvage command (keeps every valid
 * record, reports what it dropped, keeps a copy of the originals), and a journal cut to
 * 0 bytes beside its snapshot (refuses: its header was durable before anything was acknowledged).
 */
import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { DB_SCRIPT, killAll, Proc } from '../engine/engine-process';
import { JOURNAL, flipMiddleRecord, journalWithAcknowledgedWrites, recordOffsets, storedIds } from './journal-fixture';

const SALVAGE_SCRIPT = resolve(__dirname, '../../scripts/db-salvage.js');
const COUNT = 30;
const all = Array.from({ length: COUNT }, (_, i) => i);

/** Runs the engine on `dir` and returns how it ended (it should refuse) and what it said. */
async function refusal(dir: string): Promise<{ code: number | null; stderr: string }> {
  const engine = new Proc(DB_SCRIPT, ['--dbpath', dir, '--port', '0', '--quiet'], 'engine');
  const exit = await engine.waitExit(60_000);
  expect(exit.forced, 'the engine started on a damaged journal').to.equal(false);
  return { code: exit.code, stderr: engine.stderr };
}

describe('faults: journal damage', function () {
  this.timeout(180_000);
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(join(tmpdir(), 'vhcv-faults-journal-'));
    await journalWithAcknowledgedWrites(dir, COUNT);
  });
  afterEach(async () => {
    await killAll();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('mid-file flip: refuses to start with the file, the offset and what to do', async () => {
    const at = await flipMiddleRecord(dir);
    const r = await refusal(dir);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include(`${join(dir, JOURNAL)} is corrupt at byte ${at}`).and.include('Restore the data directory from a backup').and.include('npm run db:salvage');
  });

  it('torn tail (an unacknowledged write cut short, then zero fill): recovers with every acknowledged write', async () => {
    const path = join(dir, JOURNAL);
    const buf = await fsp.readFile(path);
    const { end } = recordOffsets(buf);
    const torn = Buffer.alloc(300);
    torn.writeUInt32LE(1000, 0); // a frame promising 1,000 bytes of which only 292 reached the disk
    torn.fill(0x61, 8);
    torn.copy(buf, end);
    await fsp.writeFile(path, buf);
    expect(await storedIds(dir)).to.deep.equal(all);
  });

  it('salvage: keeps every valid record, reports what it dropped, and backs up the originals', async () => {
    const at = await flipMiddleRecord(dir);
    const damaged = await fsp.readFile(join(dir, JOURNAL));
    const { offsets } = recordOffsets(damaged);
    const size = offsets[offsets.indexOf(at) + 1]! - at;
    const { stdout } = await promisify(execFile)(process.execPath, [SALVAGE_SCRIPT, dir]);
    expect(stdout).to.include(`dropped: ${JOURNAL} offset ${at} bytes ${size}`);
    expect(stdout).to.match(new RegExp(`kept ${offsets.length - 1} records`));
    const backup = /original files copied to (\S+)/.exec(stdout)![1]!;
    expect(await fsp.readFile(join(backup, JOURNAL))).to.deep.equal(damaged);
    // exactly the one damaged record is gone: the insert it carried; every other acknowledged write is there
    const ids = await storedIds(dir);
    expect(ids).to.have.length(COUNT - 1);
    expect(all.filter((i) => !ids.includes(i))).to.have.length(1);
  });

  it('journal cut to 0 bytes beside its snapshot: refuses to start', async () => {
    // a clean stop checkpoints: snapshot 2 + journal 2 (whose header was fsynced before the snapshot was published)
    const ids = await storedIds(dir);
    expect(ids).to.deep.equal(all);
    const files = (await fsp.readdir(dir)).filter((n) => /\.(wal|snap)$/.test(n)).sort();
    expect(files).to.deep.equal(['journal-000002.wal', 'snapshot-000002.snap']);
    await fsp.truncate(join(dir, 'journal-000002.wal'), 0);
    const r = await refusal(dir);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include(`${join(dir, 'journal-000002.wal')} is corrupt at byte 0`);
  });
});
