/**
 * Runs a unit of work in a multi-document transaction. The driver's withTransaction
 * retries the whole callback on a transient error (e.g. a WriteConflict when two
 * commands touch the same document), so `work` must only read and write through
 * `session` and have no other side effects.
 */
import type { ClientSession, Connection } from 'mongoose';

export async function inTransaction<T>(connection: Connection, work: (session: ClientSession) => Promise<T>): Promise<T> {
  const session = await connection.startSession();
  try {
    return await session.withTransaction(() => work(session));
  } finally {
    await session.endSession();
  }
}
