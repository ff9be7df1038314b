/**
 * Input files of background jobs (an uploaded officer list), kept in the database so
 * that whichever instance runs the job — or resumes it after a crash — can read them.
 * A file is cut into chunks well under MongoDB's 16 MB document limit; it expires by
 * itself (the jobs' clean-up removes expired files).
 */
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
