/**
 * "An officer's learning moved on" (a module started, a lesson read, an attempt submitted,
 * a module completed): features that keep something per officer's progress — the
 * dashboards' counters, certificates — listen here, so the progress service never
 * imports them. Listeners are awaited after the event is stored: when a learning request
 * returns, what depends on it is current.
 */
import type { Connection, Types } from 'mongoose';
import type { LearningEventType } from './model';

export interface LearningEvent {
  type: LearningEventType;
  at: Date;
  officerId: Types.ObjectId;
  moduleId: Types.ObjectId;
  year: number;
  version: number;
  itemKey?: string | null;
  details?: Record<string, unknown>;
}

export type LearningListener = (db: Connection, event: LearningEvent) => Promise<void>;

const listeners = new Set<LearningListener>();

/** Adds a listener (once, however often it is added); returns its removal. */
export function onLearningEvent(listener: LearningListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells every listener about `event` (already stored). */
export async function learningEventRecorded(db: Connection, event: LearningEvent): Promise<void> {
  for (const listener of listeners) await listener(db, event);
}
