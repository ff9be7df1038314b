/**
 * Salvage: the explicit, operator-run way past a damaged journal (recovery refuses to
 * start on one). Every journal is copied to a backup folder first, then rewritten with
 * every whole, valid record it holds, in order; the damaged byte ranges are reported
 * (offset and length) so the operator knows what was lost. Snapshots are not touched:
 * recovery already falls back from an incomplete one to the previous snapshot.
 */
import { promises as fsp } from 'node:fs';
import { join, resolve } from 'node:path';
import { FRAME_SIZE, HEADER_SIZE, MAX_PAYLOAD, checkHeader, encodeHeader, journalName, parseName, recordCrc } from './format';
import { fsyncDir, writeAll } from './fsutil';
import { DirLock } from './lock';
import { findRecord } from './reader';

/** A byte range dropped from a journal; offsets and lengths in bytes. */
export interface DroppedRange {
  offset: number;
  bytes: number;
}

/** What salvage did to one journal. */
export interface SalvagedJournal {
  file: string;
  /** Valid records kept, in their original order. */
  kept: number;
  /** Damaged ranges dropped (bytes that were not zero fill). */
  dropped: DroppedRange[];
  /** Unused zero fill cut off the end (preallocated space, never data), in bytes. */
  zeroFillBytes: number;
  /** True when the file was rewritten (something was dropped or trimmed). */
  rewritten: boolean;
}

export interface SalvageReport {
  dir: string;
  /** Folder inside `dir` holding a copy of every journal and snapshot as found. */
  backupDir: string;
  journals: SalvagedJournal[];
}

/** Salvages the data directory `dir` (the engine must not be running: the directory lock is taken). */
export async function salvageDir(dir: string, log: (m: string) => void = () => undefined): Promise<SalvageReport> {
  const real = await fsp.realpath(resolve(dir));
  const lock = await DirLock.acquire(real, log);
  try {
    const names = (await fsp.readdir(real)).filter((n) => parseName(n) !== null || n.endsWith('.corrupt')).sort();
    const backupDir = join(real, `salvage-backup-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    await fsp.mkdir(backupDir, { mode: 0o700 });
    for (const n of names) await fsp.copyFile(join(real, n), join(backupDir, n));
    await fsyncDir(backupDir);
    log(`salvage: copied ${names.length} files to ${backupDir}`);
    const journals: SalvagedJournal[] = [];
    for (const n of names) {
      const p = parseName(n);
      if (p?.kind === 'journal') journals.push(await salvageJournal(real, p.gen, log));
    }
    return { dir: real, backupDir, journals };
  } finally {
    await lock.release();
  }
}

/** Valid record at `p` in `buf`: its total length (frame + payload), or 0. */
function recordAt(buf: Buffer, p: number): number {
  if (p + FRAME_SIZE > buf.length) return 0;
  const len = buf.readUInt32LE(p);
  if (len > MAX_PAYLOAD || p + FRAME_SIZE + len > buf.length) return 0;
  return recordCrc(buf.subarray(p + FRAME_SIZE, p + FRAME_SIZE + len)) === buf.readUInt32LE(p + 4) ? FRAME_SIZE + len : 0;
}

const allZero = (b: Buffer): boolean => b.every((x) => x === 0);

async function salvageJournal(dir: string, gen: number, log: (m: string) => void): Promise<SalvagedJournal> {
  const file = join(dir, journalName(gen));
  const buf = await fsp.readFile(file);
  const kept: Buffer[] = [];
  const dropped: DroppedRange[] = [];
  let zeroFillBytes = 0;
  const headerBad = checkHeader(buf.subarray(0, HEADER_SIZE), 'journal', gen);
  if (headerBad) dropped.push({ offset: 0, bytes: Math.min(HEADER_SIZE, buf.length) });
  let p = HEADER_SIZE;
  while (p < buf.length) {
    const n = recordAt(buf, p);
    if (n > 0) {
      kept.push(buf.subarray(p, p + n));
      p += n;
      continue;
    }
    const next = findRecord(buf, p + 1);
    const end = next < 0 ? buf.length : next;
    if (next < 0 && allZero(buf.subarray(p))) zeroFillBytes = end - p;
    else dropped.push({ offset: p, bytes: end - p });
    p = end;
  }
  const rewritten = dropped.length > 0 || zeroFillBytes > 0;
  if (rewritten) {
    const temp = `${file}.salvage`;
    const fh = await fsp.open(temp, 'w', 0o600);
    try {
      await writeAll(fh, [encodeHeader('journal', gen), ...kept], 0);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(temp, file);
    await fsyncDir(dir);
  }
  const lost = dropped.map((d) => `${d.bytes} bytes at byte ${d.offset}`).join(', ');
  log(`salvage: ${journalName(gen)}: kept ${kept.length} records; ${dropped.length ? `dropped ${lost}` : 'nothing damaged'}` + (zeroFillBytes ? `; trimmed ${zeroFillBytes} bytes of zero fill` : ''));
  return { file, kept: kept.length, dropped, zeroFillBytes, rewritten };
}
