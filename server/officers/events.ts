/**
 * "These officers changed" (created, edited, moved, left, imported): features that keep
 * something per officer (the campaigns' enrolments) listen here, so the officer commands
 * never import those features. Listeners are awaited: when a command returns, what
 * depends on the officers is current.
 */
import type { Connection, Types } from 'mongoose';

export type OfficersListener = (db: Connection, officerIds: readonly Types.ObjectId[]) => Promise<void>;

const listeners = new Set<OfficersListener>();

/** Adds a listener (once, however often it is added); returns its removal. */
export function onOfficersChanged(listener: OfficersListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells every listener that these officers changed. */
export async function officersChanged(db: Connection, officerIds: readonly Types.ObjectId[]): Promise<void> {
  if (officerIds.length === 0) return;
  for (const listener of listeners) await listener(db, officerIds);
}
