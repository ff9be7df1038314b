/**
 * Streaming record reader: reads a file in large chunks (8 MiB) and parses the records out
 * of memory, so replaying a million records costs a few hundred reads, not a million.
 */
import type { FileHandle } from 'node:fs/promises';
import { FOOTER_MARK, FOOTER_SIZE, FRAME_SIZE, MAX_PAYLOAD, decodeFooter, recordCrc } from './format';
import { readFully } from './fsutil';

/** Read size, in bytes. Large enough to amortise syscalls, small enough to stay cache-friendly. */
const CHUNK = 8 * 1024 * 1024;

/** Outcome of scanning one file. Offsets are file offsets in bytes. */
export interface ScanResult {
  /** Valid records delivered to the callback. */
  records: number;
  /** Sum of their payload sizes, in bytes. */
  payloadBytes: number;
  /** Offset just past the last valid record (where a torn tail starts, or the footer). */
  end: number;
  /** First invalid record, if the scan stopped on one. */
  bad: { offset: number; reason: string } | null;
  /** The snapshot footer, if one was found (only when `allowFooter`). */
  footer: { count: number; payloadBytes: number } | null;
}

/**
 * Delivers every valid record from `start` up to `fileSize` to `onRecord`, in file order,
 * stopping at the first invalid one. Each payload handed out is a fresh copy the callback
 * may keep. An exception thrown by the callback aborts the scan and propagates.
 */
export async function scanRecords(
  fh: FileHandle,
  start: number,
  fileSize: number,
  onRecord: (payload: Buffer) => void,
  allowFooter: boolean,
): Promise<ScanResult> {
  let buf = Buffer.allocUnsafe(Math.max(FOOTER_SIZE, Math.min(CHUNK, fileSize - start)));
  let have = 0; // valid bytes in buf
  let off = 0; // parse position in buf
  let bufPos = start; // file offset of buf[0]
  let readPos = start; // next file offset to read

  /** Makes at least `need` unparsed bytes available; false when the file ends first. */
  const fill = async (need: number): Promise<boolean> => {
    if (off > 0) {
      buf.copy(buf, 0, off, have);
      have -= off;
      bufPos += off;
      off = 0;
    }
    if (need > buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, buf.length * 2));
      buf.copy(bigger, 0, 0, have);
      buf = bigger;
    }
    while (have < need && readPos < fileSize) {
      const n = await readFully(fh, buf, have, Math.min(buf.length - have, fileSize - readPos), readPos);
      if (n === 0) break; // the file shrank under us: treat like EOF
      have += n;
      readPos += n;
    }
    return have >= need;
  };

  let records = 0;
  let payloadBytes = 0;
  const stop = (reason: string): ScanResult => {
    const at = bufPos + off;
    return { records, payloadBytes, end: at, bad: { offset: at, reason }, footer: null };
  };

  for (;;) {
    // Checked inline so the common case (data already buffered) costs no await per record.
    if (have - off < FRAME_SIZE && !(await fill(FRAME_SIZE))) {
      if (have - off === 0) return { records, payloadBytes, end: bufPos + off, bad: null, footer: null };
      return stop('record header runs past end of file');
    }
    const len = buf.readUInt32LE(off);
    if (len === FOOTER_MARK && allowFooter) {
      if (have - off < FOOTER_SIZE && !(await fill(FOOTER_SIZE))) return stop('footer runs past end of file');
      const footer = decodeFooter(buf.subarray(off, off + FOOTER_SIZE));
      if (!footer) return stop('invalid footer');
      if (bufPos + off + FOOTER_SIZE !== fileSize) return stop('data after footer');
      if (footer.count !== records || footer.payloadBytes !== payloadBytes) {
        return stop(`footer promises ${footer.count} records / ${footer.payloadBytes} bytes, file holds ${records} / ${payloadBytes}`);
      }
      return { records, payloadBytes, end: bufPos + off, bad: null, footer };
    }
    if (len > MAX_PAYLOAD) return stop(`implausible record length ${len}`);
    const need = FRAME_SIZE + len;
    if (have - off < need && !(await fill(need))) return stop('record runs past end of file');
    const payload = buf.subarray(off + FRAME_SIZE, off + need);
    if (recordCrc(payload) !== buf.readUInt32LE(off + 4)) return stop('checksum mismatch');
    // Copy: buf is reused for the next chunk, and callers may keep payloads.
    const copy = Buffer.allocUnsafe(len);
    payload.copy(copy);
    off += need;
    records++;
    payloadBytes += len;
    onRecord(copy);
  }
}

/** Checksum a zero-length record must carry; lets the search below skip zero fill without hashing. */
const EMPTY_RECORD_CRC = recordCrc(Buffer.alloc(0));

/**
 * Offset of the first whole, valid record (frame + payload, checksum matching) that starts
 * at or after `from` in `buf`, or -1. Used after a bad record to tell a torn tail (nothing
 * valid after it: the unsynced end of the last write) from corruption (acknowledged
 * records after it). Journal files are created fresh and zero-filled, never reused, so
 * nothing old can lie beyond the end of what was written.
 */
export function findRecord(buf: Buffer, from: number): number {
  for (let p = from; p + FRAME_SIZE <= buf.length; p++) {
    const len = buf.readUInt32LE(p);
    if (len > MAX_PAYLOAD || p + FRAME_SIZE + len > buf.length) continue;
    const crc = buf.readUInt32LE(p + 4);
    if (len === 0 ? crc === EMPTY_RECORD_CRC : recordCrc(buf.subarray(p + FRAME_SIZE, p + FRAME_SIZE + len)) === crc) return p;
  }
  return -1;
}
