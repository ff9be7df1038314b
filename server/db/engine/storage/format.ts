/**
 * On-disk format of journal (`.wal`) and snapshot (`.snap`) files.
 *
 * Every file starts with a 16-byte header:
 *   [4 magic 'VHCJ' | 'VHCS'][u16 LE format version][u16 LE reserved][u32 LE generation][u32 LE crc32 of bytes 0..11]
 * followed by records:
 *   [u32 LE payload length][u32 LE crc][payload]
 * where crc = crc32(payload) seeded with crc32 of the 4 length bytes. Covering the length
 * too means a zero-filled region (what ext4 may leave after a crash that extended the file
 * size before its data blocks were written) never parses as a valid empty record, and a
 * corrupted length is caught even when it happens to land on a plausible boundary.
 *
 * Snapshot files end with a 28-byte footer in place of a record:
 *   [u32 0xFFFFFFFF][4 magic 'VHCF'][u64 LE record count][u64 LE payload bytes][u32 LE crc32 of bytes 4..23]
 * A snapshot without a valid footer at exactly the end of the file is incomplete.
 */
import { crc32 } from 'node:zlib';

/** Largest payload accepted, in bytes (48 MiB): keeps a single record well below memory limits of readers. */
export const MAX_PAYLOAD = 48 * 1024 * 1024;
/** Size of the file header, in bytes. */
export const HEADER_SIZE = 16;
/** Size of a record's framing (length + crc), in bytes. */
export const FRAME_SIZE = 8;
/** Size of the snapshot footer, in bytes. */
export const FOOTER_SIZE = 28;
/** Length value that marks the footer; can never be a payload length since it exceeds MAX_PAYLOAD. */
export const FOOTER_MARK = 0xffffffff;
export const FORMAT_VERSION = 1;

export type FileKind = 'journal' | 'snapshot';
const MAGIC: Record<FileKind, string> = { journal: 'VHCJ', snapshot: 'VHCS' };
const FOOTER_MAGIC = 'VHCF';

const pad = (gen: number): string => String(gen).padStart(6, '0');
export const journalName = (gen: number): string => `journal-${pad(gen)}.wal`;
export const snapshotName = (gen: number): string => `snapshot-${pad(gen)}.snap`;
/** Snapshots are written under this name and renamed only once complete and fsynced. */
export const snapshotTempName = (gen: number): string => `${snapshotName(gen)}.tmp`;
export const LOCK_NAME = 'LOCK';

/** Parses a directory entry name into its kind and generation; null for anything else. */
export function parseName(name: string): { kind: FileKind | 'temp'; gen: number } | null {
  const m = /^(journal|snapshot)-(\d{6,})\.(wal|snap)(\.tmp)?$/.exec(name);
  if (!m) return null;
  const kind = m[1] as FileKind;
  if ((kind === 'journal') !== (m[3] === 'wal')) return null;
  return { kind: m[4] ? 'temp' : kind, gen: Number(m[2]) };
}

/** Encodes a file header for `kind` and `gen`. */
export function encodeHeader(kind: FileKind, gen: number): Buffer {
  const b = Buffer.alloc(HEADER_SIZE);
  b.write(MAGIC[kind], 0, 'latin1');
  b.writeUInt16LE(FORMAT_VERSION, 4);
  b.writeUInt32LE(gen, 8);
  b.writeUInt32LE(crc32(b.subarray(0, 12)), 12);
  return b;
}

/** Validates a header; returns an explanation of what is wrong, or null if it is a valid header of `kind`/`gen`. */
export function checkHeader(b: Buffer, kind: FileKind, gen: number): string | null {
  if (b.length < HEADER_SIZE) return `file is shorter than its ${HEADER_SIZE}-byte header`;
  if (b.toString('latin1', 0, 4) !== MAGIC[kind]) return `not a ${kind} file (bad magic)`;
  if (b.readUInt32LE(12) !== crc32(b.subarray(0, 12))) return 'header checksum mismatch';
  const version = b.readUInt16LE(4);
  if (version !== FORMAT_VERSION) return `unsupported format version ${version} (this build reads ${FORMAT_VERSION})`;
  const g = b.readUInt32LE(8);
  if (g !== gen) return `header says generation ${g}, file name says ${gen}`;
  return null;
}

/** CRC-32 (IEEE, as zlib) lookup table, used only for the 4 length bytes. */
const CRC_TABLE = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

/**
 * crc32 of the 4 little-endian bytes of `len`, computed in JS: equal to
 * zlib.crc32(those bytes) but without a subarray and a native call per record, which
 * otherwise cost as much as checksumming a 100-byte payload.
 */
export function lengthCrc(len: number): number {
  let c = ~0;
  for (let i = 0; i < 32; i += 8) c = CRC_TABLE[(c ^ (len >>> i)) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** Checksum of one record: crc32 of its 4 length bytes, continued over the payload. */
export function recordCrc(payload: Buffer): number {
  return crc32(payload, lengthCrc(payload.length));
}

/**
 * Writes the framed record for `payload` (frame + a copy of the payload) into `out` at
 * byte `at`; returns the offset just past it. The checksum is computed from the copy, so
 * what reaches the disk is exactly what was checksummed even if the caller later reuses
 * its buffer (a mismatch would look like a torn tail and cut off later records).
 */
export function writeRecord(out: Buffer, at: number, payload: Buffer): number {
  out.writeUInt32LE(payload.length, at);
  const copy = out.subarray(at + FRAME_SIZE, at + FRAME_SIZE + payload.length);
  payload.copy(copy);
  out.writeUInt32LE(recordCrc(copy), at + 4);
  return at + FRAME_SIZE + payload.length;
}

/** Validates `payloads` and encodes them as consecutive framed records in one new Buffer. */
export function encodeRecords(payloads: Buffer[]): Buffer {
  let size = 0;
  for (const p of payloads) {
    checkPayload(p);
    size += FRAME_SIZE + p.length;
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const p of payloads) at = writeRecord(out, at, p);
  return out;
}

/** Encodes the snapshot footer for `count` records totalling `payloadBytes` bytes of payload. */
export function encodeFooter(count: number, payloadBytes: number): Buffer {
  const b = Buffer.alloc(FOOTER_SIZE);
  b.writeUInt32LE(FOOTER_MARK, 0);
  b.write(FOOTER_MAGIC, 4, 'latin1');
  b.writeBigUInt64LE(BigInt(count), 8);
  b.writeBigUInt64LE(BigInt(payloadBytes), 16);
  b.writeUInt32LE(crc32(b.subarray(4, 24)), 24);
  return b;
}

/** Decodes a footer; null when the bytes are not a valid footer. */
export function decodeFooter(b: Buffer): { count: number; payloadBytes: number } | null {
  if (b.length !== FOOTER_SIZE || b.readUInt32LE(0) !== FOOTER_MARK) return null;
  if (b.toString('latin1', 4, 8) !== FOOTER_MAGIC) return null;
  if (b.readUInt32LE(24) !== crc32(b.subarray(4, 24))) return null;
  return { count: Number(b.readBigUInt64LE(8)), payloadBytes: Number(b.readBigUInt64LE(16)) };
}

/** Throws unless `payload` is a Buffer that may be stored as one record. */
export function checkPayload(payload: Buffer): void {
  if (!Buffer.isBuffer(payload)) throw new TypeError('storage payload must be a Buffer');
  if (payload.length > MAX_PAYLOAD) {
    throw new Error(`storage record of ${payload.length} bytes exceeds the ${MAX_PAYLOAD}-byte (48 MiB) limit`);
  }
}
