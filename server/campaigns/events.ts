/**
 * "These officers' enrolments changed" (materialised, exempted, due date moved): features
 * that keep something per enrolment (the dashboards' roll-up) listen here, so the
 * campaigns never import them. Listeners are awaited: when a command returns, the
 * dashboards are current.
 */
import type { Connection, Types } from 'mongoose';

export type EnrolmentsListener = (db: Connection, officerIds: readonly Types.ObjectId[]) => Promise<void>;

const listeners = new Set<EnrolmentsListener>();

/** Adds a listener (once, however often it is added); returns its removal. */
export function onEnrolmentsChanged(listener: EnrolmentsListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells every listener that these officers' enrolments changed. */
export async function enrolmentsChanged(db: Connection, officerIds: readonly Types.ObjectId[]): Promise<void> {
  if (officerIds.length === 0) return;
  for (const listener of listeners) await listener(db, officerIds);
}
