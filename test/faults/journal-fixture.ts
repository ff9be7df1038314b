/**
 * A data directory whose current journal holds acknowledged writes: the standalone engine
 * runs as a child process, takes `count` single inserts (each acknowledged), and is
 * SIGKILLed, so nothing is checkpointed away. Also: the record layout of a journal, to
 * damage a chosen record.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { startEngineProcess } from '../engine/engine-process';

export const JOURNAL = 'journal-000001.wal';

/** Writes `count` acknowledged documents { _id: i, name } into `dir` and SIGKILLs the engine. */
export async function journalWithAcknowledgedWrites(dir: string, count: number): Promise<void> {
  const engine = await startEngineProcess(dir);
  const client = await MongoClient.connect(engine.uri);
  try {
    const coll = client.db('faults').collection<{ _id: number; name: string }>('officers');
    for (let i = 0; i < count; i++) await coll.insertOne({ _id: i, name: `Cán bộ số ${i}` });
  } finally {
    await client.close();
  }
  engine.proc.kill('SIGKILL');
  await engine.proc.exited;
}

/** Start offsets (bytes) of the records of a journal file, and where its valid data ends. */
export function recordOffsets(file: Buffer): { offsets: number[]; end: number } {
  const offsets: number[] = [];
  let p = 16;
  while (p + 8 <= file.length) {
    const len = file.readUInt32LE(p);
    if (len === 0 && file.readUInt32LE(p + 4) === 0) break; // zero fill
    offsets.push(p);
    p += 8 + len;
  }
  return { offsets, end: p };
}

/** Flips one byte inside the payload of the record in the middle of the journal; returns that record's offset. */
export async function flipMiddleRecord(dir: string): Promise<number> {
  const path = join(dir, JOURNAL);
  const buf = await fsp.readFile(path);
  const { offsets } = recordOffsets(buf);
  const at = offsets[Math.floor(offsets.length / 2)]!;
  buf[at + 8 + 20] ^= 0x40;
  await fsp.writeFile(path, buf);
  return at;
}

/** Ids of the documents the engine in `dir` serves (started, read, stopped). */
export async function storedIds(dir: string): Promise<number[]> {
  const engine = await startEngineProcess(dir);
  const client = await MongoClient.connect(engine.uri);
  try {
    const docs = await client.db('faults').collection<{ _id: number }>('officers').find({}).sort({ _id: 1 }).toArray();
    return docs.map((d) => d._id);
  } finally {
    await client.close();
    engine.proc.kill('SIGTERM');
    await engine.proc.waitExit(30_000);
  }
}
