/**
 * Recovery: choose the newest complete snapshot, replay it, then replay every journal of
 * its generation and later, in order.
 *
 * Invariants relied on (kept by DataDir): journal g is created durably before snapshot g
 * is published, and files older than snapshot g are deleted only after it is durable.
 * Hence the journals needed always form an unbroken run of generations starting at the
 * chosen snapshot's generation (or at 1 when there is no snapshot); a gap means a file
 * went missing and recovery refuses rather than silently losing data.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { HEADER_SIZE, checkHeader, encodeHeader, journalName, parseName, snapshotName } from './format';
import { fsyncDir, readFully, unlinkIfExists, writeAll } from './fsutil';
import { scanRecords } from './reader';
import { checkSnapshot, replaySnapshot } from './snapshot';

/** What recovery found; offsets and sizes in bytes. */
export interface RecoveryResult {
  snapshotRecords: number;
  journalRecords: number;
  tornBytesDiscarded: number;
  /** Generation of the last journal and the end of its valid data; null for a fresh directory. */
  last: { gen: number; end: number } | null;
  /** Sizes of the journals replayed, by generation. */
  journalBytes: Map<number, number>;
}

export async function recoverDir(
  dir: string,
  onSnapshotRecord: (p: Buffer) => void,
  onJournalRecord: (p: Buffer) => void,
  log: (m: string) => void,
): Promise<RecoveryResult> {
  const snaps: number[] = [];
  const journals: number[] = [];
  for (const name of await fsp.readdir(dir)) {
    const p = parseName(name);
    if (!p) continue;
    if (p.kind === 'temp') {
      log(`storage: removing unfinished snapshot ${name} left by an interrupted checkpoint`);
      await unlinkIfExists(join(dir, name));
    } else (p.kind === 'snapshot' ? snaps : journals).push(p.gen);
  }
  snaps.sort((a, b) => b - a);
  journals.sort((a, b) => a - b);

  // Newest complete snapshot. Snapshots are renamed into place only once complete, so an
  // incomplete one means damage: it is set aside as *.corrupt (kept for inspection, no
  // longer matched by parseName) and recovery falls back to the previous snapshot.
  let base: number | null = null;
  for (const g of snaps) {
    const why = await checkSnapshot(dir, g);
    if (why === null) {
      base = g;
      break;
    }
    const name = snapshotName(g);
    log(`storage: ignoring incomplete snapshot ${name} (${why}); renamed to ${name}.corrupt`);
    await fsp.rename(join(dir, name), join(dir, `${name}.corrupt`));
  }

  // Files older than the chosen snapshot are leftovers of a checkpoint's clean-up phase.
  if (base !== null) {
    for (const g of snaps) if (g < base) await unlinkIfExists(join(dir, snapshotName(g)));
    for (const g of journals) if (g < base) await unlinkIfExists(join(dir, journalName(g)));
  }
  const needed = journals.filter((g) => base === null || g >= base);
  const first = base ?? 1;
  needed.forEach((g, i) => {
    if (g !== first + i) {
      throw new Error(
        `storage: ${join(dir, journalName(first + i))} is missing (found ${needed.map(journalName).join(', ') || 'no journal'}` +
          `${base === null ? ' and no complete snapshot' : ` after ${snapshotName(base)}`}); refusing to start with a gap in the history`,
      );
    }
  });
  if (base !== null && needed.length === 0) {
    throw new Error(`storage: ${join(dir, journalName(base))} is missing after ${snapshotName(base)}; refusing to start`);
  }

  const result: RecoveryResult = { snapshotRecords: 0, journalRecords: 0, tornBytesDiscarded: 0, last: null, journalBytes: new Map() };
  if (base !== null) {
    log(`storage: replaying ${snapshotName(base)}`);
    result.snapshotRecords = await replaySnapshot(dir, base, onSnapshotRecord);
  }
  for (const [i, g] of needed.entries()) {
    const isLast = i === needed.length - 1;
    const r = await replayJournal(dir, g, isLast, onJournalRecord, log);
    result.journalRecords += r.records;
    result.tornBytesDiscarded += r.discarded;
    result.journalBytes.set(g, r.end);
    if (isLast) result.last = { gen: g, end: r.end };
  }
  return result;
}

/**
 * Replays one journal. A bad record in the last journal is a torn write from a crash:
 * the file is truncated there (and fsynced) so new appends follow valid data. In an
 * earlier journal the same thing is corruption of data that was acknowledged, and
 * dropping it would silently lose everything after it, so it throws.
 */
async function replayJournal(
  dir: string,
  gen: number,
  isLast: boolean,
  onRecord: (p: Buffer) => void,
  log: (m: string) => void,
): Promise<{ records: number; end: number; discarded: number }> {
  const path = join(dir, journalName(gen));
  const fh = await fsp.open(path, isLast ? 'r+' : 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(HEADER_SIZE);
    await readFully(fh, head, 0, HEADER_SIZE, 0);
    const badHeader = checkHeader(head.subarray(0, Math.min(size, HEADER_SIZE)), 'journal', gen);
    if (badHeader) {
      // A crash while creating the newest journal can leave it without a whole header;
      // nothing can have been acknowledged in it yet, so it is rewritten empty.
      if (isLast && size <= HEADER_SIZE) {
        log(`storage: rewriting the unfinished header of ${path} (${badHeader})`);
        await fh.truncate(0);
        await writeAll(fh, [encodeHeader('journal', gen)], 0);
        await fh.sync();
        await fsyncDir(dir);
        return { records: 0, end: HEADER_SIZE, discarded: size };
      }
      throw new Error(`storage: ${path} is not a valid journal: ${badHeader}`);
    }
    const r = await scanRecords(fh, HEADER_SIZE, size, onRecord, false);
    if (!r.bad) return { records: r.records, end: r.end, discarded: 0 };
    if (!isLast) {
      throw new Error(
        `storage: ${path} is corrupt at byte ${r.bad.offset} (${r.bad.reason}) but later journals exist; ` +
          'refusing to start rather than drop acknowledged writes — restore from a backup',
      );
    }
    const discarded = size - r.end;
    log(`storage: ${path}: discarding a torn tail of ${discarded} bytes at byte ${r.end} (${r.bad.reason}); ${r.records} records kept`);
    await fh.truncate(r.end);
    await fh.sync();
    return { records: r.records, end: r.end, discarded };
  } finally {
    await fh.close();
  }
}
