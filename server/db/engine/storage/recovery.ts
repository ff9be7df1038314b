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
import { dirname, join } from 'node:path';
import { HEADER_SIZE, checkHeader, journalName, parseName, snapshotName } from './format';
import { readFully, unlinkIfExists } from './fsutil';
import { findRecord, scanRecords } from './reader';
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
      log(`storage: removing ${name}, an unfinished file left by an interrupted checkpoint or journal creation`);
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
 * Replays one journal. A bad record at the very end of the last journal, with nothing
 * valid after it, is a torn write from a crash: the file is truncated there (and fsynced)
 * so new appends follow valid data. Anything else (a bad header, a bad record in an
 * earlier journal, or one followed by valid records) is corruption of data that may have
 * been acknowledged: it throws rather than silently lose what follows.
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
      // A journal gets its final name only after its header is fsynced (JournalWriter
      // writes it under a temp name first), so a bad header is damage, never a crash.
      throw corruptError(path, 0, badHeader, 'the header was on disk before anything was written to this journal');
    }
    const r = await scanRecords(fh, HEADER_SIZE, size, onRecord, false);
    if (!r.bad) return { records: r.records, end: r.end, discarded: 0 };
    if (!isLast) throw corruptError(path, r.bad.offset, r.bad.reason, 'later journals exist');
    // Journals are written in order into fresh, zero-filled files, so a torn write from a
    // crash leaves nothing valid after it; a whole valid record after the bad one means
    // bytes in the middle were damaged, and truncating would drop acknowledged writes.
    const tail = Buffer.alloc(size - r.bad.offset);
    await readFully(fh, tail, 0, tail.length, r.bad.offset);
    const next = findRecord(tail, 1);
    if (next >= 0) throw corruptError(path, r.bad.offset, r.bad.reason, `a valid record follows at byte ${r.bad.offset + next}`);
    const discarded = size - r.end;
    log(`storage: warning: ${path}: discarding a torn tail of ${discarded} bytes at byte ${r.end} (${r.bad.reason}; nothing valid after it); ${r.records} records kept`);
    await fh.truncate(r.end);
    await fh.sync();
    return { records: r.records, end: r.end, discarded };
  } finally {
    await fh.close();
  }
}

/** Salvage command named in corruption errors (the operator's way forward besides a backup). */
export const SALVAGE_COMMAND = 'npm run db:salvage --';

/** The refusal to start on a damaged journal: which file, where, why, and what to do. */
function corruptError(path: string, offset: number, reason: string, why: string): Error {
  const dir = dirname(path);
  return Object.assign(
    new Error(
      `Nhật ký cơ sở dữ liệu ${path} bị hỏng tại byte ${offset}; không khởi động để tránh mất dữ liệu đã ghi. ` +
        `Hãy khôi phục từ bản sao lưu, hoặc chạy \`${SALVAGE_COMMAND} ${dir}\` để giữ mọi bản ghi còn nguyên. / ` +
        `storage: ${path} is corrupt at byte ${offset} (${reason}; ${why}): refusing to start rather than drop acknowledged writes. ` +
        `Restore the data directory from a backup, or run \`${SALVAGE_COMMAND} ${dir}\`, which keeps every valid record, ` +
        'reports what it drops and keeps a copy of the original files.',
    ),
    { code: 'ESTORAGECORRUPT' },
  );
}
