/**
 * Input files of background jobs (an uploaded officer list), kept in the database so
 * that whichever instance runs the job — or resumes it after a crash — can read them.
 * A file is cut into chunks well under MongoDB's 16 MB document limit; it expires by
 * itself (the jobs' clean-up removes expired files).
 */
import { Writable } from 'node:stream';
import { Schema, Types, trusted, type Connection } from 'mongoose';
import { defineModel } from '../db/models';

interface FileChunk {
  _id: Types.ObjectId;
  fileId: Types.ObjectId;
  n: number;
  data: Buffer;
  expiresAt: Date;
}

const chunkSchema = new Schema<FileChunk>(
  {
    fileId: { type: Schema.Types.ObjectId, required: true },
    n: { type: Number, required: true },
    data: { type: Buffer, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'job_files', versionKey: false },
);
chunkSchema.index({ fileId: 1, n: 1 }, { unique: true });
chunkSchema.index({ expiresAt: 1 });

const chunkModels = defineModel<FileChunk>('JobFileChunk', chunkSchema);

/** Bytes per chunk: 1 MiB keeps every write and reply small. */
const CHUNK_BYTES = 1024 * 1024;
/** How long a job's input file is kept, in ms: long enough for a dry run to be committed later that day. */
export const JOB_FILE_LIFETIME_MS = 24 * 3600_000;

/** Stores `data` and returns its id (hex); nothing is readable until every chunk is written. */
export async function saveJobFile(db: Connection, data: Buffer, now: Date): Promise<string> {
  const Chunk = await chunkModels.ready(db);
  const fileId = new Types.ObjectId();
  const expiresAt = new Date(now.getTime() + JOB_FILE_LIFETIME_MS);
  const count = Math.max(1, Math.ceil(data.length / CHUNK_BYTES));
  try {
    for (let n = 0; n < count; n++) {
      await Chunk.collection.insertOne({ _id: new Types.ObjectId(), fileId, n, data: data.subarray(n * CHUNK_BYTES, (n + 1) * CHUNK_BYTES), expiresAt });
    }
  } catch (error) {
    await Chunk.deleteMany({ fileId }).catch(() => undefined);
    throw error;
  }
  return fileId.toHexString();
}

/** The file `id`, or null when it expired or never existed. */
export async function readJobFile(db: Connection, id: string): Promise<Buffer | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  // the driver directly, asking for Buffers (mongoose's lean reads give BSON Binary objects)
  const chunks = (await chunkModels.model(db).collection.find({ fileId: new Types.ObjectId(id) }, { sort: { n: 1 }, promoteBuffers: true }).toArray()) as unknown as FileChunk[];
  if (chunks.length === 0) return null;
  // a gap means a file cut short by a crash while it was being saved
  if (chunks.some((chunk, index) => chunk.n !== index)) return null;
  return Buffer.concat(chunks.map((chunk) => chunk.data));
}

/** Removes the file `id` (nothing when already gone). */
export async function deleteJobFile(db: Connection, id: string): Promise<void> {
  if (Types.ObjectId.isValid(id)) await chunkModels.model(db).deleteMany({ fileId: new Types.ObjectId(id) });
}

/** Removes the chunks of every file expired at `now`; returns how many chunks. */
export async function deleteExpiredJobFiles(db: Connection, now: Date): Promise<number> {
  const { deletedCount } = await chunkModels.model(db).deleteMany({ expiresAt: trusted({ $lt: now }) });
  return deletedCount;
}

/**
 * A job file written as a stream (a ZIP a job builds): chunks are stored as they fill, so
 * memory holds at most one chunk. `id` is known at once; the file is complete when the
 * stream has finished (a job hands the id out only then). A failed stream removes its chunks.
 */
export function jobFileWriter(db: Connection, now: Date): { id: string; stream: Writable } {
  const fileId = new Types.ObjectId();
  const expiresAt = new Date(now.getTime() + JOB_FILE_LIFETIME_MS);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let n = 0;
  const store = async (data: Buffer) => {
    const Chunk = await chunkModels.ready(db);
    await Chunk.collection.insertOne({ _id: new Types.ObjectId(), fileId, n: n++, data, expiresAt });
  };
  const stream = new Writable({
    highWaterMark: CHUNK_BYTES,
    write(chunk: Buffer, _encoding, done) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < CHUNK_BYTES) return done();
      let whole = Buffer.concat(pending);
      const pieces: Buffer[] = [];
      while (whole.length >= CHUNK_BYTES) {
        pieces.push(whole.subarray(0, CHUNK_BYTES));
        whole = whole.subarray(CHUNK_BYTES);
      }
      pending = [whole];
      pendingBytes = whole.length;
      (async () => {
        for (const piece of pieces) await store(piece);
      })().then(() => done(), done);
    },
    final(done) {
      const rest = Buffer.concat(pending);
      pending = [];
      store(rest).then(() => done(), done);
    },
    destroy(error, done) {
      if (!error) return done(null);
      chunkModels.model(db).deleteMany({ fileId }).then(() => done(error), () => done(error));
    },
  });
  return { id: fileId.toHexString(), stream };
}

/** The file `id` chunk by chunk (a download streams it; memory holds one chunk). Empty when it is gone. */
export async function* jobFileChunks(db: Connection, id: string): AsyncGenerator<Buffer> {
  if (!Types.ObjectId.isValid(id)) return;
  const fileId = new Types.ObjectId(id);
  for (let n = 0; ; n++) {
    const chunk = (await chunkModels.model(db).collection.findOne({ fileId, n }, { promoteBuffers: true })) as unknown as FileChunk | null;
    if (!chunk) return;
    yield chunk.data;
  }
}

/** True when the file `id` has its first chunk (it has not expired). */
export async function jobFileExists(db: Connection, id: string): Promise<boolean> {
  return Types.ObjectId.isValid(id) && (await chunkModels.model(db).exists({ fileId: new Types.ObjectId(id), n: 0 })) !== null;
}
