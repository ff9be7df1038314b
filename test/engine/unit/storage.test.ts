/**
 * DataDir: round trip, group commit, torn tails, corruption, checkpoints, sync failures.
 * Real files in os.tmpdir(); each test gets its own directory, removed afterwards.
 */
import { expect } from 'chai';
import { promises as fsp, fdatasync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataDir, DataDirOptions, MAX_PAYLOAD } from '../../../server/db/engine/storage';

const fdatasyncP = promisify(fdatasync);
const b = (s: string): Buffer => Buffer.from(s);
const strs = (bufs: Buffer[]): string[] => bufs.map((x) => x.toString());

/** Opens and recovers `dir`, returning the DataDir and what it replayed. */
async function openRecover(dir: string, opts: DataDirOptions = {}) {
  const d = await DataDir.open(dir, opts);
  const snap: Buffer[] = [];
  const jour: Buffer[] = [];
  const stats = await d.recover((p) => snap.push(p), (p) => jour.push(p));
  return { d, snap: strs(snap), jour: strs(jour), stats };
}

/** Reads the state of `dir` (snapshot + journals) and closes it again. */
async function readState(dir: string): Promise<string[]> {
  const { d, snap, jour } = await openRecover(dir);
  await d.close();
  return [...snap, ...jour];
}

describe('storage: DataDir', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(join(tmpdir(), 'vhcv-storage-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('round-trips appended records in order and reports recovery stats', async () => {
    const first = await openRecover(dir);
    expect(first.stats).to.include({ snapshotRecords: 0, journalRecords: 0, tornBytesDiscarded: 0 });
    const d = first.d;
    await d.append(b('alpha'));
    await d.append(Buffer.alloc(0));
    await d.appendMany([b('beta'), b('gamma')]);
    const reused = Buffer.alloc(100_000, 7);
    const acked = d.append(reused);
    reused.fill(8); // the caller may reuse its buffer at once: the record was copied
    await acked;
    const many = Array.from({ length: 3000 }, (_, i) => b(`m${i}`)); // more than IOV_MAX buffers' worth
    await d.appendMany(many);
    expect(d.stats.records).to.equal(3005);
    await d.close();
    const again = await openRecover(dir);
    expect(again.jour.slice(0, 4)).to.deep.equal(['alpha', '', 'beta', 'gamma']);
    expect(again.jour[4]).to.equal(Buffer.alloc(100_000, 7).toString());
    expect(again.jour.slice(5)).to.deep.equal(strs(many));
    expect(again.stats.journalRecords).to.equal(3005);
    await again.d.close();
  });

  it('enforces the call order: recover once, before writing; nothing after close', async () => {
    const d = await DataDir.open(dir);
    await d.append(b('x')).then(() => expect.fail('append before recover'), (e: Error) => expect(e.message).to.match(/recover/));
    await d.recover(() => undefined, () => undefined);
    await d.recover(() => undefined, () => undefined).then(() => expect.fail('second recover'), (e: Error) => expect(e.message).to.match(/once/));
    await d.close();
    await d.append(b('x')).then(() => expect.fail('append after close'), (e: Error) => expect(e.message).to.match(/closed/));
  });

  it('rejects payloads over 48 MiB without writing anything', async () => {
    const { d } = await openRecover(dir);
    const err = await d.append(Buffer.alloc(MAX_PAYLOAD + 1)).then(() => null, (e: Error) => e);
    expect(err?.message).to.match(/exceeds/);
    expect(d.failed).to.equal(null);
    await d.append(b('still fine'));
    await d.close();
    expect(await readState(dir)).to.deep.equal(['still fine']);
  });

  it('group-commits concurrent appends: fewer flushes than records, all resolved', async () => {
    const { d } = await openRecover(dir);
    const n = 500;
    await Promise.all(Array.from({ length: n }, (_, i) => d.append(b(`r${i}`))));
    expect(d.stats.records).to.equal(n);
    expect(d.stats.flushes).to.be.lessThan(n / 5);
    await d.close();
    expect(await readState(dir)).to.deep.equal(Array.from({ length: n }, (_, i) => `r${i}`));
  });

  describe('torn tail of the last journal', () => {
    const before = ['one', 'two', 'three'];
    const last = 'the last record, torn by a crash';
    let pristine: Buffer;
    let journal: string;
    let lastStart: number;
    beforeEach(async () => {
      const { d } = await openRecover(dir);
      for (const s of before) await d.append(b(s));
      await d.append(b(last));
      await d.close();
      journal = join(dir, 'journal-000001.wal');
      pristine = await fsp.readFile(journal);
      lastStart = pristine.length - (8 + last.length);
    });

    /** Recovery must keep exactly the earlier records, then accept and keep a new append. */
    async function expectRecovered(torn: number): Promise<void> {
      const { d, jour, stats } = await openRecover(dir);
      expect(jour).to.deep.equal(before);
      expect(stats.tornBytesDiscarded).to.equal(torn);
      await d.append(b('after'));
      await d.close();
      expect(await readState(dir)).to.deep.equal([...before, 'after']);
    }

    it('is truncated at every byte offset inside the last record', async () => {
      for (let cut = lastStart; cut < pristine.length; cut++) {
        await fsp.writeFile(journal, pristine.subarray(0, cut));
        await expectRecovered(cut - lastStart);
      }
    });

    it('is discarded when any byte of the last record is flipped', async () => {
      for (let i = lastStart; i < pristine.length; i++) {
        const bad = Buffer.from(pristine);
        bad[i] ^= i % 2 ? 0xff : 0x01;
        await fsp.writeFile(journal, bad);
        await expectRecovered(pristine.length - lastStart);
      }
    });

    it('treats a zero-filled tail (size extended, data never written) as torn', async () => {
      await fsp.writeFile(journal, Buffer.concat([pristine.subarray(0, lastStart), Buffer.alloc(4096)]));
      await expectRecovered(4096);
    });

    it('refuses a journal whose header is damaged (a header is durable before the file gets its name)', async () => {
      await fsp.writeFile(journal, pristine.subarray(0, 5));
      const d = await DataDir.open(dir);
      const err = await d.recover(() => undefined, () => undefined).then(() => null, (e: Error) => e);
      expect(err?.message).to.match(/journal-000001\.wal is corrupt at byte 0 \(file is shorter than its 16-byte header/);
      await d.close();
    });

    it('refuses a flipped byte in an earlier record of the last journal (valid records follow it)', async () => {
      const bad = Buffer.from(pristine);
      bad[16 + 8] ^= 0x01; // payload of 'one'
      await fsp.writeFile(journal, bad);
      const d = await DataDir.open(dir);
      const err = await d.recover(() => undefined, () => undefined).then(() => null, (e: Error) => e);
      expect(err?.message).to.match(/journal-000001\.wal is corrupt at byte 16 \(checksum mismatch; a valid record follows at byte 27\)/);
      await d.close();
      expect(await fsp.readFile(journal)).to.deep.equal(bad);
    });
  });

  /** Leaves journals 1 (a, b) and 2 (c, d) by failing a checkpoint half-way. */
  async function twoJournals(): Promise<void> {
    const { d } = await openRecover(dir);
    await d.appendMany([b('a'), b('b')]);
    const boom = function* (): Iterable<Buffer> {
      yield b('a');
      throw new Error('iterator failed');
    };
    const ckpt = d.checkpoint(boom);
    const more = d.appendMany([b('c'), b('d')]);
    await ckpt.then(() => expect.fail('checkpoint should fail'), (e: Error) => expect(e.message).to.equal('iterator failed'));
    await more;
    expect(d.failed).to.equal(null);
    await d.close();
    const files = (await fsp.readdir(dir)).sort();
    expect(files).to.deep.equal(['journal-000001.wal', 'journal-000002.wal']);
  }

  it('keeps old journals after a failed checkpoint and replays them all', async () => {
    await twoJournals();
    expect(await readState(dir)).to.deep.equal(['a', 'b', 'c', 'd']);
  });

  it('refuses to start when a journal other than the last is corrupt', async () => {
    await twoJournals();
    const p = join(dir, 'journal-000001.wal');
    const buf = await fsp.readFile(p);
    buf[buf.length - 1] ^= 0x20;
    await fsp.writeFile(p, buf);
    const d = await DataDir.open(dir);
    const err = await d.recover(() => undefined, () => undefined).then(() => null, (e: Error) => e);
    expect(err?.message).to.match(/journal-000001\.wal is corrupt.*later journals exist/);
    await d.close();
  });

  it('refuses to start when a journal is missing from the history', async () => {
    await twoJournals();
    await fsp.unlink(join(dir, 'journal-000001.wal'));
    const d = await DataDir.open(dir);
    const err = await d.recover(() => undefined, () => undefined).then(() => null, (e: Error) => e);
    expect(err?.message).to.match(/journal-000001\.wal is missing/);
    await d.close();
  });

  it('checkpoint + appends during and after it recover to exactly the state', async () => {
    const { d } = await openRecover(dir, { checkpointBytes: 250 });
    const state: string[] = [];
    const add = (s: string): Promise<void> => {
      state.push(s);
      return d.append(b(s));
    };
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) pending.push(add(`pre${i}`));
    expect(d.needsCheckpoint()).to.equal(false); // nothing flushed yet: 16 header bytes
    await Promise.all(pending);
    expect(d.needsCheckpoint()).to.equal(true);
    for (let i = 0; i < 5; i++) pending.push(add(`unflushed${i}`)); // queued, not yet durable
    const ckpt = d.checkpoint(state.map(b)); // the snapshot holds the state at this call
    expect(d.stats.generation).to.equal(2);
    expect(d.checkpoint([])).to.equal(ckpt); // a second call joins the running one
    for (let i = 0; i < 10; i++) pending.push(add(`during${i}`));
    await ckpt;
    expect(d.needsCheckpoint()).to.equal(false); // journal 1 is covered by the snapshot now
    for (let i = 0; i < 10; i++) pending.push(add(`after${i}`));
    await Promise.all(pending);
    await d.close();
    expect((await fsp.readdir(dir)).sort()).to.deep.equal(['journal-000002.wal', 'snapshot-000002.snap']);
    const { d: d2, snap, jour, stats } = await openRecover(dir);
    expect(stats.snapshotRecords).to.equal(25);
    expect([...snap, ...jour]).to.deep.equal(state);
    // A second checkpoint from a lazily produced iterable replaces the first.
    await d2.checkpoint(() => state.map(b)[Symbol.iterator]());
    await d2.append(b('last'));
    await d2.close();
    expect((await fsp.readdir(dir)).sort()).to.deep.equal(['journal-000003.wal', 'snapshot-000003.snap']);
    expect(await readState(dir)).to.deep.equal([...state, 'last']);
  });

  it('snapshots large states, including records bigger than a write chunk', async () => {
    const { d } = await openRecover(dir);
    const recs = Array.from({ length: 30_000 }, (_, i) => Buffer.alloc(200, i % 251));
    recs.splice(100, 0, Buffer.alloc(6 * 1024 * 1024, 9));
    await d.checkpoint(recs);
    await d.close();
    const { d: d2, snap } = await openRecover(dir);
    await d2.close();
    expect(snap.length).to.equal(recs.length);
    expect(snap.every((s, i) => s === recs[i]!.toString())).to.equal(true);
  });

  describe('crash during a checkpoint', () => {
    it('removes a leftover temp snapshot and recovers from the old files', async () => {
      await twoJournals();
      await fsp.writeFile(join(dir, 'snapshot-000002.snap.tmp'), Buffer.alloc(1000, 1));
      expect(await readState(dir)).to.deep.equal(['a', 'b', 'c', 'd']);
      expect(await fsp.readdir(dir)).to.not.include('snapshot-000002.snap.tmp');
    });

    it('ignores a snapshot without footer and falls back to the previous snapshot + journals', async () => {
      // A real snapshot 2 of state [s1, s2], then journal 2 gets c; copy it aside.
      const other = await fsp.mkdtemp(join(tmpdir(), 'vhcv-storage-other-'));
      try {
        const { d } = await openRecover(other);
        await d.checkpoint([b('x1'), b('x2'), b('x3')]);
        await d.close();
        const full = await fsp.readFile(join(other, 'snapshot-000002.snap'));
        await twoJournals();
        for (const cut of [full.length - 1, full.length - 28, full.length - 40, 20]) {
          await fsp.writeFile(join(dir, 'snapshot-000002.snap'), full.subarray(0, cut));
          expect(await readState(dir)).to.deep.equal(['a', 'b', 'c', 'd']);
          const files = await fsp.readdir(dir);
          expect(files).to.not.include('snapshot-000002.snap');
          expect(files).to.include('snapshot-000002.snap.corrupt'); // kept for inspection
        }
        await fsp.unlink(join(dir, 'snapshot-000002.snap.corrupt'));
        // The complete snapshot, with the old journal not yet deleted: snapshot wins.
        await fsp.writeFile(join(dir, 'snapshot-000002.snap'), full);
        expect(await readState(dir)).to.deep.equal(['x1', 'x2', 'x3', 'c', 'd']);
        expect((await fsp.readdir(dir)).sort()).to.deep.equal(['journal-000002.wal', 'snapshot-000002.snap']);
      } finally {
        await fsp.rm(other, { recursive: true, force: true });
      }
    });
  });

  describe('checkpoint cadence', () => {
    it('is due after checkpointRecords new records, and never with nothing new', async () => {
      const { d } = await openRecover(dir, { checkpointRecords: 3, checkpointSeconds: 0 });
      expect(d.needsCheckpoint()).to.equal(false);
      await d.appendMany([b('1'), b('2')]);
      expect(d.needsCheckpoint()).to.equal(false);
      await d.append(b('3'));
      expect(d.needsCheckpoint()).to.equal(true);
      await d.checkpoint([b('1'), b('2'), b('3')]);
      expect(d.needsCheckpoint()).to.equal(false);
      await d.close();
    });

    it('is due checkpointSeconds after the last checkpoint once anything was written', async () => {
      const { d } = await openRecover(dir, { checkpointSeconds: 60 });
      const later = Date.now() + 61_000;
      expect(d.needsCheckpoint(later)).to.equal(false); // nothing new: no snapshot to write
      await d.append(b('x'));
      expect(d.needsCheckpoint()).to.equal(false);
      expect(d.needsCheckpoint(later)).to.equal(true);
      await d.checkpoint([b('x')]);
      expect(d.needsCheckpoint(later)).to.equal(false);
      await d.close();
    });

    it('lets the journal grow to the size of the newest snapshot before the next one (also after a restart)', async () => {
      const opts = { checkpointBytes: 1_000, checkpointRecords: 1_000_000, checkpointSeconds: 0 };
      const { d } = await openRecover(dir, opts);
      await d.append(Buffer.alloc(1_500, 1));
      expect(d.needsCheckpoint()).to.equal(true); // past checkpointBytes, no snapshot yet
      const state = Array.from({ length: 10 }, (_, i) => Buffer.alloc(1_000, i)); // a ~10 KB snapshot
      await d.checkpoint(state);
      await d.append(Buffer.alloc(5_000, 2));
      expect(d.needsCheckpoint()).to.equal(false); // 5 KB of journal: past checkpointBytes, not past the snapshot
      await d.append(Buffer.alloc(6_000, 3));
      expect(d.needsCheckpoint()).to.equal(true); // 11 KB: larger than the snapshot
      await d.close();
      const again = await openRecover(dir, opts);
      await again.d.append(b('x')); // something new, so that a checkpoint can be due at all
      expect(again.d.needsCheckpoint()).to.equal(true); // the journal kept its 11 KB
      await again.d.checkpoint([...state, Buffer.alloc(5_000, 2), Buffer.alloc(6_000, 3)]);
      await again.d.append(Buffer.alloc(15_000, 4));
      expect(again.d.needsCheckpoint()).to.equal(false); // under the new ~21 KB snapshot
      await again.d.close();
      const third = await openRecover(dir, opts);
      await third.d.append(b('x'));
      expect(third.d.needsCheckpoint()).to.equal(false); // 15 KB of journal: the snapshot's size is read back at recovery
      await third.d.close();
    });
  });

  describe('journal sync failure', () => {
    it('rejects the failing append and every later one, and sets `failed`', async () => {
      let fail = false;
      const log: string[] = [];
      const syncHook = async (fd: number): Promise<void> => {
        if (fail) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
        await fdatasyncP(fd);
      };
      const { d } = await openRecover(dir, { syncHook, log: (m) => log.push(m) });
      await d.append(b('durable'));
      fail = true;
      const batch = await Promise.allSettled([d.append(b('x')), d.append(b('y')), d.append(b('z'))]);
      expect(batch.every((r) => r.status === 'rejected')).to.equal(true);
      const msg = /writes are stopped because the journal could not be synced/i;
      expect(((batch[0] as PromiseRejectedResult).reason as Error).message).to.match(msg);
      expect(d.failed?.message).to.match(msg).and.match(/EIO/);
      fail = false; // even a disk that "recovers" must not be trusted again
      for (const attempt of [d.append(b('later')), d.appendMany([b('l2')]), d.checkpoint([])]) {
        const e = await attempt.then(() => null, (err: Error) => err);
        expect(e?.message).to.match(msg);
      }
      expect(d.needsCheckpoint()).to.equal(false);
      expect(log.some((m) => msg.test(m))).to.equal(true);
      await d.close();
      const state = await readState(dir);
      expect(state[0]).to.equal('durable'); // x, y, z may or may not be there: never acknowledged
    });
  });
});
