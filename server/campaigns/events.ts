/**
 * "These officers' enrolments changed" (materialised, exempted, due date moved): features
 * that keep something per enrolment (the dashboards' roll-up) listen here, so the
 * campaigns never import them. Listeners are awaited: when a command returns, the
 * dashboards are current.
 */
import type { Connection, Types } from 'mongoose';
import type { Enrolment } from './model';

/** An enrolment as the materialiser inserted it (the fields a listener may rely on). */
export type CreatedEnrolment = Pick<Enrolment, '_id' | 'campaignId' | 'year' | 'moduleId' | 'officerId' | 'unitId' | 'dueDate' | 'state'>;

/**
 * `officerIds`: officers whose enrolments changed (read them back); `created`: enrolments
 * just inserted, as written, which a listener handles without reading them back (a whole
 * campaign's materialisation) — their officers are not repeated in `officerIds` unless
 * some other enrolment of theirs changed too.
 */
export type EnrolmentsListener = (db: Connection, officerIds: readonly Types.ObjectId[], created?: readonly CreatedEnrolment[]) => Promise<void>;

const listeners = new Set<EnrolmentsListener>();

/** Adds a listener (once, however often it is added); returns its removal. */
export function onEnrolmentsChanged(listener: EnrolmentsListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells every listener that these officers' enrolments changed and these enrolments were created. */
export async function enrolmentsChanged(db: Connection, officerIds: readonly Types.ObjectId[], created: readonly CreatedEnrolment[] = []): Promise<void> {
  if (officerIds.length === 0 && created.length === 0) return;
  for (const listener of listeners) await listener(db, officerIds, created);
}
