/**
 * Finding 1 of issue #10: one byte flipped in the middle of the current journal used to be
 * taken for a torn tail: start-up cut the file there, served, and every acknowledged write
 * after the flip was gone. Now the engine refuses to start and says which file, which
 * byte, and what to do (restore a backup, or the salvage command).
 */
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { killAll, Proc, DB_SCRIPT } from '../engine/engine-process';
import { JOURNAL, flipMiddleRecord, journalWithAcknowledgedWrites } from '../faults/journal-fixture';

describe('security #10.1: a byte flipped mid-journal is corruption, not a torn tail', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = await fsp.mkdtemp(join(tmpdir(), 'vhcv-sec-journal-'));
  });
  after(async () => {
    await killAll();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('refuses to start, naming the file, the offset and the salvage command, and leaves the journal untouched', async () => {
    await journalWithAcknowledgedWrites(dir, 40);
    const at = await flipMiddleRecord(dir);
    const damaged = await fsp.readFile(join(dir, JOURNAL));
    const engine = new Proc(DB_SCRIPT, ['--dbpath', dir, '--port', '0', '--quiet'], 'engine');
    const exit = await engine.waitExit(60_000);
    expect(exit.forced, 'the engine started on a damaged journal').to.equal(false);
    expect(exit.code).to.equal(1);
    expect(engine.lines.join('\n')).not.to.match(/mongodb:\/\//);
    expect(engine.stderr).to.include(join(dir, JOURNAL)).and.include(`byte ${at}`).and.include('npm run db:salvage');
    expect(engine.stderr).to.match(/bị hỏng/);
    expect(await fsp.readFile(join(dir, JOURNAL))).to.deep.equal(damaged); // nothing cut off
  });
});
